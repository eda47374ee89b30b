"""Sync benchmark against a real `fieldrep-server` on loopback.

Run: `make perf` or `.venv/bin/python tests/perf/bench_sync.py [--hcps N --notes M]`.
Prints: the first sync of the demo territory to a fresh device; the first sync of a
20,000-HCP / 200,000-note territory as rows/s and as a ratio to a bare `sqlcipher3`
executemany of the same rows into the same schema (same run); an incremental sync
with 50 local and 50 remote changes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldrep.demo import load_messages, load_segments  # noqa: E402
from fieldrep.store.engine import _raw_key_pragma  # noqa: E402
from fieldrep.store.migrations import MIGRATIONS  # noqa: E402
from fieldrep.sync.protocol import CALL_NOTE_FIELDS, Entity, Op  # noqa: E402
from fieldrep.workspace import Workspace  # noqa: E402
from tests.sync.helpers import first_hcp, log_note  # noqa: E402
from tests.sync.servers import SERVER_PASSWORD, ServerProcess  # noqa: E402

PASSPHRASE = "benchmark passphrase"
WORDS = "asked dosing renal trial leaflet coverage formulary adherence titration insulin".split()


def device(path: Path, server: ServerProcess, username: str) -> Workspace:
    ws = Workspace.open(path, passphrase=PASSPHRASE)
    ws.segments.replace_catalogue(load_segments())
    ws.messages.replace_all(load_messages())
    ws.sync.login(server.url, username, SERVER_PASSWORD)
    return ws


def write_hcp_csv(path: Path, count: int, territory: str) -> None:
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "hcps.csv"
    with demo.open(newline="") as fh:
        template = list(csv.DictReader(fh))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(template[0]))
        writer.writeheader()
        for i in range(count):
            row = dict(template[i % len(template)])
            row.update(id=f"big-{i:06d}", external_id=f"BIG{i:06d}", territory_id=territory)
            row["npi"] = str(1_000_000_000 + i)
            writer.writerow(row)


def seed_notes(server: ServerProcess, author: str, hcp_count: int, count: int) -> None:
    """Insert notes straight into the server database, as the server's seed-demo does."""
    from sqlalchemy import insert

    from sync_server import db
    from sync_server.models import CallNote
    from sync_server.services import changelog
    from sync_server.services.callers import user_scope
    from sync_server.services.changelog import LogRow

    rng = random.Random(5)
    engine = db.make_engine(server.database_url)
    factory = db.session_factory(engine)
    now = datetime.now(UTC)
    for start in range(0, count, 20_000):
        rows, log = [], []
        for i in range(start, min(count, start + 20_000)):
            started = now - timedelta(days=rng.randint(1, 540), minutes=rng.randint(0, 600))
            data = dict.fromkeys(CALL_NOTE_FIELDS)
            data.update(
                hcp_id=f"big-{rng.randrange(hcp_count):06d}", author=author, channel="visit",
                started_at=started.isoformat(), duration_minutes=20, status="submitted",
                products=["Cardiovex"], key_messages=[], attendees=[], outcome=None,
                sentiment=None, insights=" ".join(rng.choices(WORDS, k=12)), follow_ups=[],
                submitted_at=(started + timedelta(minutes=20)).isoformat(),
            )  # fmt: skip
            note_id = f"bignote-{i:07d}"
            rows.append(
                {
                    "id": note_id, "author": author, "hcp_id": data["hcp_id"],
                    "status": "submitted", "conflict_of": None, "version": 1,
                    "field_versions": dict.fromkeys(CALL_NOTE_FIELDS, 1), "field_devices": {},
                    "data": data, "updated_at": now,
                }
            )  # fmt: skip
            log.append(LogRow(Entity.CALL_NOTE, note_id, Op.CREATE, user_scope(author), 1, data))
        with db.transaction(factory) as session:
            session.execute(insert(CallNote), rows)
            changelog.append(session, log, now=now)
    engine.dispose()


def bare_insert_seconds(path: Path, source: Workspace) -> float:
    """The floor: sqlcipher3 executemany of the same rows into the same local schema."""
    tables = {}
    with source.store.read() as conn:
        for table in ("hcps", "call_notes"):
            result = conn.exec_driver_sql(f"SELECT * FROM {table}")
            tables[table] = (list(result.keys()), [tuple(r) for r in result])
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {_raw_key_pragma(b'k' * 32)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN")
    for migration in MIGRATIONS:
        for statement in migration.statements:
            conn.execute(statement)
    conn.execute("COMMIT")
    started = time.perf_counter()
    conn.execute("BEGIN")
    for table, (columns, rows) in tables.items():
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run(workdir: Path, hcp_count: int = 20_000, note_count: int = 200_000) -> dict[str, float]:
    figures: dict[str, float] = {}
    server = ServerProcess(workdir / "server")
    server.admin("init-db")
    server.admin("seed-demo")
    server.start()
    try:
        # 1. First sync of the demo territory to a fresh device.
        times = []
        for n in range(3):
            with device(workdir / f"demo{n}", server, "rep1") as ws:
                report = ws.sync.run()
                times.append(report.duration_s)
                figures["demo_rows"] = report.pulled
        figures["demo_first_sync_s"] = statistics.median(times)

        # 2. Incremental: 50 local and 50 remote changes.
        with (
            device(workdir / "inc_a", server, "rep1") as a,
            device(workdir / "inc_b", server, "rep1") as b,
        ):
            a.sync.run()
            b.sync.run()
            samples = []
            for round_ in range(5):
                hcp = first_hcp(a, round_)
                for i in range(50):
                    log_note(b, hcp, f"remote {round_}-{i}")
                b.sync.run()
                for i in range(50):
                    log_note(a, hcp, f"local {round_}-{i}")
                samples.append(a.sync.run().duration_s)
                b.sync.run()
            figures["incremental_50_50_s"] = statistics.median(samples)

        # 3. A big territory: 20,000 HCPs and 200,000 notes.
        server.admin("create-territory", "BIG")
        server.admin("create-user", "--username", "bigrep", "--role", "rep", "--territory", "BIG")
        write_hcp_csv(workdir / "big.csv", hcp_count, "BIG")
        server.admin("import-hcps", str(workdir / "big.csv"))
        seed_notes(server, "bigrep", hcp_count, note_count)
        with device(workdir / "big", server, "bigrep") as ws:
            report = ws.sync.run()
            rows = ws.status().hcps + ws.status().call_notes
            assert rows == hcp_count + note_count, rows
            bare = bare_insert_seconds(workdir / "bare.db", ws)
        figures["big_rows"] = rows
        figures["big_sync_s"] = report.duration_s
        figures["big_rows_per_s"] = rows / report.duration_s
        figures["bare_rows_per_s"] = rows / bare
        figures["big_ratio"] = bare / report.duration_s
    finally:
        server.stop()
    return figures


def report(figures: dict[str, float]) -> str:
    return "\n".join(f"{name:>22}: {value:,.3f}" for name, value in figures.items())


def test_sync_benchmark() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(Path(tmp))
    print("\nsync benchmark\n" + report(figures))
    assert figures["big_ratio"] > 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hcps", type=int, default=20_000)
    parser.add_argument("--notes", type=int, default=200_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(report(run(Path(tmp), options.hcps, options.notes)))
        print(json.dumps({"hcps": options.hcps, "notes": options.notes}))
