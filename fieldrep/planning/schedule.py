"""Give an ordered day its times: each visit starts when the previous one and the drive end.

Ordering a route without re-timing it would leave a 10:00 visit after an 11:00 one, so
"order route" plans the day: it keeps the day's earliest start (or 09:00), adds each
visit's duration and the drive to the next HCP at an urban average speed, and rounds
up to five minutes, as reps book.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from fieldrep.planning.route import Point, distance_km

DEFAULT_DAY_START = time(9, 0)
URBAN_SPEED_KMH = 30.0
ROUND_TO_MINUTES = 5


def drive_minutes(a: Point | None, b: Point | None) -> int:
    """Minutes between two stops, rounded up to five; unknown places count as 15."""
    if a is None or b is None:
        return 15
    minutes = distance_km(a, b) / URBAN_SPEED_KMH * 60
    return int(math.ceil(minutes / ROUND_TO_MINUTES) * ROUND_TO_MINUTES)


def start_times(
    places: Sequence[Point | None],
    durations: Sequence[int],
    day_start: time = DEFAULT_DAY_START,
) -> list[time]:
    """Start time of each visit, in the given (route) order, from `day_start` on."""
    clock = datetime.combine(datetime.min.date(), day_start)
    times = []
    for index, (place, minutes) in enumerate(zip(places, durations, strict=True)):
        if index:
            clock += timedelta(minutes=drive_minutes(places[index - 1], place))
        times.append(clock.time())
        clock += timedelta(minutes=minutes)
    return times
