"""The one clock: UTC instants, the rep's calendar, and a pin that every process shares."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldrep.clock import NOW_ENV, NOW_SET_AT_ENV, Clock

TOKYO = ZoneInfo("Asia/Tokyo")


def test_now_is_utc_and_today_is_the_reps_calendar_day() -> None:
    late_evening_in_new_york = datetime(2026, 12, 31, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    clock = Clock.frozen(late_evening_in_new_york)
    assert clock.now() == datetime(2027, 1, 1, 3, 0, tzinfo=UTC)  # already next year in UTC
    assert clock.today() == date(2026, 12, 31)
    assert clock.local(datetime(2027, 1, 1, 3, 0, tzinfo=UTC)).hour == 22


def test_a_pinned_clock_runs_on_from_the_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV, "2028-02-29T23:59:59+09:00")
    monkeypatch.setenv(NOW_SET_AT_ENV, repr(time.time() - 2))  # pinned two seconds ago
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    clock = Clock.system()
    assert clock.tz == TOKYO
    assert clock.today() == date(2028, 3, 1)  # the two seconds crossed midnight
    assert (
        timedelta(0)
        < clock.now() - datetime(2028, 2, 29, 14, 59, 59, tzinfo=UTC)
        < timedelta(seconds=10)
    )


def test_a_child_process_tells_the_same_pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV, "2027-03-14T01:59:00-05:00")
    monkeypatch.delenv(NOW_SET_AT_ENV)
    mine = Clock.system().now()  # anchors the pin for this process and its children
    script = "from fieldrep.clock import Clock; print(Clock.system().now().isoformat())"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    theirs = datetime.fromisoformat(out.stdout.strip())
    assert timedelta(0) <= theirs - mine < timedelta(seconds=30)


def test_a_pin_without_an_offset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV, "2027-03-14T02:30:00")
    with pytest.raises(ValueError, match="needs a UTC offset"):
        Clock.system()
