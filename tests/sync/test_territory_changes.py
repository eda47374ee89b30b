"""An HCP moved out of the rep's territory leaves the device; the notes about it stay
there and still go up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.pinned_clock import today
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, marker_counts, notes_of, sync
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


def test_a_realigned_hcps_calls_stay_on_the_old_reps_laptop_and_its_draft_still_submits(
    new_rep: NewRep, device: Device, sync_server: ServerProcess
) -> None:
    """The admin realigns an HCP while its old rep has a submitted call and an unsynced
    draft about it: the old rep's laptop keeps both (the server keeps them in the rep's
    feed), the draft is submitted afterwards and reaches the server once, and the new
    territory's rep gets the HCP."""
    old_rep, new_rep_name = new_rep(), new_rep("BOS-SOUTH")
    laptop = device(old_rep)
    sync(laptop)
    hcp = first_hcp(laptop, 7)
    name = laptop.hcps.get(hcp).display_name
    submitted = log_note(laptop, hcp, "realigned: submitted call", submit=True)
    sync(laptop)
    draft = log_note(laptop, hcp, "realigned: unsynced draft")
    sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-SOUTH")
    try:
        report = sync(laptop)  # pushes the draft, then pulls the tombstone
        assert (report.applied, report.rejected) == (1, 0)
        assert hcp not in {h.id for h in laptop.hcps.all()}
        assert marker_counts(laptop, "realigned") == {
            "realigned: submitted call": 1, "realigned: unsynced draft": 1
        }  # fmt: skip
        (shown,) = [d for d in laptop.today.agenda(today()).drafts if d.note.id == draft]
        assert shown.hcp_name == f"{name} (no longer in your territory)"
        opened = laptop.call_log.existing(submitted)
        assert opened.hcp.display_name == name
        assert "no longer in your territory" in opened.territory_notice

        laptop.calls.submit(draft)
        report = sync(laptop)
        assert (report.applied, report.rejected) == (1, 0)
        assert laptop.calls.get(draft).status.value == "submitted"
        assert {n.id for n in laptop.calls.for_hcp(hcp)} == {submitted, draft}

        fresh = device(old_rep)  # what the server holds: each call once, the draft submitted
        sync(fresh)
        assert marker_counts(fresh, "realigned") == marker_counts(laptop, "realigned")
        assert notes_of(fresh, old_rep) == notes_of(laptop, old_rep)
        assert "no record of them" in fresh.call_log.existing(draft).territory_notice

        newcomer = device(new_rep_name)
        sync(newcomer)
        assert newcomer.hcps.get(hcp).territory_id == "BOS-SOUTH"
    finally:
        sync_server.admin("assign", "--hcp", hcp, "--territory", "BOS-NORTH")
    sync(laptop)
    assert hcp in {h.id for h in laptop.hcps.all()}
    with laptop.store.read() as conn:  # back in the territory: its own row says it all
        assert conn.exec_driver_sql("SELECT count(*) FROM former_hcps").scalar() == 0
