"""Cancellation for long core work (sync, imports, route ordering), free of any UI toolkit.

A core function that may run for a while takes a `CancelToken` and calls
`raise_if_cancelled()` between units of work; the caller (the UI's worker, the CLI on
Ctrl+C) calls `cancel()` from any thread. `Cancelled` is silent: nobody shows it as an error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Progress = Callable[[str, float], None]
"""Reports progress: a short label and a fraction in [0, 1] (negative when unknown)."""


class Cancelled(Exception):  # noqa: N818 - reads as the event it signals
    """The user cancelled the work; nothing to report."""


class CancelToken:
    """Thread-safe flag set once by whoever wants the work to stop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_label: str, _fraction: float) -> None:
    """A progress callback for callers that do not display progress."""


def report(progress: Progress | None, message: str, fraction: float) -> None:
    """Tell `progress` (when the caller gave one) how far the work is."""
    if progress is not None:
        progress(message, fraction)


def check(cancel: CancelToken | None) -> None:
    """Stop here (the token's exception) when the caller gave a token and cancelled it."""
    if cancel is not None:
        cancel.raise_if_cancelled()
