"""Stated chances that match outcomes: a two-number map fitted on the rep's own history.

The scorer's P(good) ranks well but is overconfident where the world differs from its
model (issue 16 measured 0.42 stated against 0.22 true). The chance a rep is shown is

    chance = sigmoid(a + b * logit(P))

with (a, b) fitted by logistic regression on the territory's calls with a known
outcome: for each, the channel part of the logit the scorer gives it now, with the
call's own outcome taken out of its HCP's Beta (leave one out, so the fit does not
flatter itself) and the recency it had on its day. A ridge prior pulls (a, b) to
(0, 1) with `calibration_strength` pseudo-calls, so a new territory shows the model's
own P. Outcomes are discounted by age like all evidence. The ranking never changes:
only the number shown does (`Suggestion.chance`).
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
    config: NbaConfig,
) -> tuple[float, float]:
    """(a, b) of the map from the scorer's logit to a calibrated one; (0, 1) = as is."""
    calls = history.call_rows
    calls = calls[calls[:, 3] > 0] if calls.size else calls
    if calls.shape[0] < 2:
        return 0.0, 1.0
    r, c = calls[:, 0].astype(np.int64), calls[:, 1].astype(np.int64)
    w, pos = calls[:, 3], calls[:, 4]
    loo = (alpha[r, c] - pos) / np.maximum(alpha[r, c] + beta[r, c] - w, 1e-9)
    x = _logit(loo) + _recency_at_call(calls, config)
    y = pos / w
    lam = config.calibration_strength
    a, b = 0.0, 1.0
    for _ in range(12):  # Newton steps on the penalised log-likelihood (2 parameters)
        p = 1.0 / (1.0 + np.exp(-(a + b * x)))
        g = np.array([np.sum(w * (p - y)) + lam * a, np.sum(w * (p - y) * x) + lam * (b - 1)])
        s = w * p * (1 - p)
        h = np.array([[s.sum() + lam, (s * x).sum()], [(s * x).sum(), (s * x * x).sum() + lam]])
        step = np.linalg.solve(h, g)
        a, b = a - float(step[0]), b - float(step[1])
        if abs(step).max() < 1e-6:
            break
    return a, max(b, 0.05)  # never invert the ranking's meaning
