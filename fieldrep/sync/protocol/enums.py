"""The protocol's closed vocabularies: what a mutation is about, and the values records hold.

The record vocabularies (channel, call status, outcome, ...) are the domain's enums as
the wire spells them. The server may not import `fieldrep.domain`, so they are written
here a second time and `tests/test_wire_enums.py` fails the moment the two differ.
"""

from __future__ import annotations

from enum import StrEnum


class Entity(StrEnum):
    HCP = "hcp"
    CALL_NOTE = "call_note"
    VISIT_PLAN = "visit_plan"
    SUGGESTION_FEEDBACK = "suggestion_feedback"
    SEGMENT_MIX = "segment_mix"
    COACHING_COMMENT = "coaching_comment"
    CATALOGUE = "catalogue"  # entity_id is a CatalogueKind; data a CatalogueDocument
    # Pulled only (protocol 4): a submitted call with an HCP by a rep who does not hold
    # its territory now, without its text (`protocol.HCP_CONTACT_FIELDS`); entity_id is
    # the call note's id. What the HCP's new rep needs for gaps, caps and history.
    HCP_CONTACT = "hcp_contact"
    # Pushed only (protocol 3), ahead of everything else; never in the feed.
    ADVERSE_EVENT_REPORT = "adverse_event_report"


class Op(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class MutationStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # a replay: acknowledged, not applied again
    REJECTED = "rejected"


class ErrorCode(StrEnum):
    UNAUTHORIZED = "unauthorized"
    DEVICE_REVOKED = "device_revoked"
    UPDATE_REQUIRED = "update_required"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"


# -- record vocabularies (fieldrep.domain.enums, as the wire spells them) ---------------


class Channel(StrEnum):
    VISIT = "visit"
    REMOTE = "remote"
    PHONE = "phone"
    EMAIL = "email"
    EVENT = "event"


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


# The record vocabularies, by the domain enum's name (the drift test walks this).
RECORD_ENUMS: tuple[type[StrEnum], ...] = (
    Channel, CallStatus, Outcome, Sentiment, FeedbackAction, DismissReason, PlanStatus,
)  # fmt: skip
