"""A rep's drafts go to the rep's own devices only: the manager's laptop receives a call
once it is submitted, never the work in progress (which may still hold a phone number the
checks will make the rep remove before submitting)."""

from __future__ import annotations

import os
import uuid

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from tests.pinned_clock import local_now
from tests.sync.conftest import Device
from tests.sync.servers import ServerProcess


def test_a_draft_reaches_the_reps_other_laptop_but_not_the_managers_until_submitted(
    sync_server: ServerProcess, device: Device
) -> None:
    manager = f"mgr-d{os.getpid()}-{uuid.uuid4().hex[:8]}"
    sync_server.admin("create-user", "--username", manager, "--role", "manager")
    rep = f"{manager}-rep"
    sync_server.admin(
        "create-user", "--username", rep, "--role", "rep", "--territory", "BOS-NORTH",
        "--manager", manager,
    )  # fmt: skip
    laptop = device(rep)
    laptop.sync.run()
    hcp = laptop.hcps.all()[0]
    draft = laptop.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.VISIT,
            started_at=local_now(),
            insights="Call her back on 206-555-0143",  # the checks block this on submit
        )
    )
    laptop.sync.run()

    second_laptop = device(rep)
    second_laptop.sync.run()
    assert [n.id for n in second_laptop.calls.drafts()] == [draft.id]  # the rep's own: yes

    manager_laptop = device(manager)
    manager_laptop.sync.run()
    assert draft.id not in {n.id for n in manager_laptop.calls.all()}

    laptop.calls.update_draft(
        draft.id,
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.VISIT,
            started_at=draft.started_at,
            insights="Asked for the renal data; will call back",
            products=("Cardiovex",),
            outcome=Outcome.POSITIVE,
        ),
    )
    laptop.calls.submit(draft.id)
    laptop.sync.run()
    manager_laptop.sync.run()
    [seen] = [n for n in manager_laptop.calls.all() if n.id == draft.id]
    assert seen.is_locked and "206-555" not in seen.insights
