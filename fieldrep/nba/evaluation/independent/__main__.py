"""`python -m fieldrep.nba.evaluation.independent`: the engine in worlds it was not built for.

    --families interactions,wear-out,drift,all  --seeds 3 --first-seed 100 --weeks 26
    --hcps 300

Seeds 0-4 were used while changing the engine; report seeds start at 100.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from fieldrep.nba.evaluation.independent.measure import (
    BASELINES,
    NBA,
    ORACLE,
    TWIN,
    FamilyFigures,
    evaluate,
    figures,
)
from fieldrep.nba.evaluation.independent.truth import FAMILIES


def markdown(f: FamilyFigures, weeks: int, hcps: int) -> str:
    names = [NBA, *BASELINES, ORACLE]
    lines = [
        f"**{f.family}** ({f.seeds} seeds x {weeks} weeks, {hcps} HCPs; best baseline: "
        f"{f.best_baseline})",
        "",
        "| policy | true net value / week | acceptance | true P of picks | truly best action "
        "| repeats a message within 60 days | rule violations | visit/remote/phone/email/event |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in names:
        mix = "/".join(
            str(f.channels[n][c]) for c in ("visit", "remote", "phone", "email", "event")
        )
        lines.append(
            f"| {n} | {f.value[n]:.2f} | {f.acceptance[n]:.0%} | {f.true_p[n]:.2f} "
            f"| {f.best_action[n]:.0%} | {f.repeats[n]:.0%} | {f.violations[n]} | {mix} |"
        )
    seeds = ", ".join(f"{g:.2f}" for g in f.gap_per_seed)
    stated, true, corr = f.stated_vs_true
    lines += [
        "",
        f"- captured gap vs best baseline: **{f.gap:.2f}** (per seed: {seeds})",
        f"- Brier score of the stated chance on accepted actions: NBA {f.brier[NBA]:.3f}, "
        f"no-learning scorer {f.brier[TWIN]:.3f}; Brier skill (each on its own picks, against "
        f"the share that went well): NBA {f.brier_skill[NBA]:.3f}, no-learning scorer "
        f"{f.brier_skill[TWIN]:.3f}",
        f"- NBA picks: stated chance {stated:.2f} on average against a true {true:.2f}; "
        f"correlation {corr:.2f}",
    ]
    if f.drift is not None:
        pre, post, back = f.drift
        lines.append(
            f"- drift (week 7): NBA's share of the oracle {pre:.0%} in the 4 weeks before, "
            f"{post:.0%} in the 8 after; back to 80 % of before "
            + (f"after {back} weeks" if back else "not within 12 weeks")
        )
    lines += [
        "",
        "| stated chance | actions | mean stated | share that went well |",
        "|---|---|---|---|",
    ]
    lines += [f"| {b} | {n} | {s:.2f} | {g:.2f} |" for b, n, s, g in f.reliability]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldrep.nba.evaluation.independent")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=100, help="seeds 0-4 were for tuning")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--hcps", type=int, default=300)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=JSON",
        help="an NbaConfig setting for the engine, e.g. evidence_half_life_days=null",
    )  # fmt: skip
    args = parser.parse_args(argv)
    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    families = tuple(args.families.split(","))
    started = time.perf_counter()

    def progress(text: str) -> None:
        sys.stderr.write(f"\r{text}   ")

    runs = evaluate(
        families,
        range(args.first_seed, args.first_seed + args.seeds),
        hcps=args.hcps,
        weeks=args.weeks,
        progress=progress,
        overrides=overrides,
    )
    sys.stderr.write(f"\rdone in {time.perf_counter() - started:.0f} s\n")
    for family in families:
        sys.stdout.write(markdown(figures(runs, family), args.weeks, args.hcps) + "\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
