"""Every policy on every family and seed, and the figures issue 16 asks for."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fieldrep.demo import load_messages
from fieldrep.nba.evaluation.independent import drive
from fieldrep.nba.evaluation.independent.drive import Run
from fieldrep.nba.evaluation.independent.truth import FAMILIES, SWITCH_WEEK, build_hidden

NBA, TWIN, ORACLE = "NBA (learning)", "NBA scorer, no learning", "oracle"
BASELINES = (TWIN, "random", "longest since contact (visit first)")
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0)


def run_family(
    family: str,
    seed: int,
    *,
    hcps: int,
    weeks: int,
    folder: Path,
    limit: int = 8,
    overrides: dict[str, object] | None = None,
) -> list[Run]:
    """Every policy on one seed of one family; `overrides` change NbaConfig settings of
    the learning engine (and its no-learning twin) through the public config."""
    h = build_hidden(seed, hcps, family, load_messages(), weeks)
    template = folder / f"{family}-{seed}"
    drive.build_workspace(template, h, seed)
    runs = [
        drive.run(
            h, NBA, weeks, seed, workspace=drive.copy_workspace(template, folder / "a"),
            overrides=overrides,
        ),
        drive.run(
            h, TWIN, weeks, seed, workspace=drive.copy_workspace(template, folder / "b"),
            learning=False, overrides=overrides,
        ),
        drive.run(h, BASELINES[1], weeks, seed, drive.random_policy(h, limit)),
        drive.run(h, BASELINES[2], weeks, seed, drive.longest_since(h, limit)),
        drive.run(h, ORACLE, weeks, seed, drive.oracle(h, limit)),
    ]  # fmt: skip
    for name in ("a", "b", template.name):
        drive.remove_workspace(folder / name)
    return runs


def evaluate(
    families: tuple[str, ...] = FAMILIES,
    seeds: range = range(100, 103),
    *,
    hcps: int = 300,
    weeks: int = 26,
    progress: Callable[[str], None] | None = None,
    overrides: dict[str, object] | None = None,
) -> list[Run]:
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for family in families:
            for seed in seeds:
                if progress:
                    progress(f"{family}, seed {seed}")
                runs += run_family(
                    family, seed, hcps=hcps, weeks=weeks, folder=Path(folder), overrides=overrides
                )
    return runs


# -- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyFigures:
    family: str
    seeds: int
    value: dict[str, float]  # per week, mean over seeds
    gap: float  # captured-gap ratio vs the best baseline (seed means)
    gap_per_seed: tuple[float, ...]
    best_baseline: str
    true_p: dict[str, float]  # true chance of the picks
    best_action: dict[str, float]  # share of picks that were the HCP's truly best
    brier: dict[str, float]
    # 1 - Brier / (share that went well x share that did not), each on its own picks: a
    # policy whose picks are nearer 50/50 has a higher Brier floor, so the raw Brier
    # favours the weaker one; the skill score compares what each stated chance adds
    brier_skill: dict[str, float]
    stated_vs_true: tuple[float, float, float]  # NBA: mean stated, mean true, correlation
    reliability: list[tuple[str, int, float, float]]  # bin, n, mean stated, share good
    repeats: dict[str, float]
    violations: dict[str, int]
    drift: tuple[float, float, int | None] | None  # pre share, post share, weeks to 80 %
    acceptance: dict[str, float]
    channels: dict[str, dict[str, int]]


def _mean(xs: list[float]) -> float:
    return float(np.mean(xs)) if xs else float("nan")


def figures(runs: list[Run], family: str) -> FamilyFigures:
    mine = [r for r in runs if r.family == family]
    names = sorted({r.policy for r in mine}, key=[NBA, *BASELINES, ORACLE].index)
    by = {n: [r for r in mine if r.policy == n] for n in names}
    weeks = len(mine[0].weekly)
    value = {n: _mean([sum(r.weekly) / weeks for r in rs]) for n, rs in by.items()}
    best = max(BASELINES, key=lambda n: value.get(n, -np.inf))
    gap = (value[NBA] - value[best]) / (value[ORACLE] - value[best])
    per_seed = []
    for k in range(len(by[NBA])):
        v = {n: sum(by[n][k].weekly) for n in names}
        b = max(v[n] for n in BASELINES)
        per_seed.append((v[NBA] - b) / (v[ORACLE] - b))
    stated = np.concatenate([r.stated for r in by[NBA]])
    outcome = np.concatenate([r.outcomes for r in by[NBA]])
    reliability = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        inside = (stated >= lo) & (stated < hi if hi < 1 else stated <= hi)
        if inside.any():
            reliability.append(
                (f"{lo:.1f}-{hi:.1f}", int(inside.sum()), float(stated[inside].mean()),
                 float(outcome[inside].mean()))
            )  # fmt: skip
    brier, skill = {}, {}
    for n in (NBA, TWIN):
        s = np.concatenate([r.stated for r in by[n]])
        o = np.concatenate([r.outcomes for r in by[n]])
        brier[n] = float(np.mean((s - o) ** 2))
        base = float(o.mean() * (1 - o.mean())) if o.size else float("nan")
        skill[n] = 1.0 - brier[n] / base if base > 0 else float("nan")
    all_stated = np.concatenate([r.stated_all for r in by[NBA]])
    all_true = np.concatenate([r.true_p for r in by[NBA]])
    corr = float(np.corrcoef(all_stated, all_true)[0, 1]) if all_stated.size > 2 else float("nan")
    drift = None
    if family in ("drift", "all") and weeks >= SWITCH_WEEK + 8:
        nba = np.mean([r.weekly for r in by[NBA]], axis=0)
        ora = np.mean([r.weekly for r in by[ORACLE]], axis=0)
        share = nba / np.maximum(ora, 1e-9)
        w = SWITCH_WEEK - 1
        pre, post = float(share[max(0, w - 4) : w].mean()), float(share[w : w + 8].mean())
        rolling = [share[k : k + 2].mean() for k in range(w, min(weeks - 1, w + 12))]
        back = next((k + 1 for k, s in enumerate(rolling) if s >= 0.8 * pre), None)
        drift = (pre, post, back)
    return FamilyFigures(
        family=family,
        seeds=len(by[NBA]),
        value=value,
        gap=float(gap),
        gap_per_seed=tuple(per_seed),
        best_baseline=best,
        true_p={n: _mean([p for r in rs for p in r.true_p]) for n, rs in by.items()},
        best_action={
            n: sum(r.best_hits for r in rs) / max(1, sum(r.suggested for r in rs))
            for n, rs in by.items()
        },
        brier=brier,
        brier_skill=skill,
        stated_vs_true=(float(all_stated.mean()), float(all_true.mean()), corr),
        reliability=reliability,
        repeats={
            n: sum(r.repeats for r in rs) / max(1, sum(r.deliveries for r in rs))
            for n, rs in by.items()
        },
        violations={n: sum(r.violations for r in rs) for n, rs in by.items()},
        drift=drift,
        acceptance={
            n: sum(r.accepted for r in rs) / max(1, sum(r.suggested for r in rs))
            for n, rs in by.items()
        },
        channels={
            n: {c: sum(r.channels.get(c, 0) for r in rs) for c in drive.SLOTS}
            for n, rs in by.items()
        },
    )
