"""The set-based push and the orjson pull page (issue 18) answer exactly what the
record-by-record path did: same results per mutation, same page bytes once parsed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, text

from fieldrep.sync.protocol import PullResponse
from sync_server import db, fastjson
from sync_server.config import Settings
from sync_server.services import changelog
from tests.server.test_refusal_logging import NOTE_ID, _refuse_note_in_database
from tests.server.world import Api, mutation, note_fields


def _statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_one_batch_creates_edits_and_deletes_the_same_records_in_order(api: Api) -> None:
    laptop = api.login("rep1", "laptop")
    batch = [
        mutation(1, "call_note", "n1", **note_fields("h-n1")),
        mutation(2, "call_note", "n1", "update", 1, insights="Second thoughts."),
        mutation(3, "call_note", "n2", **note_fields("h-s1")),  # not rep1's territory
        mutation(4, "visit_plan", "p1", hcp_id="h-n2", planned_date="2026-12-01"),
        mutation(5, "visit_plan", "p1", "update", 1, planned_date="2026-12-02"),
        mutation(6, "visit_plan", "p1", "delete", 2),
        mutation(7, "call_note", "n3", **note_fields("h-n3")),
        mutation(8, "call_note", "n3", "delete", 1),
        mutation(9, "segment_mix", "h-n1", weights={"evidence": 1.0}),
        mutation(10, "call_note", "n1", "update", 2, outcome="positive"),
    ]
    results = laptop.push(*batch)
    assert _statuses(results) == ["applied", "applied", "rejected"] + ["applied"] * 7
    assert [r["version"] for r in results[:2]] == [1, 2]
    assert results[9]["version"] == 3
    desktop = api.login("rep1", "desktop")
    desktop.sync_down()
    note = desktop.records[("call_note", "n1")]
    assert (note["insights"], note["outcome"], note["version"]) == (
        "Second thoughts.",
        "positive",
        3,
    )
    assert ("visit_plan", "p1") not in desktop.records
    assert ("call_note", "n3") not in desktop.records
    assert ("call_note", "n2") not in desktop.records
    assert desktop.records[("segment_mix", "h-n1")]["weights"] == {"evidence": 1.0}
    replay = laptop.push(*batch)  # the same batch again: every answer from the ledger
    assert _statuses(replay) == ["duplicate"] * 10
    assert [r["original_status"] for r in replay][:3] == ["applied", "applied", "rejected"]


def test_a_database_refusal_rejects_only_its_mutation_when_the_batch_is_redone(
    api: Api, settings: Settings
) -> None:
    laptop = api.login("rep1", "laptop")
    undo = _refuse_note_in_database(settings.database_url)
    try:
        results = laptop.push(
            mutation(1, "call_note", "before", **note_fields("h-n1")),
            mutation(2, "call_note", NOTE_ID, **note_fields("h-n1")),
            mutation(3, "call_note", "after", **note_fields("h-n2")),
        )
    finally:
        engine = create_engine(settings.database_url)
        with engine.begin() as conn:
            conn.execute(text(undo))
        engine.dispose()
    assert _statuses(results) == ["applied", "rejected", "applied"]
    assert "could not store" in results[1]["reason"]
    desktop = api.login("rep1", "desktop")
    desktop.sync_down()
    assert desktop.ids("call_note") == {"before", "after"}
    assert [
        c["entity_id"] for c in desktop.pull_page(0)["changes"] if c["entity"] == "call_note"
    ] == [
        "before",
        "after",
    ]  # one change-log row each, none for the refused one


def test_the_pull_page_is_the_protocol_model_encoded_faster(api: Api, settings: Settings) -> None:
    laptop = api.login("rep1", "laptop")
    laptop.send("call_note", "n1", **note_fields("h-n1", insights="Zoë asked: “dosing”? ✓"))
    laptop.send("call_note", "n2", **note_fields("h-n2"))
    laptop.send("call_note", "n2", "delete", 1)
    answer = laptop.pull_page_response(0, 100)
    assert answer.headers["content-type"] == "application/json"
    page = PullResponse.model_validate_json(answer.content)  # the documented model reads it
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        raw = changelog.read_page(session, scopes=None, since=0, limit=100)
    engine.dispose()
    assert json.loads(raw.as_json()) == json.loads(raw.response().model_dump_json())
    assert [c.op.value for c in page.changes if c.entity.value == "call_note"] == [
        "create",
        "create",
        "delete",
    ]
    assert page.changes[-1].data is None


def test_fast_json_falls_back_for_what_orjson_refuses() -> None:
    huge = {"n": 2**70, "text": "ünïcode"}
    assert json.loads(fastjson.dumps(huge)) == huge
    assert fastjson.loads(json.dumps(huge)) == huge
    assert fastjson.loads(b'{"x": [1, 2.5, null]}') == {"x": [1, 2.5, None]}
