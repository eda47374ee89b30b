"""A device that skips the compliance check (old, modified or buggy) still cannot get a
blocking note onto the server: it is rejected with the reason, shown in the inbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.services.calls import CallService
from tests.pinned_clock import local_now
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, sync

NewRep = Callable[..., str]


def test_the_server_rejects_a_phone_number_a_device_did_not_check(
    new_rep: NewRep, device: Device
) -> None:
    laptop = device(new_rep())
    sync(laptop)
    unchecked = CallService(laptop.store, author=laptop.calls.author)  # no checks
    note = unchecked.log(
        CallDraft(
            hcp_id=first_hcp(laptop), channel=Channel.PHONE,
            started_at=local_now() - timedelta(hours=1), outcome=Outcome.NEUTRAL,
            insights="Asked me to ring the patient on 617-555-0142 about dosing.",
        ),
        submit=True,
    )  # fmt: skip
    report = sync(laptop)
    assert (report.applied, report.rejected) == (0, 1)
    [rejected] = laptop.rejected_mutations()
    assert rejected.entity_id == note.id
    assert rejected.reason is not None and "617-555-0142" in rejected.reason
    assert "patient information" in rejected.reason
