"""Pushes side by side: many reps push at once to several server processes on one
PostgreSQL, with the database near (loopback) or a little way off (a delaying proxy).

Each of `--reps` reps (own territory, own device) pushes a batch of `--notes` new call
notes, again and again, for `--seconds`; the figures are pushes and notes per second
and the push latency. `--db-delay-ms` puts a proxy between the servers and PostgreSQL
that holds every chunk that many milliseconds each way (a database in another zone is
1-2 ms away): what a lock held across a whole push costs grows with every round trip
made while holding it. `--compare TREE` runs the same against a server from another
source tree (e.g. `git archive` of an older commit), alternating, in the same run.

    .venv/bin/python tests/perf/bench_concurrent_pushes.py --compare /tmp/before

Needs FIELDREP_TEST_POSTGRES_URL. Prints one line per run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync_server import db  # noqa: E402
from tests.perf.load_sync import Rep, headers, seed  # noqa: E402
from tests.server.processes import free_port, fresh_postgres, start  # noqa: E402


def _relay(listen_port: int, target: tuple[str, int], delay: float) -> None:
    """A TCP proxy delivering every chunk `delay` seconds after it arrived, in order."""

    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    writer.close()
                    return
                await asyncio.sleep(max(0.0, due - loop.time()))
                writer.write(data)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, data))
        queue.put_nowait((0.0, b""))
        await delivering

    async def serve(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*target)
        await asyncio.gather(pump(client_r, server_w), pump(server_r, client_w),
                             return_exceptions=True)  # fmt: skip

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", listen_port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


@contextmanager
def delayed(url: str, delay_ms: float) -> Iterator[str]:
    """`url` through the delaying proxy (unchanged for 0 ms)."""
    if delay_ms <= 0:
        yield url
        return
    parsed = make_url(url)
    port = free_port()
    target = (parsed.host or "127.0.0.1", parsed.port or 5432)
    relay = multiprocessing.Process(target=_relay, args=(port, target, delay_ms / 1000),
                                    daemon=True)  # fmt: skip
    relay.start()
    time.sleep(0.5)
    try:
        yield parsed.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    finally:
        relay.terminate()
        relay.join()


def _batch(rep: Rep, notes: int) -> list[dict[str, Any]]:
    out = []
    for n in range(notes):
        rep.seq += 1
        note_id = str(uuid.uuid4())
        rep.notes.append(note_id)
        fields = {"hcp_id": rep.hcps[n % len(rep.hcps)], "channel": "visit",
                  "started_at": "2026-11-02T10:00:00+00:00", "duration_minutes": 20,
                  "insights": "Asked about renal dosing.", "products": ["Cardiovex"],
                  "outcome": "neutral"}  # fmt: skip
        out.append({"mutation_seq": rep.seq, "mutation_id": str(uuid.uuid4()),
                    "entity": "call_note", "entity_id": note_id, "op": "create",
                    "fields": fields, "base_version": None})  # fmt: skip
    return out


def drive(base: str, reps: list[Rep], notes: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_at = time.monotonic() + 1.0
    stop_at = start_at + seconds

    def work(rep: Rep) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while time.monotonic() < start_at:
                time.sleep(0.01)
            while time.monotonic() < stop_at:
                body = {"device_id": f"{rep.username}-laptop", "mutations": _batch(rep, notes)}
                began = time.perf_counter()
                answer = http.post("/api/v1/sync/push", json=body, headers=headers(rep.token))
                took = time.perf_counter() - began
                with lock:
                    if answer.status_code != 200:
                        errors.append(f"{answer.status_code}: {answer.text[:200]}")
                    elif any(r["status"] != "applied" for r in answer.json()["results"]):
                        errors.append("a mutation not applied")
                    else:
                        latencies.append(took)

    threads = [threading.Thread(target=work, args=(rep,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - start_at
    ordered = sorted(latencies)
    return {
        "pushes_per_s": round(len(latencies) / wall, 1),
        "notes_per_s": round(len(latencies) * notes / wall),
        "p50_ms": round(statistics.median(ordered) * 1000) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000) if ordered else None,
        "errors": len(errors), "first_errors": errors[:2],
    }  # fmt: skip


def run_one(tree: str | None, options: argparse.Namespace, delay_ms: float) -> dict[str, Any]:
    admin_url = os.environ["FIELDREP_TEST_POSTGRES_URL"]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pushes-")))
        url = stack.enter_context(fresh_postgres(admin_url, "fieldrep_pushes"))
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        reps = seed(url, options.reps, 20)
        serve_url = stack.enter_context(delayed(url, delay_ms))
        env = {"PYTHONPATH": tree} if tree else {}
        server = start(serve_url, workdir / "server.log", "--workers", str(options.processes),
                       env=env)  # fmt: skip
        stack.callback(server.terminate)
        figures = drive(server.url, reps, options.notes, options.seconds)
        return {"server": tree or "this tree", "db_delay_ms": delay_ms,
                "processes": options.processes, "reps": options.reps, **figures}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--notes", type=int, default=10, help="notes per push")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db-delay-ms", type=float, nargs="+", default=[0.0, 2.0])
    parser.add_argument("--compare", help="another source tree to run the same against")
    options = parser.parse_args()
    if not os.environ.get("FIELDREP_TEST_POSTGRES_URL"):
        print("not run: needs PostgreSQL (set FIELDREP_TEST_POSTGRES_URL, as .ci/run does)")
        return
    trees: list[str | None] = [None, options.compare] if options.compare else [None]
    for n, delay in enumerate(options.db_delay_ms):
        for tree in trees if n % 2 == 0 else trees[::-1]:  # alternate who goes first
            print(run_one(tree, options, delay), flush=True)


if __name__ == "__main__":
    main()
