"""A submitted call completes the planned visit it fulfils, so the manager's "planned vs
completed" counts real work (nothing ever marked a plan done before: a stranger's planned
visit stayed "planned" after the call was logged, and completed stayed 0)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.changes import Changes
from fieldrep.domain.enums import Channel, Outcome, PlanStatus
from fieldrep.domain.hcp import Hcp
from fieldrep.store.values import new_id
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today


def _call(hcp_id: str, channel: Channel = Channel.VISIT) -> CallDraft:
    return CallDraft(
        hcp_id=hcp_id,
        channel=channel,
        started_at=datetime.combine(today(), time(9), tzinfo=local_now().tzinfo),
        duration_minutes=20,
        products=("RENALIX",),
        outcome=Outcome.POSITIVE,
        insights="SAW THE RENAL DATA",
    )


@pytest.fixture
def hcp_id(workspace: Workspace) -> str:
    workspace.hcps.upsert_many([Hcp("H-7", "X7", "NGUYEN", "NEPHROLOGY", "", "", "T9")])
    return "H-7"


def test_a_submitted_visit_completes_the_nearest_planned_visit_and_says_so(
    workspace: Workspace, hcp_id: str
) -> None:
    near = workspace.plans.add(hcp_id, today() + timedelta(days=2))
    far = workspace.plans.add(hcp_id, today() + timedelta(days=5))
    done = workspace.calls.submit(new_id(), _call(hcp_id))
    assert done.changes == Changes(calls=True, plans=True, outbox=True)
    assert workspace.plans.get(near.id).status is PlanStatus.DONE
    assert workspace.plans.get(far.id).status is PlanStatus.PLANNED  # one call, one visit
    pending = [e for e in workspace.pending_mutations() if e.entity_id == near.id]
    assert [str(e.op).rsplit(".", 1)[-1].lower() for e in pending] == ["create", "update"]


def test_a_draft_a_remote_call_or_a_visit_weeks_away_completes_nothing(
    workspace: Workspace, hcp_id: str
) -> None:
    soon = workspace.plans.add(hcp_id, today() + timedelta(days=1))
    later = workspace.plans.add(hcp_id, today() + timedelta(days=8))  # beyond a week
    workspace.calls.save_draft(new_id(), _call(hcp_id))
    remote = workspace.calls.submit(new_id(), _call(hcp_id, Channel.REMOTE))
    assert remote.changes == Changes(calls=True, outbox=True)
    assert workspace.plans.get(soon.id).status is PlanStatus.PLANNED
    workspace.plans.cancel(soon.id)
    workspace.calls.log(_call(hcp_id), submit=True)  # the command line's path
    assert workspace.plans.get(later.id).status is PlanStatus.PLANNED
    assert workspace.plans.get(soon.id).status is PlanStatus.CANCELLED
