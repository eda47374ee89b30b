"""A day's route as the map and the planner show it: each leg's driving distance and time.

There is no road network on the device, so a leg's road distance is the straight line
times `ROAD_FACTOR` (1.3, the usual detour of urban and suburban roads), driven at
`ROAD_SPEED_KMH`. The two are chosen so a leg's minutes equal the ones
`planning.schedule` re-times a route with (straight line at 30 km/h): the map and the
visit times never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fieldrep.planning.route import Point, distance_km
from fieldrep.planning.schedule import URBAN_SPEED_KMH, drive_minutes

ROAD_FACTOR = 1.3
ROAD_SPEED_KMH = URBAN_SPEED_KMH * ROAD_FACTOR


@dataclass(frozen=True, slots=True)
class Leg:
    from_index: int  # -1 = the start point
    to_index: int
    road_km: float
    minutes: int


@dataclass(frozen=True, slots=True)
class DayRoute:
    points: tuple[Point | None, ...]  # the visits in route order (None: no coordinates)
    start: Point | None
    legs: tuple[Leg, ...]

    @property
    def road_km(self) -> float:
        return sum(leg.road_km for leg in self.legs)

    @property
    def drive_minutes(self) -> int:
        return sum(leg.minutes for leg in self.legs)

    def summary(self) -> str:
        """ "5 visits · 23 km · 55 min driving" (the legs between located stops)."""
        n = len(self.points)
        visits = f"{n} visit" + ("" if n == 1 else "s")
        if not self.legs:
            return visits
        return f"{visits} · {self.road_km:.0f} km · {format_minutes(self.drive_minutes)} driving"


def format_minutes(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def day_route(points: Sequence[Point | None], start: Point | None = None) -> DayRoute:
    """Legs from the start (when known) through each located visit in the given order;
    a visit without coordinates is skipped by the legs (it cannot be placed)."""
    legs = []
    previous: tuple[int, Point] | None = (-1, start) if start is not None else None
    for index, point in enumerate(points):
        if point is None:
            continue
        if previous is not None:
            km = distance_km(previous[1], point)
            legs.append(
                Leg(previous[0], index, km * ROAD_FACTOR, drive_minutes(previous[1], point))
            )
        previous = (index, point)
    return DayRoute(tuple(points), start, tuple(legs))
