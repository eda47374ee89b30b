"""Load generator: N simulated reps, each doing a realistic day against real servers.

Each rep has its own territory (`--hcps` HCPs) and device. Its day: a first sync
(handshake, pull every page), then `--syncs` incremental syncs, each after a think time
(exponential, mean `--think` seconds), each pushing a few new call notes, a plan change
(new plan or a moved one) and, every other sync, suggestion feedback, then pulling to
the end. Reps start spread over `--ramp` seconds; the run stops at `--max-seconds`
whatever is left (then counted and reported). Afterwards the consistency check: every
note each rep wrote exists exactly once on the server (one row, one `create` in the
change log) and on a fresh device of that rep (a new device's first sync from 0).

    nice -n 5 .venv/bin/python tests/perf/load_sync.py --reps 100 --db postgres --processes 2
    ... --db postgres --processes 4 --pgbouncer       # through PgBouncer, transaction mode
    ... --db sqlite
    ... --server-tree /tmp/before                     # the server of an older commit

PostgreSQL: a database of its own is created (`createdb`-style, from
FIELDREP_TEST_POSTGRES_URL) and dropped at the end. Tokens are made directly in the
database (256 random bits, stored as SHA-256, as the login does) so 1,000 argon2 logins
do not dominate the run. Prints one JSON line of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldrep.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION  # noqa: E402
from sync_server import db  # noqa: E402
from sync_server.models import Device, User, UserTerritory  # noqa: E402
from sync_server.security import hash_password, token_hash  # noqa: E402
from sync_server.services.callers import utcnow  # noqa: E402
from sync_server.services.hcps import upsert_hcps  # noqa: E402
from sync_server.services.users import ensure_territories  # noqa: E402
from tests.server.pgbouncer import pgbouncer  # noqa: E402
from tests.server.processes import start  # noqa: E402
from tests.server.world import hcp_record  # noqa: E402


@dataclass
class Rep:
    username: str
    token: str
    fresh_token: str
    hcps: list[str]
    cursor: int = 0
    seq: int = 0
    notes: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)


@dataclass
class Stats:
    sync_seconds: list[float] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    unfinished: int = 0
    # At most `--connections` requests at once across all reps (as before each rep had
    # its own connection, when they shared one pool of that size).
    in_flight: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(100))


async def call(http: httpx.AsyncClient, stats: Stats, method: str, path: str,
               **kwargs: Any) -> httpx.Response:  # fmt: skip
    """One request as the app sends it: network errors and 5xx are retried with backoff
    (a push is safe to resend: the ledger answers replays `duplicate`); after 5 tries the
    last answer (or error) stands and counts as an error."""
    for attempt in range(5):
        stats.requests += 1
        try:
            async with stats.in_flight:
                answer = await http.request(method, path, **kwargs)
        except httpx.TransportError:
            if attempt == 4:
                raise
        else:
            if answer.status_code < 500 or attempt == 4:
                return answer
        stats.retries += 1
        await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def seed(url: str, reps: int, hcps_per_rep: int) -> list[Rep]:
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    password = hash_password(secrets.token_hex(8))  # nobody logs in with it
    now = utcnow()
    made = []
    with db.transaction(sessions) as session:
        territories = [f"T{n:04d}" for n in range(reps)]
        ensure_territories(session, territories)
        for n, territory in enumerate(territories):
            username = f"rep{n:04d}"
            session.add(User(username=username, role="rep", password_hash=password,
                             created_at=now))  # fmt: skip
            session.flush()
            session.add(UserTerritory(username=username, territory_id=territory))
            tokens = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            for device, token in zip(("laptop", "fresh"), tokens, strict=True):
                session.add(Device(id=f"{username}-{device}", username=username,
                                   token_hash=token_hash(token), token_issued_at=now,
                                   token_used_at=now, created_at=now))  # fmt: skip
            ids = [f"h{n:04d}-{i:04d}" for i in range(hcps_per_rep)]
            made.append(Rep(username, tokens[0], tokens[1], ids))
        session.flush()
        upsert_hcps(
            session, [hcp_record(h, f"T{n:04d}") for n, r in enumerate(made) for h in r.hcps]
        )
    engine.dispose()
    return made


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def note(rep: Rep, rng: random.Random, when: str) -> dict[str, Any]:
    return {
        "hcp_id": rng.choice(rep.hcps), "channel": rng.choice(["visit", "remote", "phone"]),
        "started_at": when, "duration_minutes": rng.randint(5, 40),
        "insights": "Asked about renal dosing; wants the new leaflet.",
        "products": ["Cardiovex"], "outcome": rng.choice(["positive", "neutral"]),
    }  # fmt: skip


def mutations(rep: Rep, rng: random.Random, round_: int) -> list[dict[str, Any]]:
    now = utcnow()
    out = []

    def add(entity: str, entity_id: str, op: str, fields: dict[str, Any]) -> None:
        rep.seq += 1
        out.append({"mutation_seq": rep.seq, "mutation_id": str(uuid.uuid4()), "entity": entity,
                    "entity_id": entity_id, "op": op, "fields": fields,
                    "base_version": None})  # fmt: skip

    for _ in range(rng.randint(1, 3)):
        note_id = str(uuid.uuid4())
        rep.notes.append(note_id)
        add("call_note", note_id, "create", note(rep, rng, now.isoformat()))
    day = (now + timedelta(days=rng.randint(1, 10))).date().isoformat()
    if rep.plans and rng.random() < 0.5:
        add("visit_plan", rng.choice(rep.plans), "update", {"planned_date": day})
    else:
        plan_id = str(uuid.uuid4())
        rep.plans.append(plan_id)
        add("visit_plan", plan_id, "create", {"hcp_id": rng.choice(rep.hcps), "planned_date": day})
    if round_ % 2 == 0:
        add("suggestion_feedback", str(uuid.uuid4()), "create",
            {"suggestion_id": f"s-{round_}", "hcp_id": rng.choice(rep.hcps),
             "action": rng.choice(["accepted", "dismissed"]), "created_at": now.isoformat(),
             "reason": None})  # fmt: skip
    return out


async def sync(
    http: httpx.AsyncClient, rep: Rep, stats: Stats, batch: list[dict[str, Any]]
) -> None:
    started = time.perf_counter()
    auth = headers(rep.token)
    body = {"protocol_version": PROTOCOL_VERSION, "schema_version": 5,
            "device_id": f"{rep.username}-laptop"}  # fmt: skip
    answer = await call(http, stats, "POST", "/api/v1/sync/handshake", json=body, headers=auth)
    _check(answer, rep, stats, "handshake")
    if batch:
        body = {"device_id": f"{rep.username}-laptop", "mutations": batch}
        answer = await call(http, stats, "POST", "/api/v1/sync/push", headers=auth, json=body)
        if _check(answer, rep, stats, "push"):
            bad = [r for r in answer.json()["results"] if r["status"] != "applied"]
            if bad:
                stats.errors.append(f"{rep.username}: {len(bad)} not applied: {bad[0]}")
    while True:
        query = {"since": rep.cursor, "limit": 1000}
        answer = await call(http, stats, "GET", "/api/v1/sync/pull", params=query, headers=auth)
        if not _check(answer, rep, stats, "pull"):
            return
        page = answer.json()
        rep.cursor = page["cursor"]
        if not page["has_more"]:
            break
    stats.sync_seconds.append(time.perf_counter() - started)


def _check(answer: httpx.Response, rep: Rep, stats: Stats, what: str) -> bool:
    if answer.status_code != 200:
        stats.errors.append(f"{rep.username} {what}: {answer.status_code} {answer.text[:200]}")
        return False
    return True


async def day(http: httpx.AsyncClient, rep: Rep, stats: Stats, options: argparse.Namespace,
              *, deadline: float, seed_: int) -> None:  # fmt: skip
    rng = random.Random(seed_)
    await asyncio.sleep(rng.uniform(0, options.ramp))
    syncs_left = options.syncs + 1
    try:
        await sync(http, rep, stats, [])
        syncs_left -= 1
        for round_ in range(options.syncs):
            await asyncio.sleep(rng.expovariate(1 / options.think))
            if time.monotonic() > deadline:
                break
            await sync(http, rep, stats, mutations(rep, rng, round_))
            syncs_left -= 1
    except httpx.HTTPError as error:
        stats.errors.append(f"{rep.username}: {type(error).__name__} {error}")
    stats.unfinished += syncs_left


async def drive(base: str, reps: list[Rep], options: argparse.Namespace) -> tuple[Stats, float]:
    stats = Stats(in_flight=asyncio.Semaphore(options.connections))
    # One connection per rep, as each laptop has its own: one pool shared by hundreds of
    # reps made httpcore's pool bookkeeping the generator's main cost (10 ms of CPU a
    # request, as much as the server's, on the same cores). Idle connections are closed
    # before uvicorn's 5 s keep-alive ends, or a request may go out on a connection the
    # server is just closing (a ReadError that is no fault).
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=2.0)
    started = time.monotonic()
    deadline = started + options.max_seconds

    async def laptop(n: int, rep: Rep) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
            await day(http, rep, stats, options, deadline=deadline, seed_=n)

    await asyncio.gather(*(laptop(n, rep) for n, rep in enumerate(reps)))
    return stats, time.monotonic() - started


async def fresh_ids(base: str, reps: list[Rep]) -> dict[str, set[str]]:
    """Each rep's call notes as a fresh device of theirs receives them (a pull from 0)."""
    found: dict[str, set[str]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=120,
                                 limits=httpx.Limits(max_connections=20)) as http:  # fmt: skip
        semaphore = asyncio.Semaphore(20)

        async def one(rep: Rep) -> None:
            async with semaphore:
                ids: set[str] = set()
                cursor = 0
                while True:
                    query = {"since": cursor, "limit": 5000}
                    answer = await http.get(
                        "/api/v1/sync/pull", params=query, headers=headers(rep.fresh_token)
                    )
                    answer.raise_for_status()
                    page = answer.json()
                    ids |= {c["entity_id"] for c in page["changes"]
                            if c["entity"] == "call_note" and c["op"] != "delete"}  # fmt: skip
                    cursor = page["cursor"]
                    if not page["has_more"]:
                        break
                found[rep.username] = ids

        await asyncio.gather(*(one(rep) for rep in reps))
    return found


