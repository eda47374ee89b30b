"""Stated chances that match outcomes: a three-number map fitted on the rep's own history.

The scorer's P(good) ranks well but is overconfident where the world differs from its
model (issue 16 measured 0.42 stated against 0.22 true). The chance a rep is shown is

    chance = sigmoid(a + b_prior * (logit P - own history) + b_history * own history)

with (a, b_prior, b_history) fitted by logistic regression on the territory's calls
with a known outcome: for each, the logit the scorer gives that call's HCP, channel,
message and weekday now, with the recency it had on its day, split into what does not
depend on the HCP's own outcomes and what does, the call's own outcome taken out of its
HCP's channel and message evidence (leave one out, so the fit does not flatter itself).
Calls made on the engine's own suggestions weigh most (the rest
`calibration_other_weight`): the chance shown is for picks, and picks are chosen
because they look best, so their outcomes carry the winner's curse to undo. A ridge
prior pulls the three to (0, 1, 1) with `calibration_strength` pseudo-calls, so a new
territory shows the model's own P.
Outcomes are discounted by age like all evidence. The ranking never changes: only the
number shown does (`Suggestion.chance`).
"""

from __future__ import annotations

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.segments.profiles import FloatArray

# (a, b_prior, b_history) of stage one, then (a, b) of the picks' own correction
Calibration = tuple[float, float, float, float, float]
AS_IS: Calibration = (0.0, 1.0, 1.0, 0.0, 1.0)


def fit_calibration(
    x_prior: FloatArray,
    x_history: FloatArray,
    weight: FloatArray,
    positive: FloatArray,
    *,
    suggested: FloatArray,
    config: NbaConfig,
) -> tuple[float, float, float]:
    """(a, b_prior, b_history) of the map from the scorer's logit, split into the part
    that does not depend on the HCP's own outcomes and the part that does, to a
    calibrated logit; (0, 1, 1) = as is. One row per call with a known outcome: the
    scorer's logit for that call's HCP, channel, message and day, its own outcome left
    out of the HCP's channel and message evidence. Two slopes because the HCP's own
    (few, noisy) outcomes are what the winner's curse inflates; the engine's own picks
    weigh most, since the chance shown is the chance of a pick."""
    known = weight > 0
    if int(known.sum()) < 3:
        return 0.0, 1.0, 1.0
    w, pos = weight[known], positive[known]
    other = config.calibration_other_weight
    fit_w = w * (other + (1.0 - other) * suggested[known])
    x = np.column_stack([np.ones(len(w)), x_prior[known], x_history[known]])
    y = pos / w
    target = np.array([0.0, 1.0, 1.0])
    lam = config.calibration_strength * np.eye(3)
    theta = target.copy()
    for _ in range(15):  # Newton steps on the ridge-penalised weighted log-likelihood
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        g = x.T @ (fit_w * (p - y)) + lam @ (theta - target)
        h = (x * (fit_w * p * (1 - p))[:, None]).T @ x + lam
        step = np.linalg.solve(h, g)
        theta = theta - step
        if abs(step).max() < 1e-6:
            break
    # never invert what a part means for the ranking
    return float(theta[0]), max(float(theta[1]), 0.05), max(float(theta[2]), 0.0)


def fit_picks(
    stated: FloatArray, weight: FloatArray, positive: FloatArray, config: NbaConfig
) -> tuple[float, float]:
    """Stage two: (a, b) with chance = sigmoid(a + b * logit(stage-one chance)), fitted on
    the engine's own picks, each with the stage-one chance it was given when suggested
    (carried in its id, `nba.ids`) and how it went. This is where the winner's curse
    shows: a pick was chosen because its chance looked best, so on average it did worse
    than it said. A ridge of `calibration_strength` pseudo-picks pulls (a, b) to (0, 1)."""
    known = (weight > 0) & (stated > 0) & (stated < 1)
    if int(known.sum()) < 3:
        return 0.0, 1.0
    q = np.clip(stated[known], 1e-3, 1 - 1e-3)
    x = np.column_stack([np.ones(len(q)), np.log(q / (1 - q))])
    w, y = weight[known], positive[known] / weight[known]
    target = np.array([0.0, 1.0])
    lam = config.calibration_strength * np.eye(2)
    theta = target.copy()
    for _ in range(15):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        g = x.T @ (w * (p - y)) + lam @ (theta - target)
        h = (x * (w * p * (1 - p))[:, None]).T @ x + lam
        step = np.linalg.solve(h, g)
        theta = theta - step
        if abs(step).max() < 1e-6:
            break
    return float(theta[0]), max(float(theta[1]), 0.05)
