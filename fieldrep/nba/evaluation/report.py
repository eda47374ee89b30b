"""Summarise an Evaluation as the markdown table kept in docs/nba.md."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from fieldrep.nba.evaluation.run import Evaluation
from fieldrep.nba.evaluation.simulate import PolicyResult

ORACLE = "oracle"
NBA = "NBA (learning)"
BOOTSTRAP = 2000


def _by_policy(ev: Evaluation) -> dict[str, list[PolicyResult]]:
    out: dict[str, list[PolicyResult]] = defaultdict(list)
    for r in ev.results:
        out[r.policy].append(r)
    for rows in out.values():
        rows.sort(key=lambda r: r.seed)
    return out


def _ci(values: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    idx = rng.integers(0, len(values), size=(BOOTSTRAP, len(values)))
    means = values[idx].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _gap_ratio(
    policy: np.ndarray, best: np.ndarray, oracle: np.ndarray, rng: np.random.Generator
) -> tuple[float, float, float]:
    """(policy - best) / (oracle - best) on seed means, with a bootstrap over seeds."""

    def ratio(idx: np.ndarray | slice) -> float:
        b = best[idx].mean()
        return float((policy[idx].mean() - b) / (oracle[idx].mean() - b))

    point = ratio(slice(None))
    samples = [ratio(rng.integers(0, len(policy), len(policy))) for _ in range(BOOTSTRAP)]
    return point, float(np.percentile(samples, 2.5)), float(np.percentile(samples, 97.5))


def markdown(ev: Evaluation) -> str:
    rng = np.random.default_rng(0)
    groups = _by_policy(ev)
    value = {p: np.array([r.value_per_week for r in rows]) for p, rows in groups.items()}
    baselines = [p for p in groups if p not in (ORACLE, NBA)]
    best = max(baselines, key=lambda p: value[p].mean())
    simple = [p for p in baselines if not p.startswith("greedy")]
    best_simple = max(simple, key=lambda p: value[p].mean())
    seeds = len(value[best])
    lines = [
        f"{seeds} seeds x {ev.weeks} weeks, {ev.hcps} HCPs, {ev.per_day} suggestions a day "
        f"(5 days a week). Best baseline: **{best}**; best simple baseline: {best_simple}.",
        "",
        "| policy | true net value / week (95% CI) | captured gap vs best baseline (95% CI) "
        "| vs best simple baseline | acceptance | good outcomes / week | rule violations "
        "| top reason = true driver |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p, rows in groups.items():
        lo, hi = _ci(value[p], rng)
        gap = simple_gap = "-"
        if p not in (ORACLE, best):
            g, glo, ghi = _gap_ratio(value[p], value[best], value[ORACLE], rng)
            gap = f"{g:.2f} ({glo:.2f} to {ghi:.2f})"
        if p not in (ORACLE, best_simple):
            g, glo, ghi = _gap_ratio(value[p], value[best_simple], value[ORACLE], rng)
            simple_gap = f"{g:.2f} ({glo:.2f} to {ghi:.2f})"
        suggested = sum(r.suggested for r in rows)
        accepted = sum(r.accepted for r in rows)
        good = sum(r.good_outcomes for r in rows) / (ev.weeks * len(rows))
        violations = sum(r.violations for r in rows)
        checked = sum(r.driver_checked for r in rows)
        matched = sum(r.driver_matched for r in rows)
        driver = f"{matched / checked:.0%} of {checked}" if checked else "-"
        lines.append(
            f"| {p} | {value[p].mean():.2f} ({lo:.2f} to {hi:.2f}) | {gap} | {simple_gap} "
            f"| {accepted / max(suggested, 1):.0%} | {good:.1f} | {violations} | {driver} |"
        )
    seg = ev.segments
    lines += [
        "",
        "Segment recovery from 12 months of simulated history (hidden mix vs estimate, "
        f"mean over {len(seg)} seeds):",
        "",
        "| top-1 segment agrees | top-2 set agrees | weight error (total variation) "
        "| weight error of a uniform guess |",
        "|---|---|---|---|",
        f"| {np.mean([s.top1 for s in seg]):.0%} | {np.mean([s.top2 for s in seg]):.0%} "
        f"| {np.mean([s.weight_error for s in seg]):.3f} "
        f"| {np.mean([s.uniform_error for s in seg]):.3f} |",
    ]
    return "\n".join(lines)
