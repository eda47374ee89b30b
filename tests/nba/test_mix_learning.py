"""Learning the segment mix: outcomes and dismissals move an HCP's mix, nothing else does."""

from __future__ import annotations

import numpy as np

from fieldrep.nba.mix_update import mix_grid, updated_mix

# Two segments over two channels: segment 0 does well on visits, segment 1 on email.
RATES = np.array([[0.6, 0.1], [0.1, 0.6]])
THEME_RATES = np.array([[0.3], [0.3]])


def _update(
    weights: np.ndarray,
    *,
    pos: np.ndarray | None = None,
    n: np.ndarray | None = None,
    dismissals: np.ndarray | None = None,
) -> np.ndarray:
    rows = weights.shape[0]
    zeros = np.zeros((rows, 2))
    return updated_mix(
        weights,
        np.full(rows, 2.0),
        channel_rates=RATES,
        theme_rates=THEME_RATES,
        channel_counts=(zeros if pos is None else pos, zeros if n is None else n),
        theme_counts=(np.zeros((rows, 1)), np.zeros((rows, 1))),
        channel_dismissals=zeros if dismissals is None else dismissals,
        theme_dismissals=np.zeros((rows, 1)),
        outcome_weight=1.0,
        dismiss_weight=0.1,
    )


def test_without_outcomes_or_dismissals_the_stored_mix_is_kept_exactly() -> None:
    weights = np.array([[0.7, 0.3], [0.5, 0.5], [0.1, 0.9]])
    assert np.allclose(_update(weights), weights)


def test_failed_visits_and_good_emails_move_the_mix_towards_the_email_segment() -> None:
    weights = np.array([[0.7, 0.3], [0.7, 0.3]])
    pos = np.array([[0.0, 3.0], [0.0, 0.0]])
    n = np.array([[4.0, 3.0], [0.0, 0.0]])
    moved = _update(weights, pos=pos, n=n)
    assert moved[0, 1] > weights[0, 1] + 0.2
    assert np.allclose(moved[1], weights[1])  # the other HCP is untouched
    assert np.allclose(moved.sum(axis=1), 1.0)


def test_a_wrong_channel_dismissal_moves_the_mix_away_from_the_segment_that_likes_it() -> None:
    weights = np.array([[0.6, 0.4]])
    once = _update(weights, dismissals=np.array([[16.0, 0.0]]))  # "wrong channel" on visits
    twice = _update(weights, dismissals=np.array([[32.0, 0.0]]))
    assert twice[0, 0] < once[0, 0] < weights[0, 0] - 0.03


def test_the_grid_holds_pure_and_blended_mixes_that_sum_to_one() -> None:
    grid = mix_grid(5)
    assert np.allclose(grid.sum(axis=1), 1.0)
    assert (grid > 0).all()
    assert grid.max(axis=1).max() > 0.9 and grid.max(axis=1).min() < 0.25
