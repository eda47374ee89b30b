"""What applying one mutation produced; `push` turns it into a MutationResult."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outcome:
    version: int | None
    reason: str | None = None
    conflict_copy_id: str | None = None
