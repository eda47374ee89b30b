"""Coaching read models: a manager's comment or field-coaching visit, as screens show it
(built by `services.coaching.CoachingService`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

COMMENT, FIELD_VISIT = "comment", "field_visit"


@dataclass(frozen=True, slots=True)
class CoachingComment:
    id: str
    rep_username: str
    call_note_id: str | None
    author: str
    text: str
    created_at: str  # UTC ISO instant
    kind: str = COMMENT  # COMMENT or FIELD_VISIT
    day: date | None = None  # a week's Monday (a comment on a week) or a visit's day
    skills: Mapping[str, int] = field(default_factory=dict)  # FIELD_VISIT: skill -> 1..5
    acknowledged_at: str | None = None  # UTC ISO instant the rep acknowledged it

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def subject(self) -> str:
        """What the comment is about, in words: "call note", "week of 23 Nov"..."""
        if self.kind == FIELD_VISIT:
            return f"field visit on {self.day:%a %d %b %Y}" if self.day else "field visit"
        if self.call_note_id:
            return "call note"
        if self.day is not None:
            return f"week of {self.day:%d %b %Y}"
        return "general"
