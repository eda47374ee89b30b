"""Bayesian learning: Beta posteriors per (HCP, channel) and (HCP, message theme).

Each HCP-level Beta starts from a prior whose mean comes from the territory's learned
channel (or theme) rate shifted by the HCP's segment mix and the rep's marked preferred
channel, with `prior_strength` pseudo-contacts behind it. Call outcomes (positive =
success) and the rep's feedback lessons (see `features.apply_feedback`) update it.
Thompson sampling draws from these posteriors for the exploratory share of the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fieldrep.nba.calibration import AS_IS, Calibration, fit_calibration, fit_picks
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import Territory
from fieldrep.nba.logistic import logit, sigmoid
from fieldrep.nba.mix_update import updated_mix
from fieldrep.nba.residuals import (
    channel_learned,
    hcp_weekday,
    message_shift,
    residual_shift,
    weekday_shifts,
)
from fieldrep.segments.history import CHANNEL_WINDOW_DAYS as CHANNEL_DAYS
from fieldrep.segments.history import FATIGUE_WINDOW_DAYS as FATIGUE_DAYS
from fieldrep.segments.history import ContactHistory
from fieldrep.segments.profiles import CHANNELS, THEMES, FloatArray

# Days since the HCP's last contact (any channel): the bands of the learned recency
# correction (the last band: 120 days or more, or never)
RECENCY_BANDS = np.array([7.0, 14.0, 30.0, 60.0, 120.0])


@dataclass(frozen=True)
class Posteriors:
    """Logit-space parts of the channel and theme effects, plus the Beta parameters."""

    base: FloatArray  # C: logit of the territory's rate per channel
    segment_channel: FloatArray  # N x C: shift implied by the segment mix
    preferred: FloatArray  # N x C: the rep's marked preferred channel
    channel_alpha: FloatArray  # N x C
    channel_beta: FloatArray
    channel_prior: FloatArray  # N x C: prior mean (logit) = base + segment + preferred
    theme_global: FloatArray  # T: learned theme rate vs the configured base (logit)
    segment_theme: FloatArray  # N x T
    theme_alpha: FloatArray  # N x T
    theme_beta: FloatArray
    theme_prior: FloatArray  # N x T (logit)
    mix: FloatArray  # N x K: the segment mix used (the stored one, updated by learning)
    # Products: the territory's recent rate per product vs the theme base (logit, P), and
    # a Beta per (HCP, product) around it (a competitor campaign shows as a falling rate).
    product_global: FloatArray = field(default_factory=lambda: np.zeros(0))
    product_alpha: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    product_beta: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    product_prior: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    weekday: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 5)))  # N x C x 5
    calibration: Calibration = AS_IS  # see nba.calibration
    wear_logit: float = 0.0  # learned message wear-out (see `learned_wear`)
    # N x C, inside channel_prior: the (specialty, channel) rate and how the HCP answers
    # on its other channels, each against what the segment prior expects
    channel_learned: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    message_shift: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # N x M
    recency_shift: FloatArray = field(default_factory=lambda: np.zeros(len(RECENCY_BANDS) + 1))
    # C x 3: by contacts on the same channel in the last 30 days (0, 1, 2 or more)
    channel_fatigue: FloatArray = field(default_factory=lambda: np.zeros((len(CHANNELS), 3)))

    def take(self, rows: np.ndarray) -> Posteriors:
        """The posteriors of a subset of HCPs (territory-wide parts unchanged)."""
        return Posteriors(
            base=self.base,
            segment_channel=self.segment_channel[rows],
            preferred=self.preferred[rows],
            channel_alpha=self.channel_alpha[rows],
            channel_beta=self.channel_beta[rows],
            channel_prior=self.channel_prior[rows],
            theme_global=self.theme_global,
            segment_theme=self.segment_theme[rows],
            theme_alpha=self.theme_alpha[rows],
            theme_beta=self.theme_beta[rows],
            theme_prior=self.theme_prior[rows],
            mix=self.mix[rows],
            product_global=self.product_global,
            product_alpha=self.product_alpha[rows],
            product_beta=self.product_beta[rows],
            product_prior=self.product_prior[rows],
            weekday=self.weekday[rows],
            calibration=self.calibration,
            wear_logit=self.wear_logit,
            channel_learned=self.channel_learned[rows],
            message_shift=self.message_shift[rows],
            recency_shift=self.recency_shift,
            channel_fatigue=self.channel_fatigue,
        )

    def channel_history(self, rng: np.random.Generator | None = None) -> FloatArray:
        """What the HCP's own outcomes and feedback add to the prior (logit, N x C)."""
        a, b = self.channel_alpha, self.channel_beta
        p = rng.beta(a, b) if rng is not None else a / (a + b)
        return logit(p) - self.channel_prior

    def theme_history(self, rng: np.random.Generator | None = None) -> FloatArray:
        a, b = self.theme_alpha, self.theme_beta
        p = rng.beta(a, b) if rng is not None else a / (a + b)
        return logit(p) - self.theme_prior

    def product_history(self, rng: np.random.Generator | None = None) -> FloatArray:
        """What the HCP's own outcomes with each product add (logit, N x P)."""
        a, b = self.product_alpha, self.product_beta
        if a.size == 0:
            return np.zeros_like(a)
        p = rng.beta(a, b) if rng is not None else a / (a + b)
        return logit(p) - self.product_prior


