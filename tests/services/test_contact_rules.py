"""Consent, do-not-contact and the contact rules when a rep logs a call or plans a visit:
the same sentences as the HCP page's Next best action panel, as warnings; a call or a
plan on a channel the HCP withdrew consent for, or on a do-not-contact HCP, is refused
with the reason (docs/compliance.md, "Contact rules")."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import CallStatus, Channel, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today


def draft_for(hcp_id: str, channel: Channel = Channel.VISIT, days_ago: int = 0) -> CallDraft:
    detailing = channel in (Channel.VISIT, Channel.REMOTE)
    return CallDraft(
        hcp_id=hcp_id,
        channel=channel,
        started_at=local_now() - timedelta(days=days_ago),
        duration_minutes=20,
        products=("Cardiovex",) if detailing else (),
        outcome=Outcome.POSITIVE,
        insights="Discussed the renal data",
    )


def with_consents(ws: Workspace, consents: dict[str, bool], dnc: bool = False) -> str:
    hcp = ws.hcps.all()[0]
    ws.hcps.upsert_many([replace(hcp, consents=consents, do_not_contact=dnc)])
    return hcp.id


def test_no_consents_on_record_a_recent_visit_warns_the_gap_and_email_has_no_opt_in(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp_id = with_consents(ws, {})
    ws.calls.log(draft_for(hcp_id, days_ago=3), submit=True)
    visit = ws.contact_rules.check(hcp_id, Channel.VISIT)
    assert visit.refusal is None  # visits need no opt-in (docs/nba.md)
    gap = [w for w in visit.warnings if "minimum gap is 14 days" in w]
    assert gap and gap[0].startswith("Last face-to-face visit 3 days ago")
    panel = {b.explanation for b in ws.suggestions.blocked_for_hcp(hcp_id)}
    assert set(visit.warnings) <= panel  # the panel's own sentences
    email = ws.contact_rules.check(hcp_id, Channel.EMAIL)
    assert email.refusal is None
    assert any(w.startswith("No consent for approved email") for w in email.warnings)
    # Warned, not refused: the visit is the record of what happened.
    note = ws.calls.log(draft_for(hcp_id), submit=True)
    assert note.status is CallStatus.SUBMITTED
    plan = ws.plans.add(hcp_id, today() + timedelta(days=2))
    gap_then = ws.contact_rules.check(hcp_id, Channel.VISIT, plan.planned_date)
    assert any("minimum gap is 14 days" in w for w in gap_then.warnings)


def test_a_withdrawn_consent_refuses_the_submit_and_the_plan_with_the_reason(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp_id = with_consents(ws, {"visit": False, "email": True})
    name = ws.hcps.get(hcp_id).display_name
    check = ws.contact_rules.check(hcp_id, Channel.VISIT)
    assert (
        check.refusal
        == f"{name} has no consent for face-to-face visit on record: not given, or withdrawn."
    )
    assert check.sentences[0] == check.refusal
    draft = ws.calls.log(draft_for(hcp_id))  # a draft is the rep's: kept
    with pytest.raises(ValidationError, match="Not submitted: .* has no consent for"):
        ws.calls.submit(draft.id)
    with pytest.raises(ValidationError, match="Not submitted: .* has no consent for"):
        ws.calls.log(draft_for(hcp_id), submit=True)
    with pytest.raises(ValidationError, match="Not planned: .* has no consent for"):
        ws.plans.add(hcp_id, today() + timedelta(days=1))
    assert ws.calls.get(draft.id).status is CallStatus.DRAFT
    email = ws.calls.log(draft_for(hcp_id, Channel.EMAIL), submit=True)  # consented
    assert email.status is CallStatus.SUBMITTED


def test_do_not_contact_refuses_every_channel(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp_id = with_consents(ws, {"visit": True, "email": True}, dnc=True)
    for channel in (Channel.VISIT, Channel.EMAIL, Channel.PHONE):
        check = ws.contact_rules.check(hcp_id, channel)
        assert check.refusal is not None and "do-not-contact" in check.refusal
        with pytest.raises(ValidationError, match="do-not-contact"):
            ws.calls.log(draft_for(hcp_id, channel), submit=True)
