"""Sync server figures: seed-demo, a 500-mutation push, a 5,000-change pull page.

Runs a real `fieldrep-server serve` on 127.0.0.1 over a fresh SQLite file, and over
PostgreSQL too when FIELDREP_TEST_POSTGRES_URL is set. Prints the figures kept in
docs/performance.md ("Sync server").

    .venv/bin/python tests/perf/bench_server.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.test_live_server import running_server  # noqa: E402
from tests.server.world import Api, mutation, note_fields  # noqa: E402

BIN = Path(sys.executable).parent / "fieldrep-server"
PASSWORD = "bench-password-1"


def seed(url: str) -> float:
    env = {**os.environ, "FIELDREP_PASSWORD": PASSWORD}
    subprocess.run([str(BIN), "--database-url", url, "init-db"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run([str(BIN), "--database-url", url, "seed-demo"], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - started
    print(f"  seed-demo: {done.stdout.splitlines()[0]} (process wall time {wall:.2f} s)")
    return wall


def bench(url: str, workdir: Path) -> None:
    seed(url)
    with (
        running_server(str(BIN), url, workdir / "server.log") as base,
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        api = Api(http)
        rep1 = api.login("rep1", "bench-laptop", PASSWORD)
        rep1.records.clear()
        started = time.perf_counter()
        rep1.handshake()
        changes = rep1.sync_down(limit=5000)
        print(f"  first sync of rep1 (handshake + pull): {len(changes)} changes in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
        manager = api.login("manager1", "bench-manager", PASSWORD)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            page = manager.pull_page(0, limit=5000)
            times.append(time.perf_counter() - started)
        assert len(page["changes"]) == 5000
        print(f"  pull page of 5,000 changes: median {statistics.median(times) * 1000:.0f} ms "
              f"over 5")  # fmt: skip
        push_times = []
        for batch in range(3):
            mutations = [
                mutation(batch * 500 + i + 1, "call_note", f"bench-{batch}-{i}",
                         **note_fields(f"hcp-{(i % 400) + 1:05d}"))
                for i in range(500)
            ]  # fmt: skip
            started = time.perf_counter()
            results = rep1.push(*mutations)
            push_times.append(time.perf_counter() - started)
            assert all(r["status"] == "applied" for r in results), results[0]
        started = time.perf_counter()
        replay = rep1.push(*mutations)
        replay_time = time.perf_counter() - started
        assert all(r["status"] == "duplicate" for r in replay)
        print(f"  push of 500 new call notes: median {statistics.median(push_times) * 1000:.0f}"
              f" ms over 3; replay of 500 (duplicates) {replay_time * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:")
        bench(f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp))
    admin_url = os.environ.get("FIELDREP_TEST_POSTGRES_URL")
    if not admin_url:
        print("PostgreSQL: skipped (FIELDREP_TEST_POSTGRES_URL is not set)")
        return
    name = f"fieldrep_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print("PostgreSQL:")
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            bench(url, Path(tmp))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
