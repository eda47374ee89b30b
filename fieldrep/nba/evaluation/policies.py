"""The policies compared: NBA, its no-learning twin, five baselines and an oracle.

All of them see the same rule bits (`nba.rules.blocked_bits`), the same daily limit and
the same minutes of rep capacity; only how they rank and pick channels differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from fieldrep.nba.daily import choose_daily
from fieldrep.nba.evaluation.world import World
from fieldrep.nba.explain import reasons_for
from fieldrep.nba.learning import posteriors
from fieldrep.nba.rules import blocked_bits
from fieldrep.nba.scoring import score_territory
from fieldrep.segments.profiles import CHANNELS


@dataclass(frozen=True)
class Proposal:
    row: int
    channel: int
    message: int
    exploratory: bool = False
    stated_driver: str | None = None  # the driver behind the first stated reason


def _fill(world: World, order: list[tuple[int, int, int]], limit: int) -> list[Proposal]:
    """Take candidates in order, one per HCP, within the limit and the slots per channel."""
    slots = [world.config.daily_slots.get(c, 0) for c in CHANNELS]
    taken: set[int] = set()
    out: list[Proposal] = []
    for i, c, m in order:
        if len(out) >= limit:
            break
        if i in taken or slots[c] <= 0:
            continue
        slots[c] -= 1
        taken.add(i)
        out.append(Proposal(i, c, m))
    return out


def _first_message(world: World, i: int, c: int) -> int:
    options = np.flatnonzero(world.territory.messages.allowed[world.territory.specialty[i], c])
    return int(options[0]) if options.size else -1


class RuleOrderPolicy:
    """Baselines that rank HCPs by a fixed key and use the default channel."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._cursor = 0

    def _order(self, world: World, today: date, rng: np.random.Generator) -> np.ndarray:
        t = world.territory
        days = today.toordinal() - t.history.last_ordinal.max(axis=1)
        if self.name == "random":
            return rng.permutation(t.n)
        if self.name == "round-robin":
            order = np.roll(np.arange(t.n), -self._cursor)
            return order
        if self.name == "longest since contact":
            return np.argsort(-days, kind="stable")
        # static decile x recency
        return np.argsort(-(t.decile * np.minimum(days, 180)), kind="stable")

    def propose(
        self, world: World, today: date, limit: int, rng: np.random.Generator
    ) -> list[Proposal]:
        bits = blocked_bits(world.territory, today, world.config)
        order = []
        t = world.territory
        for i in self._order(world, today, rng):
            allowed = np.flatnonzero(bits[i] == 0)  # the default order: a visit first
            if self.name == "random":
                allowed = rng.permutation(allowed)
            for c in allowed:  # later channels when the day's slots for one are used up
                if self.name == "random":
                    options = np.flatnonzero(t.messages.allowed[t.specialty[i], c])
                    m = int(rng.choice(options)) if options.size else -1
                else:
                    m = _first_message(world, int(i), int(c))
                order.append((int(i), int(c), m))
        picks = _fill(world, order, limit)
        if self.name == "round-robin" and picks:
            self._cursor = (picks[-1].row + 1) % world.territory.n
        return picks


class ModelPolicy:
    """The engine's own scorer and daily list; `learn=False` is the greedy no-learning twin."""

    def __init__(self, name: str, *, learn: bool) -> None:
        self.name = name
        self.learn = learn

    def propose(
        self, world: World, today: date, limit: int, rng: np.random.Generator
    ) -> list[Proposal]:
        t, config = world.territory, world.config
        post = posteriors(t, config, learn=self.learn)
        table = score_territory(t, today, config, learn=self.learn, post=post)
        sampled = score_territory(t, today, config, rng=rng, post=post) if self.learn else None
        picks = choose_daily(table, config, limit, sampled=sampled)
        reference = float(table.value.mean())
        out = []
        for p in picks:
            reasons = reasons_for(t, table, p.row, p.channel, reference)
            driver = reasons[0].driver.value if reasons else None
            out.append(Proposal(p.row, p.channel, p.message, p.exploratory, driver))
        return out


class OraclePolicy:
    """Knows the hidden truth: picks the truly best allowed action per HCP."""

    name = "oracle"

    def propose(
        self, world: World, today: date, limit: int, rng: np.random.Generator
    ) -> list[Proposal]:
        del rng
        t = world.territory
        bits = blocked_bits(t, today, world.config)
        rows, chans = np.nonzero(bits == 0)
        if rows.size == 0:
            return []
        allowed = t.messages.allowed[t.specialty[rows], chans]  # K x M
        best_value = np.full(rows.size, -np.inf)
        best_m = np.full(rows.size, -1)
        needs = np.array([CHANNELS[c] in world.config.needs_message for c in chans])
        no_msg, _ = world.true_value(rows, chans, np.full(rows.size, -1), today)
        best_value = np.where(needs | allowed.any(axis=1), -np.inf, no_msg)
        for m in range(allowed.shape[1]):
            themes = np.full(rows.size, int(world.messages_theme[m]))
            value, _ = world.true_value(rows, chans, themes, today)
            better = allowed[:, m] & (value > best_value)
            best_value = np.where(better, value, best_value)
            best_m = np.where(better, m, best_m)
        order = np.argsort(-best_value, kind="stable")
        cands = [
            (int(rows[k]), int(chans[k]), int(best_m[k]))
            for k in order
            if np.isfinite(best_value[k]) and best_value[k] > 0
        ]
        return _fill(world, cands, limit)


def all_policies() -> list[object]:
    return [
        ModelPolicy("NBA (learning)", learn=True),
        ModelPolicy("greedy, no learning", learn=False),
        RuleOrderPolicy("random"),
        RuleOrderPolicy("round-robin"),
        RuleOrderPolicy("longest since contact"),
        RuleOrderPolicy("static decile x recency"),
        OraclePolicy(),
    ]
