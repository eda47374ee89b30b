"""Run one policy through simulated weeks; measure true value, acceptance, rule breaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from fieldrep.domain.enums import FeedbackAction
from fieldrep.nba.evaluation.checker import violations
from fieldrep.nba.evaluation.policies import Proposal
from fieldrep.nba.evaluation.rep import respond
from fieldrep.nba.evaluation.world import START, World, _sigmoid
from fieldrep.nba.features import apply_feedback
from fieldrep.segments.profiles import CHANNELS


class Policy(Protocol):
    name: str

    def propose(
        self, world: World, today: date, limit: int, rng: np.random.Generator
    ) -> list[Proposal]: ...


@dataclass
class PolicyResult:
    policy: str
    seed: int
    weeks: int
    net_value: float = 0.0  # sum of true expected (value x P(good) - cost) of done actions
    good_outcomes: int = 0
    suggested: int = 0
    accepted: int = 0
    violations: int = 0
    broken_rules: dict[str, int] = field(default_factory=dict)
    driver_checked: int = 0
    driver_matched: int = 0

    @property
    def value_per_week(self) -> float:
        return self.net_value / self.weeks

    @property
    def acceptance(self) -> float:
        return self.accepted / self.suggested if self.suggested else 0.0


def working_days(weeks: int) -> list[date]:
    days = [START + timedelta(days=d) for d in range(weeks * 7)]
    return [d for d in days if d.weekday() < 5]


def true_driver(world: World, p: Proposal, today: date) -> str:
    """The hidden-truth part that contributes most to this action's true value."""
    theme = int(world.messages_theme[p.message]) if p.message >= 0 else -1
    rows, chans = np.array([p.row]), np.array([p.channel])
    _, parts = world.true_value(rows, chans, np.array([theme]), today)
    total = float(sum(v[0] for v in parts.values()))
    v = float(world.truth.value[p.row])
    prob = float(_sigmoid(np.array(total)))
    contributions = {
        name: v * (prob - float(_sigmoid(np.array(total - float(parts[name][0])))))
        for name in ("channel", "theme", "recency")
    }
    contributions["value"] = (v - float(world.truth.value.mean())) * prob
    return max(contributions, key=lambda k: contributions[k])


def run_policy(
    world0: World, policy: Policy, *, weeks: int, per_day: int, seed: int
) -> PolicyResult:
    world = world0.clone()
    result = PolicyResult(policy.name, seed, weeks)
    rng_policy = np.random.default_rng([seed, 1])
    rng_rep = np.random.default_rng([seed, 2])
    rng_outcome = np.random.default_rng([seed, 3])
    for today in working_days(weeks):
        world.start_day(today)
        for p in policy.propose(world, today, per_day, rng_policy):
            result.suggested += 1
            broken = violations(world, p.row, p.channel, p.message, today)
            if broken:
                result.violations += 1
                for rule in broken:
                    result.broken_rules[rule] = result.broken_rules.get(rule, 0) + 1
            if p.stated_driver is not None:
                result.driver_checked += 1
                result.driver_matched += p.stated_driver == true_driver(world, p, today)
            action, reason, until = respond(
                world, p.row, p.channel, p.message, today=today, rng=rng_rep
            )
            message_id = world.territory.messages.ids[p.message] if p.message >= 0 else None
            apply_feedback(
                world.territory,
                p.row,
                channel=CHANNELS[p.channel],
                message_id=message_id,
                action=action,
                reason=reason,
                on=today,
                snooze_until=until,
                config=world.config,
            )
            if action is FeedbackAction.SNOOZED and until is not None:
                world.snoozed_until[p.row] = max(world.snoozed_until[p.row], until.toordinal())
            if action is FeedbackAction.ACCEPTED:
                result.accepted += 1
                net, good = world.execute(p.row, p.channel, p.message, today, rng_outcome)
                result.net_value += net
                result.good_outcomes += good
    return result
