"""Coaching on the server: only a rep's manager comments or records a field visit; only
the rep a comment is addressed to acknowledges it, once; the manager sees the
acknowledgement at the next pull."""

from __future__ import annotations

import pytest

from tests.server.world import Api, Device, note_fields

SENT = "2026-11-23T15:00:00+00:00"
READ = "2026-11-24T08:10:00+00:00"
ON_NOTE = {"rep_username": "rep2", "call_note_id": "rep2-note", "text": "Good questions.",
           "created_at": SENT}  # fmt: skip
VISIT = {"rep_username": "rep2", "kind": "field_visit", "day": "2026-11-23",
         "skills": {"Opening": 4, "Handling objections": 2}, "text": "Work on objections.",
         "created_at": SENT}  # fmt: skip


@pytest.fixture
def rep2(api: Api) -> Device:
    rep = api.login("rep2")
    note = note_fields("h-s1", status="submitted")
    assert rep.send("call_note", "rep2-note", **note)["status"] == "applied"
    return rep


def test_the_reps_manager_comments_on_a_note_a_week_or_records_a_field_visit(
    api: Api, rep2: Device
) -> None:
    manager1 = api.login("manager1")
    week = {"rep_username": "rep2", "day": "2026-11-23", "text": "Busy week.", "created_at": SENT}
    for comment_id, fields in (("c-note", ON_NOTE), ("c-week", week), ("c-visit", VISIT)):
        assert manager1.send("coaching_comment", comment_id, **fields)["status"] == "applied"
    rep2.sync_down()
    visit = rep2.records[("coaching_comment", "c-visit")]
    assert visit["kind"] == "field_visit"
    assert visit["skills"] == {"Opening": 4, "Handling objections": 2}
    assert rep2.records[("coaching_comment", "c-week")]["day"] == "2026-11-23"
    assert rep2.records[("coaching_comment", "c-note")]["acknowledged_at"] is None


@pytest.mark.parametrize(
    ("who", "fields"),
    [
        ("manager2", ON_NOTE),  # another team's manager
        ("admin", ON_NOTE),  # an admin is nobody's coach
        ("rep1", ON_NOTE),  # a rep
        ("rep2", ON_NOTE),  # the rep to themself
        ("manager1", {**VISIT, "skills": {"Opening": 6}}),  # ratings are 1-5
        ("manager1", {**VISIT, "skills": {}}),  # a visit rates something
        ("manager1", {**ON_NOTE, "acknowledged_at": READ}),  # only the rep acknowledges
        ("manager1", {**ON_NOTE, "author": "manager2"}),  # under another name
    ],
)
def test_only_the_reps_manager_can_comment(
    api: Api, rep2: Device, who: str, fields: dict[str, object]
) -> None:
    sender = rep2 if who == "rep2" else api.login(who)  # a second login ends the first
    result = sender.send("coaching_comment", "c-bad", **fields)
    assert result["status"] == "rejected", result
    rep2.sync_down()
    assert ("coaching_comment", "c-bad") not in rep2.records


def test_only_the_addressed_rep_acknowledges_and_the_manager_sees_it(
    api: Api, rep2: Device
) -> None:
    manager1 = api.login("manager1")
    assert manager1.send("coaching_comment", "c1", **ON_NOTE)["status"] == "applied"
    manager1.sync_down()
    assert manager1.records[("coaching_comment", "c1")]["acknowledged_at"] is None

    others = [manager1, *(api.login(who) for who in ("rep1", "manager2", "admin"))]
    for other in others:
        result = other.send("coaching_comment", "c1", "update", 1, acknowledged_at=READ)
        assert result["status"] == "rejected", result
    edit = rep2.send("coaching_comment", "c1", "update", 1, text="I rewrote it")
    assert edit["status"] == "rejected"

    assert rep2.send("coaching_comment", "c1", "update", 1, acknowledged_at=READ)["status"] in (
        "applied"
    )
    later = "2026-11-25T09:00:00+00:00"
    again = rep2.send("coaching_comment", "c1", "update", 1, acknowledged_at=later)
    assert again["status"] == "applied"  # a second device: the first time stays

    manager1.sync_down()
    acknowledged = manager1.records[("coaching_comment", "c1")]
    assert acknowledged["acknowledged_at"] == READ
    assert acknowledged["text"] == "Good questions."
    rep1 = api.login("rep1")
    rep1.sync_down()
    assert rep1.ids("coaching_comment") == set()
