"""An adverse event end to end: a note, the report drafted from it, pushed ahead of every
other change, and in the server's safety queue with its deadline."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.services.adverse_events import IncompleteReportError
from fieldrep.sync import protocol as p
from tests.pinned_clock import local_now
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, sync
from tests.sync.servers import ServerProcess

NewRep = Callable[..., str]
NOTE = (
    "Dr. said one of her patients, a 67-year-old man, developed a rash since starting "
    "Cardiovex 5 mg two weeks ago. Discussed the renal data otherwise."
)


def test_a_possible_adverse_event_reaches_the_safety_queue_first_with_its_deadline(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    laptop = device(new_rep())
    sync(laptop)
    hcp = laptop.hcps.get(first_hcp(laptop))
    for i in range(5):  # other work waiting in the outbox, written before the report
        log_note(laptop, hcp.id, f"routine note {i}")
    started = local_now() - timedelta(hours=2)
    note = laptop.calls.log(
        CallDraft(hcp_id=hcp.id, channel=Channel.VISIT, started_at=started,
                  products=("Cardiovex",), outcome=Outcome.NEUTRAL, insights=NOTE),
        submit=True,
    )  # fmt: skip

    report = laptop.adverse_events.draft_from_note(
        hcp_id=hcp.id, reporter=hcp.display_name, text=note.insights, aware_at=note.started_at,
        products=note.products, call_note_id=note.id,
    )  # fmt: skip
    assert (report.patient_age, report.patient_sex, report.product) == ("67", "male", "Cardiovex")
    assert "rash since starting Cardiovex" in report.event
    assert report.onset == "since starting Cardiovex 5 mg two weeks ago"
    assert report.deadline_at == note.started_at + timedelta(hours=24)
    with pytest.raises(IncompleteReportError, match="suspect product"):
        laptop.adverse_events.submit(type(report)(**{**_fields(report), "product": ""}))
    sent = laptop.adverse_events.submit(report).value
    [unsent] = laptop.adverse_events.unsent()
    assert unsent.report.id == sent.id and unsent.queued

    # The report goes up first, alone, although it was written last.
    engine = laptop.sync.engine(laptop.sync.client())
    pushed: list[list[str]] = []
    real_push = engine.client.push

    def recording_push(request: p.PushRequest) -> p.PushResponse:
        pushed.append([m.entity.value for m in request.mutations])
        return real_push(request)

    engine.client.push = recording_push  # type: ignore[method-assign]
    result = engine.run()
    assert pushed[0] == ["adverse_event_report"]
    assert "adverse_event_report" not in pushed[1]
    assert result.rejected == 0
    assert laptop.adverse_events.unsent() == []

    queue = [json.loads(line) for line in sync_server.admin("ae-reports", "--json").splitlines()]
    [queued] = [q for q in queue if q["id"] == sent.id]
    assert queued["product"] == "Cardiovex" and queued["on_time"] is True
    assert queued["onset"] == report.onset and queued["patient"] == "67 male"
    assert datetime.fromisoformat(queued["deadline_at"]) == note.started_at + timedelta(hours=24)
    listing = sync_server.admin("ae-reports")
    assert sent.id in listing and "on time" in listing and "left" in listing


def _fields(report: object) -> dict[str, object]:
    return {name: getattr(report, name) for name in report.__slots__}  # type: ignore[attr-defined]
