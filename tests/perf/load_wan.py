"""The load generator's day over a network that behaves like one (issue 18, part 5).

The server runs in its own network namespace (tests/server/netns.py) and reaches
PostgreSQL through a link that is cut for `--partition-seconds` in the middle of the run.
The simulated reps run in a namespace of their own and reach the server only through the
userspace netem relay (tests/server/netem.py): `--delay-ms` each way (so the round trip is
twice that) and `--loss` of the packets dropped in each direction.

Each rep plays the day of tests/perf/load_sync.py (same seeding, mutations and consistency
check), but talks like the app: every request is retried on a network error or a 5xx with
the app's own policy (`fieldrep.sync.client.RetryPolicy`: 6 tries, full-jitter backoff
from 0.2 s up to 5 s), and a sync that still fails leaves its mutations in the outbox for
the next one, as the app does ("your changes are safe on this device"). After its last
round a rep keeps syncing until its outbox is empty. An error is a sync that never
recovered (a refusal, a rejected mutation, an outbox not emptied by the end).

    flock /tmp/bench.lock nice -n 19 .venv/bin/python tests/perf/load_wan.py --reps 100

Needs root, /dev/net/tun and FIELDREP_TEST_POSTGRES_URL (a database of its own is created
and dropped). Prints one JSON line of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldrep.sync.client import RetryPolicy  # noqa: E402
from fieldrep.sync.protocol import PROTOCOL_VERSION  # noqa: E402
from sync_server import db  # noqa: E402
from tests.perf.load_sync import (  # noqa: E402
    Rep,
    Stats,
    consistency,
    headers,
    mutations,
    percentile,
    seed,
)
from tests.server import netem, netns  # noqa: E402
from tests.server.processes import Server, free_port, start, wait_ready  # noqa: E402

POLICY = RetryPolicy()
SYNC = "/api/v1/sync"


@dataclass
class WanRep(Rep):
    outbox: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class WanStats(Stats):
    failed_syncs: int = 0  # syncs that gave up after the app's retries (outbox kept)
    transport_errors: int = 0
    # Every answer: (sent, answered, status); status 0 for a network error.
    answers: list[tuple[float, float, int]] = field(default_factory=list)


class Unavailable(Exception):
    """The app's retries ran out: this sync fails, the outbox stays for the next one."""


async def app_call(http: httpx.AsyncClient, stats: WanStats, method: str, path: str,
                   **kwargs: Any) -> httpx.Response:  # fmt: skip
    """A request as fieldrep.sync.client sends it: network errors and 5xx retried with the
    app's backoff; a 4xx or 2xx is the answer."""
    last = ""
    for number in range(POLICY.attempts):
        if number:
            stats.retries += 1
            await asyncio.sleep(POLICY.delay(number - 1))
        stats.requests += 1
        sent = time.monotonic()
        try:
            answer = await http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            stats.transport_errors += 1
            stats.answers.append((sent, time.monotonic(), 0))
            last = f"{type(error).__name__} {error}"
            continue
        stats.answers.append((sent, time.monotonic(), answer.status_code))
        if answer.status_code < 500:
            return answer
        last = f"{answer.status_code}"
    raise Unavailable(last)


async def wan_sync(http: httpx.AsyncClient, rep: WanRep, stats: WanStats) -> bool:
    """Handshake, push the outbox, pull to the end; False when it must be tried again."""
    started = time.perf_counter()
    auth = headers(rep.token)
    device = f"{rep.username}-laptop"
    try:
        body = {"protocol_version": PROTOCOL_VERSION, "schema_version": 5, "device_id": device}
        answer = await app_call(http, stats, "POST", f"{SYNC}/handshake", json=body, headers=auth)
        if not _ok(answer, rep, stats, "handshake"):
            return False
        if rep.outbox:
            body = {"device_id": device, "mutations": rep.outbox}
            answer = await app_call(http, stats, "POST", f"{SYNC}/push", json=body, headers=auth)
            if not _ok(answer, rep, stats, "push"):
                return False
            # `duplicate`: an earlier try was applied though its answer never came back.
            bad = [r for r in answer.json()["results"]
                   if r["status"] not in ("applied", "duplicate")]  # fmt: skip
            if bad:
                stats.errors.append(f"{rep.username}: {len(bad)} not applied: {bad[0]}")
            rep.outbox = []
        while True:
            query = {"since": rep.cursor, "limit": 1000}
            answer = await app_call(http, stats, "GET", f"{SYNC}/pull", params=query,
                                    headers=auth)  # fmt: skip
            if not _ok(answer, rep, stats, "pull"):
                return False
            page = answer.json()
            rep.cursor = page["cursor"]
            if not page["has_more"]:
                break
    except Unavailable:
        stats.failed_syncs += 1
        return False
    stats.sync_seconds.append(time.perf_counter() - started)
    return True


