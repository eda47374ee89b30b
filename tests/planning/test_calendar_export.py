"""Week export as .ics: every visit comes back out of the file."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from fieldrep.clock import Clock
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.plans import VisitPlan
from fieldrep.planning.calendar_export import export_week, read_events
from fieldrep.planning.week import day_slots, next_free_slot, week_days, week_start

BERLIN = ZoneInfo("Europe/Berlin")


def test_exported_week_parses_back_with_timed_and_all_day_events(tmp_path: Path) -> None:
    hcp = Hcp("h1", "E1", "Ada Lovelace", "Cardiology", "North Clinic", "Salem", "T", title="Dr")
    plans = [
        VisitPlan("p1", "h1", date(2025, 3, 3), time(9, 30), route_order=1),
        VisitPlan("p2", "h1", date(2025, 3, 4), None, channel=Channel.REMOTE),
    ]
    path = tmp_path / "week.ics"
    clock = Clock.frozen(datetime(2025, 3, 1, 12, 0, tzinfo=BERLIN))
    assert export_week(path, plans, {"h1": hcp}, clock) == 2
    events = read_events(path)
    assert events[0][0] == "Face-to-face visit: Dr Ada Lovelace"
    assert events[0][1] == datetime(2025, 3, 3, 9, 30, tzinfo=BERLIN)  # the rep's zone, TZID
    assert events[1] == ("Remote call: Dr Ada Lovelace", date(2025, 3, 4))


def test_week_helpers_start_on_monday_and_fill_after_the_last_visit() -> None:
    assert week_start(date(2025, 3, 6)) == date(2025, 3, 3)
    assert [d.weekday() for d in week_days(date(2025, 3, 6))] == [0, 1, 2, 3, 4]
    assert day_slots()[0] == time(8, 0)
    assert next_free_slot([None, time(10, 0)], 45) == time(10, 45)
    assert next_free_slot([]) == time(8, 0)
