"""Expected value of every allowed (HCP, channel) with its best approved message.

    logit P(good) = channel base + segment + preferred + own history      (channel part)
                  + theme global + segment + own history of the message    (theme part)
                  + recency - fatigue
    score         = value(decile) * P(good) - cost(channel)

All terms are N x C arrays computed at once; the parts are kept so explanations can
say which of them really drove a suggestion (see `explain`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import IntArray, Territory
from fieldrep.nba.learning import Posteriors, posteriors, sigmoid
from fieldrep.nba.rules import blocked_bits
from fieldrep.segments.profiles import CHANNELS, FloatArray

NEVER_DAYS = 120.0  # "no contact on record" counts like four months without one
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

    def logit(self) -> FloatArray:
        return np.asarray(
            self.base[None, :]
            + self.segment_channel
            + self.preferred
            + self.channel_history
            + self.theme_global
            + self.segment_theme
            + self.theme_history
            + (self.recency + self.fatigue)[:, None]
        )


def chance_at(table: ScoreTable, i: int, c: int) -> float:
    """The scorer's P(good) for one candidate (the probability behind its score)."""
    value = float(table.value[i])
    if value <= 0 or not np.isfinite(table.score[i, c]):
        return 0.0
    return (float(table.score[i, c]) + float(table.cost[c])) / value


def hcp_value(decile: FloatArray) -> FloatArray:
    return np.asarray(decile / 10.0)


def recency_terms(t: Territory, today: date, config: NbaConfig) -> tuple[FloatArray, ...]:
    last = t.history.last_ordinal.max(axis=1)
    days = np.minimum(today.toordinal() - last, NEVER_DAYS)
    capped = np.clip(days, RECENCY_FLOOR, RECENCY_CAP)
    recency = config.recency_gain * (capped - RECENCY_FLOOR) / (RECENCY_CAP - RECENCY_FLOOR)
    fatigue = -config.fatigue_per_contact * t.history.recent_n
    return days, recency, fatigue


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
    if msgs.theme.size:
        per_message = theme_part[:, msgs.theme]  # N x M
        allowed = msgs.allowed[t.specialty]  # N x C x M
        masked = np.where(allowed, per_message[:, None, :], -np.inf)
        message = masked.argmax(axis=2)
        has = allowed.any(axis=2)
        message = np.where(has, message, -1)
        theme_of = msgs.theme[np.maximum(message, 0)]  # N x C
    else:
        has = np.zeros(bits.shape, dtype=bool)
        message = np.full(bits.shape, -1)
        theme_of = np.zeros(bits.shape, dtype=np.int64)
    rows = np.arange(t.n)[:, None]
    pick = has.astype(np.float64)
    theme_global = w * post.theme_global[theme_of] * pick
    seg_theme = w * post.segment_theme[rows, theme_of] * pick
    theme_hist = w * th_hist[rows, theme_of] * pick
    days, recency, fatigue = recency_terms(t, today, config)
    value = hcp_value(t.decile)
    cost = np.array([config.cost[c] for c in CHANNELS])
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
    )
    score = value[:, None] * sigmoid(table.logit()) - cost[None, :]
    score = np.where(bits == 0, score, -np.inf)
    return replace(table, score=score)
