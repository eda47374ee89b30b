"""The server's safety queue: valid reports accepted once, with the server's deadline;
incomplete ones, changes and other roles refused with the reason."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sync_server import db
from sync_server.clock import utcnow
from sync_server.config import Settings
from sync_server.services import adverse_events
from tests.server.world import Api


def _report(**changes: Any) -> dict[str, Any]:
    aware = utcnow() - timedelta(hours=3)
    fields = {
        "hcp_id": "h-n1", "call_note_id": None, "reporter": "Dr. Chen",
        "patient_initials": "M.L.", "patient_age": "72", "patient_sex": "female",
        "product": "Cardiovex", "event": "Rash since starting Cardiovex.",
        "onset": "two weeks ago", "aware_at": aware.isoformat(),
        "deadline_at": (aware + timedelta(hours=24)).isoformat(), "submitted_at": None,
    }  # fmt: skip
    return {**fields, **changes}


def _queue(settings: Settings) -> list[adverse_events.QueuedReport]:
    engine = db.make_engine(settings.database_url)
    with db.session_factory(engine)() as session:
        found = adverse_events.queue(session)
    engine.dispose()
    return found


def test_a_valid_report_is_queued_once_with_its_deadline(api: Api, settings: Settings) -> None:
    laptop = api.login("rep1", f"laptop-{uuid.uuid4().hex[:6]}")
    fields = _report()
    assert laptop.send("adverse_event_report", "ae-1", **fields)["status"] == "applied"
    [queued] = _queue(settings)
    aware = datetime.fromisoformat(fields["aware_at"]).astimezone(UTC)
    assert (queued.id, queued.author, queued.product) == ("ae-1", "rep1", "Cardiovex")
    assert queued.deadline_at == aware + timedelta(hours=24) and queued.on_time
    assert queued.patient == "M.L. 72 female" and queued.onset == "two weeks ago"
    assert "21 h" in queued.timing(utcnow()) or "20 h" in queued.timing(utcnow())
    # The same report again (a lost answer, a second device): no second entry.
    again = api.login("rep1", f"desktop-{uuid.uuid4().hex[:6]}")
    assert again.send("adverse_event_report", "ae-1", **fields)["status"] == "applied"
    assert len(_queue(settings)) == 1


def test_a_report_without_the_four_elements_is_refused_saying_which(api: Api) -> None:
    laptop = api.login("rep1")
    result = laptop.send(
        "adverse_event_report", "ae-2",
        **_report(product="", patient_initials="", patient_age="", patient_sex="unknown"),
    )  # fmt: skip
    assert result["status"] == "rejected"
    assert "suspect product" in result["reason"] and "Identify the patient" in result["reason"]


def test_a_sent_report_cannot_be_changed_and_only_reps_send_them(api: Api) -> None:
    laptop = api.login("rep1")
    assert laptop.send("adverse_event_report", "ae-3", **_report())["status"] == "applied"
    changed = laptop.send("adverse_event_report", "ae-3", "update", 1, event="Changed")
    assert changed["status"] == "rejected" and "follow-up report" in changed["reason"]
    manager = api.login("manager1")
    refused = manager.send("adverse_event_report", "ae-4", **_report())
    assert refused["status"] == "rejected" and "Only reps" in refused["reason"]


def test_a_report_about_an_hcp_outside_the_territory_is_refused(api: Api) -> None:
    result = api.login("rep1").send("adverse_event_report", "ae-5", **_report(hcp_id="h-w1"))
    assert result["status"] == "rejected" and "not in your territory" in result["reason"]
