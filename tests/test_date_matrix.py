"""The date-sensitive behaviour on the days that break calendars.

Each case runs the workspace on a clock pinned to one awkward moment: a Sunday, a
Monday, 31 December and 1 January (ISO week 53 of 2026), 29 February, and the four days
the clocks change in New York and Berlin. What a rep sees must hold on every one:
the planner's week, Today, overdue follow-ups, suggestion due and expiry dates, snooze,
the hold after an accept, the demo's relative history, sync stamps, and a visit at a wall
time that does not exist (02:30 when clocks spring forward) or exists twice (01:30 when
they fall back), which must neither vanish nor double.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from fieldrep.clock import Clock
from fieldrep.demo import import_demo
from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import Channel, FeedbackAction, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.domain.workdays import working_day_from
from fieldrep.planning.calendar_export import export_week, read_events
from fieldrep.planning.week import planning_week, shown_days, week_label, week_start
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Moment:
    name: str
    wall: datetime  # aware, in the rep's zone
    odd_time: time | None = None  # a wall time that is missing or doubled that day

    @property
    def day(self) -> date:
        return self.wall.date()


MATRIX = [
    Moment("sunday", datetime(2026, 11, 29, 10, 30, tzinfo=NEW_YORK)),
    Moment("monday", datetime(2026, 11, 30, 8, 0, tzinfo=NEW_YORK)),
    Moment("31-december-iso-week-53", datetime(2026, 12, 31, 16, 0, tzinfo=BERLIN)),
    Moment("1-january-still-iso-week-53", datetime(2027, 1, 1, 9, 0, tzinfo=NEW_YORK)),
    Moment("29-february", datetime(2028, 2, 29, 11, 0, tzinfo=NEW_YORK)),
    Moment("spring-forward-new-york", datetime(2027, 3, 14, 10, 0, tzinfo=NEW_YORK), time(2, 30)),
    Moment("fall-back-new-york", datetime(2027, 11, 7, 10, 0, tzinfo=NEW_YORK), time(1, 30)),
    Moment("spring-forward-berlin", datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN), time(2, 30)),
    Moment("fall-back-berlin", datetime(2027, 10, 31, 10, 0, tzinfo=BERLIN), time(2, 30)),
]


@pytest.fixture(params=MATRIX, ids=[m.name for m in MATRIX])
def moment(request: pytest.FixtureRequest) -> Moment:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def ws(moment: Moment, tmp_path: Path) -> Iterator[Workspace]:
    """The demo workspace, imported on the moment's date, with the clock stopped there."""
    clock = Clock.frozen(moment.wall, moment.wall.tzinfo)
    workspace = Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=clock)
    import_demo(workspace)
    yield workspace
    workspace.close()


def test_the_clock_answers_in_the_reps_zone(moment: Moment) -> None:
    clock = Clock.frozen(moment.wall, moment.wall.tzinfo)
    assert clock.today() == moment.day
    assert clock.now().tzinfo is UTC and clock.now() == moment.wall
    assert clock.local_now().utcoffset() == moment.wall.utcoffset()


def test_the_demo_history_ends_by_today_and_nothing_lies_in_the_future(
    moment: Moment, ws: Workspace
) -> None:
    notes = ws.calls.all()
    assert len(notes) > 3000
    latest = max(n.started_at for n in notes)
    assert latest.date() <= moment.day
    assert (moment.day - min(n.started_at for n in notes).date()).days >= 500
    # The same wall times the CSV names, in the rep's zone (no shift by the machine's).
    assert {n.started_at.astimezone(ws.clock.tz).minute for n in notes} <= {0, 15, 30, 45}


def test_the_planner_opens_on_the_week_a_rep_plans_and_shows_every_visit(
    moment: Moment, ws: Workspace
) -> None:
    today = moment.day
    monday = planning_week(today)
    assert monday.weekday() == 0
    if today.weekday() < 5:
        assert monday <= today < monday + timedelta(days=5)
    else:  # at the weekend the coming week is the one to plan
        assert monday - timedelta(days=7) <= today < monday

    hcp = ws.hcps.all()[0]
    plan = ws.plans.add(hcp.id, today, moment.odd_time or time(9, 0))
    assert [p.id for p in ws.plans.for_day(today)] == [plan.id]
    days = shown_days(week_start(today), {today}, today)
    assert days.count(today) == 1  # a Sunday visit gets its column
    assert week_label(today).startswith(f"Week {week_start(today).isocalendar().week}:")


def test_an_exported_visit_is_one_event_at_a_real_instant(
    moment: Moment, ws: Workspace, tmp_path: Path
) -> None:
    hcp = ws.hcps.all()[1]
    at = moment.odd_time or time(14, 0)
    plan = ws.plans.add(hcp.id, moment.day, at, duration_minutes=30)
    skipped = moment.name.startswith("spring-forward")  # 02:30 does not exist that day
    assert plan.planned_time == (time(3, 30) if skipped else at)  # stored as it really is
    path = tmp_path / "week.ics"
    plans = ws.plans.between(week_start(moment.day), week_start(moment.day) + timedelta(days=6))
    assert export_week(path, plans, {hcp.id: hcp}, ws.clock) == 1
    [(summary, start)] = read_events(path)
    assert hcp.name in summary
    assert isinstance(start, datetime) and start.date() == moment.day
    assert start.astimezone(UTC) == ws.clock.at(moment.day, at).astimezone(UTC)
    ics = path.read_text()
    assert ics.count("BEGIN:VEVENT") == 1 and "BEGIN:VTIMEZONE" in ics
    event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    # Elapsed minutes, never an end whose wall time reads as before the start
    assert event.decoded("duration") == timedelta(minutes=30) and "DTEND" not in ics


