"""Team report figures: a 12-rep team with two years of history (about 100,000 submitted
notes, 30,000 visit plans, 24,000 suggestion decisions, 4,800 HCPs, a cycle of goals).

1. The manager's encrypted workspace receives it as the feed carries it (apply_page in
   pages of 5,000, as a sync would), then `ws.reports.team(flt)` is timed: the default
   four weeks and a whole quarter (target <= 1 s).
2. The same team on the server (PostgreSQL when FIELDREP_TEST_POSTGRES_URL is set, else
   SQLite), `GET /api/v1/reports/team` timed over HTTP against a real
   `fieldrep-server serve` (target <= 2 s on PostgreSQL).

Prints the figures kept in docs/performance.md ("Team report").

    .venv/bin/python tests/perf/bench_team_report.py [--server-only]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fieldrep.clock import Clock  # noqa: E402
from fieldrep.reports.team import TeamFilter  # noqa: E402
from fieldrep.sync.apply import apply_page  # noqa: E402
from fieldrep.sync.protocol import Change, Entity, Op  # noqa: E402
from fieldrep.sync.protocol.goals import (  # noqa: E402
    GOALS_DOCUMENT,
    GoalCycle,
    GoalLine,
    GoalsDocument,
    TeamMember,
)
from fieldrep.workspace import Workspace  # noqa: E402
from sync_server import db  # noqa: E402
from sync_server.models import (  # noqa: E402
    CallNote,
    SuggestionFeedback,
    UserTerritory,
    VisitPlan,
)
from sync_server.models import (
    GoalCycle as StoredCycle,
)
from sync_server.security import hash_password  # noqa: E402
from sync_server.services.hcps import upsert_hcps  # noqa: E402
from sync_server.services.users import ensure_territories  # noqa: E402
from tests.server.test_live_server import running_server  # noqa: E402
from tests.server.world import Api, add_user  # noqa: E402

REPS = [f"REP-{n:02d}" for n in range(1, 13)]
MANAGER = "MGR-BENCH"
HCPS_PER_REP = 400
NOTES_PER_REP = 8_400  # 100,800 in all over two years (about 16 a working day)
PLANS_PER_REP = 2_500
FEEDBACK_PER_REP = 2_000
TODAY = Clock.system().today()
FIRST_DAY = TODAY - timedelta(days=730)
PASSWORD = "bench-password-1"
CHANNELS = ["visit"] * 6 + ["remote"] * 2 + ["phone", "email"]
CYCLE = GoalCycle(
    id="BENCH-CYCLE",
    name="This quarter",
    start=TODAY - timedelta(days=45),
    end=TODAY + timedelta(days=45),
    goals=(
        GoalLine(tier="A", channel="visit", contacts=4, cap=6),
        GoalLine(tier="A", channel="email", contacts=2, cap=2),
        GoalLine(tier="B", contacts=2),
        GoalLine(decile_min=8, decile_max=10, channel="remote", contacts=1, cap=2),
    ),
)


def _moment(rng: random.Random) -> str:
    day = FIRST_DAY + timedelta(days=rng.randrange(731))
    at = datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(60))
    return at.isoformat() + "-05:00"


def team_records() -> dict[str, list[dict[str, Any]]]:
    """Deterministic rows in wire form (with ids, owners and authors)."""
    rng = random.Random(12)
    out: dict[str, list[dict[str, Any]]] = {"hcps": [], "calls": [], "plans": [], "feedback": []}
    for r, rep in enumerate(REPS):
        territory = f"T-{r + 1:02d}"
        ids = [f"H-{r:02d}-{i:04d}" for i in range(HCPS_PER_REP)]
        for i, hcp_id in enumerate(ids):
            out["hcps"].append({
                "id": hcp_id, "external_id": f"EXT-{hcp_id}", "name": f"DR. {hcp_id}",
                "territory_id": territory, "tier": "ABCD"[min(3, i * 4 // HCPS_PER_REP)],
                "decile": 10 - i * 10 // HCPS_PER_REP, "specialty": "CARDIOLOGY",
            })  # fmt: skip
        weights = [1.0 / (1 + i) ** 0.7 for i in range(HCPS_PER_REP)]
        for n in range(NOTES_PER_REP):
            when = _moment(rng)
            out["calls"].append({
                "id": f"N-{r:02d}-{n:05d}", "hcp_id": rng.choices(ids, weights)[0],
                "author": rep, "channel": rng.choice(CHANNELS), "started_at": when,
                "duration_minutes": 15, "status": "submitted", "products": ["CARDIOVEX"],
                "key_messages": [], "attendees": [], "outcome": rng.choice(
                    ["positive", "neutral", "negative", "not_reached"]),
                "sentiment": rng.choice(["positive", "neutral", "negative", None]),
                "insights": "Discussed the renal data and dosing.", "follow_ups": [],
                "suggestion_id": None, "submitted_at": when, "conflict_of": None,
            })  # fmt: skip
        for n in range(PLANS_PER_REP):
            out["plans"].append({
                "id": f"P-{r:02d}-{n:05d}", "owner": rep, "hcp_id": rng.choice(ids),
                "planned_date": _moment(rng)[:10], "planned_time": "10:00",
                "duration_minutes": 30, "channel": "visit", "route_order": None, "notes": "",
                "status": rng.choice(["planned", "done", "done", "cancelled"]),
                "suggestion_id": None,
            })  # fmt: skip
        for n in range(FEEDBACK_PER_REP):
            action = rng.choice(["accepted", "dismissed", "snoozed"])
            when = _moment(rng)
            out["feedback"].append({
                "id": f"F-{r:02d}-{n:05d}", "owner": rep, "suggestion_id": f"S-{r}-{n}",
                "hcp_id": rng.choice(ids), "action": action, "created_at": when,
                "channel": "visit", "message_id": None,
                "reason": rng.choice(["wrong_timing", "not_relevant"]) if action == "dismissed"
                else None,
                "snooze_until": when[:10] if action == "snoozed" else None, "comment": "",
            })  # fmt: skip
    return out


def _timed(run: Callable[[], object], times: int = 5) -> tuple[float, float]:
    """Median wall and median CPU seconds of this process (the machine may be shared:
    CPU time says what the code costs, wall time what a user waits on a busy laptop)."""
    walls, cpus = [], []
    for _ in range(times):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _pages(changes: list[Change], size: int = 5000) -> Iterator[list[Change]]:
    for start in range(0, len(changes), size):
        yield changes[start : start + size]


def bench_workspace(records: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    seq = iter(range(1, 10**7))

    def change(entity: Entity, row: dict[str, Any]) -> Change:
        data = {k: v for k, v in row.items() if k != "id"}
        return Change.model_construct(
            seq=next(seq), entity=entity, entity_id=row["id"], op=Op.CREATE, version=1, data=data
        )

    changes = [change(Entity.HCP, h) for h in records["hcps"]]
    changes += [change(Entity.CALL_NOTE, c) for c in records["calls"]]
    changes += [change(Entity.VISIT_PLAN, p) for p in records["plans"]]
    changes += [change(Entity.SUGGESTION_FEEDBACK, f) for f in records["feedback"]]
    team = tuple(
        TeamMember(username=r, territories=(f"T-{i + 1:02d}",)) for i, r in enumerate(REPS)
    )
    goals = GoalsDocument(version=1, cycles=(CYCLE,), team=team)
    changes.append(
        Change(seq=next(seq), entity=Entity.CATALOGUE, entity_id=GOALS_DOCUMENT, op=Op.CREATE,
               version=1, data=goals.model_dump(mode="json"))
    )  # fmt: skip
    with Workspace.open(folder, passphrase="bench passphrase") as ws:
        started = time.perf_counter()
        for page in _pages(changes):
            with ws.store.write() as conn:
                apply_page(conn, page)
        print(f"  manager's workspace filled: {len(changes):,} changes in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        four_weeks = ws.reports.default_filter()
        quarter = TeamFilter(start=CYCLE.start, end=TODAY)

        def cold(flt: TeamFilter) -> Callable[[], object]:
            def run() -> object:
                ws.reports._cached = None  # as after opening the workspace: read it all
                return ws.reports.team(flt)

            return run

        ws.reports.team(four_weeks)  # pandas and SQLCipher warmed once
        for label, flt in (("last 4 weeks", four_weeks), ("the quarter (13 weeks)", quarter)):
            wall, cpu = _timed(cold(flt))
            print(
                f"  ws.reports.team ({label}), read from the store: median wall "
                f"{wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (target <= 1,000 ms; {_load()})"
            )
            wall, cpu = _timed(lambda f=flt: ws.reports.team(f))  # type: ignore[misc]
            print(f"  ws.reports.team ({label}), data unchanged since the last report: "
                  f"median wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms")  # fmt: skip
        ws.set_username(REPS[0])
        wall, cpu = _timed(ws.reports.rep_attainment)
        print(f"  ws.reports.rep_attainment (Today's line, data kept): median wall "
              f"{wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms")  # fmt: skip


def seed_server(url: str, records: dict[str, list[dict[str, Any]]]) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    now = Clock.system().now()
    with db.transaction(db.session_factory(engine)) as session:
        add_user(session, MANAGER, "manager")
        ensure_territories(session, [f"T-{i + 1:02d}" for i in range(len(REPS))])
        for i, rep in enumerate(REPS):
            add_user(session, rep, "rep", MANAGER)
            session.add(UserTerritory(username=rep, territory_id=f"T-{i + 1:02d}"))
        session.flush()
        upsert_hcps(session, [{**h, "consents": {}} for h in records["hcps"]])
        for start in range(0, len(records["calls"]), 10_000):
            session.execute(insert(CallNote), [
                {"id": c["id"], "author": c["author"], "hcp_id": c["hcp_id"],
                 "status": "submitted", "conflict_of": None, "version": 1,
                 "field_versions": {}, "field_devices": {},
                 "data": {k: v for k, v in c.items() if k != "id"}, "updated_at": now}
                for c in records["calls"][start : start + 10_000]
            ])  # fmt: skip
        session.execute(insert(VisitPlan), [
            {"id": p["id"], "owner": p["owner"], "hcp_id": p["hcp_id"], "version": 1,
             "data": {k: v for k, v in p.items() if k not in ("id", "owner")}, "updated_at": now}
            for p in records["plans"]
        ])  # fmt: skip
        session.execute(insert(SuggestionFeedback), [
            {"id": f["id"], "owner": f["owner"], "hcp_id": f["hcp_id"],
             "data": {k: v for k, v in f.items() if k not in ("id", "owner")}, "created_at": now}
            for f in records["feedback"]
        ])  # fmt: skip
        session.add(StoredCycle(
            id=CYCLE.id, start_date=CYCLE.start, end_date=CYCLE.end,
            content=CYCLE.model_dump(mode="json"), version=1, updated_at=now, updated_by="bench",
        ))  # fmt: skip
    engine.dispose()


def bench_endpoint(url: str, records: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    started = time.perf_counter()
    seed_server(url, records)
    print(f"  server seeded in {time.perf_counter() - started:.1f} s")
    bin_path = str(Path(sys.executable).parent / "fieldrep-server")
    with (
        running_server(bin_path, url, folder / "server.log") as base,
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        device = Api(http).login(MANAGER, "BENCH-LAPTOP", PASSWORD)
        headers = {"Authorization": f"Bearer {device.token}"}
        for label, start in (("last 4 weeks", TODAY - timedelta(days=27)),
                             ("the quarter", CYCLE.start)):  # fmt: skip
            params = {"from": start.isoformat(), "to": TODAY.isoformat()}

            def get(p: dict[str, str] = params) -> None:
                answer = http.get("/api/v1/reports/team", params=p, headers=headers)
                assert answer.status_code == 200, answer.text

            get()
            wall, _ = _timed(get)
            print(f"  GET /reports/team ({label}, JSON): median wall {wall * 1000:.0f} ms "
                  f"(target <= 2,000 ms; {_load()})")  # fmt: skip
            wall, cpu = _timed(lambda s=start: _in_process(url, s))  # type: ignore[misc]
            print(f"    the same work in this process (load, figures, JSON): median wall "
                  f"{wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms")  # fmt: skip


def _in_process(url: str, start: date) -> object:
    """What the endpoint does, without HTTP: the CPU this process spends on it (the
    database's own work is in its process)."""
    from fieldrep.reports.export import as_json
    from sync_server.services import team_report

    engine = _ENGINES.setdefault(url, db.make_engine(url))
    with db.session_factory(engine)() as session:
        flt = team_report.parse_filter(start=start, end=TODAY)
        return as_json(
            team_report.report(session, username=MANAGER, role="manager", manager=None, flt=flt)
        )


_ENGINES: dict[str, Any] = {}


def _postgres_database() -> tuple[str, Callable[[], None]] | None:
    admin_url = os.environ.get("FIELDREP_TEST_POSTGRES_URL")
    if not admin_url:
        return None
    name = f"fieldrep_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    os.environ.setdefault("FIELDREP_PASSWORD", PASSWORD)
    from tests.server import world

    world.password_hash.cache_clear()
    world.PASSWORD = PASSWORD
    world.password_hash = lambda: hash_password(PASSWORD)  # type: ignore[assignment]
    started = time.perf_counter()
    records = team_records()
    print(f"Team: {len(REPS)} reps, {len(records['hcps']):,} HCPs, {len(records['calls']):,} "
          f"notes, {len(records['plans']):,} plans, {len(records['feedback']):,} suggestion "
          f"decisions over {FIRST_DAY}..{TODAY} (built in "
          f"{time.perf_counter() - started:.1f} s)")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "--server-only" not in sys.argv:
            print("Manager's encrypted workspace:")
            bench_workspace(records, folder / "workspace")
        postgres = _postgres_database()
        if postgres is None:
            print("Server (SQLite; set FIELDREP_TEST_POSTGRES_URL for PostgreSQL):")
            bench_endpoint(f"sqlite:///{folder / 'server.db'}", records, folder)
        else:
            url, drop = postgres
            print("Server (PostgreSQL):")
            try:
                bench_endpoint(url, records, folder)
            finally:
                for engine in _ENGINES.values():
                    engine.dispose()
                drop()


if __name__ == "__main__":
    main()
