"""`python -m fieldrep.nba.evaluation [--seeds 20] [--weeks 26]`: print the markdown table."""

from __future__ import annotations

import argparse
import sys
import time

from fieldrep.nba.evaluation.report import markdown
from fieldrep.nba.evaluation.run import evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fieldrep.nba.evaluation")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=100, help="seeds 0-2 were used to tune")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--hcps", type=int, default=400)
    parser.add_argument("--per-day", type=int, default=8)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(message: str, fraction: float) -> None:
        sys.stderr.write(f"\r{message} ({fraction:.0%})   ")

    ev = evaluate(
        seeds=args.seeds,
        first_seed=args.first_seed,
        weeks=args.weeks,
        hcps=args.hcps,
        per_day=args.per_day,
        progress=progress,
    )
    sys.stderr.write(f"\rdone in {time.perf_counter() - started:.0f} s\n")
    sys.stdout.write(markdown(ev) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
