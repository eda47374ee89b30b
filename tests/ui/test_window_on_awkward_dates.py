"""The real window on the days that break calendars: a Sunday, 31 December (ISO week 53)
and the spring-forward Sunday, with a visit at 02:30, a wall time that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.clock import Clock
from fieldrep.demo import import_demo
from fieldrep.planning.week import planning_week, week_start
from fieldrep.ui.main_window import PLANNER, TODAY, MainWindow
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.test_date_matrix import MATRIX, NEW_YORK, Moment
from tests.ui.conftest import WAIT_MS, open_window

CASES = [
    m for m in MATRIX if m.name in {"sunday", "31-december-iso-week-53", "spring-forward-new-york"}
]


@pytest.fixture(params=CASES, ids=[m.name for m in CASES])
def moment(request: pytest.FixtureRequest) -> Moment:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def window_at(qtbot: QtBot, moment: Moment, tmp_path: Path) -> Iterator[MainWindow]:
    clock = Clock.frozen(moment.wall, moment.wall.tzinfo)
    ws = Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=clock)
    import_demo(ws)
    ws.plans.add(ws.hcps.all()[0].id, moment.day, moment.odd_time or time(9, 0))
    win = open_window(qtbot, ws)
    win.resize(1024, 640)
    yield win
    win.close()
    ws.close()


def test_today_and_the_planner_show_the_visit_once_on_its_day(
    qtbot: QtBot, window_at: MainWindow, moment: Moment, tmp_path: Path
) -> None:
    window = window_at
    window.go(TODAY)
    qtbot.waitUntil(
        lambda: window.today.data is not None and window.today.data.day == moment.day,
        timeout=WAIT_MS,
    )
    assert [r.plan.planned_date for r in window.today.data.visits] == [moment.day]
    assert f"{moment.day:%A %d %B}" in window.today.heading.text()

    planner = window.planner
    window.go(PLANNER)
    assert planner.monday == planning_week(moment.day)
    with qtbot.waitSignal(planner.loaded, timeout=WAIT_MS):
        planner.show_week(moment.day)  # the visit's own week, weekend included
    assert planner.is_showing(moment.day)
    assert len(planner.rows_for(moment.day)) == 1
    iso_week = week_start(moment.day).isocalendar().week
    assert planner.heading.text().startswith(f"Week {iso_week}:")
    window.grab().save(str(tmp_path / f"planner-{moment.name}.png"))


def test_the_idle_lock_counts_elapsed_time_not_the_wall_clock(
    qtbot: QtBot, window_at: MainWindow
) -> None:
    """The wall clock here is stopped at the awkward moment (as if the clocks had just
    jumped): the lock measures idle time on the monotonic clock, so it still locks."""
    window = window_at
    with qtbot.waitSignal(window.locked_changed, timeout=WAIT_MS) as locked:
        window.set_idle_lock(0.01)  # 0.6 s
    assert locked.args == [True] and window.is_locked
    window.set_idle_lock(0)


def test_at_midnight_every_screen_moves_to_the_new_day(qtbot: QtBot, tmp_path: Path) -> None:
    """The window stays open past Friday midnight: Today, the suggestions and the planner
    follow the rep's new date without a sync or a restart."""
    now = [datetime(2027, 3, 19, 23, 59, 30, tzinfo=NEW_YORK)]  # a Friday night
    clock = Clock(lambda: now[0], NEW_YORK)
    ws = Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE, clock=clock)
    import_demo(ws)
    window = open_window(qtbot, ws)
    try:
        qtbot.waitUntil(lambda: "Friday 19 March" in window.today.heading.text(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: bool(window.suggestions.model.rows()), timeout=WAIT_MS)
        assert {s.due for s in window.suggestions.model.rows()} == {date(2027, 3, 19)}
        assert window.planner.monday == date(2027, 3, 15)
        now[0] += timedelta(minutes=1)  # 00:00:30 on Saturday
        with qtbot.waitSignal(window.today.loaded, timeout=WAIT_MS):
            window.check_new_day()
        assert "Saturday 20 March" in window.today.heading.text()
        qtbot.waitUntil(  # proposed at the weekend: for Monday
            lambda: {s.due for s in window.suggestions.model.rows()} == {date(2027, 3, 22)},
            timeout=WAIT_MS,
        )
        assert window.planner.monday == date(2027, 3, 22)  # the coming week
    finally:
        window.close()
        ws.close()
