"""Call notes: what happened when a rep met, phoned or wrote to an HCP."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from fieldrep.compliance import call_record
from fieldrep.compliance.call_record import (
    RecordProblem,
    duration_problem,
    record_problems,
)
from fieldrep.domain.enums import CallStatus, Channel, Outcome, Sentiment
from fieldrep.domain.errors import LockedError, ValidationError

MAX_DURATION_MINUTES = call_record.MAX_DURATION_MINUTES
MAX_INSIGHTS_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class FollowUp:
    description: str
    due: date
    done: bool = False


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    """A follow-up not done yet, with the note it belongs to (`calls.follow_ups_due`)."""

    note_id: str
    hcp_id: str
    index: int  # its position in the note (`calls.set_follow_up_done`)
    follow_up: FollowUp


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
class Contact:
    """A call with an HCP by another rep (its former rep), as the territory receives it
    when the HCP is realigned here: no text, only what the contact rules need."""

    id: str
    hcp_id: str
    author: str
    channel: Channel
    started_at: datetime
    duration_minutes: int
    outcome: Outcome | None
    products: tuple[str, ...]


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


class IncompleteCallError(ValidationError):
    """A call that may be saved as a draft but not submitted; `problems` says, per
    field, what to fix (the call log shows each next to its field)."""

    def __init__(self, problems: list[RecordProblem]) -> None:
        self.problems = problems
        fixes = " ".join(p.message for p in problems)
        super().__init__(f"Before submitting: {fixes}")


def submission_problems(
    draft: CallDraft, *, now: datetime, in_territory_since: datetime | None = None
) -> list[RecordProblem]:
    """What stops this call from being submitted (the same rules the server applies)."""
    return record_problems(
        channel=draft.channel.value,
        products=draft.products,
        outcome=draft.outcome.value if draft.outcome else None,
        started_at=draft.started_at,
        duration_minutes=draft.duration_minutes,
        now=now,
        in_territory_since=in_territory_since,
    )


def validate_call(
    draft: CallDraft,
    approved_message_ids: frozenset[str] | None = None,
    *,
    submit_at: datetime | None = None,
) -> None:
    """Check a call as a rep would want it checked, with the reason in plain words.

    A draft may be incomplete; with `submit_at` (now), the call must also be complete
    (`submission_problems`), else IncompleteCallError lists every field to fix.
    """
    if not draft.hcp_id.strip():
        raise ValidationError("Choose the HCP this call was with.")
    duration = duration_problem(draft.duration_minutes)
    if duration is not None:
        raise ValidationError(duration.message)
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
    if submit_at is not None:
        problems = submission_problems(draft, now=submit_at)
        if problems:
            raise IncompleteCallError(problems)


def ensure_editable(note: CallNote) -> None:
    if note.is_locked:
        raise LockedError(
            "This call note was submitted and is locked. Log a new call to add to it."
        )


def overlap_warning(others: Sequence[CallNote], local: Callable[[datetime], datetime]) -> str:
    """The warning for a call that shares time with these other calls of the rep's ("" for
    none), its times in the rep's zone (`local`): the call log and `fieldrep log-call`."""
    if not others:
        return ""
    first = local(others[0].started_at)
    more = f" and {len(others) - 1} more" if len(others) > 1 else ""
    return (
        f"Overlaps your call of {first:%d %b %H:%M} ({others[0].duration_minutes} min)"
        f"{more}: check the start and duration."
    )
