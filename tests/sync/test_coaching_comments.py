"""A manager's coaching comment on a rep's call reaches that rep's device, and nobody else's."""

from __future__ import annotations

import os
import uuid

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
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
    comment = manager_device.coaching.leave(rep, "Good probing on renal dosing.", note.id)
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
