"""Expected value of every allowed (HCP, channel) with its best approved message.

    logit P(good) = channel base + segment + preferred + own history      (channel part)
                  + theme global + segment + own history of the message    (theme part)
                  + recency - fatigue
    score         = value(decile) * P(good) - cost(channel)

All terms are N x C arrays computed at once; the parts are kept so explanations can
say which of them really drove a suggestion (see `explain`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from fieldrep.nba.calibration import AS_IS, Calibration
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import IntArray, Territory
from fieldrep.nba.learning import RECENCY_BANDS, Posteriors, posteriors
from fieldrep.nba.logistic import sigmoid
from fieldrep.nba.rules import blocked_bits
from fieldrep.segments.profiles import CHANNELS, FloatArray

NEVER_DAYS = 120.0  # "no contact on record" counts like four months without one
REPEAT_BLOCK_LOGIT = 6.0  # all but rules out a message given in the last week
RECENCY_FLOOR, RECENCY_CAP = 30.0, 120.0


@dataclass(frozen=True)
class ScoreTable:
    score: FloatArray  # N x C, -inf where a rule blocks
    message: IntArray  # N x C, index into messages, -1 for none
    bits: IntArray  # N x C rule bits (0 = allowed)
    value: FloatArray  # N
    base: FloatArray  # C
    segment_channel: FloatArray  # N x C
    preferred: FloatArray  # N x C
    channel_history: FloatArray  # N x C
    theme_global: FloatArray  # N x C (of the chosen message; 0 without one)
    segment_theme: FloatArray  # N x C
    theme_history: FloatArray  # N x C
    recency: FloatArray  # N
    fatigue: FloatArray  # N
    days_since: FloatArray  # N, days since the last contact on any channel
    cost: FloatArray  # C
    mix: FloatArray  # N x K: the segment mix the scorer used
    today: int  # date.toordinal() of the day scored
    product_global: FloatArray  # N x C: the chosen message's product, territory rate
    product_history: FloatArray  # N x C: ... and the HCP's own outcomes with it
    wear: FloatArray  # N x C: <= 0, the chosen message was delivered recently
    weekday: FloatArray  # N x C: how today's weekday goes for the specialty and channel
    calibration: Calibration = AS_IS  # for the chance shown
    # N x C: specialty x channel and the HCP's other channels (see residuals.channel_learned)
    channel_learned: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # N x C: how the chosen message itself did with the HCP (weighted)
    message_history: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))

    def take_row(self, i: int) -> ScoreTable:
        """The table of one HCP (territory-wide parts unchanged)."""
        k = slice(i, i + 1)
        return replace(
            self, score=self.score[k], message=self.message[k], bits=self.bits[k],
            value=self.value[k], segment_channel=self.segment_channel[k],
            preferred=self.preferred[k], channel_history=self.channel_history[k],
            theme_global=self.theme_global[k], segment_theme=self.segment_theme[k],
            theme_history=self.theme_history[k], recency=self.recency[k],
            fatigue=self.fatigue[k], days_since=self.days_since[k], mix=self.mix[k],
            product_global=self.product_global[k], product_history=self.product_history[k],
            wear=self.wear[k], weekday=self.weekday[k],
            channel_learned=self.channel_learned[k], message_history=self.message_history[k],
        )  # fmt: skip

    def logit(self) -> FloatArray:
        return np.asarray(
            self.channel_learned
            + self.message_history
            + self.product_global
            + self.product_history
            + self.wear
            + self.weekday
            + self.base[None, :]
            + self.segment_channel
            + self.preferred
            + self.channel_history
            + self.theme_global
            + self.segment_theme
            + self.theme_history
            + (self.recency + self.fatigue)[:, None]
        )


def chances_at(table: ScoreTable, i: int, c: int) -> tuple[float, float]:
    """The chance for one candidate, (stage one, shown): the scorer's P(good) calibrated
    on the territory's history, then corrected by how the engine's own picks went
    (`nba.calibration`); (0, 0) for a blocked candidate."""
    if not np.isfinite(table.score[i, c]):
        return 0.0, 0.0
    a, b_prior, b_history, a_picks, b_picks = table.calibration
    one = table.take_row(i)
    total = float(one.logit()[0, c])
    own = float(
        one.channel_history[0, c]
        + one.theme_history[0, c]
        + one.product_history[0, c]
        + one.message_history[0, c]
    )
    stage_one = a + b_prior * (total - own) + b_history * own
    shown = a_picks + b_picks * stage_one
    return float(sigmoid(np.array(stage_one))), float(sigmoid(np.array(shown)))


def chance_at(table: ScoreTable, i: int, c: int) -> float:
    """The chance shown for one candidate (see `chances_at`)."""
    return chances_at(table, i, c)[1]


def _spread(hcp_ids: list[str], message_ids: tuple[str, ...]) -> FloatArray:
    """N x M numbers in [0, 1), fixed per (HCP id, message id): a tie-break that does not
    change from day to day and does not follow catalogue order."""
    a = np.array([zlib.crc32(h.encode()) for h in hcp_ids], dtype=np.uint64)
    b = np.array([zlib.crc32(m.encode()) for m in message_ids], dtype=np.uint64)
    mixed = (a[:, None] * np.uint64(2654435761) + b[None, :] * np.uint64(40503)) % np.uint64(
        1 << 32
    )
    mixed = (mixed ^ (mixed >> np.uint64(13))) * np.uint64(2246822519) % np.uint64(1 << 32)
    return np.asarray(mixed.astype(np.float64) / float(1 << 32))


def _channel_fatigue(t: Territory, post: Posteriors) -> FloatArray:
    """N x C: the learned shift for the contacts each HCP had on each channel in the last
    30 days (0, 1, 2 or more; `learning.Posteriors.channel_fatigue`)."""
    recent = t.history.channel_recent
    if recent.shape != (t.n, len(CHANNELS)) or post.channel_fatigue.shape != (len(CHANNELS), 3):
        return np.zeros((t.n, len(CHANNELS)))
    band = np.minimum(recent, 2).astype(np.int64)
    return np.asarray(post.channel_fatigue[np.arange(len(CHANNELS))[None, :], band])


def hcp_value(decile: FloatArray) -> FloatArray:
    return np.asarray(decile / 10.0)


def recency_terms(t: Territory, today: date, config: NbaConfig) -> tuple[FloatArray, ...]:
    last = t.history.last_ordinal.max(axis=1)
    days = np.minimum(today.toordinal() - last, NEVER_DAYS)
    capped = np.clip(days, RECENCY_FLOOR, RECENCY_CAP)
    recency = config.recency_gain * (capped - RECENCY_FLOOR) / (RECENCY_CAP - RECENCY_FLOOR)
    fatigue = -config.fatigue_per_contact * t.history.recent_n
    return days, recency, fatigue


def wear_terms(t: Territory, today: date, config: NbaConfig, wear_logit: float) -> FloatArray:
    """N x M logit penalty (>= 0) for repeating a message soon after its last delivery
    on any channel: `wear_logit` (learned) the same day, fading to 0 after `wear_days`."""
    since = today.toordinal() - t.message_last
    fade = wear_logit * np.clip(1.0 - since / config.wear_days, 0.0, 1.0)
    # Within a week it is the same conversation: never the same message again on another
    # channel, whatever the learned wear says (a visit's message emailed that afternoon).
    return np.asarray(fade + REPEAT_BLOCK_LOGIT * (since < config.wear_block_days))


def score_territory(
    t: Territory,
    today: date,
    config: NbaConfig,
    *,
    learn: bool = True,
    rng: np.random.Generator | None = None,
    post: Posteriors | None = None,
) -> ScoreTable:
    """Score every candidate; with `rng`, posteriors are Thompson-sampled, not averaged."""
    post = post or posteriors(t, config, learn=learn)
    bits = blocked_bits(t, today, config)
    ch_hist = post.channel_history(rng)
    th_hist = post.theme_history(rng)
    w = config.theme_weight
    theme_part = w * (post.theme_global[None, :] + post.segment_theme + th_hist)  # N x T
    msgs = t.messages
    wp = config.product_weight
    learned_products = post.product_alpha.shape == (t.n, len(msgs.products)) and learn
    pr_hist = post.product_history(rng) if learned_products else np.zeros((t.n, len(msgs.products)))
    pr_global = post.product_global if learned_products else np.zeros(len(msgs.products))
    wear_m = wear_terms(t, today, config, post.wear_logit)  # N x M
    own_m = (
        config.message_weight * post.message_shift
        if learn and post.message_shift.shape == (t.n, len(msgs.ids))
        else np.zeros((t.n, len(msgs.ids)))
    )
    if msgs.theme.size:
        per_message = (
            theme_part[:, msgs.theme]
            + wp * (pr_global[msgs.product][None, :] + pr_hist[:, msgs.product])
            + own_m
            - wear_m
        )  # N x M
        allowed = msgs.allowed[t.specialty]  # N x C x M
        # Messages within `message_tie` of the best are told apart per (HCP, message),
        # not by catalogue order, so near-equal messages spread across the territory.
        chooser = per_message + config.message_tie * _spread(t.hcp_ids, msgs.ids)
        if config.rotation_margin > 0:
            recent = today.toordinal() - t.message_last <= config.rotation_days
            chooser = chooser - config.rotation_margin * recent
        masked = np.where(allowed, chooser[:, None, :], -np.inf)
        message = masked.argmax(axis=2)
        has = allowed.any(axis=2)
        message = np.where(has, message, -1)
        theme_of = msgs.theme[np.maximum(message, 0)]  # N x C
        product_of = msgs.product[np.maximum(message, 0)]
    else:
        has = np.zeros(bits.shape, dtype=bool)
        message = np.full(bits.shape, -1)
        theme_of = np.zeros(bits.shape, dtype=np.int64)
        product_of = np.zeros(bits.shape, dtype=np.int64)
    rows = np.arange(t.n)[:, None]
    pick = has.astype(np.float64)
    theme_global = w * post.theme_global[theme_of] * pick
    seg_theme = w * post.segment_theme[rows, theme_of] * pick
    theme_hist = w * th_hist[rows, theme_of] * pick
    if msgs.theme.size:
        product_global = wp * pr_global[product_of] * pick
        product_history = wp * pr_hist[rows, product_of] * pick
        wear = -wear_m[rows, np.maximum(message, 0)] * pick
        message_history = own_m[rows, np.maximum(message, 0)] * pick
    else:
        product_global = product_history = wear = message_history = np.zeros(bits.shape)
    days, recency, fatigue = recency_terms(t, today, config)
    if learn and post.recency_shift.size == len(RECENCY_BANDS) + 1:
        # the territory's own correction of the recency curve (learning.recency_shift)
        fatigue = fatigue + post.recency_shift[np.searchsorted(RECENCY_BANDS, days, "right")]
    value = hcp_value(t.decile)
    cost = np.array([config.cost[c] for c in CHANNELS])
    zeros_nc = np.zeros(bits.shape)
    table = ScoreTable(
        score=np.zeros(bits.shape),
        message=message.astype(np.int64),
        bits=bits,
        value=value,
        base=post.base,
        segment_channel=post.segment_channel,
        preferred=post.preferred,
        channel_history=ch_hist,
        theme_global=theme_global,
        segment_theme=seg_theme,
        theme_history=theme_hist,
        recency=recency,
        fatigue=fatigue,
        days_since=days,
        cost=cost,
        mix=post.mix,
        today=today.toordinal(),
        product_global=product_global,
        product_history=product_history,
        wear=wear,
        weekday=post.weekday[:, :, today.weekday()] if today.weekday() < 5 else zeros_nc,
        calibration=post.calibration,
        channel_learned=(
            post.channel_learned if post.channel_learned.shape == bits.shape else zeros_nc
        )
        + _channel_fatigue(t, post),
        message_history=message_history,
    )
    score = value[:, None] * sigmoid(table.logit()) - cost[None, :]
    score = np.where(bits == 0, score, -np.inf)
    return replace(table, score=score)
