"""Stated chances that match outcomes: a three-number map fitted on the rep's own history.

The scorer's P(good) ranks well but is overconfident where the world differs from its
model (issue 16 measured 0.42 stated against 0.22 true). The chance a rep is shown is

    chance = sigmoid(a + b_prior * (logit P - own history) + b_history * own history)

with (a, b_prior, b_history) fitted by logistic regression on the territory's calls
with a known outcome: for each, the channel prior the scorer gives it now (territory
rate, segment, preferred channel) plus the recency it had on its day, and what the
HCP's own outcomes add, with the call's own outcome taken out of its HCP's Beta (leave
one out, so the fit does not flatter itself). A ridge prior pulls the three to (0, 1, 1)
with `calibration_strength` pseudo-calls, so a new territory shows the model's own P.
Outcomes are discounted by age like all evidence. The ranking never changes: only the
number shown does (`Suggestion.chance`).
"""

from __future__ import annotations

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.segments.history import ContactHistory
from fieldrep.segments.profiles import FloatArray

NEVER_DAYS, RECENCY_FLOOR, RECENCY_CAP = 120.0, 30.0, 120.0


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)))


def _recency_at_call(calls: FloatArray, config: NbaConfig) -> FloatArray:
    """The recency term each call had on its day (days since the HCP's previous call)."""
    order = np.lexsort((calls[:, 2], calls[:, 0]))
    rows, days = calls[order, 0], calls[order, 2]
    previous = np.full(len(calls), -np.inf)
    same = np.r_[False, rows[1:] == rows[:-1]]
    previous[1:][same[1:]] = days[:-1][same[1:]]
    gap = np.minimum(days - previous, NEVER_DAYS)
    capped = np.clip(gap, RECENCY_FLOOR, RECENCY_CAP)
    out = np.empty(len(calls))
    out[order] = config.recency_gain * (capped - RECENCY_FLOOR) / (RECENCY_CAP - RECENCY_FLOOR)
    return out


def fit_calibration(
    history: ContactHistory,
    alpha: FloatArray,
    beta: FloatArray,
    prior: FloatArray,
    config: NbaConfig,
) -> tuple[float, float, float]:
    """(a, b_prior, b_history) of the map from the scorer's logit, split into the part
    that does not depend on the HCP's own outcomes and the part that does, to a
    calibrated logit; (0, 1, 1) = as is. Two slopes because the HCP's own (few, noisy)
    outcomes are what the winner's curse inflates: their slope is learnt separately."""
    calls = history.call_rows
    calls = calls[calls[:, 3] > 0] if calls.size else calls
    if calls.shape[0] < 3:
        return 0.0, 1.0, 1.0
    r, c = calls[:, 0].astype(np.int64), calls[:, 1].astype(np.int64)
    w, pos = calls[:, 3], calls[:, 4]
    loo = (alpha[r, c] - pos) / np.maximum(alpha[r, c] + beta[r, c] - w, 1e-9)
    x_prior = prior[r, c] + _recency_at_call(calls, config)
    x_history = _logit(loo) - prior[r, c]
    x = np.column_stack([np.ones(len(calls)), x_prior, x_history])
    y = pos / w
    target = np.array([0.0, 1.0, 1.0])
    lam = config.calibration_strength * np.eye(3)
    theta = target.copy()
    for _ in range(15):  # Newton steps on the ridge-penalised weighted log-likelihood
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        g = x.T @ (w * (p - y)) + lam @ (theta - target)
        h = (x * (w * p * (1 - p))[:, None]).T @ x + lam
        step = np.linalg.solve(h, g)
        theta = theta - step
        if abs(step).max() < 1e-6:
            break
    # never invert what a part means for the ranking
    return float(theta[0]), max(float(theta[1]), 0.05), max(float(theta[2]), 0.0)
