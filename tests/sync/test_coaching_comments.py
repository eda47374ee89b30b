"""A manager's coaching comment on a rep's call reaches that rep's device, and nobody else's."""

from __future__ import annotations

import os
import uuid

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.errors import ValidationError
from tests.pinned_clock import local_now
from tests.sync.conftest import Device
from tests.sync.servers import ServerProcess


def test_coaching_comment_reaches_the_rep_and_no_other_rep(
    sync_server: ServerProcess, new_rep, device: Device
) -> None:
    manager = f"mgr-w{os.getpid()}-{uuid.uuid4().hex[:10]}"
    sync_server.admin("create-user", "--username", manager, "--role", "manager")
    rep = f"{manager}-rep"
    sync_server.admin(
        "create-user", "--username", rep, "--role", "rep", "--territory", "BOS-NORTH",
        "--manager", manager,
    )  # fmt: skip
    outsider = new_rep()

    rep_device = device(rep)
    rep_device.sync.run()
    hcp = rep_device.hcps.all()[0]
    note = rep_device.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.VISIT,
            started_at=local_now(),
            insights="Talked renal dosing",
            products=("Cardiovex",),
            outcome=Outcome.POSITIVE,
        ),
        submit=True,
    )
    rep_device.sync.run()

    manager_device = device(manager)
    manager_device.sync.run()
    comment = manager_device.coaching.leave(rep, "Good probing on renal dosing.", note.id).value
    report = manager_device.sync.run()
    assert report.rejected == 0
    assert manager_device.status().pending_mutations == 0

    rep_device.sync.run()
    [received] = rep_device.coaching.for_call(note.id)
    assert received.id == comment.id
    assert received.text == "Good probing on renal dosing."
    assert received.author == manager

    outsider_device = device(outsider)
    outsider_device.sync.run()
    assert outsider_device.coaching.recent() == []


def test_the_rep_acknowledges_once_and_the_manager_sees_it_after_both_sync(
    sync_server: ServerProcess, device: Device
) -> None:
    manager = f"mgr-w{os.getpid()}-{uuid.uuid4().hex[:10]}"
    sync_server.admin("create-user", "--username", manager, "--role", "manager")
    rep = f"{manager}-rep"
    sync_server.admin(
        "create-user", "--username", rep, "--role", "rep", "--territory", "BOS-NORTH",
        "--manager", manager,
    )  # fmt: skip
    manager_device = device(manager)
    manager_device.sync.run()
    assert manager_device.role == "manager" and manager_device.is_manager
    today = local_now().date()
    week = manager_device.coaching.leave(rep, "Strong week: 9 A-tier calls.", week=today).value
    assert week.day is not None and week.day.weekday() == 0 and week.subject.startswith("week of")
    visit = manager_device.coaching.record_field_visit(
        rep, today, {"Opening": 4, "Handling objections": 2}, "Practise the price objection."
    ).value
    assert manager_device.sync.run().rejected == 0

    rep_device = device(rep)
    rep_device.sync.run()
    assert rep_device.role == "rep"
    waiting = rep_device.coaching.to_acknowledge()
    assert {c.id for c in waiting} == {week.id, visit.id}
    received = rep_device.coaching.get(visit.id)
    assert received.kind == "field_visit" and dict(received.skills) == {
        "Opening": 4,
        "Handling objections": 2,
    }
    with pytest.raises(ValidationError):
        manager_device.coaching.acknowledge(visit.id)  # not addressed to the manager
    acknowledged = rep_device.coaching.acknowledge(visit.id)
    assert acknowledged.changes.coaching and acknowledged.value.acknowledged
    again = rep_device.coaching.acknowledge(visit.id)  # a second click changes nothing
    assert not again.changes and again.value.acknowledged_at == acknowledged.value.acknowledged_at
    assert [c.id for c in rep_device.coaching.to_acknowledge()] == [week.id]
    assert rep_device.sync.run().rejected == 0

    manager_device.sync.run()
    by_id = {c.id: c for c in manager_device.coaching.written()}
    assert by_id[visit.id].acknowledged_at == acknowledged.value.acknowledged_at
    assert not by_id[week.id].acknowledged
