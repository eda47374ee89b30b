"""Sync between real devices (encrypted workspaces) and a real server process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.services.calls import draft_of
from fieldrep.store import outbox
from fieldrep.sync.errors import UpdateRequiredError
from fieldrep.sync.protocol import Entity, Op
from fieldrep.workspace import Workspace
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, marker_counts, notes_of, sync

NewRep = Callable[..., str]


def test_first_sync_brings_the_territory_and_the_reps_own_history(device: Device) -> None:
    ws = device("rep1")  # seed-demo's rep: BOS-NORTH, with 18 months of calls
    report = sync(ws)
    status = ws.status()
    assert status.hcps == 400
    assert status.call_notes > 1000
    assert {n.author for n in ws.calls.all()} == {"rep1"}
    assert report.pulled >= status.hcps + status.call_notes
    assert status.last_sync is not None and status.last_error is None
    assert {h.territory_id for h in ws.hcps.all()} == {"BOS-NORTH"}


def test_a_note_written_offline_reaches_the_reps_other_device_once(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    laptop, spare = device(rep), device(rep)
    sync(laptop)
    sync(spare)
    note_id = log_note(laptop, first_hcp(laptop), "offline-note: asked for renal data")
    report = sync(laptop)
    assert (report.pushed, report.applied, report.rejected) == (1, 1, 0)
    assert laptop.pending_mutations() == []
    assert laptop.calls.get(note_id).version >= 1  # the server's version came back
    sync(spare)
    assert marker_counts(spare, "offline-note") == {"offline-note: asked for renal data": 1}
    assert notes_of(spare, rep) == notes_of(laptop, rep)


def test_an_older_client_gets_update_required_and_keeps_its_outbox(
    new_rep: NewRep, device: Device
) -> None:
    ws = device(new_rep())
    sync(ws)
    log_note(ws, first_hcp(ws), "waiting for the update")
    engine = ws.sync.engine(ws.sync.client())
    engine.protocol_version = 0
    with pytest.raises(UpdateRequiredError, match="newer Fieldrep"):
        engine.run()
    assert len(ws.pending_mutations()) == 1
    assert ws.status().last_error is not None and "newer" in ws.status().last_error
    report = sync(ws)  # the updated client sends it
    assert report.applied == 1 and ws.status().last_error is None


def test_edits_to_different_fields_of_one_draft_on_two_devices_are_both_kept(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b = device(rep), device(rep)
    sync(a)
    note_id = log_note(a, first_hcp(a), "draft on a")
    sync(a)
    sync(b)
    a.calls.update_draft(note_id, _edited(a, note_id, insights="insights from a"))
    b.calls.update_draft(note_id, _edited(b, note_id, duration_minutes=45))
    sync(a)
    sync(b)
    sync(a)
    for ws in (a, b):
        note = ws.calls.get(note_id)
        assert (note.insights, note.duration_minutes) == ("insights from a", 45)
    assert notes_of(a, rep) == notes_of(b, rep)


def test_the_same_field_edited_on_two_devices_keeps_one_and_shows_a_conflict_copy(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b = device(rep), device(rep)
    sync(a)
    note_id = log_note(a, first_hcp(a), "draft")
    sync(a)
    sync(b)
    a.calls.update_draft(note_id, _edited(a, note_id, insights="a's words"))
    b.calls.update_draft(note_id, _edited(b, note_id, insights="b's words"))
    sync(a)  # a reaches the server first: its value wins
    report_b = sync(b)
    report_a = sync(a)
    # Told once, though the copy comes back both in the push's answer and in the pull;
    # a holds the copy too, so a has one to read as well.
    assert len(report_b.conflicts) == 1 and len(report_a.conflicts) == 1
    for ws in (a, b):
        assert ws.calls.get(note_id).insights == "a's words"
        copies = [n for n in ws.calls.all() if n.conflict_of == note_id]
        assert [c.insights for c in copies] == ["b's words"]
    assert notes_of(a, rep) == notes_of(b, rep)

    # b reads its copy and discards it: gone on both devices, the original stays.
    [copy] = b.calls.conflict_copies()
    b.calls.discard_draft(copy.id)
    assert sync(b).applied == 1
    sync(a)
    for ws in (a, b):
        assert ws.calls.conflict_copies() == []
        assert ws.calls.get(note_id).insights == "a's words"


def test_a_rejected_change_is_kept_with_its_reason_and_does_not_block_later_ones(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    ws = device(rep)
    sync(ws)
    hcp_id = first_hcp(ws)
    with ws.store.write() as conn:  # master data is server-owned: the server refuses this
        outbox.record_mutation(
            conn,
            created_at=ws.clock.now(),
            entity=Entity.HCP,
            entity_id=hcp_id,
            op=Op.UPDATE,
            fields={"name": "Dr Renamed"},
        )
    log_note(ws, hcp_id, "after-rejection: still goes up")
    report = sync(ws)
    assert (report.rejected, report.applied) == (1, 1)
    (rejected,) = ws.rejected_mutations()
    assert rejected.reason and rejected.entity == "hcp"
    assert ws.status().rejected == 1 and ws.pending_mutations() == []
    assert sync(ws).pushed == 0  # not sent again, not wedging the queue
    # As if the answer to that push had been lost: the replay is still a rejection.
    with ws.store.write() as conn:
        conn.exec_driver_sql("UPDATE outbox SET state = 'pending' WHERE seq = ?", (rejected.seq,))
    replay = sync(ws)
    assert (replay.pushed, replay.rejected, replay.applied) == (1, 1, 0)
    assert [r.seq for r in ws.rejected_mutations()] == [rejected.seq]


def test_a_pull_never_overwrites_a_record_edited_during_the_sync(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b = device(rep), device(rep)
    sync(a)
    sync(b)
    note_id = log_note(a, first_hcp(a), "shared draft")
    sync(a)
    sync(b)
    b.calls.update_draft(note_id, _edited(b, note_id, duration_minutes=50))
    sync(b)
    a.calls.update_draft(note_id, _edited(a, note_id, insights="local, unsent"))
    # As if the rep saved this edit after the push and before the pull of a sync.
    engine = a.sync.engine(a.sync.client())
    engine.push = lambda *_args: None  # type: ignore[method-assign]
    report = engine.run()
    assert report.skipped_pending == 1
    note = a.calls.get(note_id)
    assert note.insights == "local, unsent"
    assert note.duration_minutes != 50  # b's edit is held back, not merged over ours
    sync(a)  # pushed now; the server's merged note comes back
    note = a.calls.get(note_id)
    assert (note.insights, note.duration_minutes) == ("local, unsent", 50)


def _edited(ws: Workspace, note_id: str, **changes: Any) -> CallDraft:
    return replace(draft_of(ws.calls.get(note_id)), **changes)