def _ok(answer: httpx.Response, rep: Rep, stats: WanStats, what: str) -> bool:
    if answer.status_code != 200:
        stats.errors.append(f"{rep.username} {what}: {answer.status_code} {answer.text[:200]}")
        return False
    return True


async def wan_day(http: httpx.AsyncClient, rep: WanRep, stats: WanStats,
                  options: argparse.Namespace, *, deadline: float, seed_: int) -> None:  # fmt: skip
    rng = random.Random(seed_)
    await asyncio.sleep(rng.uniform(0, options.ramp))
    rounds = 0
    try:
        synced = await wan_sync(http, rep, stats)
        for round_ in range(options.syncs):
            await asyncio.sleep(rng.expovariate(1 / options.think))
            if time.monotonic() > deadline:
                break
            rep.outbox += mutations(rep, rng, round_)
            synced = await wan_sync(http, rep, stats)
            rounds += 1
        # The day ends with the outbox empty: the app syncs again until it is.
        drain_until = time.monotonic() + options.drain_seconds
        while (rep.outbox or not synced) and time.monotonic() < drain_until:
            await asyncio.sleep(rng.expovariate(1 / options.think))
            synced = await wan_sync(http, rep, stats)
        if rep.outbox or not synced:
            stats.errors.append(f"{rep.username}: {len(rep.outbox)} mutation(s) never synced")
    except httpx.HTTPError as error:
        stats.errors.append(f"{rep.username}: {type(error).__name__} {error}")
    stats.unfinished += options.syncs - rounds


async def drive(base: str, reps: list[WanRep], options: argparse.Namespace,
                stats: WanStats) -> float:  # fmt: skip
    limits = httpx.Limits(max_connections=options.connections,
                          max_keepalive_connections=options.connections,
                          keepalive_expiry=2.0)  # fmt: skip
    timeout = httpx.Timeout(POLICY.read_timeout, connect=POLICY.connect_timeout)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as http:
        started = time.monotonic()
        deadline = started + options.max_seconds
        await asyncio.gather(*(wan_day(http, rep, stats, options, deadline=deadline, seed_=n)
                               for n, rep in enumerate(reps)))  # fmt: skip
        return time.monotonic() - started


def partition(net: netns.Topology, probe: str, *, at: float, seconds: float) -> dict[str, Any]:
    """At monotonic time `at`, cut the server from its database for exactly `seconds`,
    probing `/ready` from outside the WAN meanwhile; then heal and time until it is ready."""
    probes: list[tuple[int, float]] = []  # (status, seconds taken), of probes sent while cut
    stop = threading.Event()

    def watch() -> None:
        with httpx.Client(base_url=probe, timeout=120) as http:
            while not stop.is_set():
                sent = time.monotonic()
                status = http.get("/ready").status_code
                probes.append((status, time.monotonic() - sent))
                stop.wait(0.5)

    time.sleep(max(0.0, at - time.monotonic()))
    net.cut_database()
    cut, cut_wall = time.monotonic(), time.time()
    watcher = threading.Thread(target=watch, name="ready-probe")
    watcher.start()
    try:
        time.sleep(seconds)
    finally:
        net.heal_database()
        healed, healed_wall = time.monotonic(), time.time()
        stop.set()
    with httpx.Client(base_url=probe, timeout=120) as http:
        while http.get("/ready").status_code != 200:
            if time.monotonic() > healed + 120:
                raise AssertionError("the server was not ready 120 s after the database came back")
            time.sleep(0.1)
    ready = time.monotonic() - healed
    watcher.join()
    return {"cut": cut, "healed": healed, "cut_wall": cut_wall, "healed_wall": healed_wall,
            "ready_after_heal_s": ready, "ready_probes": probes}  # fmt: skip


