"""Sync server figures: seed-demo, a 500-mutation push, a 5,000-change pull page.

Runs a real `fieldrep-server serve` on 127.0.0.1 over a fresh SQLite file, and over
PostgreSQL too when FIELDREP_TEST_POSTGRES_URL is set. Prints the figures kept in
docs/performance.md ("Sync server").

    .venv/bin/python tests/perf/bench_server.py
    .venv/bin/python tests/perf/bench_server.py --compare /tmp/before   # before/after

`--compare TREE` runs a server from another source tree (e.g. `git archive` of an older
commit) beside this one, each on its own seeded database, and alternates the same
measurements between them, so both see the same machine load: before and after in the
same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.processes import fresh_postgres, start  # noqa: E402
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


def _push_500(device: Any, batch: int) -> float:
    mutations = [
        mutation(batch * 500 + i + 1, "call_note", f"bench-{batch}-{i}",
                 **note_fields(f"hcp-{(i % 400) + 1:05d}"))
        for i in range(500)
    ]  # fmt: skip
    started = time.perf_counter()
    results = device.push(*mutations)
    elapsed = time.perf_counter() - started
    assert all(r["status"] == "applied" for r in results), results[0]
    return elapsed


def compare(url_for: Any, label: str, before_tree: str, workdir: Path, rounds: int = 5) -> None:
    """Alternate 500-note pushes and 5,000-change pull pages between two servers."""
    trees = {"before": before_tree, "after": str(Path(__file__).resolve().parents[2])}
    figures: dict[str, dict[str, list[float]]] = {t: {"push": [], "pull": []} for t in trees}
    with ExitStack() as stack:
        devices = {}
        for name, tree in trees.items():
            url = stack.enter_context(url_for(name))
            env = {"PYTHONPATH": tree, "FIELDREP_PASSWORD": PASSWORD}
            command = [str(BIN), "--database-url", url, "seed-demo"]
            subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True)
            server = start(url, workdir / f"{name}.log", env=env)
            stack.callback(server.terminate)
            http = stack.enter_context(httpx.Client(base_url=server.url, timeout=300))
            devices[name] = (Api(http).login("rep1", f"bench-{name}", PASSWORD),
                             Api(http).login("manager1", f"mgr-{name}", PASSWORD))  # fmt: skip
        for batch in range(rounds):
            for name in ("before", "after") if batch % 2 == 0 else ("after", "before"):
                rep, manager = devices[name]
                figures[name]["push"].append(_push_500(rep, batch))
                started = time.perf_counter()
                page = manager.pull_page(0, limit=5000)
                figures[name]["pull"].append(time.perf_counter() - started)
                assert len(page["changes"]) == 5000
    for name, values in figures.items():
        print(f"  {label} {name}: push of 500 new call notes median "
              f"{statistics.median(values['push']):.3f} s (min {min(values['push']):.3f}); "
              f"pull page of 5,000 median {statistics.median(values['pull']):.3f} s, "
              f"over {rounds} alternated rounds")  # fmt: skip


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--compare":
        before = sys.argv[2]
        with tempfile.TemporaryDirectory() as tmp:

            @contextmanager
            def sqlite_url(name: str) -> Iterator[str]:
                yield f"sqlite:///{Path(tmp) / name}.db"

            compare(sqlite_url, "SQLite", before, Path(tmp))
            admin_url = os.environ.get("FIELDREP_TEST_POSTGRES_URL")
            if admin_url:

                @contextmanager
                def postgres_url(name: str) -> Iterator[str]:
                    with fresh_postgres(admin_url, f"fieldrep_bench_{name}") as url:
                        yield url

                compare(postgres_url, "PostgreSQL", before, Path(tmp))
        return
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