def _segment_rates(
    weights: FloatArray,
    profile: FloatArray,
    *,
    gain: float,
    base: FloatArray,
    counts: tuple[FloatArray, FloatArray] | None,
    strength: float,
) -> FloatArray:
    """Each segment's rate of good outcomes per column (K x V), pooled over the territory.

    Each (segment, column) has a Beta whose prior mean is the territory rate moved by how
    much more than typical the segment's profile uses that column; outcomes update it
    with each HCP's weight on the segment (soft counts), so every contact in the
    territory teaches every HCP that shares a segment with it.
    """
    relative = profile / profile.mean(axis=0)[None, :]
    prior = sigmoid(base[None, :] + gain * np.log(relative))  # K x V
    a, b = strength * prior, strength * (1 - prior)
    if counts is not None:
        pos, n = counts
        a = a + weights.T @ pos
        b = b + weights.T @ (n - pos)
    return np.asarray(a / (a + b))


def _shift(weights: FloatArray, rates: FloatArray, base: FloatArray) -> FloatArray:
    """Logit shift of each HCP's rate over the territory's: the mix of its segments' rates."""
    return np.asarray(logit(weights @ rates) - base[None, :])


def learned_mix(
    t: Territory,
    rates_c: FloatArray,
    rates_t: FloatArray,
    config: NbaConfig,
    *,
    dismissals: bool = True,
) -> FloatArray:
    """The stored segment mix updated by the HCP's outcomes (and the rep's dismissals)."""
    h = t.history
    concentration = config.mix_prior_scale * (
        1.0 + h.contacts.sum(axis=1) + h.theme_contacts.sum(axis=1)
    )
    return updated_mix(
        t.segment_weights,
        concentration,
        channel_rates=rates_c,
        theme_rates=rates_t,
        channel_counts=(h.channel_pos, h.channel_n),
        theme_counts=(h.theme_pos, h.theme_n),
        channel_dismissals=t.fb_channel_fail,
        theme_dismissals=t.fb_theme_fail,
        outcome_weight=config.mix_outcome_weight,
        dismiss_weight=config.mix_dismiss_weight if dismissals else 0.0,
    )


