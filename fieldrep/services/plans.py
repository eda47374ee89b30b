"""Visit plans: the rep's week. Plans merge field by field when two devices edit them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.enums import Channel, PlanStatus
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.domain.plans import VisitPlan, validate_plan
from fieldrep.planning.schedule import start_times
from fieldrep.services.contact_rules import contact_refusal
from fieldrep.services.hcps import HcpService
from fieldrep.store import outbox
from fieldrep.store.schema import visit_plans
from fieldrep.store.transactions import Store
from fieldrep.store.values import date_to_text, new_id, text_to_date, text_to_time, time_to_text
from fieldrep.sync.protocol import Entity, Op, VisitPlanData

ENTITY = Entity.VISIT_PLAN
PLANS_CHANGED = Changes(plans=True, outbox=True)
COMPLETES_WITHIN_DAYS = 7  # a submitted call completes a planned visit this near it


def plan_from_row(row: Any) -> VisitPlan:
    m = row._mapping
    planned = text_to_date(m["planned_date"])
    assert planned is not None
    return VisitPlan(
        id=m["id"],
        hcp_id=m["hcp_id"],
        planned_date=planned,
        planned_time=text_to_time(m["planned_time"]),
        duration_minutes=m["duration_minutes"],
        channel=Channel(m["channel"]),
        route_order=m["route_order"],
        notes=m["notes"],
        status=PlanStatus(m["status"]),
        suggestion_id=m["suggestion_id"],
        version=m["version"],
    )


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """What a cancel or a move did: the plan as it is now, and every plan it touched as
    it was before (the moved or cancelled one and the route it left), for `restore`."""

    plan: VisitPlan
    before: tuple[VisitPlan, ...]

    @property
    def changes(self) -> Changes:
        return PLANS_CHANGED


_RESTORED = ("planned_date", "planned_time", "route_order", "status")


def _fields_of(plan: VisitPlan) -> dict[str, Any]:
    return VisitPlanData.partial(
        planned_date=date_to_text(plan.planned_date),
        planned_time=time_to_text(plan.planned_time),
        route_order=plan.route_order,
        status=plan.status,
    )


class PlanService:
    def __init__(self, store: Store, hcps: HcpService) -> None:
        self._store = store
        self._hcps = hcps

    def add(
        self,
        hcp_id: str,
        planned_date: date,
        planned_time: time | None = None,
        *,
        duration_minutes: int = 30,
        channel: Channel = Channel.VISIT,
        notes: str = "",
        suggestion_id: str | None = None,
    ) -> VisitPlan:
        self._refuse_past(planned_date)
        if planned_time is not None:  # never store a wall time the clocks skip that day
            planned_time = self._store.clock.real_wall_time(planned_date, planned_time)
        plan = VisitPlan(
            id=new_id(),
            hcp_id=hcp_id,
            planned_date=planned_date,
            planned_time=planned_time,
            duration_minutes=duration_minutes,
            channel=channel,
            notes=notes,
            suggestion_id=suggestion_id,
        )
        validate_plan(plan)
        fields = VisitPlanData.of(
            hcp_id=hcp_id,
            planned_date=date_to_text(planned_date),
            planned_time=time_to_text(planned_time),
            duration_minutes=duration_minutes,
            channel=channel,
            route_order=None,
            notes=notes,
            status=PlanStatus.PLANNED,
            suggestion_id=suggestion_id,
        ).wire()
        with self._store.write() as conn:
            refusal = contact_refusal(self._hcps.get_in(conn, hcp_id), channel)
            if refusal is not None:  # docs/compliance.md, "Contact rules"
                raise ValidationError(f"Not planned: {refusal}")
            conn.execute(insert(visit_plans).values(id=plan.id, version=0, **fields))
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=plan.id,
                op=Op.CREATE,
                fields=fields,
            )
            return self._get_in(conn, plan.id)

    def _change(self, conn: Connection, plan_id: str, changed: dict[str, Any]) -> VisitPlan:
        current = self._get_in(conn, plan_id)
        changed = VisitPlanData.partial(**changed)  # in wire form, checked as the server will
        conn.execute(update(visit_plans).where(visit_plans.c.id == plan_id).values(**changed))
        outbox.record_mutation(
            conn,
            created_at=self._store.clock.now(),
            entity=ENTITY,
            entity_id=plan_id,
            op=Op.UPDATE,
            fields=changed,
            base_version=current.version,
        )
        return self._get_in(conn, plan_id)

    def complete_for_call(
        self, conn: Connection, hcp_id: str, channel: Channel, day: date
    ) -> VisitPlan | None:
        """Mark done the planned visit a submitted call fulfils, in the caller's transaction:
        the HCP's still-planned one on the same channel on the call's day, else the nearest
        within a week either side (a rep who saw the doctor two days early has done that
        visit). Without it, "planned vs completed" in the manager's figures stayed 0."""
        window = timedelta(days=COMPLETES_WITHIN_DAYS)
        rows = conn.execute(
            select(visit_plans.c.id, visit_plans.c.planned_date).where(
                visit_plans.c.hcp_id == hcp_id,
                visit_plans.c.channel == channel.value,
                visit_plans.c.status == PlanStatus.PLANNED.value,
                visit_plans.c.planned_date >= date_to_text(day - window),
                visit_plans.c.planned_date <= date_to_text(day + window),
            )
        ).all()
        if not rows:
            return None
        nearest = min(rows, key=lambda r: (abs((date.fromisoformat(r[1]) - day).days), r[1]))
        return self._change(conn, nearest.id, {"status": PlanStatus.DONE.value})

    def _refuse_past(self, day: date) -> None:
        today = self._store.clock.today()
        if day < today:
            raise ValidationError(
                f"{day:%a %d %b} is in the past: plan the visit for today or later "
                "(a call that already happened is logged with Log call)."
            )

    def move(self, plan_id: str, new_date: date, new_time: time | None = None) -> VisitPlan:
        return self.reschedule(plan_id, new_date, new_time).plan

    def reschedule(self, plan_id: str, new_date: date, new_time: time | None = None) -> PlanEdit:
        """Move a visit to another day or time. It leaves its route (the day it left is
        renumbered 1..n and re-timed, so no gap and no stale time remain)."""
        self._refuse_past(new_date)
        if new_time is not None:
            new_time = self._store.clock.real_wall_time(new_date, new_time)
        changed = {
            "planned_date": date_to_text(new_date),
            "planned_time": time_to_text(new_time),
            "route_order": None,
        }
        with self._store.write() as conn:
            old = self._get_in(conn, plan_id)
            before = self._day_in(conn, old.planned_date)
            plan = self._change(conn, plan_id, changed)
            if old.route_order is not None:
                self._close_route_gap(conn, old.planned_date)
            return PlanEdit(plan, tuple(before))

    def cancel(self, plan_id: str) -> PlanEdit:
        """Cancel a visit; the rest of its day's route is renumbered and re-timed."""
        with self._store.write() as conn:
            old = self._get_in(conn, plan_id)
            before = self._day_in(conn, old.planned_date)
            plan = self._change(conn, plan_id, {"status": PlanStatus.CANCELLED.value})
            if old.route_order is not None:
                self._close_route_gap(conn, old.planned_date)
            return PlanEdit(plan, tuple(before))

    def set_status(self, plan_id: str, status: PlanStatus) -> VisitPlan:
        if status is PlanStatus.CANCELLED:
            return self.cancel(plan_id).plan
        with self._store.write() as conn:
            return self._change(conn, plan_id, {"status": status.value})

    def restore(self, before: tuple[VisitPlan, ...]) -> Changed[list[VisitPlan]]:
        """Undo a cancel or a move: put every plan it touched back as it was (day, time,
        route position, status), as ordinary field updates so the undo syncs too."""
        restored = []
        with self._store.write() as conn:
            for plan in before:
                now = self._get_in(conn, plan.id)
                wanted = _fields_of(plan)
                current = _fields_of(now)
                changed = {k: wanted[k] for k in _RESTORED if wanted[k] != current[k]}
                restored.append(self._change(conn, plan.id, changed) if changed else now)
        return Changed(restored, PLANS_CHANGED)

    def _day_in(self, conn: Connection, day: date) -> list[VisitPlan]:
        query = select(visit_plans).where(
            visit_plans.c.planned_date == day.isoformat(),
            visit_plans.c.status != PlanStatus.CANCELLED.value,
        )
        return [plan_from_row(r) for r in conn.execute(query)]

    def _close_route_gap(self, conn: Connection, day: date) -> None:
        """Renumber the day's routed visits 1..n in their order and re-time them from the
        route's first time, as ordering the route did."""
        routed = sorted(
            (p for p in self._day_in(conn, day) if p.route_order is not None),
            key=lambda p: p.route_order or 0,
        )
        if not routed:
            return
        # A plan may be about an HCP no longer in the territory (a fresh device gets the
        # rep's plans whatever their HCP): a stop with no place.
        known = self._hcps.many_in(conn, (p.hcp_id for p in routed))
        places: list[tuple[float, float] | None] = []
        for p in routed:
            hcp = known.get(p.hcp_id)
            lat, lon = (hcp.latitude, hcp.longitude) if hcp is not None else (None, None)
            places.append((lat, lon) if lat is not None and lon is not None else None)
        first = routed[0].planned_time
        times = (
            start_times(places, [p.duration_minutes for p in routed], day_start=first)
            if first is not None
            else [p.planned_time for p in routed]
        )
        for position, (p, at) in enumerate(zip(routed, times, strict=True), start=1):
            changed: dict[str, Any] = {}
            if p.route_order != position:
                changed["route_order"] = position
            if at is not None and at != p.planned_time:
                changed["planned_time"] = time_to_text(self._store.clock.real_wall_time(day, at))
            if changed:
                self._change(conn, p.id, changed)

    def set_route(
        self, ordered_plan_ids: list[str], start_times: list[time] | None = None
    ) -> list[VisitPlan]:
        """Store the visiting order of one day's plans, and their new times if given."""
        clock = self._store.clock
        with self._store.write() as conn:
            changed = []
            for position, plan_id in enumerate(ordered_plan_ids, start=1):
                fields: dict[str, Any] = {"route_order": position}
                if start_times is not None:
                    day = self._get_in(conn, plan_id).planned_date
                    start = clock.real_wall_time(day, start_times[position - 1])
                    fields["planned_time"] = time_to_text(start)
                changed.append(self._change(conn, plan_id, fields))
            return changed

    @staticmethod
    def _get_in(conn: Connection, plan_id: str) -> VisitPlan:
        row = conn.execute(select(visit_plans).where(visit_plans.c.id == plan_id)).first()
        if row is None:
            raise NotFoundError(f"No planned visit with id '{plan_id}'.")
        return plan_from_row(row)

    def get(self, plan_id: str) -> VisitPlan:
        with self._store.read() as conn:
            return self._get_in(conn, plan_id)

    def between(self, first: date, last: date) -> list[VisitPlan]:
        """Planned (not cancelled) visits from `first` to `last` inclusive, in day order."""
        query = (
            select(visit_plans)
            .where(
                visit_plans.c.planned_date >= first.isoformat(),
                visit_plans.c.planned_date <= last.isoformat(),
                visit_plans.c.status != PlanStatus.CANCELLED.value,
            )
            .order_by(
                visit_plans.c.planned_date,
                visit_plans.c.route_order.nulls_last(),
                visit_plans.c.planned_time.nulls_last(),
            )
        )
        with self._store.read() as conn:
            return [plan_from_row(r) for r in conn.execute(query)]

    def for_day(self, day: date) -> list[VisitPlan]:
        return self.between(day, day)

    def for_week(self, any_day: date) -> list[VisitPlan]:
        monday = any_day - timedelta(days=any_day.weekday())
        return self.between(monday, monday + timedelta(days=6))
