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

from fieldrep.nba.calibration import fit_calibration
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import Territory
from fieldrep.nba.mix_update import updated_mix
from fieldrep.segments.history import ContactHistory
from fieldrep.segments.profiles import CHANNELS, FloatArray

CLIP = 1e-4


def logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, CLIP, 1 - CLIP)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


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
    calibration: tuple[float, float, float] = (0.0, 1.0, 1.0)  # see nba.calibration
    wear_logit: float = 0.0  # learned message wear-out (see `learned_wear`)

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
    k = config.weekday_strength
    overall = (pos.sum(axis=2) + 1.0) / (n.sum(axis=2) + 3.0)  # S x C, lightly smoothed
    day_rate = (pos + k * overall[:, :, None]) / (n + k)
    return np.asarray(logit(day_rate) - logit(overall)[:, :, None])[t.specialty]


def posteriors(t: Territory, config: NbaConfig, *, learn: bool = True) -> Posteriors:
    """Posteriors from priors plus (when `learn`) outcomes and rep feedback."""
    learn = learn and config.learning
    h = t.history
    s, n0 = config.base_strength, config.prior_strength
    base_rate = np.array([config.base_rate[c] for c in CHANNELS])
    if learn:
        rate = (s * base_rate + h.channel_pos.sum(axis=0)) / (s + h.channel_n.sum(axis=0))
        theme_rate = (s * config.theme_base_rate + h.theme_pos.sum(axis=0)) / (
            s + h.theme_n.sum(axis=0)
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
    if learn and config.mix_learning:
        # Outcomes move each HCP's mix, and the segment rates are re-pooled with the moved
        # mixes; the rep's dismissals then move only that HCP's own mix (so a dismissal
        # changes no other HCP's score).
        rates_c, rates_t = rates(learned_mix(t, rates_c, rates_t, config, dismissals=False))
        w = learned_mix(t, rates_c, rates_t, config)
    seg_c = _shift(w, rates_c, base)
    preferred = np.zeros_like(seg_c)
    marked = t.preferred >= 0
    preferred[np.flatnonzero(marked), t.preferred[marked]] = config.preferred_channel_bonus
    prior_c = base[None, :] + seg_c + preferred
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
        overall = (s * theme_base_rate + t.product_pos.sum()) / (s + t.product_n.sum())
        p_rate = (s * overall + t.product_pos.sum(axis=0)) / (s + t.product_n.sum(axis=0))
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
    return Posteriors(
        wear_logit=learned_wear(h, config) if learn else config.wear_logit,
        calibration=fit_calibration(h, ca, cb, prior_c, config) if learn else (0.0, 1.0, 1.0),
        weekday=weekday_shifts(t, config) if learn else np.zeros((t.n, len(CHANNELS), 5)),
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
