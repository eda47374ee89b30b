"""Call notes: what happened when a rep met, phoned or wrote to an HCP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fieldrep.domain.enums import CallStatus, Channel, Outcome, Sentiment
from fieldrep.domain.errors import LockedError, ValidationError

MAX_DURATION_MINUTES = 8 * 60
MAX_INSIGHTS_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class FollowUp:
    description: str
    due: date
    done: bool = False


@dataclass(frozen=True, slots=True)
class CallDraft:
    """What the rep fills in; the service turns it into a stored CallNote."""

    hcp_id: str
    channel: Channel
    started_at: datetime
    duration_minutes: int = 15
    products: tuple[str, ...] = ()
    key_messages: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    outcome: Outcome | None = None
    sentiment: Sentiment | None = None
    insights: str = ""
    follow_ups: tuple[FollowUp, ...] = ()
    suggestion_id: str | None = None


@dataclass(frozen=True, slots=True)
class CallNote:
    id: str
    hcp_id: str
    author: str
    channel: Channel
    started_at: datetime
    duration_minutes: int
    status: CallStatus
    products: tuple[str, ...] = ()
    key_messages: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    outcome: Outcome | None = None
    sentiment: Sentiment | None = None
    insights: str = ""
    follow_ups: tuple[FollowUp, ...] = field(default_factory=tuple)
    suggestion_id: str | None = None
    submitted_at: datetime | None = None
    conflict_of: str | None = None
    version: int = 0

    @property
    def is_locked(self) -> bool:
        return self.status is CallStatus.SUBMITTED


def validate_call(draft: CallDraft, approved_message_ids: frozenset[str] | None = None) -> None:
    """Check a call as a rep would want it checked, with the reason in plain words."""
    if not draft.hcp_id.strip():
        raise ValidationError("Choose the HCP this call was with.")
    if not 0 < draft.duration_minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            f"Duration must be between 1 and {MAX_DURATION_MINUTES} minutes "
            f"(got {draft.duration_minutes})."
        )
    if len(draft.insights) > MAX_INSIGHTS_CHARS:
        raise ValidationError(f"Insights are limited to {MAX_INSIGHTS_CHARS:,} characters.")
    call_day = draft.started_at.date()
    for follow_up in draft.follow_ups:
        if not follow_up.description.strip():
            raise ValidationError("Each follow-up needs a short description.")
        if follow_up.due < call_day:
            raise ValidationError(
                f"Follow-up '{follow_up.description}' is due {follow_up.due.isoformat()}, "
                f"before the call on {call_day.isoformat()}."
            )
    if approved_message_ids is not None:
        unknown = [m for m in draft.key_messages if m not in approved_message_ids]
        if unknown:
            raise ValidationError(
                f"Key message(s) {', '.join(unknown)} are not in the approved catalogue."
            )


def ensure_editable(note: CallNote) -> None:
    if note.is_locked:
        raise LockedError(
            "This call note was submitted and is locked. Log a new call to add to it."
        )
