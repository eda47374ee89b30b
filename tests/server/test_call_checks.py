"""The server re-checks a call note as it becomes submitted: a complete record and a
note with no blocking compliance finding, whatever the device did (issue 13)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldrep.sync.protocol import CatalogueKind
from sync_server import db
from sync_server.clock import utcnow
from sync_server.config import Settings
from sync_server.services import alignment, catalogues
from tests.server.world import Api, note_fields

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@pytest.fixture
def rules(settings: Settings, api: Api) -> None:
    """The demo company's products and compliance rules, loaded as an admin would."""
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        for kind, name in ((CatalogueKind.PRODUCTS, "products.json"),
                           (CatalogueKind.COMPLIANCE_RULES, "compliance_rules.json")):  # fmt: skip
            text = (RESOURCES / name).read_text(encoding="utf-8")
            catalogues.load(session, kind, catalogues.parse_file(kind, text), by="test")
    engine.dispose()


def _submitted(hcp_id: str = "h-n1", **extra: Any) -> dict[str, Any]:
    return note_fields(hcp_id, status="submitted", submitted_at=utcnow().isoformat(), **extra)


def _reason(api: Api, **fields: Any) -> str | None:
    """None when the note is accepted, else the rejection's reason (a new device and
    note each time)."""
    key = uuid.uuid4().hex[:8]
    result = api.login("rep1", f"laptop-{key}").send("call_note", f"n-{key}", **fields)
    if result["status"] == "applied":
        return None
    assert result["status"] == "rejected"
    return str(result["reason"])


def test_a_complete_submitted_call_is_accepted(api: Api, rules: None) -> None:
    assert _reason(api, **_submitted()) is None


def test_a_submitted_call_without_an_outcome_is_rejected_saying_so(api: Api) -> None:
    reason = _reason(api, **_submitted(outcome=None))
    assert reason is not None and "Choose an outcome" in reason


def test_a_submitted_visit_needs_a_product_a_phone_call_does_not(api: Api) -> None:
    reason = _reason(api, **_submitted(products=[]))
    assert reason is not None and "at least one product" in reason
    assert _reason(api, **_submitted(products=[], channel="phone")) is None


def test_a_call_dated_in_the_future_is_rejected_beyond_the_clock_skew(api: Api) -> None:
    ahead = (utcnow() + timedelta(days=365)).isoformat()
    reason = _reason(api, **_submitted(started_at=ahead))
    assert reason is not None and "in the future" in reason
    skewed = (utcnow() + timedelta(minutes=5)).isoformat()
    assert _reason(api, **_submitted(started_at=skewed)) is None


@pytest.mark.parametrize("minutes", [0, 241, 480])
def test_a_submitted_call_lasts_1_to_240_minutes(api: Api, minutes: int) -> None:
    reason = _reason(api, **_submitted(duration_minutes=minutes))
    assert reason is not None and "1-240 minutes" in reason


def test_drafts_may_be_incomplete_and_are_checked_when_submitted(api: Api) -> None:
    laptop = api.login("rep1")
    draft = note_fields("h-n1", products=[], outcome=None, duration_minutes=300)
    assert laptop.send("call_note", "n-draft", **draft)["status"] == "applied"
    submit = {"status": "submitted", "submitted_at": utcnow().isoformat()}
    refused = laptop.send("call_note", "n-draft", "update", 1, **submit)
    assert refused["status"] == "rejected" and "Choose an outcome" in refused["reason"]
    fixed = {"products": ["Cardiovex"], "outcome": "neutral", "duration_minutes": 30}
    assert laptop.send("call_note", "n-draft", "update", 1, **fixed, **submit)["status"] == (
        "applied"
    )


def test_a_call_before_a_realigned_hcp_came_into_the_territory_is_rejected(
    api: Api, settings: Settings
) -> None:
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        alignment.assign_one(session, hcp_id="h-s1", territory="T-NORTH")
    engine.dispose()
    before = (utcnow() - timedelta(days=3)).isoformat()
    reason = _reason(api, **_submitted("h-s1", started_at=before))
    assert reason is not None and "before the HCP came into your territory" in reason
    # An HCP that has only ever been in the territory predates its load: history is fine.
    assert _reason(api, **_submitted("h-n2", started_at=before)) is None


def test_the_server_rejects_a_note_with_a_phone_number_a_device_did_not_check(
    api: Api, rules: None
) -> None:
    note = _submitted(insights="Call the patient back on 617-555-0142 about the rash.")
    reason = _reason(api, **note)
    assert reason is not None and "compliance check" in reason
    assert "patient information" in reason and "617-555-0142" in reason


def test_a_warning_alone_does_not_stop_a_note(api: Api, rules: None) -> None:
    note = _submitted(insights="Her patient developed a rash since starting Cardiovex.")
    assert _reason(api, **note) is None


def test_compliance_rules_reach_current_devices_and_skip_protocol_2_ones(
    api: Api, rules: None
) -> None:
    old, current = api.login("rep1", "old-laptop"), api.login("rep1", "new-laptop")
    assert old.handshake(protocol=2).status_code == 200
    assert current.handshake().status_code == 200
    old.sync_down()
    current.sync_down()
    assert ("catalogue", "compliance_rules") in current.records
    assert ("catalogue", "compliance_rules") not in old.records
    assert ("catalogue", "products") in old.records
    # Products' doses (protocol 3) are left out for the old device, which could not read them.
    assert all("doses" not in i for i in old.records[("catalogue", "products")]["items"])
    assert any(i.get("doses") for i in current.records[("catalogue", "products")]["items"])
