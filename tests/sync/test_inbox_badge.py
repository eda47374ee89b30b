"""The inbox badge counts what the inbox lists: a conflict copy is never submitted (the
rep takes what matters into the original), and one discarded is gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from fieldrep.domain.errors import ValidationError
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
    # A copy is never submitted (one visit would be on record twice, the manager seeing
    # only one): the rep takes its words into the original and lets both copies go.
    with pytest.raises(ValidationError, match="conflict copy"):
        b.calls.submit(kept.id)
    assert len(b.calls.conflict_copies()) == 2  # the refusal changed nothing
    _edit(b, str(kept.conflict_of), kept.insights)
    b.calls.discard_draft(kept.id)
    b.calls.discard_draft(dropped.id)
    status = b.sync_status()
    assert status.conflicts == len(b.calls.conflict_copies()) == 0
    assert status.pending_records == 3 and status.pending_mutations == 3
    assert not any(n.conflict_of for n in b.calls.all())


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