def learned_wear(history: ContactHistory, config: NbaConfig) -> float:
    """The message wear-out, learned: how much worse (logit) a message did when the HCP
    had been given it within `wear_days` than when not, scaled to the day-0 penalty
    (the penalty fades linearly, so a repeat at gap g carries 1 - g / wear_days of it),
    pooled with `wear_strength` pseudo-repeats at the configured `wear_logit`. A world
    where repeating does no harm learns ~0 (the engine then picks the best message again);
    one where it does learns the drop."""
    rows = history.message_rows
    if rows.shape[0] < 2:
        return config.wear_logit
    r = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    same = (r[1:, 0] == r[:-1, 0]) & (r[1:, 1] == r[:-1, 1])
    gap = np.r_[np.inf, np.where(same, r[1:, 2] - r[:-1, 2], np.inf)]
    repeat = gap < config.wear_days
    w, pos = r[:, 3], r[:, 4]
    n_repeat = float(w[repeat].sum())
    if n_repeat <= 0:
        return config.wear_logit
    overall = (pos.sum() + 1.0) / (w.sum() + 2.0)
    rate_repeat = (pos[repeat].sum() + 10 * overall) / (n_repeat + 10)
    rate_fresh = (pos[~repeat].sum() + 10 * overall) / (w[~repeat].sum() + 10)
    drop = float(logit(np.array(rate_fresh)) - logit(np.array(rate_repeat)))
    fade = float(np.average(1.0 - gap[repeat] / config.wear_days, weights=w[repeat]))
    observed = drop / max(fade, 0.1)
    k = config.wear_strength
    return max(0.0, (k * config.wear_logit + n_repeat * observed) / (k + n_repeat))


def _sums(cells: np.ndarray, weights: FloatArray, size: int) -> FloatArray:
    return np.bincount(cells, weights=weights, minlength=size).astype(np.float64)


def _band(days: FloatArray) -> np.ndarray:
    return np.searchsorted(RECENCY_BANDS, days, side="right")


def call_context(calls: FloatArray) -> tuple[FloatArray, FloatArray]:
    """For each call (calls in date order): days since the HCP's previous call on any
    channel (120 if none) and how many calls it had in the `FATIGUE_DAYS` before."""
    if calls.shape[0] == 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(calls[:, 0], kind="stable")  # in date order within each HCP
    rows, days = calls[order, 0], calls[order, 2]
    key = rows * 1e7 + days
    previous = np.full(len(order), -np.inf)
    same = np.r_[False, rows[1:] == rows[:-1]]
    previous[same] = days[:-1][same[1:]]
    gap, recent = np.empty(len(order)), np.empty(len(order))
    gap[order] = np.minimum(days - previous, 120.0)
    recent[order] = np.arange(len(order)) - np.searchsorted(
        key, key - FATIGUE_DAYS + 0.5, side="left"
    )
    return gap, recent


def same_channel_before(calls: FloatArray, days: float) -> FloatArray:
    """For each call (calls in date order): how many calls on the same channel the HCP
    had in the `days` before."""
    if calls.shape[0] == 0:
        return np.zeros(0)
    order = np.argsort(calls[:, 0] * 10 + calls[:, 1], kind="stable")  # date order within
    key = (calls[order, 0] * 10 + calls[order, 1]) * 1e7 + calls[order, 2]
    out = np.empty(len(order))
    out[order] = np.arange(len(order)) - np.searchsorted(key, key - days + 0.5, side="left")
    return out


def fixed_recency(gap: FloatArray, recent: FloatArray, config: NbaConfig) -> FloatArray:
    """The configured recency and fatigue terms (as `scoring.recency_terms`)."""
    capped = np.clip(gap, 30.0, 120.0)
    return np.asarray(
        config.recency_gain * (capped - 30.0) / 90.0 - config.fatigue_per_contact * recent
    )


