"""Where the engine loses value against the oracle, action by action, on tuning seeds.

    python -m fieldrep.nba.evaluation.independent.diagnose --families all --seeds 2

On the engine's own trajectory, each working day, its picks are compared with what the
truth says of the same HCPs and with the oracle's picks on the same state:

- message: the best approved message on the channel it chose, against its message;
- channel: the HCP's best allowed (channel, message), against the best on its channel;
- whom: the oracle's day (its 8 picks within the slots) against NBA's HCPs each at their
  best action (can be negative: NBA's HCPs at their best may not fit the slots);
- when: the best of the next four working days for the same HCPs (same state), against
  today (an upper bound: waiting is not free);
- dismissed: the true value of picks the rep did not take up (lost entirely).

Tuning seeds only (0-4); nothing here is a reported figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from fieldrep.demo import load_messages
from fieldrep.nba.evaluation.independent import drive
from fieldrep.nba.evaluation.independent.drive import Pick
from fieldrep.nba.evaluation.independent.truth import CHANNELS, Hidden, build_hidden


@dataclass
class Losses:
    days: int = 0
    nba: float = 0.0  # true value of the picks as suggested (before the rep's reply)
    message: float = 0.0
    channel: float = 0.0
    whom: float = 0.0
    when: float = 0.0
    oracle: float = 0.0
    clinic_visits: int = 0
    on_leave: int = 0
    picks: int = 0
    nba_channels: dict[str, int] = field(default_factory=dict)
    oracle_channels: dict[str, int] = field(default_factory=dict)
    recent: int = 0  # picks of HCPs contacted within 14 days
    oracle_recent: int = 0


def _next_days(day: date, k: int) -> list[date]:
    out: list[date] = []
    d = day
    while len(out) < k:
        d += timedelta(days=1)
        if d.weekday() < 5:
            out.append(d)
    return out


def observer(losses: Losses, limit: int) -> drive.Observer:
    oracle = drive.oracle(None, limit)  # type: ignore[arg-type]

    def observe(day: date, h: Hidden, value: np.ndarray, ok: np.ndarray, picks: list[Pick]) -> None:
        v = np.where(ok, value, -np.inf)
        m_none = v.shape[2] - 1
        later = [np.where(ok, h.value(h.p_good(d)), -np.inf).max(axis=(1, 2)) for d in
                 _next_days(day, 4)]  # fmt: skip
        o = day.toordinal()
        last = h.last_channel.max(axis=1)
        losses.days += 1
        for i, c, m, _, _ in picks:
            col = m if m >= 0 else m_none
            got = float(v[i, c, col]) if np.isfinite(v[i, c, col]) else 0.0
            on_channel = float(v[i, c].max())
            best = float(v[i].max())
            losses.picks += 1
            losses.nba += got
            losses.message += on_channel - got
            losses.channel += best - on_channel
            losses.when += max(0.0, max(float(x[i]) for x in later) - best)
            losses.clinic_visits += bool(c == 0 and h.clinic_day[i] == day.weekday())
            losses.on_leave += h.on_leave(i, day)
            losses.recent += bool(o - last[i] < 14)
            name = CHANNELS[c]
            losses.nba_channels[name] = losses.nba_channels.get(name, 0) + 1
        best_of = sum(float(v[i].max()) for i, _, _, _, _ in picks)
        chosen = oracle(day, value, ok, np.random.default_rng(0))
        ora = sum(float(v[i, c, m if m >= 0 else m_none]) for i, c, m, _, _ in chosen)
        losses.oracle += ora
        losses.whom += ora - best_of
        for i, c, _, _, _ in chosen:
            losses.oracle_recent += bool(o - last[i] < 14)
            name = CHANNELS[c]
            losses.oracle_channels[name] = losses.oracle_channels.get(name, 0) + 1

    return observe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldrep.nba.evaluation.independent.diagnose")
    parser.add_argument("--families", default="all")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--hcps", type=int, default=200)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON")
    parser.add_argument("--no-twin", action="store_true", help="skip the no-learning twin")
    args = parser.parse_args(argv)
    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    if args.first_seed >= 100:
        parser.error("report seeds (100 and up) are not for diagnosing")
    started = time.perf_counter()
    for family in args.families.split(","):
        totals: dict[str, list[float]] = {}
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            h = build_hidden(seed, args.hcps, family, load_messages(), args.weeks)
            losses = Losses()
            with tempfile.TemporaryDirectory() as folder:
                template = Path(folder) / "t"
                drive.build_workspace(template, h, seed)
                nba = drive.run(
                    h, "NBA", args.weeks, seed,
                    workspace=drive.copy_workspace(template, Path(folder) / "a"),
                    overrides=overrides, observe=observer(losses, 8),
                )  # fmt: skip
                twin = (
                    None
                    if args.no_twin
                    else drive.run(
                        h, "twin", args.weeks, seed,
                        workspace=drive.copy_workspace(template, Path(folder) / "b"),
                        learning=False, overrides=overrides,
                    )
                )  # fmt: skip
            ora = drive.run(h, "oracle", args.weeks, seed, drive.oracle(h, 8))
            w = args.weeks
            v_nba, v_ora = sum(nba.weekly) / w, sum(ora.weekly) / w
            v_twin = sum(twin.weekly) / w if twin else float("nan")
            gap = (v_nba - v_twin) / (v_ora - v_twin) if twin else float("nan")
            deliveries = max(1, nba.deliveries)
            stated, outcome = np.array(nba.stated), np.array(nba.outcomes)
            row = {
                "nba": v_nba, "twin": v_twin, "oracle": v_ora, "gap": gap,
                "repeats": nba.repeats / deliveries,
                "brier": float(np.mean((stated - outcome) ** 2)),
                "brier_twin": float(np.mean((np.array(twin.stated) - np.array(twin.outcomes)) ** 2))
                if twin else float("nan"),
                "stated": float(stated.mean()), "true": float(np.mean(nba.true_p)),
                "accept": nba.accepted / max(1, nba.suggested),
                "per_day_nba": losses.nba / losses.days,
                "per_day_oracle_same_state": losses.oracle / losses.days,
                "lost_message": losses.message / losses.days,
                "lost_channel": losses.channel / losses.days,
                "lost_whom": losses.whom / losses.days,
                "lost_when_ub": losses.when / losses.days,
                "clinic_visits": losses.clinic_visits, "on_leave": losses.on_leave,
                "recent_14d": losses.recent / max(1, losses.picks),
                "oracle_recent_14d": losses.oracle_recent / max(1, losses.picks),
                "violations": nba.violations,
            }  # fmt: skip
            for k, x in row.items():
                totals.setdefault(k, []).append(float(x))
            sys.stdout.write(
                f"{family} seed {seed}: "
                + ", ".join(f"{k} {x:.3f}" for k, x in row.items())
                + f"\n  channels NBA {losses.nba_channels} oracle {losses.oracle_channels}\n"
            )
            sys.stdout.flush()
        mean = {k: float(np.nanmean(x)) for k, x in totals.items()}
        sys.stdout.write(
            f"== {family} mean: " + ", ".join(f"{k} {x:.3f}" for k, x in mean.items()) + "\n"
        )
    sys.stdout.write(f"done in {time.perf_counter() - started:.0f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
