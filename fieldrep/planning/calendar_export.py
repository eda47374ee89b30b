"""Export planned visits as an iCalendar (.ics) file a rep can open in any calendar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar

from fieldrep.clock import Clock
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.plans import VisitPlan

PRODID = "-//Fieldrep//Visit planner//EN"


def _summary(plan: VisitPlan, hcp: Hcp | None) -> str:
    who = hcp.display_name if hcp else plan.hcp_id
    return f"{plan.channel.label}: {who}"


def visits_calendar(
    plans: Sequence[VisitPlan], hcps: Mapping[str, Hcp], clock: Clock
) -> icalendar.Calendar:
    """One VEVENT per visit; untimed visits become all-day events on their day.

    UIDs are the plan ids, so re-importing an updated export replaces the events.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    stamp = clock.now()
    for plan in plans:
        hcp = hcps.get(plan.hcp_id)
        event = icalendar.Event()
        event.add("uid", f"{plan.id}@fieldrep")
        event.add("dtstamp", stamp)
        event.add("summary", _summary(plan, hcp))
        if plan.planned_time is None:
            event.add("dtstart", plan.planned_date)
            event.add("dtend", plan.planned_date + timedelta(days=1))
        else:
            # In the rep's zone (TZID), at a real instant. DURATION, not DTEND: it counts
            # elapsed minutes, where an end's wall time can be ambiguous on the day the
            # clocks go back (01:00 twice) and read as before the start.
            event.add("dtstart", clock.at(plan.planned_date, plan.planned_time))
            event.add("duration", timedelta(minutes=plan.duration_minutes))
        if hcp is not None:
            event.add(
                "location", ", ".join(p for p in (hcp.organisation, hcp.address, hcp.city) if p)
            )
            if hcp.latitude is not None and hcp.longitude is not None:
                event.add("geo", (hcp.latitude, hcp.longitude))
        details = [f"Route stop {plan.route_order}" if plan.route_order else "", plan.notes]
        description = "\n".join(d for d in details if d)
        if description:
            event.add("description", description)
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for every TZID, as RFC 5545 asks
    return cal


def export_week(
    path: Path, plans: Sequence[VisitPlan], hcps: Mapping[str, Hcp], clock: Clock
) -> int:
    """Write the visits to `path` (atomically); returns the number of events written."""
    data = visits_calendar(plans, hcps, clock).to_ical()
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(plans)


def read_events(path: Path) -> list[tuple[str, date | datetime]]:
    """(summary, start) of every event in an .ics file; for checks and tests."""
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [(str(e.get("summary")), e.decoded("dtstart")) for e in cal.walk("VEVENT")]