def run_wan(url: str, workdir: Path, options: argparse.Namespace) -> dict[str, Any]:
    """Seed `url` (an empty, migrated database), run the day through the WAN with the
    partition, check consistency; the figures."""
    reps = [WanRep(**vars(rep)) for rep in seed(url, options.reps, options.hcps)]
    target = make_url(url)
    with ExitStack() as stack:
        net = stack.enter_context(netns.isolated_server_network())
        db_port = stack.enter_context(
            netns.forwarder(net.database_host, (target.host or "127.0.0.1", target.port or 5432))
        )
        via = target.set(host=net.database_host, port=db_port)
        port = free_port()
        env = {"FIELDREP_DATABASE_TIMEOUT": str(options.database_timeout),
               "FIELDREP_LOG_FORMAT": "json"}  # fmt: skip
        server = start(via.render_as_string(hide_password=False), workdir / "server.log",
                       "--workers", str(options.processes), wrap=net.wrap(), host="0.0.0.0",
                       port=port, env=env, wait=False)  # fmt: skip
        stack.callback(server.terminate)
        probe = Server(server.process, f"http://{net.server_ip}:{port}", server.log_path)
        wait_ready(probe)  # from outside the WAN, over the plain veth
        link = stack.enter_context(netem.wan(net.name, net.subnet, delay_ms=options.delay_ms,
                                             loss=options.loss, seed=options.seed))  # fmt: skip
        rtts = link.ping(options.pings, 0.01)
        before = link.stats()
        base = f"http://{link.server_ip}:{port}"
        stats = WanStats()
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            load = pool.submit(link.run, lambda: asyncio.run(drive(base, reps, options, stats)))
            try:
                cut = partition(net, probe.url, at=started + options.partition_at,
                                seconds=options.partition_seconds)  # fmt: skip
            finally:
                wall = load.result()
        after = {**link.stats(), "queue_drops": link.queue_drops()}
        # The check reads the database and pulls as a fresh device from this namespace,
        # over the plain veth: it checks what the WAN run left, it is not part of it.
        problems = consistency(url, probe.url, list[Rep](reps))
        server_log = server.log()
        if options.keep_log:
            shutil.copy(server.log_path, options.keep_log)
    return _figures(options, reps, stats, wall=wall, rtts=rtts, before=before, after=after,
                    cut=cut, problems=problems, server_log=server_log)  # fmt: skip


def _figures(
    options: argparse.Namespace,
    reps: list[WanRep],
    stats: WanStats,
    *,
    wall: float,
    rtts: list[float],
    before: dict[str, Any],
    after: dict[str, Any],
    cut: dict[str, Any],
    problems: list[str],
    server_log: str,
) -> dict[str, Any]:
    ms = 1000
    packets = sum(after[w]["packets"] - before[w]["packets"] for w in ("to_server", "to_client"))
    dropped = sum(after[w]["dropped"] - before[w]["dropped"] for w in ("to_server", "to_client"))
    overflow = sum(after[w]["overflow"] for w in ("to_server", "to_client"))
    during = [(s, a, c) for s, a, c in stats.answers if cut["cut"] <= a <= cut["healed"]]
    unavailable = [a - s for s, a, c in stats.answers if c == 503]
    cut_from, cut_to = cut["cut"], cut["healed"]
    overlapping = [(a - s, c) for s, a, c in stats.answers if s <= cut_to and a >= cut_from]
    slowest = max(overlapping, default=(0.0, 0))
    after_heal = [a for s, a, c in stats.answers if c == 200 and a > cut["healed"]]
    late = [a - cut_to for s, a, c in stats.answers if c == 503 and s > cut_to]
    causes = Counter(re.findall(r"database unavailable \((\w+)\)", server_log))
    served = _served_503(server_log, cut["healed_wall"])
    codes = Counter(str(c) for _, _, c in stats.answers)
    return {
        "db": "postgres", "processes": options.processes, "reps": options.reps,
        "delay_ms_each_way": options.delay_ms, "loss_each_way": options.loss,
        "ping": {"sent": options.pings, "answered": len(rtts),
                 "lost_pct": round(100 * (1 - len(rtts) / options.pings), 2),
                 "rtt_min_ms": round(min(rtts) * ms, 1),
                 "rtt_p50_ms": round(percentile(rtts, 0.5) * ms, 1),
                 "rtt_p99_ms": round(percentile(rtts, 0.99) * ms, 1)},
        "relay_packets": packets, "relay_dropped": dropped,
        "relay_dropped_pct": round(100 * dropped / max(1, packets), 2),
        "relay_overflow": overflow, "relay_queue_drops": after["queue_drops"],
        "relay_dropped_with_pings": sum(after[w]["dropped"] for w in ("to_server", "to_client")),
        "syncs": len(stats.sync_seconds), "requests": stats.requests,
        "wall_s": round(wall, 1), "requests_per_s": round(stats.requests / wall, 1),
        "p50_ms": round(percentile(stats.sync_seconds, 0.50) * ms),
        "p95_ms": round(percentile(stats.sync_seconds, 0.95) * ms),
        "p99_ms": round(percentile(stats.sync_seconds, 0.99) * ms),
        "mean_ms": round(statistics.fmean(stats.sync_seconds or [0.0]) * ms),
        "answers": dict(sorted(codes.items())),
        "retries": stats.retries, "transport_errors": stats.transport_errors,
        "failed_syncs_recovered": stats.failed_syncs,
        "errors": len(stats.errors), "first_errors": stats.errors[:3],
        "partition_s": round(cut["healed"] - cut["cut"], 1),
        "answers_during_partition": dict(Counter(str(c) for _, _, c in during)),
        "unavailable_503": len(unavailable),
        "unavailable_503_max_s": round(max(unavailable, default=0.0), 2),
        "unavailable_503_p50_s": round(percentile(unavailable, 0.5), 2),
        "slowest_answer_during_partition_s": round(slowest[0], 2),
        "slowest_answer_during_partition_status": slowest[1],
        "unavailable_503_sent_after_heal": len(late),
        "last_503_after_heal_s": round(max(late, default=0.0), 2),
        "server_503_causes": dict(causes),
        "server_503_max_s": served["max_s"], "server_503_begun_after_heal": served["after_heal"],
        "ready_probes_503": sum(1 for c, _ in cut["ready_probes"] if c == 503),
        "ready_probes_max_s": round(max((s for _, s in cut["ready_probes"]), default=0.0), 2),
        "ready_after_heal_s": round(cut["ready_after_heal_s"], 2),
        "first_client_success_after_heal_s":
            round(min(after_heal) - cut["healed"], 2) if after_heal else None,
        "unfinished_syncs": stats.unfinished,
        "notes": sum(len(r.notes) for r in reps),
        "consistency_problems": len(problems), "first_problems": problems[:3],
        "server_tracebacks": server_log.count("Traceback"),
    }  # fmt: skip