def test_a_route_retimed_across_the_clock_change_gets_real_times(
    moment: Moment, ws: Workspace
) -> None:
    a, b = (ws.plans.add(h.id, moment.day, time(1, 0)) for h in ws.hcps.all()[3:5])
    ws.plans.set_route([a.id, b.id], [time(1, 50), time(2, 35)])
    times = [p.planned_time for p in ws.plans.for_day(moment.day)]
    assert times == (
        [time(1, 50), time(3, 35)]
        if moment.odd_time == time(2, 30) and moment.name.startswith("spring")
        else [time(1, 50), time(2, 35)]
    )


def test_follow_ups_due_before_today_are_overdue_and_today_is_not(
    moment: Moment, ws: Workspace
) -> None:
    hcp = ws.hcps.all()[2]
    yesterday = moment.day - timedelta(days=1)
    ws.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.PHONE,
            started_at=datetime.combine(yesterday, time(15, 0), tzinfo=ws.clock.tz),
            insights="Asked for the renal data",
            outcome=Outcome.POSITIVE,
            follow_ups=(FollowUp("Send renal data", yesterday), FollowUp("Call back", moment.day)),
        ),
        submit=True,
    )
    data = ws.today.agenda(ws.clock.today())
    mine = {f.description: f.due for f in data.follow_ups if f.hcp_id == hcp.id}
    assert mine == {"Send renal data": yesterday, "Call back": moment.day}
    overdue = {d for d, due in mine.items() if due < data.day}
    assert overdue == {"Send renal data"}


def test_suggestions_are_due_today_and_expire_after_it(moment: Moment, ws: Workspace) -> None:
    suggestions = ws.suggestions.daily_list(limit=10)
    quiet = [q for q in ws.suggestions.config.quiet_periods if q.covers(moment.day)]
    if quiet:  # 31 December and 1 January: the year-end quiet period, and it says so
        assert suggestions == []
        hcp_id = ws.hcps.all()[0].id
        assert "quiet_period" in {b.rule for b in ws.suggestions.blocked_for_hcp(hcp_id)}
        ahead = ws.suggestions.for_hcp(hcp_id)
        assert ahead is not None and ahead.due > max(q.end for q in quiet)
        return
    assert suggestions
    for s in suggestions:
        assert s.due == working_day_from(moment.day)  # a Sunday's list is for Monday
        assert s.expires > s.due >= moment.day
        assert s.data_as_of <= moment.day


def test_snooze_until_tomorrow_and_an_accept_holds_seven_of_the_reps_days(
    moment: Moment, tmp_path: Path
) -> None:
    """In the rep's evening, UTC is already tomorrow: the rep's calendar still decides."""
    evening = moment.wall.replace(hour=21, minute=30)
    clock = Clock.frozen(evening, evening.tzinfo)
    with Workspace.open(tmp_path / "evening", passphrase=PASSPHRASE, clock=clock) as ws:
        import_demo(ws)
        today = clock.today()
        # for_hcp looks past a quiet period (the year end) to the first allowed day
        found = (ws.suggestions.for_hcp(h.id) for h in ws.hcps.all()[:40])
        first, second = [s for s in found if s is not None][:2]
        with pytest.raises(ValidationError, match="after today"):
            ws.suggestions.snooze(first, today)
        ws.suggestions.snooze(first, today + timedelta(days=1))
        ws.suggestions.accept(second)
        [accepted] = [f for f in ws.feedback.all() if f.action is FeedbackAction.ACCEPTED]
        assert accepted.created_at.date() == today
        held = {b.rule for b in ws.suggestions.blocked_for_hcp(second.hcp_id, today)}
        assert "on_hold" in held
        day_7 = today + timedelta(days=6)
        assert "on_hold" in {b.rule for b in ws.suggestions.blocked_for_hcp(second.hcp_id, day_7)}
        day_8 = today + timedelta(days=7)
        assert "on_hold" not in {
            b.rule for b in ws.suggestions.blocked_for_hcp(second.hcp_id, day_8)
        }


def test_sync_stamps_are_instants_shown_on_the_reps_wall(moment: Moment) -> None:
    from fieldrep.ui.sync_controller import SyncStatusView
    from fieldrep.ui.widgets.sync_status import describe
    from fieldrep.usecases.sync_status import SyncStatus

    clock = Clock.frozen(moment.wall, moment.wall.tzinfo)
    synced = (clock.now() - timedelta(hours=3)).isoformat()  # stored as UTC
    status = SyncStatus(True, 0, 0, 0, 0, synced, None, "http://x")
    view = SyncStatusView(status, online=True, running=False)
    shown = describe(view, clock.local_now())[2]
    expected = (clock.now() - timedelta(hours=3)).astimezone(clock.tz)
    assert shown.endswith(f"{expected:%H:%M}")
    assert ("today" in shown) == (expected.date() == moment.day)
