"""Foundation benchmark: a 10,000-HCP / 100,000-note encrypted workspace.

Run: `make perf` (all benchmarks) or `.venv/bin/python tests/perf/bench_workspace.py`.
Prints open time, FTS prefix query p95, log-call latency, and the bulk-load ratio
against a bare sqlcipher3 executemany of the same rows in the same run.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

from fieldrep.demo import load_messages, load_segments
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.services.hcps import hcp_to_row
from fieldrep.store.engine import _raw_key_pragma
from fieldrep.store.migrations import MIGRATIONS
from fieldrep.workspace import Workspace

PASSPHRASE = "benchmark passphrase"
FIRST = "Aisha Alan Ana Andrew Ben Carlos Chen Claire Daniel Elena Emily Grace Hannah Isaac".split()
LAST = "Adams Ahmed Brooks Chen Cohen Costa Diaz Garcia Gupta Kelly Kim Lee Lopez Murphy".split()
CITIES = "Cambridge Somerville Medford Malden Lynn Salem Lowell Woburn Quincy Newton".split()
SPECIALTIES = ["Cardiology", "Endocrinology", "Family Medicine", "Internal Medicine", "Nephrology"]
WORDS = (
    "asked dosing renal trial subgroup leaflet coverage formulary adherence titration "
    "elderly insulin reprint guideline nurse patient support programme safety efficacy"
).split()


def make_hcps(count: int, rng: random.Random, prefix: str = "h") -> list[Hcp]:
    return [
        Hcp(
            id=f"{prefix}{i:07d}",
            external_id=f"E{i}",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}{i % 97}",
            title="Dr.",
            specialty=rng.choice(SPECIALTIES),
            organisation=f"{rng.choice(CITIES)} Medical Group {i % 50}",
            city=rng.choice(CITIES),
            territory_id="T1",
            latitude=42 + rng.random(),
            longitude=-71 - rng.random(),
            decile=rng.randint(1, 10),
            consents={"visit": True, "email": rng.random() < 0.7},
        )
        for i in range(count)
    ]


def make_notes(hcps: list[Hcp], count: int, rng: random.Random) -> list[dict[str, object]]:
    start = datetime(2025, 6, 1, tzinfo=UTC)
    return [
        {
            "id": f"n{i:08d}",
            "hcp_id": rng.choice(hcps).id,
            "author": "rep1",
            "channel": rng.choice(["visit", "remote", "phone", "email"]),
            "started_at": (start + timedelta(minutes=37 * i)).isoformat(),
            "duration_minutes": 15,
            "status": "submitted",
            "products": ["Cardiovex"],
            "key_messages": [],
            "attendees": [],
            "outcome": "positive",
            "sentiment": "neutral",
            "insights": " ".join(rng.choices(WORDS, k=12)),
            "follow_ups": [],
            "suggestion_id": None,
            "submitted_at": None,
            "version": 1,
            "conflict_of": None,
        }
        for i in range(count)
    ]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def bare_bulk_load(path: Path, rows: list[dict[str, object]]) -> float:
    """The floor: sqlcipher3 executemany of the same rows into the same schema."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {_raw_key_pragma(b'k' * 32)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN")
    for migration in MIGRATIONS:
        for statement in migration.statements:
            conn.execute(statement)
    conn.execute("COMMIT")
    columns = list(rows[0])
    sql = f"INSERT INTO hcps ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    values = [
        tuple(json.dumps(r[c]) if isinstance(r[c], (dict, list)) else r[c] for c in columns)
        for r in rows
    ]
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, values)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run(workdir: Path, hcp_count: int = 10_000, note_count: int = 100_000) -> dict[str, float]:
    rng = random.Random(7)
    figures: dict[str, float] = {}
    data_dir = workdir / "ws"
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        ws.segments.replace_catalogue(load_segments())
        ws.messages.replace_all(load_messages())
        hcps = make_hcps(hcp_count, rng)
        ws.hcps.upsert_many(hcps)
        notes = make_notes(hcps, note_count, rng)
        with ws.store.write() as conn:
            ws.calls.import_history(conn, notes)

    opens = []
    for _ in range(5):
        started = time.perf_counter()
        ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
        ws.hcps.count()
        opens.append(time.perf_counter() - started)
        ws.close()
    figures["open_s_median"] = statistics.median(opens)

    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        queries = []
        for _ in range(300):
            word = rng.choice([rng.choice(FIRST), rng.choice(LAST), rng.choice(CITIES)])
            word = word if rng.random() < 0.5 else rng.choice(WORDS)
            queries.append(word[: rng.randint(2, 5)])
        latencies = []
        for query in queries:
            started = time.perf_counter()
            ws.hcps.search(query)
            latencies.append(time.perf_counter() - started)
        figures["fts_prefix_p50_ms"] = percentile(latencies, 50) * 1000
        figures["fts_prefix_p95_ms"] = percentile(latencies, 95) * 1000

        log_times = []
        for i in range(200):
            draft = CallDraft(
                hcp_id=hcps[i].id,
                channel=Channel.VISIT,
                started_at=datetime.now(UTC),
                insights="Quick note from the benchmark",
            )
            started = time.perf_counter()
            ws.calls.log(draft)
            log_times.append(time.perf_counter() - started)
        figures["log_call_p50_ms"] = percentile(log_times, 50) * 1000
        figures["log_call_p95_ms"] = percentile(log_times, 95) * 1000

    bulk = make_hcps(100_000, rng, prefix="b")
    rows = [hcp_to_row(h) for h in bulk]
    bare = bare_bulk_load(workdir / "bare.db", rows)
    with Workspace.open(workdir / "bulk", passphrase=PASSPHRASE) as ws:
        started = time.perf_counter()
        ws.hcps.upsert_many(bulk)
        ours = time.perf_counter() - started
    figures["bulk_bare_s"] = bare
    figures["bulk_workspace_s"] = ours
    figures["bulk_ratio"] = bare / ours
    return figures


def report(figures: dict[str, float]) -> str:
    return "\n".join(f"{name:>22}: {value:.3f}" for name, value in figures.items())


def test_workspace_benchmark() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(Path(tmp))
    print("\nworkspace benchmark (10,000 HCPs / 100,000 notes)\n" + report(figures))
    assert figures["bulk_ratio"] > 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print(report(run(Path(tmp))))
