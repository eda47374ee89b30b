"""The cost of durable commits: logging a call with SQLite `synchronous=FULL` (what the
app uses: a commit is on the disk before it returns, so it survives a power cut) against
`NORMAL` (survives a crash of the app, may lose the last commits in a power cut).

Each mode: a fresh encrypted workspace with 2,000 HCPs, 300 calls logged one at a time
through `ws.calls.log`, the way the call-log dialog saves one. Prints p50/p95 per mode.

    .venv/bin/python tests/perf/bench_durable_commits.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldrep.domain.calls import CallDraft  # noqa: E402
from fieldrep.domain.enums import Channel  # noqa: E402
from fieldrep.store import engine  # noqa: E402
from fieldrep.workspace import Workspace  # noqa: E402
from tests.perf.bench_workspace import make_hcps  # noqa: E402

PASSPHRASE = "benchmark passphrase"
CALLS = 300


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def log_calls(mode: str, workdir: Path) -> list[float]:
    engine.SYNCHRONOUS = mode
    hcps = make_hcps(2_000, random.Random(7))
    with Workspace.open(workdir / mode, passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(hcps)
        times = []
        for i in range(CALLS):
            draft = CallDraft(
                hcp_id=hcps[i].id,
                channel=Channel.VISIT,
                started_at=ws.clock.now(),
                insights="A note from the benchmark",
            )
            started = time.perf_counter()
            ws.calls.log(draft)
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {mode: log_calls(mode, Path(tmp)) for mode in ("NORMAL", "FULL")}
    for mode, times in results.items():
        print(f"log a call, synchronous={mode}: p50 {percentile(times, 50) * 1000:.2f} ms, "
              f"p95 {percentile(times, 95) * 1000:.2f} ms, "
              f"mean {statistics.mean(times) * 1000:.2f} ms ({CALLS} calls)")  # fmt: skip
    engine.SYNCHRONOUS = "FULL"


if __name__ == "__main__":
    main()
