"""An HCP moved out of the rep's territory leaves the device; notes about it still go up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.pinned_clock import today
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, sync
from tests.sync.servers import ServerProcess

NewRep = Callable[..., str]


def test_an_hcp_leaving_the_territory_disappears_with_its_plans_and_its_note_still_goes_up(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    rep = new_rep()
    laptop = device(rep)
    sync(laptop)
    hcp = first_hcp(laptop, 5)
    day = today() + timedelta(days=1)
    laptop.plans.add(hcp, day)
    sync(laptop)
    note_id = log_note(laptop, hcp, "leaving-territory note", submit=True)
    sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-SOUTH")
    try:
        # Pull first (as when the rep writes the note while a sync is pulling).
        engine = laptop.sync.engine(laptop.sync.client())
        engine.push = lambda *_args: None  # type: ignore[method-assign]
        report = engine.run()
        assert report.deleted >= 1
        assert hcp not in {h.id for h in laptop.hcps.all()}
        assert [p for p in laptop.plans.for_day(day) if p.hcp_id == hcp] == []
        assert [m.entity_id for m in laptop.pending_mutations()] == [note_id]
        report = sync(laptop)  # the note written about it is still accepted
        assert (report.applied, report.rejected) == (1, 0)
        assert laptop.status().hcps == 399
    finally:
        sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-NORTH")
    sync(laptop)
    assert hcp in {h.id for h in laptop.hcps.all()}
