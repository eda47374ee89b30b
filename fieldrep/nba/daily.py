"""The daily list: the best action per HCP, top N within the rep's capacity.

One suggestion per HCP (so the list is diverse across HCPs), ranked by expected value,
until the limit is reached, each channel taking no more than the rep's slots for it (a
day is built around visits: so many visit slots, remote slots, an e-mail batch), never
one pool of minutes that cheap e-mails would fill. Up to `exploration_share` of the slots go
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
    slots = [config.daily_slots.get(c, 0) for c in CHANNELS]
    explore = int(limit * config.exploration_share) if sampled is not None else 0
    channel, _ = best_per_hcp(table)
    # Every allowed (HCP, channel) by score: an HCP whose best channel has no slot left
    # today is still offered on its next channel that has one.
    c_count = table.score.shape[1]
    key = table.score if tiebreak is None else table.score + tiebreak[:, None]
    flat = np.flatnonzero(np.isfinite(key.ravel()) & (table.score.ravel() > 0))
    flat = flat[np.argsort(-key.ravel()[flat], kind="stable")]
    picks: list[Pick] = []
    taken: set[int] = set()

    def take(i: int, c: int, exploratory: bool) -> bool:
        if slots[c] <= 0 or i in taken:
            return False
        slots[c] -= 1
        taken.add(i)
        score = float(table.score[i, c])
        picks.append(Pick(i, c, int(table.message[i, c]), score, exploratory))
        return True

    def fill(until: int) -> None:
        for k in flat:
            if len(picks) >= until or not any(slots):
                break
            take(int(k) // c_count, int(k) % c_count, False)

    fill(limit - explore)
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
        fill(limit)
    return picks
