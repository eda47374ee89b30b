"""Plain dataclasses, enums and validation: the vocabulary of the whole app."""

from fieldrep.domain.calls import CallDraft, CallNote, FollowUp
from fieldrep.domain.enums import (
    CallStatus,
    Channel,
    DismissReason,
    FeedbackAction,
    Outcome,
    PlanStatus,
    Sentiment,
)
from fieldrep.domain.errors import FieldrepError, LockedError, NotFoundError, ValidationError
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.plans import SuggestionFeedback, VisitPlan
from fieldrep.domain.segments import ApprovedMessage, Segment, SegmentMix

__all__ = [
    "ApprovedMessage",
    "CallDraft",
    "CallNote",
    "CallStatus",
    "Channel",
    "DismissReason",
    "FeedbackAction",
    "FieldrepError",
    "FollowUp",
    "Hcp",
    "LockedError",
    "NotFoundError",
    "Outcome",
    "PlanStatus",
    "Segment",
    "SegmentMix",
    "Sentiment",
    "SuggestionFeedback",
    "ValidationError",
    "VisitPlan",
]
