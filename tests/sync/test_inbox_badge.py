"""The inbox badge counts what the inbox lists: a conflict copy the rep submitted (it is
then a call like any other) is no longer "to review", and one discarded is gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fieldrep.services.calls import draft_of
from fieldrep.workspace import Workspace
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, sync

NewRep = Callable[..., str]


def _edit(ws: Workspace, note_id: str, insights: str) -> None:
    ws.calls.update_draft(note_id, replace(draft_of(ws.calls.get(note_id)), insights=insights))


def test_the_badge_counts_the_conflict_copies_the_inbox_lists(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b = device(rep), device(rep)
    sync(a)
    first, second = log_note(a, first_hcp(a), "draft"), log_note(a, first_hcp(a), "draft")
    sync(a)
    sync(b)
    for note_id in (first, second):
        _edit(a, note_id, "A'S WORDS")
        _edit(b, note_id, "b's words")
    sync(a)
    sync(b)  # two conflict copies on b
    status = b.sync_status()
    assert status.conflicts == len(b.calls.conflict_copies()) == 2
    assert status.to_review == 2 and status.configured

    kept, dropped = b.calls.conflict_copies()
    b.calls.submit(kept.id)  # the rep made the copy the record: nothing left to review
    b.calls.discard_draft(dropped.id)
    status = b.sync_status()
    assert status.conflicts == len(b.calls.conflict_copies()) == 0
    assert status.pending_records == 2 and status.pending_mutations == 2
    # Before the fix the badge counted every note with `conflict_of`: here, one.
    assert sum(1 for n in b.calls.all() if n.conflict_of) == 1


def test_the_inbox_lists_its_rows_in_the_reps_words_and_discards_them(
    new_rep: NewRep, device: Device
) -> None:
    rep = new_rep()
    a, b = device(rep), device(rep)
    sync(a)
    hcp = first_hcp(a)
    note_id = log_note(a, hcp, "draft")
    sync(a)
    sync(b)
    _edit(a, note_id, "A'S WORDS")
    _edit(b, note_id, "b's words")
    sync(a)
    sync(b)
    [item] = b.inbox.items()
    name = b.hcps.get(hcp).display_name
    assert item.kind == "conflict" and item.title.startswith(f"Call with {name} on ")
    assert b.sync_status().to_review == 1
    assert b.inbox.discard(item).calls
    assert b.inbox.items() == () and b.sync_status().to_review == 0
