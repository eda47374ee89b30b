"""Ordering a route re-times the day: each visit after the previous one and the drive."""

from __future__ import annotations

from datetime import time

from fieldrep.planning.schedule import drive_minutes, start_times

CAMBRIDGE = (42.3736, -71.1097)
SOMERVILLE = (42.3876, -71.0995)
LOWELL = (42.6334, -71.3162)


def test_drive_time_grows_with_distance_and_rounds_to_five_minutes() -> None:
    near = drive_minutes(CAMBRIDGE, SOMERVILLE)
    far = drive_minutes(CAMBRIDGE, LOWELL)
    assert near == 5
    assert far > 60 and far % 5 == 0
    assert drive_minutes(CAMBRIDGE, None) == 15


def test_each_visit_starts_after_the_previous_visit_and_the_drive() -> None:
    times = start_times([CAMBRIDGE, SOMERVILLE, None], [30, 20, 15], day_start=time(8, 30))
    assert times == [time(8, 30), time(9, 5), time(9, 40)]
    assert times == sorted(times)
