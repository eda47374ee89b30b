"""The call log's use cases in the core: a draft saved under an id the device mints (an
upsert), submitted with its last edits in one transaction, and the follow-ups Today lists
found by one query."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.changes import NOTHING, Changes
from fieldrep.domain.enums import CallStatus, Channel, Outcome
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.domain.hcp import Hcp
from fieldrep.store.values import new_id
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today

CALLS = Changes(calls=True, outbox=True)


def _draft(hcp_id: str, **changes: object) -> CallDraft:
    values: dict[str, object] = {
        "hcp_id": hcp_id,
        "channel": Channel.PHONE,
        "started_at": datetime.combine(today(), time(9), tzinfo=local_now().tzinfo),
        "duration_minutes": 15,
        "insights": "ASKED ABOUT THE RENAL DATA",
        "outcome": Outcome.POSITIVE,
    }
    values.update(changes)
    return CallDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def hcp_id(workspace: Workspace) -> str:
    """A stranger's HCP: upper-case name, no address, no consents, no history."""
    workspace.hcps.upsert_many(
        [Hcp("H-1", "X1", "O'BRIEN-SMITH", "NEPHROLOGY", "", "", "T9", title="DR")]
    )
    return "H-1"


def _entries(ws: Workspace, note_id: str) -> list[str]:
    return [str(e.op) for e in ws.pending_mutations() if e.entity_id == note_id]


def test_the_first_save_creates_the_draft_under_the_devices_id_and_later_ones_update_it(
    workspace: Workspace, hcp_id: str
) -> None:
    note_id = new_id()
    first = workspace.calls.save_draft(note_id, _draft(hcp_id))
    assert first.value.id == note_id and first.value.status is CallStatus.DRAFT
    assert first.changes == CALLS
    second = workspace.calls.save_draft(note_id, _draft(hcp_id, insights="Wants a lunch talk"))
    assert second.value.id == note_id and second.value.insights == "Wants a lunch talk"
    assert second.changes == CALLS
    again = workspace.calls.save_draft(note_id, _draft(hcp_id, insights="Wants a lunch talk"))
    assert again.changes == NOTHING  # nothing new: no outbox row, no screen reloads
    assert workspace.calls.count() == 1
    assert [op.rsplit(".", 1)[-1].lower() for op in _entries(workspace, note_id)] == [
        "create",
        "update",
    ]


def test_submit_with_the_last_edits_is_one_transaction(workspace: Workspace, hcp_id: str) -> None:
    note_id = new_id()
    workspace.calls.save_draft(note_id, _draft(hcp_id))
    submitted = workspace.calls.submit(note_id, _draft(hcp_id, insights="Will trial it"))
    assert submitted.changes == CALLS
    note = workspace.calls.get(note_id)
    assert note.status is CallStatus.SUBMITTED and note.insights == "Will trial it"


def test_a_call_never_saved_is_created_submitted(workspace: Workspace, hcp_id: str) -> None:
    note_id = new_id()
    result = workspace.calls.submit(note_id, _draft(hcp_id))
    assert result.value.id == note_id and result.value.is_locked
    assert workspace.calls.count() == 1
    with pytest.raises(NotFoundError):
        workspace.calls.submit(new_id())  # nothing to submit, and no draft given


def test_a_refused_submit_keeps_the_stored_draft_as_it_was(
    workspace: Workspace, hcp_id: str
) -> None:
    note_id = new_id()
    workspace.calls.save_draft(note_id, _draft(hcp_id))
    with pytest.raises(ValidationError):  # a call in the future cannot be submitted
        workspace.calls.submit(
            note_id, _draft(hcp_id, started_at=local_now() + timedelta(days=2), insights="x")
        )
    note = workspace.calls.get(note_id)
    assert note.status is CallStatus.DRAFT and note.insights == "ASKED ABOUT THE RENAL DATA"


def test_follow_ups_due_come_from_one_query_soonest_first(
    workspace: Workspace, hcp_id: str
) -> None:
    day = today()
    yesterday_3pm = datetime.combine(day - timedelta(days=1), time(15), tzinfo=local_now().tzinfo)
    items = (
        FollowUp("send renal data", day + timedelta(days=3)),
        FollowUp("done already", day - timedelta(days=1), done=True),
        FollowUp("book lunch", day - timedelta(days=1)),  # overdue: listed
        FollowUp("next quarter", day + timedelta(days=30)),  # beyond the horizon
    )
    note = workspace.calls.log(
        _draft(hcp_id, started_at=yesterday_3pm, follow_ups=items), submit=True
    )
    due = workspace.calls.follow_ups_due(day + timedelta(days=7))
    assert [(f.follow_up.description, f.index) for f in due] == [
        ("book lunch", 2),
        ("send renal data", 0),
    ]
    assert {f.note_id for f in due} == {note.id} and {f.hcp_id for f in due} == {hcp_id}
    workspace.calls.set_follow_up_done(note.id, due[0].index)
    assert [f.follow_up.description for f in workspace.calls.follow_ups_due(day)] == []
    assert workspace.calls.follow_ups_due(day, limit=1) == []


def test_text_the_server_could_not_store_is_dropped_on_save(
    workspace: Workspace, hcp_id: str
) -> None:
    """A note pasted with a NUL (or an unpaired surrogate) was rejected at sync and sat in
    the inbox, the device and the server disagreeing for good (a property test found it):
    such characters are dropped when the note is saved, so what syncs is what is shown."""
    note = workspace.calls.log(
        _draft(
            hcp_id,
            insights="ASKED\x00 ABOUT\ud800 DOSING",
            attendees=("NURSE\x00 KIM",),
            follow_ups=(FollowUp("SEND\x00 PI", today() + timedelta(days=3)),),
        )
    )
    assert note.insights == "ASKED ABOUT DOSING"
    assert note.attendees == ("NURSE KIM",)
    assert note.follow_ups[0].description == "SEND PI"
    edited = workspace.calls.update_draft(note.id, _draft(hcp_id, insights="SECOND\x00 VISIT"))
    assert edited.insights == "SECOND VISIT"
    [mutation] = [m for m in workspace.pending_mutations() if m.op == "update"]
    assert mutation.fields == {"insights": "SECOND VISIT", "attendees": [], "follow_ups": []}