def consistency(url: str, base: str, reps: list[Rep]) -> list[str]:
    problems = []
    engine = create_engine(url)
    with engine.connect() as conn:
        stored: dict[str, set[str]] = {}
        for author, note_id in conn.execute(text("SELECT author, id FROM call_notes")):
            stored.setdefault(author, set()).add(note_id)
        twice = conn.execute(text(
            "SELECT count(*) FROM (SELECT entity_id FROM change_log WHERE entity = 'call_note' "
            "AND op = 'create' GROUP BY entity_id HAVING count(*) <> 1) AS t"
        )).scalar_one()  # fmt: skip
    engine.dispose()
    if twice:
        problems.append(f"{twice} note(s) logged more or less than once")
    fresh = asyncio.run(fresh_ids(base, reps))
    for rep in reps:
        written = set(rep.notes)
        if len(written) != len(rep.notes):
            problems.append(f"{rep.username}: the generator made a duplicate id")
        on_server = stored.get(rep.username, set())
        on_device = fresh.get(rep.username, set())
        if on_server != written:
            problems.append(f"{rep.username}: server has {len(on_server)}, wrote {len(written)}")
        if on_device != written:
            problems.append(
                f"{rep.username}: fresh device has {len(on_device)}, wrote {len(written)}"
            )
    return problems


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, CPU seconds used) of every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        found.append((int(entry.name), int(fields[1]), name,
                      (int(fields[11]) + int(fields[12])) / tick))  # fmt: skip
    return found


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server (its process and workers), by PostgreSQL
    (every `postgres` process) and by this load generator."""
    stats = _proc_stats()
    children: dict[int, list[int]] = {}
    for pid, parent, _, _ in stats:
        children.setdefault(parent, []).append(pid)
    tree, todo = set(), [server_pid]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += children.get(pid, [])
    own = os.times()
    return {
        "server": sum(cpu for pid, _, _, cpu in stats if pid in tree),
        "postgres": sum(cpu for _, _, name, cpu in stats if name in ("postgres", "pgbouncer")),
        "generator": own.user + own.system,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(options: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-")))
        if options.db == "sqlite":
            url = f"sqlite:///{workdir / 'server.db'}"
        else:
            admin_url = os.environ["FIELDREP_TEST_POSTGRES_URL"]
            name = f"fieldrep_load_{uuid.uuid4().hex[:8]}"
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))

            def drop() -> None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

            stack.callback(drop)
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        reps = seed(url, options.reps, options.hcps)
        serve_url, env = url, {"FIELDREP_LOG_FORMAT": "json"}
        if options.server_tree:  # before/after: a server from another source tree
            env["PYTHONPATH"] = options.server_tree
        if options.pgbouncer:
            serve_url = stack.enter_context(pgbouncer(url, pool_size=options.bouncer_pool))
            env["FIELDREP_DATABASE_POOLER"] = "transaction"
        server = start(serve_url, workdir / "server.log", "--workers", str(options.processes),
                       env=env)  # fmt: skip
        stack.callback(server.terminate)
        if options.profile:
            import subprocess

            profile = subprocess.Popen(
                ["py-spy", "record", "--subprocesses", "--pid", str(server.process.pid),
                 "--format", "speedscope" if options.profile.endswith(".json") else "flamegraph",
                 "--output", options.profile, "--rate", "50", "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        cpu_before = cpu_split(server.process.pid)
        stats, wall = asyncio.run(drive(server.url, reps, options))
        cpu_after = cpu_split(server.process.pid)
        # CPU milliseconds per request, by part: one process can use at most one core, so
        # these say how far more processes can go on this machine's cores.
        cpu_ms = {part: round((cpu_after[part] - cpu_before[part]) * 1000
                              / max(stats.requests, 1), 2) for part in cpu_after}  # fmt: skip
        if options.profile:
            profile.send_signal(2)  # SIGINT: py-spy writes its file
            profile.wait(timeout=60)
        problems = consistency(url, server.url, reps)
        return {
            "db": options.db + (" via pgbouncer" if options.pgbouncer else ""),
            "processes": options.processes, "reps": options.reps,
            "syncs": len(stats.sync_seconds), "requests": stats.requests,
            "wall_s": round(wall, 1), "requests_per_s": round(stats.requests / wall, 1),
            "p50_ms": round(percentile(stats.sync_seconds, 0.50) * 1000),
            "p95_ms": round(percentile(stats.sync_seconds, 0.95) * 1000),
            "p99_ms": round(percentile(stats.sync_seconds, 0.99) * 1000),
            "mean_ms": round(statistics.fmean(stats.sync_seconds or [0.0]) * 1000),
            "errors": len(stats.errors), "first_errors": stats.errors[:3],
            "retries": stats.retries,
            "unfinished_syncs": stats.unfinished,
            "notes": sum(len(r.notes) for r in reps),
            "consistency_problems": len(problems), "first_problems": problems[:3],
            "cpu_ms_per_request": cpu_ms,
        }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--pgbouncer", action="store_true")
    parser.add_argument("--bouncer-pool", type=int, default=20)
    parser.add_argument("--hcps", type=int, default=100, help="HCPs per rep's territory")
    parser.add_argument("--syncs", type=int, default=20, help="incremental syncs per rep")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between syncs")
    parser.add_argument("--ramp", type=float, default=10.0, help="reps start over this many s")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--server-tree", help="run the server from this source tree "
                        "(e.g. `git archive` of an older commit)")  # fmt: skip
    parser.add_argument(
        "--profile",
        help="py-spy output file (.svg flamegraph or .json; "
        "needs py-spy on PATH: pip install py-spy)",
    )
    print(json.dumps(run(parser.parse_args())))  # noqa: T201


if __name__ == "__main__":
    main()
