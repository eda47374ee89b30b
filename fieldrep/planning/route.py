"""Order one day's visits for the shortest drive: nearest neighbour, then 2-opt and or-opt.

Distances are great-circle kilometres between coordinates; a rep's day has 6-14 stops,
so the O(n^3) 2-opt pass finishes in well under a millisecond. Stops without
coordinates cannot be placed on a map; they keep their relative order at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from fieldrep.tasks import CancelToken

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Stop:
    id: str
    latitude: float | None
    longitude: float | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


Point = tuple[float, float]


def distance_km(a: Point, b: Point) -> float:
    """Haversine distance between two (latitude, longitude) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def route_length_km(points: Sequence[Point], start: Point | None = None) -> float:
    """Length of the open path start -> points[0] -> ... -> points[-1]."""
    path = ([start] if start is not None else []) + list(points)
    return sum(distance_km(path[i], path[i + 1]) for i in range(len(path) - 1))


def _nearest_neighbour(points: list[Point], start: Point | None) -> list[int]:
    remaining = list(range(len(points)))
    if start is None:
        order = [remaining.pop(0)]
        here = points[order[0]]
    else:
        order, here = [], start
    while remaining:
        best = min(remaining, key=lambda i: distance_km(here, points[i]))
        remaining.remove(best)
        order.append(best)
        here = points[best]
    return order


def _two_opt(
    order: list[int], points: list[Point], start: Point | None, cancel: CancelToken | None
) -> list[int]:
    """Reverse segments while that shortens the open path (the start stays fixed)."""

    def length(candidate: list[int]) -> float:
        return route_length_km([points[i] for i in candidate], start)

    best, best_len = order, length(order)
    first = 0 if start is not None else 1  # without a start, the first stop is the anchor
    improved = True
    while improved:
        improved = False
        if cancel is not None:
            cancel.raise_if_cancelled()
        for candidate in _neighbours(best, first):
            candidate_len = length(candidate)
            if candidate_len < best_len - 1e-9:
                best, best_len, improved = candidate, candidate_len, True
                break
    return best


def _neighbours(order: list[int], first: int) -> list[list[int]]:
    """2-opt reversals, then single-stop relocations (or-opt), which 2-opt alone misses."""
    out = []
    n = len(order)
    for i in range(first, n - 1):
        for j in range(i + 1, n):
            out.append(order[:i] + order[i : j + 1][::-1] + order[j + 1 :])
    for i in range(first, n):
        rest = order[:i] + order[i + 1 :]
        for j in range(first, n):
            if j != i:
                out.append(rest[:j] + [order[i]] + rest[j:])
    return out


def order_route(
    stops: Sequence[Stop], start: Point | None = None, cancel: CancelToken | None = None
) -> list[str]:
    """The stop ids in visiting order: a short open path from `start` through every stop."""
    located = [s for s in stops if s.located]
    unlocated = [s.id for s in stops if not s.located]
    if not located:
        return unlocated
    points = [(float(s.latitude), float(s.longitude)) for s in located]  # type: ignore[arg-type]
    order = _two_opt(_nearest_neighbour(points, start), points, start, cancel)
    return [located[i].id for i in order] + unlocated
