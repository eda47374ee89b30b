"""What is learned beyond the segments, each a residual against what the prior already
expects (so nothing is counted twice): the specialty's and the rep's own channel choices
per channel, the HCP's own messages, weekdays per specialty and per HCP.

Each shift is pooled with pseudo-outcomes at the expected rate, or (a strength of None)
shrunk by empirical Bayes (`eb_shift`), so a world without the effect learns ~none.
"""

from __future__ import annotations

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import Territory
from fieldrep.nba.logistic import logit, sigmoid
from fieldrep.nba.usage import usage_shift
from fieldrep.segments.profiles import CHANNELS, FloatArray


def weekday_shifts(t: Territory, config: NbaConfig) -> FloatArray:
    """N x C x 5 logit shift per weekday (Mon-Fri): each (specialty, channel, weekday)
    rate of good outcomes against the (specialty, channel) rate, pooled across the
    territory with `weekday_strength` pseudo-outcomes (evidence discounted like all)."""
    h = t.history
    if t.n == 0 or h.weekday_n.shape[0] != t.n:
        return np.zeros((t.n, len(CHANNELS), 5))
    s_count = int(t.specialty.max()) + 1
    n = np.zeros((s_count, len(CHANNELS), 5))
    pos = np.zeros_like(n)
    np.add.at(n, t.specialty, h.weekday_n)
    np.add.at(pos, t.specialty, h.weekday_pos)
    overall = (pos.sum(axis=2) + 1.0) / (n.sum(axis=2) + 3.0)  # S x C, lightly smoothed
    if config.weekday_strength is None:  # empirical Bayes (see `eb_shift`)
        return eb_shift(pos, n, n * overall[:, :, None])[t.specialty]
    k = config.weekday_strength
    day_rate = (pos + k * overall[:, :, None]) / (n + k)
    return np.asarray(logit(day_rate) - logit(overall)[:, :, None])[t.specialty]


def eb_shift(pos: FloatArray, n: FloatArray, expected: FloatArray) -> FloatArray:
    """Logit shift of observed over expected successes per group, shrunk by empirical
    Bayes: the spread of the groups' rates beyond what chance alone would give (tau^2) is
    estimated from the groups themselves, and each group keeps tau^2 / (tau^2 + its own
    sampling variance) of its difference. A world without such an effect (no weekday or
    specialty differences at all) gets tau^2 ~ 0 and the term vanishes instead of
    learning noise; one with them keeps most of each well-measured group's difference."""
    has = n > 1e-9
    out = np.zeros(np.shape(pos))
    if int(has.sum()) < 3:
        return out
    e = np.clip(expected[has] / n[has], 0.02, 0.98)
    z = pos[has] / n[has] - e
    v = e * (1 - e) / n[has]
    tau2 = max(0.0, float(np.average(z**2 - v, weights=n[has])))
    shrunk = np.clip(e + tau2 / (tau2 + v) * z, 0.01, 0.99)
    out[has] = logit(shrunk) - logit(e)
    return out


def residual_shift(pos: FloatArray, n: FloatArray, expected: FloatArray, k: float) -> FloatArray:
    """Logit shift of observed over expected successes, pooled with `k` pseudo-outcomes
    at the expected rate (0 where there is nothing observed)."""
    rate = np.where(n > 1e-9, expected / np.maximum(n, 1e-9), 0.5)
    rate = np.clip(rate, 0.02, 0.98)
    return np.asarray(logit((pos + k * rate) / (n + k)) - logit(rate))


def channel_learned(t: Territory, prior: FloatArray, config: NbaConfig) -> FloatArray:
    """N x C logit learned beyond the segments, each part a residual against the prior:
    the HCP's specialty on the channel (pooled over the territory), then how the HCP does
    on its *other* channels (8 % of doctors who never respond fail on every channel)."""
    h = t.history
    if t.n == 0:
        return np.zeros_like(prior)
    s_count = int(t.specialty.max()) + 1
    n, pos, exp = (np.zeros((s_count, prior.shape[1])) for _ in range(3))
    np.add.at(n, t.specialty, h.channel_n)
    np.add.at(pos, t.specialty, h.channel_pos)
    np.add.at(exp, t.specialty, h.channel_n * sigmoid(prior))
    if config.specialty_strength is None:  # empirical Bayes (see `eb_shift`)
        spec = eb_shift(pos, n, exp)[t.specialty]
    else:
        spec = residual_shift(pos, n, exp, config.specialty_strength)[t.specialty]
    if config.usage_gain:
        spec = spec + usage_shift(t, config)
    if config.hcp_strength is None:
        return np.asarray(spec)
    expected = h.channel_n * sigmoid(prior + spec)
    other_n = h.channel_n.sum(axis=1, keepdims=True) - h.channel_n
    other_pos = h.channel_pos.sum(axis=1, keepdims=True) - h.channel_pos
    other_exp = expected.sum(axis=1, keepdims=True) - expected
    hcp = residual_shift(other_pos, other_n, other_exp, config.hcp_strength)
    return np.asarray(spec + hcp)


def message_shift(t: Territory, channel_rate: FloatArray, config: NbaConfig) -> FloatArray:
    """N x M: how each message did with the HCP against the HCP's own overall rate,
    pooled with `message_strength` pseudo-outcomes ("wrong message" counts as failures)."""
    if t.message_n.shape[1] == 0:
        return np.zeros(t.message_n.shape)
    h = t.history
    n0 = config.prior_strength
    own = (h.channel_pos.sum(axis=1) + n0 * channel_rate) / (h.channel_n.sum(axis=1) + n0)
    k = config.message_strength
    r = np.clip(own, 0.02, 0.98)[:, None]
    n = t.message_n + t.fb_message_fail
    return np.asarray(logit((t.message_pos + k * r) / (n + k)) - logit(r))


def hcp_weekday(t: Territory, channel_rate: FloatArray, config: NbaConfig) -> FloatArray:
    """N x C x 5: the HCP's own weekdays per channel against its rate on the channel,
    pooled with `hcp_weekday_strength` ("wrong timing" lessons count as failures)."""
    h = t.history
    if h.weekday_n.shape[0] != t.n:
        return np.zeros((t.n, len(CHANNELS), 5))
    k = config.hcp_weekday_strength
    r = np.clip(channel_rate, 0.02, 0.98)[:, :, None]
    if k is None:
        # outcomes by empirical Bayes across every (HCP, channel, weekday); the rep's
        # "wrong timing" lessons count in full on top (pooled with 12 pseudo-outcomes)
        outcomes = eb_shift(h.weekday_pos, h.weekday_n, h.weekday_n * r)
        lessons = logit(12.0 * r / (t.fb_timing_fail + 12.0)) - logit(r)
        return np.asarray(outcomes + lessons)
    n = h.weekday_n + t.fb_timing_fail
    return np.asarray(logit((h.weekday_pos + k * r) / (n + k)) - logit(r))
