"""Territory scope: a rep sees and touches only their territory; a manager only their team."""

from __future__ import annotations

import pytest

from fieldrep.sync.protocol import PROTOCOL_VERSION
from sync_server import db
from sync_server.config import Settings
from sync_server.services.hcps import assign
from tests.server.world import HCPS, Api, Device, note_fields

FEEDBACK = {"suggestion_id": "s1", "action": "accepted", "created_at": "2026-03-02T10:00:00+00:00"}
MIX = {"weights": {"evidence-seeker": 1.0}}


def _move(settings: Settings, hcp_id: str, territory: str) -> None:
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        assign(session, assignments=[(hcp_id, territory)])
    engine.dispose()


@pytest.fixture
def rep2_records(api: Api) -> Device:
    """rep2 has a draft note, a plan, feedback and a mix in T-SOUTH."""
    rep2 = api.login("rep2")
    # submitted: the manager reads submitted calls (drafts stay with their author)
    rep2_note = note_fields("h-s1", status="submitted")
    assert rep2.send("call_note", "rep2-note", **rep2_note)["status"] == "applied"
    assert (
        rep2.send("visit_plan", "rep2-plan", hcp_id="h-s1", planned_date="2026-03-03")["status"]
        == "applied"
    )
    assert (
        rep2.send("suggestion_feedback", "rep2-fb", hcp_id="h-s1", **FEEDBACK)["status"]
        == "applied"
    )
    assert rep2.send("segment_mix", "h-s1", "update", **MIX)["status"] == "applied"
    return rep2


def test_a_rep_pulls_only_their_territory_and_their_own_records(
    api: Api, rep2_records: Device
) -> None:
    rep1 = api.login("rep1")
    rep1.sync_down()
    assert rep1.ids("hcp") == set(HCPS["T-NORTH"])
    assert rep1.ids("call_note") == rep1.ids("visit_plan") == set()
    assert rep1.ids("suggestion_feedback") == rep1.ids("segment_mix") == set()
    rep2_records.sync_down()
    assert rep2_records.ids("hcp") == set(HCPS["T-SOUTH"])
    assert rep2_records.ids("call_note") == {"rep2-note"}


@pytest.mark.parametrize(
    ("entity", "entity_id", "op", "fields"),
    [
        ("call_note", "rep2-note", "update", {"insights": "hijacked"}),
        ("call_note", "rep2-note", "delete", {}),
        ("call_note", "new-note", "create", note_fields("h-s1")),
        ("call_note", "rep2-note", "create", note_fields("h-n1")),
        ("call_note", "new-note2", "create", {**note_fields("h-n1"), "author": "rep2"}),
        ("visit_plan", "rep2-plan", "update", {"notes": "hijacked"}),
        ("visit_plan", "rep2-plan", "delete", {}),
        ("visit_plan", "new-plan", "create", {"hcp_id": "h-s1", "planned_date": "2026-03-03"}),
        ("suggestion_feedback", "new-fb", "create", {"hcp_id": "h-s1", **FEEDBACK}),
        ("suggestion_feedback", "rep2-fb", "create", {"hcp_id": "h-n1", **FEEDBACK}),
        ("segment_mix", "h-s1", "update", MIX),
        ("hcp", "h-s1", "update", {"preferred_channel": "email"}),
        ("coaching_comment", "c1", "create",
         {"rep_username": "rep2", "text": "Well done", "created_at": "2026-03-02T10:00:00+00:00"}),
    ],
)  # fmt: skip
def test_a_rep_cannot_push_anything_outside_their_territory(
    api: Api, rep2_records: Device, *, entity: str, entity_id: str, op: str, fields: dict
) -> None:  # type: ignore[type-arg]
    rep1 = api.login("rep1")
    result = rep1.send(entity, entity_id, op, 1, **fields)
    assert result["status"] == "rejected", result
    rep2_records.sync_down()
    mine = rep2_records.records
    assert mine[("call_note", "rep2-note")]["insights"] == "Asked about renal dosing."
    assert ("visit_plan", "rep2-plan") in mine and mine[("visit_plan", "rep2-plan")]["notes"] == ""
    assert mine[("hcp", "h-s1")]["preferred_channel"] is None
    assert ("coaching_comment", "c1") not in mine


def test_a_rep_cannot_use_another_reps_token_for_their_device(
    api: Api, rep2_records: Device
) -> None:
    rep1 = api.login("rep1")
    body = {
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": 5,
        "device_id": rep2_records.device_id,
    }
    response = api.http.post("/api/v1/sync/handshake", json=body, headers=rep1.headers)
    assert response.status_code == 403


def test_a_manager_sees_only_their_team(api: Api, rep2_records: Device) -> None:
    rep3 = api.login("rep3")
    rep3.send("call_note", "rep3-note", **note_fields("h-w1", status="submitted"))
    manager1, manager2 = api.login("manager1"), api.login("manager2")
    manager1.sync_down()
    manager2.sync_down()
    assert manager1.ids("hcp") == set(HCPS["T-NORTH"]) | set(HCPS["T-SOUTH"])
    assert manager1.ids("call_note") == {"rep2-note"}
    assert manager1.ids("visit_plan") == {"rep2-plan"}
    assert manager2.ids("hcp") == set(HCPS["T-WEST"])
    assert manager2.ids("call_note") == {"rep3-note"}


def test_coaching_comments_reach_the_rep_and_only_from_their_manager(
    api: Api, rep2_records: Device
) -> None:
    comment = {"rep_username": "rep2", "call_note_id": "rep2-note", "text": "Good questions.",
               "created_at": "2026-03-02T10:00:00+00:00"}  # fmt: skip
    manager1, manager2 = api.login("manager1"), api.login("manager2")
    assert manager2.send("coaching_comment", "c-x", **comment)["status"] == "rejected"
    assert manager1.send("call_note", "m-note", **note_fields("h-s1"))["status"] == "rejected"
    assert manager1.send("coaching_comment", "c1", **comment)["status"] == "applied"
    rep2_records.sync_down()
    assert rep2_records.records[("coaching_comment", "c1")]["author"] == "manager1"
    rep1 = api.login("rep1")
    rep1.sync_down()
    assert rep1.ids("coaching_comment") == set()


def test_an_hcp_moved_out_of_the_territory_disappears_at_the_next_pull(
    api: Api, settings: Settings
) -> None:
    rep1, rep2 = api.login("rep1"), api.login("rep2")
    rep1.sync_down()
    rep2.sync_down()
    _move(settings, "h-n1", "T-SOUTH")
    changes = rep1.sync_down()
    assert [(c["entity_id"], c["op"]) for c in changes] == [("h-n1", "delete")]
    assert "h-n1" not in rep1.ids("hcp")
    rep2.sync_down()
    assert "h-n1" in rep2.ids("hcp")
    fresh = api.login("rep1", "new-laptop")
    fresh.sync_down()
    assert fresh.ids("hcp") == {"h-n2", "h-n3"}


def test_notes_about_an_hcp_that_left_the_territory_are_still_accepted(
    api: Api, settings: Settings
) -> None:
    rep1 = api.login("rep1")
    _move(settings, "h-n1", "T-SOUTH")
    note = rep1.send("call_note", "offline-note", **note_fields("h-n1"))
    assert note["status"] == "applied"
    assert rep1.send("hcp", "h-n1", "update", 1, preferred_channel="phone")["status"] == "rejected"
    rep1.sync_down()
    assert "offline-note" in rep1.ids("call_note")