def _served_503(server_log: str, healed_wall: float) -> dict[str, Any]:
    """The server's own access lines: how long its 503s took, and how many were to
    requests it began after the database came back."""
    took, after = [], 0
    for line in server_log.splitlines():
        if not (line.startswith("{") and " 503" in line):
            continue
        entry = json.loads(line)
        if entry.get("logger") != "sync_server.access" or not entry["message"].endswith(" 503"):
            continue
        seconds = entry["duration_ms"] / 1000
        took.append(seconds)
        ended = datetime.fromisoformat(entry["time"]).timestamp()
        after += ended - seconds > healed_wall
    return {"max_s": round(max(took, default=0.0), 2), "after_heal": after}


def options_for(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--hcps", type=int, default=100, help="HCPs per rep's territory")
    parser.add_argument("--syncs", type=int, default=20, help="incremental syncs per rep")
    parser.add_argument("--think", type=float, default=8.0, help="mean seconds between syncs")
    parser.add_argument("--ramp", type=float, default=20.0, help="reps start over this many s")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--drain-seconds", type=float, default=120.0,
                        help="how long a rep may go on syncing to empty its outbox")  # fmt: skip
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--delay-ms", type=float, default=80.0, help="one way, each way")
    parser.add_argument("--loss", type=float, default=0.01, help="each way")
    parser.add_argument("--seed", type=int, help="the relay's loss draws")
    parser.add_argument("--pings", type=int, default=500)
    parser.add_argument("--partition-at", type=float, default=90.0, help="s after the start")
    parser.add_argument("--partition-seconds", type=float, default=30.0)
    parser.add_argument("--keep-log", help="copy the server's log here")
    parser.add_argument("--database-timeout", type=float, default=10.0,
                        help="FIELDREP_DATABASE_TIMEOUT of the server")  # fmt: skip
    return parser.parse_args(argv)


def main() -> None:
    options = options_for()
    admin_url = os.environ["FIELDREP_TEST_POSTGRES_URL"]
    name = f"fieldrep_wan_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        with tempfile.TemporaryDirectory(prefix="load-wan-") as workdir:
            print(json.dumps(run_wan(url, Path(workdir), options)))  # noqa: T201
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
