"""Closed vocabularies shared by the client, the store and the wire protocol."""

from enum import StrEnum
from typing import TypeVar

from fieldrep.domain.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


class Channel(StrEnum):
    VISIT = "visit"
    REMOTE = "remote"
    PHONE = "phone"
    EMAIL = "email"
    EVENT = "event"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.VISIT: "Face-to-face visit",
    Channel.REMOTE: "Remote call",
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Approved email",
    Channel.EVENT: "Event invitation",
}


class CallStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Outcome(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    NOT_REACHED = "not_reached"


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class FeedbackAction(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    SNOOZED = "snoozed"


class DismissReason(StrEnum):
    """Why a rep turned a suggestion down; each teaches the model something different."""

    WRONG_CHANNEL = "wrong_channel"
    WRONG_MESSAGE = "wrong_message"
    WRONG_TIMING = "wrong_timing"
    ALREADY_PLANNED = "already_planned"
    HCP_UNAVAILABLE = "hcp_unavailable"
    NOT_RELEVANT = "not_relevant"
    OTHER = "other"


class PlanStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


def parse_enum(kind: type[E], value: str, what: str) -> E:
    """Turn user text into an enum member, or say which values are allowed."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationError(f"Unknown {what} '{value}'. Use one of: {allowed}.") from None
