"""The daily list: the best action per HCP, top N within the rep's capacity.

One suggestion per HCP (so the list is diverse across HCPs), ranked by expected value,
until the limit or the day's minutes run out. Up to `exploration_share` of the slots go
to exploratory items: HCPs whose Thompson-sampled channel differs from the posterior
mean's choice, so uncertain channels get tried and learned about. They are marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.nba.scoring import ScoreTable
from fieldrep.segments.profiles import CHANNELS, FloatArray


@dataclass(frozen=True)
class Pick:
    row: int
    channel: int
    message: int
    score: float
    exploratory: bool


def best_per_hcp(table: ScoreTable) -> tuple[np.ndarray, np.ndarray]:
    """Each HCP's best channel and its score (-inf when every channel is blocked)."""
    channel = table.score.argmax(axis=1)
    return channel, table.score[np.arange(table.score.shape[0]), channel]


def choose_daily(
    table: ScoreTable,
    config: NbaConfig,
    limit: int,
    *,
    sampled: ScoreTable | None = None,
    tiebreak: FloatArray | None = None,
) -> list[Pick]:
    """Greedy on posterior means, then exploratory slots from `sampled` (if given).

    `tiebreak` (N, each well below any real score difference) orders HCPs whose scores
    are equal, as they all are on a company's first day with no history: never by id.
    """
    minutes = np.array([config.minutes[c] for c in CHANNELS])
    explore = int(limit * config.exploration_share) if sampled is not None else 0
    channel, best = best_per_hcp(table)
    key = best if tiebreak is None else best + tiebreak
    order = np.argsort(-key, kind="stable")
    picks: list[Pick] = []
    taken: set[int] = set()
    budget = config.capacity_minutes

    def take(i: int, c: int, exploratory: bool) -> bool:
        nonlocal budget
        cost = int(minutes[c])
        if cost > budget:
            return False
        budget -= cost
        taken.add(i)
        score = float(table.score[i, c])
        picks.append(Pick(i, c, int(table.message[i, c]), score, exploratory))
        return True

    for i in order:
        if len(picks) >= limit - explore or not np.isfinite(best[i]) or best[i] <= 0:
            break
        take(int(i), int(channel[i]), False)
    if sampled is not None and explore:
        # Explore only where it is cheap: the tried action must score (on posterior means)
        # at least `exploration_floor` of the weakest greedy pick.
        floor = config.exploration_floor * min((p.score for p in picks), default=0.0)
        s_channel, s_best = best_per_hcp(sampled)
        for i in np.argsort(-s_best, kind="stable"):
            if explore == 0 or len(picks) >= limit or not np.isfinite(s_best[i]):
                break
            c = int(s_channel[i])
            if int(i) in taken or c == int(channel[i]) or not table.score[i, c] >= floor:
                continue
            if take(int(i), c, True):
                explore -= 1
    if len(picks) < limit:  # exploration found nothing worth trying: fill greedily
        for i in order:
            if len(picks) >= limit or not np.isfinite(best[i]) or best[i] <= 0:
                break
            if int(i) not in taken:
                take(int(i), int(channel[i]), False)
    return picks
