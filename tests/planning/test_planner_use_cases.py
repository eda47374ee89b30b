"""The planner's use cases in the core, without Qt: the week in one read model, a day's
route ordered and re-timed, a dropped visit moved or planned in one transaction."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import NotFoundError
from fieldrep.planning.week import week_start
from fieldrep.workspace import Workspace
from tests.pinned_clock import today

PLANS = Changes(plans=True, outbox=True)


@pytest.fixture
def located(demo_workspace: Workspace) -> list[str]:
    """Four HCPs of one city, with coordinates."""
    by_city: dict[str, list[str]] = {}
    for h in demo_workspace.hcps.all():
        if h.latitude is not None:
            by_city.setdefault(h.city, []).append(h.id)
    return max(by_city.values(), key=len)[:4]


def test_the_week_names_every_visits_hcp(demo_workspace: Workspace, located: list[str]) -> None:
    ws, day = demo_workspace, today()
    for hcp_id in located[:3]:
        ws.plans.add(hcp_id, day)
    ws.plans.add(located[3], day + timedelta(days=1), time(14, 0))
    week = ws.planner.week(week_start(day))
    names = {h.id: h.display_name for h in ws.hcps.all()}
    assert [v.hcp_name for v in week.on(day)] == [names[i] for i in located[:3]]
    assert [v.time_text for v in week.on(day + timedelta(days=1))] == ["14:00"]


def test_ordering_a_day_numbers_and_times_the_route(
    demo_workspace: Workspace, located: list[str]
) -> None:
    ws, day = demo_workspace, today() + timedelta(days=1)
    ws.plans.add(located[0], day, time(11, 0))
    for hcp_id in located[1:]:
        ws.plans.add(hcp_id, day)
    result = ws.planner.order_day(day, day_start=time(8, 0))
    assert result.changes == PLANS
    visits = ws.planner.day(day)
    assert [v.plan.id for v in visits] == result.value
    assert [v.plan.route_order for v in visits] == [1, 2, 3, 4]
    times = [v.plan.planned_time for v in visits]
    assert times[0] == time(11, 0)  # from the earliest booked time, not the day's start
    assert times == sorted(times) and len(set(times)) == 4


def test_a_visit_dropped_on_another_day_moves_and_undo_puts_both_days_back(
    demo_workspace: Workspace, located: list[str]
) -> None:
    ws, day = demo_workspace, today() + timedelta(days=1)
    a = ws.plans.add(located[0], day, time(9, 0))
    b = ws.plans.add(located[1], day + timedelta(days=1))
    ws.planner.order_day(day)
    dropped = ws.planner.move_to_day(a.id, day + timedelta(days=1), [a.id, b.id])
    assert dropped.changes == PLANS and {p.id for p in dropped.value.before} == {a.id, b.id}
    moved = ws.plans.get(a.id)
    assert moved.planned_date == day + timedelta(days=1) and moved.planned_time == time(9, 0)
    assert [v.plan.id for v in ws.planner.day(day + timedelta(days=1))] == [a.id, b.id]
    ws.plans.restore(dropped.value.before)
    assert ws.plans.get(a.id).planned_date == day and ws.plans.get(b.id).route_order is None


def test_planning_from_a_suggestion_accepts_it_in_the_same_transaction(
    demo_workspace: Workspace,
) -> None:
    ws, day = demo_workspace, today()
    s = ws.suggestions.daily_list(limit=1)[0]
    existing = ws.plans.add(ws.hcps.all()[0].id, day)
    result = ws.planner.plan_on_day(
        s.hcp_id,
        day,
        channel=Channel.VISIT,
        suggestion_id=s.id,
        accept=s,
        route=[None, existing.id],
    )
    assert result.changes == Changes(plans=True, feedback=True, outbox=True)
    assert result.value.route_order == 1 and ws.plans.get(existing.id).route_order == 2
    assert s.hcp_id not in {x.hcp_id for x in ws.suggestions.daily_list(limit=20)}


def test_a_drop_that_fails_half_way_plans_nothing(demo_workspace: Workspace) -> None:
    ws, day = demo_workspace, today()
    hcp_id = ws.hcps.all()[1].id
    with pytest.raises(NotFoundError):
        ws.planner.plan_on_day(hcp_id, day, route=[None, "no-such-plan"])
    assert ws.plans.for_day(day) == []
    assert ws.pending_mutations() == []


def test_the_week_exports_to_a_calendar_file(
    demo_workspace: Workspace, located: list[str], tmp_path: Path
) -> None:
    ws, day = demo_workspace, today()
    for hcp_id in located[:2]:
        ws.plans.add(hcp_id, day, time(10, 0))
    path = tmp_path / "week.ics"
    assert ws.planner.export_week(week_start(day), path) == 2
    assert path.read_text().count("BEGIN:VEVENT") == 2
