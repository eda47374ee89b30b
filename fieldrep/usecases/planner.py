"""The planner's use cases: the week's visits, a day's route, dropping a visit on a day.

Each action is one transaction (`Store.write()` around the service calls) and returns
what it changed; the week is one read model with every visit's HCP looked up at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fieldrep.domain.changes import Changed
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.plans import VisitPlan
from fieldrep.planning.calendar_export import export_week
from fieldrep.planning.route import Point, Stop, order_route
from fieldrep.planning.schedule import DEFAULT_DAY_START, start_times
from fieldrep.services.hcps import HcpService
from fieldrep.services.plans import PLANS_CHANGED, PlanService
from fieldrep.store.transactions import Store
from fieldrep.tasks import CancelToken

if TYPE_CHECKING:  # numpy and the scoring stack load only when a suggestion is accepted
    from fieldrep.nba.model import Suggestion
    from fieldrep.nba.service import SuggestionService

# Shown for a visit whose HCP left the device (moved out of the territory): the visit
# stays listed, so the rep can still cancel or move it.
HCP_NOT_ON_DEVICE = "HCP no longer on this device"


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """A planned visit with what the planner and Today show about its HCP."""

    plan: VisitPlan
    hcp_name: str
    city: str
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""

    @property
    def time_text(self) -> str:
        return self.plan.planned_time.strftime("%H:%M") if self.plan.planned_time else "—"

    @property
    def place(self) -> Point | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True, slots=True)
class Week:
    """Monday to Sunday's planned (not cancelled) visits, by day and route order."""

    monday: date
    visits: tuple[PlannedVisit, ...]

    def on(self, day: date) -> list[PlannedVisit]:
        return [v for v in self.visits if v.plan.planned_date == day]


@dataclass(frozen=True, slots=True)
class Dropped:
    """The visit a drop put on a day, and every plan of the days it touched as it was
    before (for `plans.restore`: undo); empty for a newly planned visit."""

    plan_id: str
    before: tuple[VisitPlan, ...]


def visits_of(plans: Sequence[VisitPlan], hcps: HcpService) -> list[PlannedVisit]:
    """The plans with their HCPs, looked up in one query."""
    known = hcps.many(p.hcp_id for p in plans)
    return [_visit(p, known.get(p.hcp_id)) for p in plans]


def _visit(plan: VisitPlan, hcp: Hcp | None) -> PlannedVisit:
    if hcp is None:
        return PlannedVisit(plan, HCP_NOT_ON_DEVICE, "")
    return PlannedVisit(plan, hcp.display_name, hcp.city, hcp.latitude, hcp.longitude, hcp.address)


class Planner:
    def __init__(
        self,
        store: Store,
        plans: PlanService,
        hcps: HcpService,
        suggestions: Callable[[], SuggestionService],
    ) -> None:
        self._store = store
        self._plans = plans
        self._hcps = hcps
        self._suggestions = suggestions  # built on first use: numpy costs a first paint

    def week(self, monday: date) -> Week:
        plans = self._plans.between(monday, monday + timedelta(days=6))
        return Week(monday, tuple(visits_of(plans, self._hcps)))

    def day(self, day: date) -> list[PlannedVisit]:
        return visits_of(self._plans.for_day(day), self._hcps)

    def order_day(
        self,
        day: date,
        *,
        start: Point | None = None,
        day_start: time = DEFAULT_DAY_START,
        cancel: CancelToken | None = None,
    ) -> Changed[list[str]]:
        """Store the shortest-drive order of the day's visits, re-timed from the day's
        earliest booked time (else `day_start`) so the times follow the route.
        Returns the plan ids in route order."""
        with self._store.write():
            visits = self.day(day)
            stops = [Stop(v.plan.id, v.latitude, v.longitude) for v in visits]
            ordered = order_route(stops, start=start, cancel=cancel)
            by_id = {v.plan.id: v for v in visits}
            in_route = [by_id[plan_id] for plan_id in ordered]
            booked = [v.plan.planned_time for v in visits if v.plan.planned_time is not None]
            times = start_times(
                [v.place for v in in_route],
                [v.plan.duration_minutes for v in in_route],
                day_start=min(booked, default=day_start),
            )
            self._plans.set_route(ordered, times)
        return Changed(ordered, PLANS_CHANGED)

    def move_to_day(
        self, plan_id: str, day: date, route: Sequence[str] | None = None
    ) -> Changed[Dropped]:
        """A planned visit dropped on `day` (its own or another): it moves there keeping
        its time, and `route` (the day's plan ids in the new order), when given, becomes
        the day's route."""
        with self._store.write():
            plan = self._plans.get(plan_id)
            days = sorted({plan.planned_date, day})
            before = tuple(p for d in days for p in self._plans.for_day(d))
            if plan.planned_date != day:  # `move` keeps the time and clears the route order
                self._plans.move(plan.id, day, plan.planned_time)
            if route is not None:
                self._plans.set_route(list(route))
        return Changed(Dropped(plan_id, before), PLANS_CHANGED)

    def plan_on_day(
        self,
        hcp_id: str,
        day: date,
        at: time | None = None,
        *,
        channel: Channel = Channel.VISIT,
        duration_minutes: int = 30,
        notes: str = "",
        suggestion_id: str | None = None,
        accept: Suggestion | None = None,
        route: Sequence[str | None] | None = None,
    ) -> Changed[VisitPlan]:
        """Plan a visit (from an HCP or a suggestion), in one transaction with accepting
        the suggestion it came from (`accept`, when it is still listed) and, when given,
        the day's new route: `route` lists the day's plan ids with None where the new
        visit goes."""
        changes = PLANS_CHANGED
        with self._store.write():
            plan = self._plans.add(
                hcp_id,
                day,
                at,
                duration_minutes=duration_minutes,
                channel=channel,
                notes=notes,
                suggestion_id=suggestion_id,
            )
            if accept is not None:
                changes |= self._suggestions().accept(accept).changes
            if route is not None:
                self._plans.set_route([plan.id if i is None else i for i in route])
                plan = self._plans.get(plan.id)
        return Changed(plan, changes)

    def export_week(self, monday: date, path: Path) -> int:
        """Write the week's visits to an .ics file; returns the number of events."""
        plans = self._plans.between(monday, monday + timedelta(days=6))
        return export_week(path, plans, self._hcps.many(p.hcp_id for p in plans), self._store.clock)