def recency_shift(
    band: np.ndarray, weight: FloatArray, positive: FloatArray, expected: FloatArray,
    *, config: NbaConfig,
) -> FloatArray:  # fmt: skip
    """A territory correction to the fixed recency and fatigue terms per band of days
    since the HCP's previous contact: observed over expected good outcomes of the calls
    on record in each band (expected from everything else the scorer knows of the call,
    the HCP's own record included, its own outcome left out), pooled with
    `recency_strength` pseudo-outcomes. A world where a doctor seen last week is not
    ready again shows as the short bands doing worse than expected."""
    k = len(RECENCY_BANDS) + 1
    n_b, pos_b = _sums(band, weight, k), _sums(band, positive, k)
    exp_b = _sums(band, weight * expected, k)
    return residual_shift(pos_b, n_b, exp_b, config.recency_strength)


@dataclass(frozen=True)
class _Parts:
    """What the calls on record are scored with (see `_from_calls`)."""

    channel: tuple[FloatArray, FloatArray, FloatArray]  # alpha, beta, prior (N x C)
    theme: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
    product: tuple[FloatArray, FloatArray, FloatArray, FloatArray]
    own_rate: FloatArray  # N: the HCP's rate the message evidence is measured against
    weekday: FloatArray  # N x C x 5


