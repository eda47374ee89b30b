"""Logging calls: validated in the domain, written with its outbox row, locked once submitted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import CallStatus, Channel, Outcome, parse_enum
from fieldrep.domain.errors import LockedError, NotFoundError, ValidationError
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today


def now() -> datetime:
    return local_now()


def draft_for(hcp: str, **changes: object) -> CallDraft:
    values: dict[str, object] = {
        "hcp_id": hcp,
        "channel": Channel.VISIT,
        "started_at": now(),
        "duration_minutes": 20,
        "products": ("Cardiovex",),
        "key_messages": ("CVX-EFF-01",),
        "insights": "Asked for the subgroup data",
    }
    values.update(changes)
    return CallDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def hcp_id(demo_workspace: Workspace) -> str:
    return demo_workspace.hcps.all()[0].id


def counts(ws: Workspace) -> tuple[int, int]:
    status = ws.status()
    return status.call_notes, status.pending_mutations


def test_logging_a_call_writes_the_note_and_one_outbox_row(
    demo_workspace: Workspace, hcp_id: str
) -> None:
    before_notes, _ = counts(demo_workspace)
    note = demo_workspace.calls.log(draft_for(hcp_id))
    assert note.status is CallStatus.DRAFT
    assert counts(demo_workspace) == (before_notes + 1, 1)
    [mutation] = demo_workspace.pending_mutations()
    assert (mutation.entity, mutation.entity_id, mutation.op) == ("call_note", note.id, "create")
    assert mutation.fields["insights"] == "Asked for the subgroup data"
    assert mutation.fields["author"] == demo_workspace.username


def test_editing_a_draft_sends_only_the_changed_fields(
    demo_workspace: Workspace, hcp_id: str
) -> None:
    note = demo_workspace.calls.log(draft_for(hcp_id))
    demo_workspace.calls.update_draft(
        note.id, draft_for(hcp_id, started_at=note.started_at, outcome=Outcome.POSITIVE)
    )
    update = demo_workspace.pending_mutations()[-1]
    assert update.op == "update"
    assert update.fields == {"outcome": "positive"}
    assert update.base_version == 0


def test_submitted_note_is_locked(demo_workspace: Workspace, hcp_id: str) -> None:
    note = demo_workspace.calls.log(draft_for(hcp_id, outcome=Outcome.POSITIVE), submit=True)
    assert note.is_locked and note.submitted_at is not None
    pending_before = counts(demo_workspace)
    with pytest.raises(LockedError, match="submitted"):
        demo_workspace.calls.update_draft(note.id, draft_for(hcp_id, insights="changed"))
    with pytest.raises(LockedError):
        demo_workspace.calls.submit(note.id)
    assert counts(demo_workspace) == pending_before
    assert demo_workspace.calls.get(note.id).insights == "Asked for the subgroup data"


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"hcp_id": "no-such-hcp"}, NotFoundError, "No HCP"),
        ({"duration_minutes": 0}, ValidationError, "Duration"),
        ({"key_messages": ("MADE-UP-01",)}, ValidationError, "approved catalogue"),
        (
            {"follow_ups": (FollowUp("Send reprint", today() - timedelta(days=3)),)},
            ValidationError,
            "before the call",
        ),
        ({"follow_ups": (FollowUp("  ", today()),)}, ValidationError, "description"),
    ],
)
def test_bad_calls_are_refused_and_nothing_is_written(
    demo_workspace: Workspace,
    hcp_id: str,
    changes: dict[str, object],
    error: type[Exception],
    words: str,
) -> None:
    before = counts(demo_workspace)
    with pytest.raises(error, match=words):
        demo_workspace.calls.log(draft_for(hcp_id, **changes))
    assert counts(demo_workspace) == before


def test_unknown_channel_names_the_allowed_ones() -> None:
    with pytest.raises(ValidationError, match="visit, remote, phone, email, event"):
        parse_enum(Channel, "fax", "channel")
    assert parse_enum(Channel, " Remote ", "channel") is Channel.REMOTE


def test_history_is_newest_first(demo_workspace: Workspace, hcp_id: str) -> None:
    history = demo_workspace.calls.for_hcp(hcp_id)
    starts = [n.started_at for n in history]
    assert starts == sorted(starts, reverse=True)


def test_a_draft_can_be_discarded_but_a_submitted_note_cannot(
    demo_workspace: Workspace, hcp_id: str
) -> None:
    draft = demo_workspace.calls.log(draft_for(hcp_id))
    demo_workspace.calls.discard_draft(draft.id)
    with pytest.raises(NotFoundError):
        demo_workspace.calls.get(draft.id)
    assert [m.op for m in demo_workspace.pending_mutations()] == ["create", "delete"]
    submitted = demo_workspace.calls.log(draft_for(hcp_id, outcome=Outcome.POSITIVE), submit=True)
    with pytest.raises(LockedError):
        demo_workspace.calls.discard_draft(submitted.id)
    assert demo_workspace.calls.get(submitted.id).is_locked
