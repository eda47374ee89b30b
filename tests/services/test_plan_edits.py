"""Cancelling and moving visits: no gaps in a route, no stale times, undo, no past days;
follow-ups ticked off even on a submitted note; a dismissal leaves the day's list."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import Channel, DismissReason, Outcome, PlanStatus
from fieldrep.domain.errors import ValidationError
from fieldrep.workspace import Workspace
from tests.pinned_clock import today

FRIDAY = date(2026, 11, 27)


def _routed_day(ws: Workspace, n: int = 5) -> list[str]:
    hcps = [h for h in ws.hcps.all() if h.latitude is not None][:n]
    ids = [ws.plans.add(h.id, FRIDAY, time(9, 0)).id for h in hcps]
    ws.plans.set_route(ids, [time(9 + i, 0) for i in range(n)])
    return ids


def test_moving_a_visit_out_of_a_route_renumbers_and_retimes_the_rest(
    demo_workspace: Workspace,
) -> None:
    ids = _routed_day(demo_workspace)
    edit = demo_workspace.plans.reschedule(ids[2], FRIDAY + timedelta(days=3), time(10, 0))
    left = demo_workspace.plans.for_day(FRIDAY)
    assert [p.id for p in left] == [ids[0], ids[1], ids[3], ids[4]]
    assert [p.route_order for p in left] == [1, 2, 3, 4]
    times = [p.planned_time for p in left]
    assert times[0] == time(9, 0)
    assert times == sorted(times)
    assert times[2] is not None and times[2] < time(12, 0)  # moved up into the gap
    assert edit.plan.route_order is None
    assert len(edit.before) == 5


def test_cancel_then_restore_puts_the_day_back_as_it_was(demo_workspace: Workspace) -> None:
    ids = _routed_day(demo_workspace)
    before = {p.id: p for p in demo_workspace.plans.for_day(FRIDAY)}
    edit = demo_workspace.plans.cancel(ids[1])
    assert edit.plan.status is PlanStatus.CANCELLED
    assert [p.route_order for p in demo_workspace.plans.for_day(FRIDAY)] == [1, 2, 3, 4]
    demo_workspace.plans.restore(edit.before)
    after = {p.id: p for p in demo_workspace.plans.for_day(FRIDAY)}
    assert {k: (p.route_order, p.planned_time, p.status) for k, p in after.items()} == {
        k: (p.route_order, p.planned_time, p.status) for k, p in before.items()
    }
    # The undo is ordinary field updates in the outbox: it syncs like any edit.
    assert demo_workspace.pending_mutations()[-1].entity == "visit_plan"


def test_a_past_day_cannot_be_planned_or_moved_to(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]
    with pytest.raises(ValidationError, match="in the past"):
        demo_workspace.plans.add(hcp.id, today() - timedelta(days=1))
    plan = demo_workspace.plans.add(hcp.id, today())
    with pytest.raises(ValidationError, match="in the past"):
        demo_workspace.plans.move(plan.id, today() - timedelta(days=2))


def test_a_follow_up_is_ticked_off_on_a_submitted_note(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]
    note = demo_workspace.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.PHONE,
            started_at=demo_workspace.clock.local_now(),
            duration_minutes=10,
            outcome=Outcome.NEUTRAL,
            follow_ups=(FollowUp("send renal data", today()),),
        ),
        submit=True,
    )
    done = demo_workspace.calls.set_follow_up_done(note.id, 0).value
    assert done.follow_ups[0].done and done.is_locked
    entry = demo_workspace.pending_mutations()[-1]
    assert entry.fields == {
        "follow_ups": [{"description": "send renal data", "due": today().isoformat(), "done": True}]
    }


def test_a_dismissed_suggestion_leaves_the_list_and_undo_brings_it_back(
    demo_workspace: Workspace,
) -> None:
    service = demo_workspace.suggestions
    first = service.daily_list(limit=10)
    target = first[3]
    feedback = service.dismiss(target, DismissReason.OTHER).value
    assert target.hcp_id not in {s.hcp_id for s in service.daily_list(limit=10)}
    service.undo(feedback)
    assert target.hcp_id in {s.hcp_id for s in service.daily_list(limit=10)}
    assert not [e for e in demo_workspace.pending_mutations() if e.entity_id == feedback.id]


def test_cancelling_a_visit_beside_one_whose_hcp_left_the_territory_still_closes_the_gap(
    demo_workspace: Workspace,
) -> None:
    """A fresh device pulls the rep's plans whatever their HCP: one about an HCP realigned
    away (not on the device) stays a stop of the route, with no place to time it from."""
    ids = _routed_day(demo_workspace, 3)
    plan = demo_workspace.plans.get(ids[1])
    with demo_workspace.store.write() as conn:  # as the server's feed has it
        conn.exec_driver_sql("UPDATE visit_plans SET hcp_id = 'gone' WHERE id = ?", (plan.id,))
    demo_workspace.plans.cancel(ids[0])
    left = demo_workspace.plans.for_day(FRIDAY)
    assert [(p.id, p.route_order) for p in left] == [(ids[1], 1), (ids[2], 2)]