def _earlier(
    group: np.ndarray, weight: FloatArray, positive: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """For each call (calls in date order): the (discounted) known outcomes and
    positives of the calls in the same group (say the same HCP and channel) made before
    it: what was known then."""
    order = np.argsort(group, kind="stable")  # calls come in date order (`_from_calls`)
    g = group[order]
    ex_w = np.cumsum(weight[order]) - weight[order]
    ex_p = np.cumsum(positive[order]) - positive[order]
    start = np.maximum.accumulate(np.where(np.r_[True, g[1:] != g[:-1]], np.arange(len(g)), 0))
    n, pos = np.empty(len(g)), np.empty(len(g))
    n[order], pos[order] = ex_w - ex_w[start], ex_p - ex_p[start]
    return n, pos


def _from_calls(
    t: Territory, config: NbaConfig, parts: _Parts
) -> tuple[FloatArray, FloatArray, Calibration]:
    """The learned recency correction and the calibration of the chance shown, both
    from the calls on record, each scored as the scorer would score it now (its HCP,
    channel, message and weekday, the recency it had on its day), its own outcome left
    out of the HCP's channel and message evidence."""
    calls = t.history.call_rows
    rec = np.zeros(len(RECENCY_BANDS) + 1)
    if calls.shape[0] < 3:
        return rec, np.zeros((len(CHANNELS), 3)), AS_IS
    m = t.call_message if t.call_message.shape == (len(calls),) else np.full(len(calls), -1)
    by_date = np.argsort(calls[:, 2], kind="stable")  # the helpers below rely on date order
    calls, m = calls[by_date], m[by_date]
    r, c = calls[:, 0].astype(np.int64), calls[:, 1].astype(np.int64)
    w, pos = calls[:, 3], calls[:, 4]
    suggested = calls[:, 5] if calls.shape[1] > 5 else np.zeros(len(calls))
    ca, cb, prior_c = parts.channel
    loo = (ca[r, c] - pos) / np.maximum(ca[r, c] + cb[r, c] - w, 1e-9)
    x_hist = logit(loo) - prior_c[r, c]
    gap, recent = call_context(calls)
    weekday = (np.round(calls[:, 2]).astype(np.int64) - 1) % 7  # ordinal 1 is a Monday
    x_prior = prior_c[r, c] + fixed_recency(gap, recent, config)
    x_prior = x_prior + np.where(weekday < 5, parts.weekday[r, c, np.minimum(weekday, 4)], 0.0)
    known = w > 0
    band = _band(gap)
    # the recency correction reads the channel part only (outcomes, no rep lessons)
    expected = sigmoid(x_prior + x_hist)
    rec = recency_shift(band[known], w[known], pos[known], expected[known], config=config)
    x_prior = x_prior + rec[band]
    # then per channel, by contacts on the same channel in the 30 days before
    same = np.minimum(same_channel_before(calls, CHANNEL_DAYS), 2).astype(np.int64)
    expected = sigmoid(x_prior + x_hist)
    cells = c * 3 + same
    size = len(CHANNELS) * 3
    fatigue = residual_shift(
        _sums(cells[known], pos[known], size),
        _sums(cells[known], w[known], size),
        _sums(cells[known], (w * expected)[known], size),
        config.recency_strength,
    ).reshape(len(CHANNELS), 3)
    x_prior = x_prior + fatigue[c, same]
    if t.messages.ids and (m >= 0).any():
        has = (m >= 0).astype(np.float64)
        mm = np.maximum(m, 0)
        th, pr = t.messages.theme[mm], t.messages.product[mm]
        ta, tb, prior_t, theme_global, seg_t = parts.theme
        tw, wp = config.theme_weight, config.product_weight
        x_prior = x_prior + tw * (theme_global[th] + seg_t[r, th]) * has
        # each own-history part with the call's own outcome left out (leave one out)
        t_loo = (ta[r, th] - pos * has) / np.maximum(ta[r, th] + tb[r, th] - w * has, 1e-9)
        x_hist = x_hist + tw * (logit(t_loo) - prior_t[r, th]) * has
        pa, pb, prior_p, product_global = parts.product
        if pa.shape[1]:
            x_prior = x_prior + wp * product_global[pr] * has
            p_loo = (pa[r, pr] - pos * has) / np.maximum(pa[r, pr] + pb[r, pr] - w * has, 1e-9)
            x_hist = x_hist + wp * (logit(p_loo) - prior_p[r, pr]) * has
        k = config.message_strength
        own = np.clip(parts.own_rate[r], 0.02, 0.98)
        n_m = t.message_n[r, mm] - w
        p_m = np.maximum(t.message_pos[r, mm] - pos, 0.0)
        shift = logit((p_m + k * own) / (np.maximum(n_m, 0.0) + k)) - logit(own)
        x_hist = x_hist + config.message_weight * shift * has
    # The calibration is fitted on what the scorer knew *before* each call (the HCP's own
    # outcomes up to then): an engine's pick was chosen on that, and its winner's curse
    # shows only against it (later outcomes would have corrected the estimate already).
    x_then = _known_then(t, config, parts, calls, m)
    a, b_prior, b_history = fit_calibration(
        x_prior, x_then, w, pos, suggested=suggested, config=config
    )
    stated = calls[:, 7] if calls.shape[1] > 7 else np.full(len(calls), -1.0)
    return rec, fatigue, (a, b_prior, b_history, *fit_picks(stated, w, pos, config))


def _known_then(
    t: Territory, config: NbaConfig, parts: _Parts, calls: FloatArray, m: np.ndarray
) -> FloatArray:
    """Per call: the own-history part of its logit from the HCP's outcomes before it."""
    r, c = calls[:, 0].astype(np.int64), calls[:, 1].astype(np.int64)
    w, pos = calls[:, 3], calls[:, 4]
    n0 = config.prior_strength
    prior_c = parts.channel[2][r, c]
    n, p = _earlier(r * len(CHANNELS) + c, w, pos)
    mu = sigmoid(prior_c)
    x = logit((n0 * mu + p) / (n0 + n)) - prior_c
    if not t.messages.ids or not (m >= 0).any():
        return np.asarray(x)
    has = m >= 0
    mm = np.maximum(m, 0)
    th, pr = t.messages.theme[mm], t.messages.product[mm]
    prior_t = parts.theme[2][r, th]
    n, p = _earlier(r * len(THEMES) + th, w * has, pos * has)
    x = x + config.theme_weight * has * (logit((n0 * sigmoid(prior_t) + p) / (n0 + n)) - prior_t)
    if parts.product[0].shape[1]:
        prior_p = parts.product[2][r, pr]
        n, p = _earlier(r * parts.product[0].shape[1] + pr, w * has, pos * has)
        own_p = logit((n0 * sigmoid(prior_p) + p) / (n0 + n)) - prior_p
        x = x + config.product_weight * has * own_p
    k = config.message_strength
    own = np.clip(parts.own_rate[r], 0.02, 0.98)
    n, p = _earlier(r * len(t.messages.ids) + mm, w * has, pos * has)
    shift = logit((p + k * own) / (n + k)) - logit(own)
    return np.asarray(x + config.message_weight * has * shift)


def posteriors(t: Territory, config: NbaConfig, *, learn: bool = True) -> Posteriors:
    """Posteriors from priors plus (when `learn`) outcomes and rep feedback."""
    learn = learn and config.learning
    h = t.history
    s, n0 = config.base_strength, config.prior_strength
    base_rate = np.array([config.base_rate[c] for c in CHANNELS])
    s_msg = config.territory_message_strength
    if learn:
        rate = (s * base_rate + h.channel_pos.sum(axis=0)) / (s + h.channel_n.sum(axis=0))
        theme_rate = (s_msg * config.theme_base_rate + h.theme_pos.sum(axis=0)) / (
            s_msg + h.theme_n.sum(axis=0)
        )
    else:
        rate = base_rate
        theme_rate = np.full(h.theme_n.shape[1], config.theme_base_rate)
    base = logit(rate)
    w = t.segment_weights
    theme_base = logit(np.array(config.theme_base_rate))
    theme_global = logit(theme_rate) - theme_base
    c_counts = (h.channel_pos, h.channel_n) if learn else None
    t_counts = (h.theme_pos, h.theme_n) if learn else None
    t_base = theme_base + theme_global

    def rates(mix: FloatArray) -> tuple[FloatArray, FloatArray]:
        strength = config.segment_strength
        return (
            _segment_rates(
                mix, t.profiles.channels, gain=config.segment_channel_gain, base=base,
                counts=c_counts, strength=strength,
            ),
            _segment_rates(
                mix, t.profiles.themes, gain=config.segment_theme_gain, base=t_base,
                counts=t_counts, strength=strength,
            ),
        )  # fmt: skip

    rates_c, rates_t = rates(w)
    w_outcomes = w
    if learn and config.mix_learning:
        # Outcomes move each HCP's mix, and the segment rates are re-pooled with the moved
        # mixes; the rep's dismissals then move only that HCP's own mix (so a dismissal
        # changes no other HCP's score).
        w_outcomes = learned_mix(t, rates_c, rates_t, config, dismissals=False)
        rates_c, rates_t = rates(w_outcomes)
        w = learned_mix(t, rates_c, rates_t, config)
    seg_c = _shift(w, rates_c, base)
    preferred = np.zeros_like(seg_c)
    marked = t.preferred >= 0
    preferred[np.flatnonzero(marked), t.preferred[marked]] = config.preferred_channel_bonus
    # What is learned territory-wide (specialty rates, the recency correction) reads
    # outcomes only, with the mixes outcomes gave: a dismissal moves its HCP alone.
    prior_outcomes = base[None, :] + _shift(w_outcomes, rates_c, base) + preferred
    learned_c = channel_learned(t, prior_outcomes, config) if learn else np.zeros_like(seg_c)
    prior_outcomes = prior_outcomes + learned_c
    prior_c = base[None, :] + seg_c + preferred + learned_c
    mu = sigmoid(prior_c)
    seg_t = _shift(w, rates_t, t_base)
    prior_t = theme_base + theme_global[None, :] + seg_t
    nu = sigmoid(prior_t)
    if learn:
        ca = n0 * mu + h.channel_pos + t.fb_channel_ok
        cb = n0 * (1 - mu) + (h.channel_n - h.channel_pos) + t.fb_channel_fail
        ta = n0 * nu + h.theme_pos
        tb = n0 * (1 - nu) + (h.theme_n - h.theme_pos) + t.fb_theme_fail
    else:
        ca, cb, ta, tb = n0 * mu, n0 * (1 - mu), n0 * nu, n0 * (1 - nu)
    theme_base_rate = float(sigmoid(np.array(theme_base)))
    if learn and t.product_n.size:
        # Each product against all products' rate (not the theme base): the channel base
        # already carries the overall rate, so only how a product does *relative to the
        # others* is added (a competitor campaign shows as its rate falling below them).
        overall = (s_msg * theme_base_rate + t.product_pos.sum()) / (s_msg + t.product_n.sum())
        p_rate = (s_msg * overall + t.product_pos.sum(axis=0)) / (s_msg + t.product_n.sum(axis=0))
        product_global = logit(p_rate) - logit(np.array(overall))
    else:
        product_global = np.zeros(t.product_n.shape[1])
    prior_p = np.broadcast_to(theme_base + product_global, t.product_n.shape)
    pi = sigmoid(prior_p)
    if learn:
        pa = n0 * pi + t.product_pos
        pb = n0 * (1 - pi) + (t.product_n - t.product_pos) + t.fb_product_fail
    else:
        pa, pb = n0 * pi, n0 * (1 - pi)
    calibration = AS_IS
    if learn:
        territory_weekday = weekday_shifts(t, config)
        weekday = territory_weekday + hcp_weekday(t, ca / (ca + cb), config)
        messages = message_shift(t, mu.mean(axis=1), config)
        n_own = h.channel_n.sum(axis=1) + n0
        # what is fitted on the calls reads outcomes only (no rep lessons, the mixes
        # outcomes gave), so a lesson about one HCP moves no other HCP's chance
        mu_out = sigmoid(prior_outcomes)
        own_rate = (h.channel_pos.sum(axis=1) + n0 * mu_out.mean(axis=1)) / n_own
        seg_t_out = _shift(w_outcomes, rates_t, t_base)
        prior_t_out = theme_base + theme_global[None, :] + seg_t_out
        nu_out = sigmoid(prior_t_out)
        theme_out = (
            n0 * nu_out + h.theme_pos,
            n0 * (1 - nu_out) + h.theme_n - h.theme_pos,
            prior_t_out,
            theme_global,
            seg_t_out,
        )
        recency, channel_fatigue, calibration = _from_calls(
            t, config,
            _Parts(
                # outcomes only: a rep's lesson about one HCP moves no other HCP's score
                channel=(
                    n0 * sigmoid(prior_outcomes) + h.channel_pos,
                    n0 * (1 - sigmoid(prior_outcomes)) + h.channel_n - h.channel_pos,
                    prior_outcomes,
                ),
                theme=theme_out,
                product=(
                    np.asarray(pa),
                    np.asarray(pb) - t.fb_product_fail,
                    np.asarray(prior_p),
                    product_global,
                ),
                own_rate=own_rate,
                weekday=territory_weekday,
            ),
        )  # fmt: skip
    else:
        weekday = np.zeros((t.n, len(CHANNELS), 5))
        messages = np.zeros(t.message_n.shape)
        recency = np.zeros(len(RECENCY_BANDS) + 1)
        channel_fatigue = np.zeros((len(CHANNELS), 3))
    return Posteriors(
        wear_logit=learned_wear(h, config) if learn else config.wear_logit,
        calibration=calibration,
        weekday=weekday,
        channel_learned=learned_c,
        message_shift=messages,
        recency_shift=recency,
        channel_fatigue=channel_fatigue,
        product_global=product_global,
        product_alpha=np.asarray(pa),
        product_beta=np.asarray(pb),
        product_prior=np.asarray(prior_p),
        base=base,
        segment_channel=seg_c,
        preferred=preferred,
        channel_alpha=ca,
        channel_beta=cb,
        channel_prior=prior_c,
        theme_global=theme_global,
        segment_theme=seg_t,
        theme_alpha=ta,
        theme_beta=tb,
        theme_prior=prior_t,
        mix=w,
    )
