"""What an HCP's other messages say about a message (nba.factors): in a world where
hidden attitudes make messages move together, the leave-one-out prediction finds part of
an HCP's response to a message it never got; in a world without, it stays near 0."""

from __future__ import annotations

import numpy as np

from fieldrep.nba.factors import message_factors

HCPS, MESSAGES = 300, 12


def _calls(rng: np.random.Generator, effect: np.ndarray, count: int) -> tuple[np.ndarray, ...]:
    hcp = rng.integers(0, HCPS, count)
    message = rng.integers(0, MESSAGES, count)
    offset = np.full(count, -0.5)
    p = 1 / (1 + np.exp(-(offset + effect[hcp, message])))
    return hcp, message, np.ones(count), (rng.random(count) < p).astype(float), offset


def test_attitudes_shared_by_messages_are_learned_from_the_hcps_other_messages() -> None:
    rng = np.random.default_rng(3)
    attitude, loading = rng.normal(0, 1, (HCPS, 3)), rng.normal(0, 0.6, (MESSAGES, 3))
    truth = attitude @ loading.T
    hcp, message, weight, positive, offset = _calls(rng, truth, 6000)
    predicted = message_factors(hcp, message, weight, positive, offset, shape=(HCPS, MESSAGES))
    # leave-one-out: each cell is predicted without its own outcomes, so this is a test
    # on unseen data, and it must beat knowing nothing (0)
    assert np.mean((predicted - truth) ** 2) < 0.8 * np.mean(truth**2)
    assert np.corrcoef(predicted.ravel(), truth.ravel())[0, 1] > 0.5
    # a cell the HCP never got is still predicted (from its other messages)
    never = np.ones((HCPS, MESSAGES), dtype=bool)
    never[hcp, message] = False
    assert np.abs(predicted[never]).mean() > 0.1


def test_a_world_where_messages_do_not_move_together_learns_little() -> None:
    rng = np.random.default_rng(4)
    hcp, message, weight, positive, offset = _calls(rng, np.zeros((HCPS, MESSAGES)), 6000)
    predicted = message_factors(hcp, message, weight, positive, offset, shape=(HCPS, MESSAGES))
    assert np.abs(predicted).mean() < 0.2


def test_the_term_chooses_among_messages_and_leaves_the_hcps_level_alone() -> None:
    rng = np.random.default_rng(5)
    truth = np.repeat(rng.normal(0, 1.5, (HCPS, 1)), MESSAGES, axis=1)  # HCP-level only
    hcp, message, weight, positive, offset = _calls(rng, truth, 6000)
    usable = np.ones((HCPS, MESSAGES), dtype=bool)
    usable[:, -2:] = False  # say, messages not approved for these HCPs' specialty
    predicted = message_factors(
        hcp, message, weight, positive, offset, shape=(HCPS, MESSAGES), usable=usable
    )
    assert np.allclose(predicted[:, :-2].mean(axis=1), 0.0)
    assert not predicted[:, -2:].any()


def test_nothing_to_learn_from_gives_zeros() -> None:
    empty = np.zeros(0, dtype=np.int64)
    none = message_factors(empty, empty, np.zeros(0), np.zeros(0), np.zeros(0), shape=(5, 4))
    assert none.shape == (5, 4) and not none.any()
