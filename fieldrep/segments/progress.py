"""Small adapters so segment and NBA code can report progress and honour cancel tokens."""

from __future__ import annotations

from fieldrep.tasks import CancelToken, Progress


def report(progress: Progress | None, message: str, fraction: float) -> None:
    if progress is not None:
        progress(message, fraction)


def check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()
