"""Run every policy on every seed, plus segment recovery; collect the raw results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fieldrep.nba.evaluation.policies import all_policies
from fieldrep.nba.evaluation.simulate import Policy, PolicyResult, run_policy
from fieldrep.nba.evaluation.world import World, build_world
from fieldrep.segments.mixture import estimate_weights, refit_profiles
from fieldrep.tasks import CancelToken, Progress, check, report


@dataclass(frozen=True)
class SegmentRecovery:
    top1: float  # share of HCPs whose largest estimated segment is the true largest
    top2: float  # share whose top-two set equals the true top-two set
    weight_error: float  # mean total-variation distance (0 = exact, 1 = disjoint)
    uniform_error: float  # the same for a know-nothing uniform mix, for scale


def fit_segments(world: World) -> SegmentRecovery:
    """Estimate every simulated HCP's mix from its history; store it for the scorer."""
    t = world.territory
    h = t.history
    fitted = refit_profiles(h.contacts, h.theme_contacts, t.profiles)
    est = estimate_weights(
        h.contacts, h.theme_contacts, fitted.channels, fitted.themes, channel_open=t.consent
    )
    t.segment_weights = est.weights
    truth = world.truth.mix
    top1 = float((est.weights.argmax(axis=1) == truth.argmax(axis=1)).mean())
    est_top2 = np.sort(np.argsort(-est.weights, axis=1)[:, :2], axis=1)
    true_top2 = np.sort(np.argsort(-truth, axis=1)[:, :2], axis=1)
    top2 = float((est_top2 == true_top2).all(axis=1).mean())
    error = float(0.5 * np.abs(est.weights - truth).sum(axis=1).mean())
    uniform = float(0.5 * np.abs(1.0 / truth.shape[1] - truth).sum(axis=1).mean())
    return SegmentRecovery(top1, top2, error, uniform)


@dataclass
class Evaluation:
    weeks: int
    hcps: int
    per_day: int
    results: list[PolicyResult]
    segments: list[SegmentRecovery]


def evaluate(
    seeds: int = 20,
    weeks: int = 26,
    hcps: int = 400,
    per_day: int = 8,
    *,
    first_seed: int = 0,
    policies: list[Policy] | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Evaluation:
    results: list[PolicyResult] = []
    segments: list[SegmentRecovery] = []
    for number, seed in enumerate(range(first_seed, first_seed + seeds)):
        check(cancel)
        report(progress, f"Seed {number + 1} of {seeds}", number / seeds)
        world = build_world(seed, hcps)
        segments.append(fit_segments(world))
        for policy in policies or all_policies():  # fresh policy state per seed
            results.append(run_policy(world, policy, weeks=weeks, per_day=per_day, seed=seed))  # type: ignore[arg-type]
    report(progress, "Done", 1.0)
    return Evaluation(weeks, hcps, per_day, results, segments)
