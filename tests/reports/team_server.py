"""The hand-computed fixture team (team_fixture.py) on a real server database: users,
territories and HCPs written by the admin's services, the reps' records pushed through
the sync protocol by their own devices (so the server's write path, its owners and
scopes are the ones under test), and the goals loaded from the CSV file."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sync_server import db
from sync_server.models import UserTerritory
from sync_server.services import goals
from sync_server.services.hcps import upsert_hcps
from sync_server.services.users import ensure_territories
from tests.reports import team_fixture as fx
from tests.server.world import Api, Device, add_user

REPS = {fx.ALVAREZ: fx.MANAGER, fx.BRANDT: fx.MANAGER, fx.ZED: fx.OTHER_MANAGER}
SEGMENTS_CATALOGUE = ("evidence_seeker", "digital_first")


def seed_users_and_hcps(database_url: str) -> None:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        add_user(session, "ADMIN-OPS", "admin")
        add_user(session, fx.MANAGER, "manager")
        add_user(session, fx.OTHER_MANAGER, "manager")
        ensure_territories(session, sorted(set(fx.TERRITORIES.values())))
        for rep, manager in REPS.items():
            add_user(session, rep, "rep", manager)
            session.add(UserTerritory(username=rep, territory_id=fx.TERRITORIES[rep]))
        upsert_hcps(session, [_hcp_record(h) for h in fx.HCPS])
    engine.dispose()


def _hcp_record(hcp: dict[str, Any]) -> dict[str, Any]:
    return {**hcp, "consents": {}, "npi": None}  # no consents on record: a stranger's data


def load_goals(database_url: str) -> goals.LoadResult:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        cycles = goals.parse_file(fx.GOALS_CSV, file_name="goals.csv", known=goals.known(session))
        result = goals.load(session, cycles, by="test")
    engine.dispose()
    return result


def _fields(record: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in {"id", *drop}}


def push_rep_records(api: Api) -> dict[str, Device]:
    """Each rep's device pushes their notes (drafts included), plans, feedback and the
    segment they confirmed; every mutation must be applied."""
    devices = {}
    for rep in REPS:
        device = api.login(rep, f"{rep}-LAPTOP")
        for call in fx.CALLS:
            if call["author"] == rep and not call["conflict_of"]:
                result = device.send("call_note", call["id"], **_fields(call, "conflict_of"))
                assert result["status"] == "applied", result
        for plan in fx.PLANS:
            if plan["owner"] == rep:
                result = device.send("visit_plan", plan["id"], **_fields(plan, "owner"))
                assert result["status"] == "applied", result
        for item in fx.FEEDBACK:
            if item["owner"] == rep:
                result = device.send("suggestion_feedback", item["id"], **_fields(item, "owner"))
                assert result["status"] == "applied", result
        for hcp_id, segment in fx.SEGMENTS.items():
            if any(h["id"] == hcp_id and h["territory_id"] == fx.TERRITORIES[rep] for h in fx.HCPS):
                result = device.send(
                    "segment_mix", hcp_id, weights={segment: 0.8, "digital_first": 0.2},
                    confidence=1.0, source="rep", evidence=["Corrected by the rep"],
                )  # fmt: skip
                assert result["status"] == "applied", result
        devices[rep] = device
    return devices


def seed_team(database_url: str, api: Api) -> dict[str, Device]:
    seed_users_and_hcps(database_url)
    load_goals(database_url)
    return push_rep_records(api)


def session_for(database_url: str) -> Session:
    return db.session_factory(db.make_engine(database_url))()
