"""A manager's device pulls the team's records read-only (HCPs, submitted notes, plans and
feedback with their owners, confirmed segments, goals), nothing of another team and no
drafts; every write of a rep's record from a manager's device is rejected, the records
stay as the rep left them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sync_server.config import Settings
from tests.reports import team_fixture as fx
from tests.reports.team_server import load_goals, push_rep_records, seed_users_and_hcps
from tests.server.world import Api, Device


@pytest.fixture
def manager(settings: Settings, app_client: TestClient) -> Device:
    seed_users_and_hcps(settings.database_url)
    load_goals(settings.database_url)
    api = Api(app_client)
    push_rep_records(api)
    device = api.login(fx.MANAGER, "MGR-LAPTOP")
    assert device.handshake().status_code == 200
    device.sync_down()
    return device


def test_the_manager_pulls_the_teams_records_and_nothing_else(manager: Device) -> None:
    team_hcps = {h["id"] for h in fx.HCPS if h["territory_id"] in ("T-NORTH", "T-SOUTH")}
    assert manager.ids("hcp") == team_hcps
    submitted = {
        c["id"] for c in fx.CALLS
        if c["author"] != fx.ZED and c["status"] == "submitted" and not c["conflict_of"]
    }  # fmt: skip
    assert manager.ids("call_note") == submitted  # no draft (d1), nothing of REP-ZED
    assert manager.ids("visit_plan") == {"p1", "p2", "p3", "p4", "p5"}
    assert manager.records[("visit_plan", "p4")]["owner"] == fx.BRANDT
    assert manager.ids("suggestion_feedback") == {"f1", "f2", "f3", "f4", "f5", "f6", "g1",
                                                  "g2", "g3"}  # fmt: skip
    assert manager.records[("suggestion_feedback", "f2")]["owner"] == fx.ALVAREZ
    assert manager.ids("segment_mix") == {"H1"}
    assert manager.ids("catalogue") >= {"goals"}


@pytest.mark.parametrize(
    ("entity", "entity_id", "op", "fields"),
    [
        ("call_note", "n-mgr", "create", {
            "hcp_id": "H1", "author": fx.MANAGER, "channel": "visit",
            "started_at": "2026-11-24T10:00:00-05:00", "duration_minutes": 10}),
        ("call_note", "c2", "update", {"insights": "edited by the manager"}),
        ("visit_plan", "p2", "update", {"status": "cancelled"}),
        ("visit_plan", "p-mgr", "create", {"hcp_id": "H1", "planned_date": "2026-11-30"}),
        ("suggestion_feedback", "f-mgr", "create", {
            "suggestion_id": "s1", "hcp_id": "H1", "action": "dismissed",
            "created_at": "2026-11-24T10:00:00-05:00", "reason": "other"}),
        ("segment_mix", "H1", "update", {"weights": {"digital_first": 1.0}}),
        ("hcp", "H1", "update", {"preferred_channel": "email"}),
    ],
)  # fmt: skip
def test_a_manager_cannot_write_a_reps_records(
    manager: Device, entity: str, entity_id: str, op: str, fields: dict[str, object]
) -> None:
    before = manager.records.get((entity, entity_id))
    result = manager.send(entity, entity_id, op, **fields)
    assert result["status"] == "rejected", result
    manager.sync_down()
    assert manager.records.get((entity, entity_id)) == before
