"""Route order: nearest neighbour + 2-opt over real coordinates."""

from __future__ import annotations

import itertools
import random

import pytest

from fieldrep.planning.route import Stop, distance_km, order_route, route_length_km
from fieldrep.tasks import Cancelled, CancelToken


def _points(stops: list[Stop], ids: list[str]) -> list[tuple[float, float]]:
    by_id = {s.id: s for s in stops}
    return [(by_id[i].latitude, by_id[i].longitude) for i in ids]  # type: ignore[misc]


def test_distance_between_boston_and_cambridge_is_a_few_kilometres() -> None:
    assert 3.0 < distance_km((42.3601, -71.0589), (42.3736, -71.1097)) < 5.0


def test_stops_on_a_line_are_visited_in_line_order_from_the_start() -> None:
    stops = [Stop(str(i), 42.0 + 0.01 * i, -71.0) for i in (3, 0, 4, 1, 2)]
    assert order_route(stops, start=(41.99, -71.0)) == ["0", "1", "2", "3", "4"]


def test_route_is_optimal_for_small_days() -> None:
    rng = random.Random(7)
    start = (42.4, -71.1)
    for _ in range(20):
        stops = [
            Stop(f"s{i}", 42.3 + rng.random() * 0.2, -71.2 + rng.random() * 0.2) for i in range(6)
        ]
        ordered = order_route(stops, start=start)
        best = min(
            route_length_km(_points(stops, list(p)), start)
            for p in itertools.permutations([s.id for s in stops])
        )
        # 2-opt is a heuristic; on six stops it lands within a few percent of optimal.
        assert route_length_km(_points(stops, ordered), start) <= best * 1.05


def test_stops_without_coordinates_keep_their_order_at_the_end() -> None:
    stops = [Stop("x", None, None), Stop("a", 42.0, -71.0), Stop("y", None, None)]
    assert order_route(stops) == ["a", "x", "y"]


def test_a_cancelled_token_stops_the_ordering() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        order_route([Stop(str(i), 42 + i / 100, -71.0) for i in range(5)], cancel=token)
