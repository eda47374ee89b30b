"""Next-best-action benchmark: scoring a 2,000-HCP and a 100,000-HCP territory.

Run: `.venv/bin/python tests/perf/bench_nba.py` (or `make perf`). Prints, for each size:
- end to end through the Workspace: load features from the encrypted database (a few
  set-wise queries), score every HCP x channel, build the daily list with reasons;
- scoring alone on features already in memory (rules + posteriors + scoring + list);
- `for_hcp` (opening one HCP) and the segment refit.
Targets (docs/performance.md): 2,000 HCPs <= 200 ms, 100,000 HCPs <= 5 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from fieldrep.demo import load_messages, load_segments
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.daily import choose_daily
from fieldrep.nba.learning import posteriors
from fieldrep.nba.scoring import score_territory
from fieldrep.workspace import Workspace

PASSPHRASE = "benchmark passphrase"
SPECIALTIES = [
    "Family Medicine", "Internal Medicine", "Cardiology", "Endocrinology", "Pulmonology",
    "Nephrology", "Allergy and Immunology", "Geriatrics",
]  # fmt: skip
CHANNELS = ["visit", "remote", "phone", "email", "event"]
OUTCOMES = ["positive", "neutral", "negative", "not_reached"]


def build(data_dir: Path, hcp_count: int, calls_per_hcp: int) -> Workspace:
    rng = random.Random(11)
    ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
    ws.segments.replace_catalogue(load_segments())
    messages = load_messages()
    ws.messages.replace_all(messages)
    hcps = [
        Hcp(
            id=f"h{i:07d}",
            external_id=f"E{i}",
            name=f"Doctor {i}",
            title="Dr.",
            specialty=rng.choice(SPECIALTIES),
            organisation="Practice",
            city="Boston",
            territory_id="T1",
            decile=rng.randint(1, 10),
            consents={c: rng.random() < 0.8 for c in CHANNELS},
            do_not_contact=rng.random() < 0.01,
        )
        for i in range(hcp_count)
    ]
    ws.hcps.upsert_many(hcps)
    now = datetime.now(UTC)
    rows = []
    for n in range(hcp_count * calls_per_hcp):
        hcp = hcps[n % hcp_count]
        rows.append(
            {
                "id": f"c{n:09d}",
                "hcp_id": hcp.id,
                "author": "rep1",
                "channel": rng.choice(CHANNELS),
                "started_at": (now - timedelta(days=rng.randint(1, 365))).isoformat(),
                "duration_minutes": 15,
                "status": "submitted",
                "products": [],
                "key_messages": [rng.choice(messages).id],
                "attendees": [],
                "outcome": rng.choice(OUTCOMES),
                "sentiment": None,
                "insights": "",
                "follow_ups": [],
                "suggestion_id": None,
                "submitted_at": None,
                "version": 1,
                "conflict_of": None,
            }
        )
    with ws.store.write() as conn:
        for start in range(0, len(rows), 50_000):
            ws.calls.import_history(conn, rows[start : start + 50_000])
    return ws


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def bench(hcp_count: int, calls_per_hcp: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ws = build(Path(tmp) / "ws", hcp_count, calls_per_hcp)
        setup = time.perf_counter() - started
        today = date.today()
        s = ws.suggestions
        t = s.territory(today)
        config = s.config

        def score_only() -> None:
            post = posteriors(t, config)  # once, as the service does
            table = score_territory(t, today, config, post=post)
            sampled = score_territory(t, today, config, rng=np.random.default_rng(1), post=post)
            choose_daily(table, config, 10, sampled=sampled)

        figures = {
            "setup_s": setup,
            "load_features_ms": statistics.median(timed(lambda: s.territory(today), repeat)),
            "score_only_ms": statistics.median(timed(score_only, repeat)),
            "daily_list_end_to_end_ms": statistics.median(
                timed(lambda: s.daily_list(10, today), repeat)
            ),
            "for_hcp_end_to_end_ms": statistics.median(
                timed(lambda: s.for_hcp("h0000001", today), repeat)
            ),
            "segment_refit_ms": statistics.median(timed(ws.segment_hints.refit, 1)),
        }
        ws.close()
        return figures


def main() -> int:
    sizes = [(2_000, 10, 11), (100_000, 5, 5)]
    if "--quick" in sys.argv:
        sizes = sizes[:1]
    for hcps, calls, repeat in sizes:
        figures = bench(hcps, calls, repeat)
        print(f"{hcps:,} HCPs, {hcps * calls:,} calls (median of {repeat}):")
        for name, value in figures.items():
            print(f"  {name:28s} {value:10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
