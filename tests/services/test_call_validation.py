"""Submitting through the CallService: incomplete calls, blocking findings in the note and
overlapping calls (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldrep.domain.calls import CallDraft, IncompleteCallError
from fieldrep.domain.enums import CallStatus, Channel, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now as now


def _complete(hcp_id: str, **changes: object) -> CallDraft:
    values: dict[str, object] = {
        "hcp_id": hcp_id, "channel": Channel.VISIT, "started_at": now() - timedelta(hours=2),
        "duration_minutes": 30, "products": ("Cardiovex",), "outcome": Outcome.POSITIVE,
    }  # fmt: skip
    values.update(changes)
    return CallDraft(**values)  # type: ignore[arg-type]


def test_an_incomplete_call_is_kept_as_a_draft_but_not_submitted(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[0].id
    before = len(ws.pending_mutations())
    with pytest.raises(IncompleteCallError, match="Choose an outcome"):
        ws.calls.log(_complete(hcp, outcome=None), submit=True)
    assert len(ws.pending_mutations()) == before  # nothing written
    draft = ws.calls.log(_complete(hcp, outcome=None))
    with pytest.raises(IncompleteCallError):
        ws.calls.submit(draft.id)
    assert ws.calls.get(draft.id).status is CallStatus.DRAFT


def test_a_year_ahead_call_cannot_be_submitted(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0].id
    with pytest.raises(IncompleteCallError, match="in the future"):
        demo_workspace.calls.log(
            _complete(hcp, started_at=now() + timedelta(days=365)), submit=True
        )


def test_a_note_with_a_blocking_finding_cannot_be_submitted(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[0].id
    text = "Her patient Maria Lopez asked about dosing."
    with pytest.raises(ValidationError, match="patient information"):
        ws.calls.log(_complete(hcp, insights=text), submit=True)
    ws.calls.log(_complete(hcp, insights="A patient asked about dosing."), submit=True)


def test_overlapping_calls_are_reported(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcps = ws.hcps.all()
    first = ws.calls.log(_complete(hcps[0].id, started_at=now() - timedelta(hours=3)))
    overlapping = _complete(
        hcps[1].id, started_at=now() - timedelta(hours=3) + timedelta(minutes=20)
    )
    assert [n.id for n in ws.calls.overlapping(overlapping)] == [first.id]
    after = _complete(hcps[1].id, started_at=now() - timedelta(hours=3) + timedelta(minutes=30))
    assert ws.calls.overlapping(after) == []
    assert ws.calls.overlapping(overlapping, exclude_id=first.id) == []


def test_a_draft_dated_ahead_is_not_the_hcps_last_contact(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[0].id
    before = {s.id: s.last_contact for s in ws.hcps.summaries()}[hcp]
    ws.calls.log(_complete(hcp, started_at=now() + timedelta(days=365)))  # a draft may be wrong
    after = {s.id: s.last_contact for s in ws.hcps.summaries()}[hcp]
    assert after == before
    assert [s.last_contact for s in ws.hcps.search(ws.hcps.get(hcp).name) if s.id == hcp] == [
        before
    ]
