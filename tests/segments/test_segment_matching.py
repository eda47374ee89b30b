"""Matching refitted segments to the catalogue: the same assignment SciPy's Hungarian
solver gave, from a few lines over itertools.permutations (SciPy is no longer shipped)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from fieldrep.segments.mixture import cheapest_assignment, match_to_catalogue
from fieldrep.segments.profiles import SegmentProfiles, catalogue_profiles

# (seed, size, col_ind) recorded from scipy.optimize.linear_sum_assignment 1.17.1 on
# `np.random.default_rng(seed).random((size, size)) * 4`, before SciPy was dropped.
SCIPY_ANSWERS = [
    (0, 2, [1, 0]),
    (1, 3, [2, 1, 0]),
    (2, 4, [1, 3, 0, 2]),
    (3, 5, [4, 2, 3, 1, 0]),
    (4, 5, [3, 2, 1, 0, 4]),
    (5, 5, [3, 2, 1, 4, 0]),
    (6, 5, [3, 4, 0, 1, 2]),
    (7, 6, [3, 4, 1, 5, 0, 2]),
    (8, 6, [5, 2, 1, 3, 0, 4]),
    (9, 7, [1, 4, 2, 0, 6, 3, 5]),
    (10, 8, [5, 0, 2, 7, 4, 3, 1, 6]),
    (11, 5, [3, 2, 0, 4, 1]),
]


@pytest.mark.parametrize(("seed", "size", "expected"), SCIPY_ANSWERS)
def test_cheapest_assignment_matches_scipys_hungarian_solver(
    seed: int, size: int, expected: list[int]
) -> None:
    cost = np.random.default_rng(seed).random((size, size)) * 4
    assert cheapest_assignment(cost) == expected


def test_a_shuffled_catalogue_is_matched_back_to_its_own_order() -> None:
    catalogue = catalogue_profiles()
    order = [3, 0, 4, 1, 2]
    shuffled = SegmentProfiles(
        catalogue.segment_ids, catalogue.channels[order], catalogue.themes[order]
    )
    matched = match_to_catalogue(shuffled, catalogue)
    assert [order[c] for c in matched] == list(range(catalogue.k))


def test_eight_segments_are_still_matched_in_milliseconds() -> None:
    cost = np.random.default_rng(7).random((8, 8))
    started = time.perf_counter()
    cheapest_assignment(cost)
    assert time.perf_counter() - started < 0.5


def test_a_catalogue_too_large_to_brute_force_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="at most 8"):
        cheapest_assignment(np.zeros((9, 9)))
