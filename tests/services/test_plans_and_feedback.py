"""Visit plans and suggestion feedback write outbox rows; bad feedback is refused."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction, PlanStatus
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.workspace import Workspace
from tests.pinned_clock import today


def test_plans_for_a_week_come_in_day_and_route_order(demo_workspace: Workspace) -> None:
    hcps = demo_workspace.hcps.all()[:3]
    monday = date(2026, 11, 30)  # the coming week: the past cannot be planned
    first = demo_workspace.plans.add(hcps[0].id, monday, time(9, 0))
    second = demo_workspace.plans.add(hcps[1].id, monday, time(11, 0))
    later = demo_workspace.plans.add(hcps[2].id, monday + timedelta(days=2))
    demo_workspace.plans.set_route([second.id, first.id])
    assert [p.id for p in demo_workspace.plans.for_week(monday + timedelta(days=3))] == [
        second.id,
        first.id,
        later.id,
    ]
    moved = demo_workspace.plans.move(later.id, monday + timedelta(days=9))
    assert moved.planned_date == monday + timedelta(days=9)
    demo_workspace.plans.set_status(first.id, PlanStatus.CANCELLED)
    assert [p.id for p in demo_workspace.plans.for_day(monday)] == [second.id]
    assert demo_workspace.status().pending_mutations == 3 + 2 + 1 + 1


def test_plan_for_unknown_hcp_is_refused(demo_workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        demo_workspace.plans.add("nobody", today())
    assert demo_workspace.status().pending_mutations == 0


def test_feedback_is_appended_with_its_reason(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]
    demo_workspace.feedback.record(
        suggestion_id="s1",
        hcp_id=hcp.id,
        action=FeedbackAction.DISMISSED,
        channel=Channel.EMAIL,
        reason=DismissReason.WRONG_CHANNEL,
    )
    [stored] = demo_workspace.feedback.for_hcp(hcp.id)
    assert stored.reason is DismissReason.WRONG_CHANNEL
    assert demo_workspace.pending_mutations()[0].entity == "suggestion_feedback"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"action": FeedbackAction.DISMISSED}, "why"),
        ({"action": FeedbackAction.SNOOZED}, "date"),
        ({"action": FeedbackAction.SNOOZED, "snooze_until": today()}, "after today"),
    ],
)
def test_incomplete_feedback_is_refused(
    demo_workspace: Workspace, kwargs: dict[str, object], words: str
) -> None:
    with pytest.raises(ValidationError, match=words):
        demo_workspace.feedback.record(suggestion_id="s1", hcp_id="hcp-00001", **kwargs)  # type: ignore[arg-type]
    assert demo_workspace.status().pending_mutations == 0


def test_preferred_channel_is_the_one_hcp_field_a_rep_changes(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]
    updated = demo_workspace.hcps.set_preferred_channel(hcp.id, Channel.REMOTE)
    assert updated.preferred_channel is Channel.REMOTE
    [mutation] = demo_workspace.pending_mutations()
    assert mutation.fields == {"preferred_channel": "remote"}
