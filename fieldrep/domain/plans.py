"""Visit plans and suggestion feedback: the rep's intentions and reactions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction, PlanStatus
from fieldrep.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class VisitPlan:
    id: str
    hcp_id: str
    planned_date: date
    planned_time: time | None = None
    duration_minutes: int = 30
    channel: Channel = Channel.VISIT
    route_order: int | None = None
    notes: str = ""
    status: PlanStatus = PlanStatus.PLANNED
    suggestion_id: str | None = None
    version: int = 0


def validate_plan(plan: VisitPlan) -> None:
    if not 0 < plan.duration_minutes <= 8 * 60:
        raise ValidationError("A planned visit lasts between 1 minute and 8 hours.")


@dataclass(frozen=True, slots=True)
class SuggestionFeedback:
    id: str
    suggestion_id: str
    hcp_id: str
    action: FeedbackAction
    created_at: datetime
    channel: Channel | None = None
    message_id: str | None = None
    reason: DismissReason | None = None
    snooze_until: date | None = None
    comment: str = ""


def validate_feedback(feedback: SuggestionFeedback) -> None:
    if feedback.action is FeedbackAction.DISMISSED and feedback.reason is None:
        raise ValidationError("Say why you dismiss this suggestion (pick a reason).")
    if feedback.action is FeedbackAction.SNOOZED:
        if feedback.snooze_until is None:
            raise ValidationError("Pick the date to snooze this suggestion until.")
        if feedback.snooze_until <= feedback.created_at.date():
            raise ValidationError("Snooze until a date after today.")
