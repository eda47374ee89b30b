"""Each screen's data is one core call returning a frozen read model (no Qt): Today's
agenda and the HCP page's profile, on the demo territory and on a stranger's data."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

import pytest

from fieldrep.domain.calls import CallDraft, FollowUp
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now, today


def _at(hours: int, day_offset: int = 0) -> datetime:
    return datetime.combine(
        today() + timedelta(days=day_offset), time(hours), tzinfo=local_now().tzinfo
    )


def test_todays_agenda_holds_the_days_visits_suggestions_follow_ups_and_drafts(
    demo_workspace: Workspace,
) -> None:
    ws, day = demo_workspace, today()
    hcps = ws.hcps.all()
    ws.plans.add(hcps[0].id, day, time(9, 0))
    ws.plans.add(hcps[1].id, day + timedelta(days=1))  # tomorrow: not today's
    ws.calls.log(
        CallDraft(
            hcp_id=hcps[2].id,
            channel=Channel.PHONE,
            started_at=_at(8, -1),
            outcome=Outcome.POSITIVE,
            insights="asked for dosing data",
            follow_ups=(FollowUp("send dosing data", day + timedelta(days=2)),),
        ),
        submit=True,
    )
    draft = ws.calls.log(CallDraft(hcp_id=hcps[3].id, channel=Channel.VISIT, started_at=_at(8)))
    agenda = ws.today.agenda(day)
    assert agenda.day == day
    assert [(v.hcp_name, v.time_text) for v in agenda.visits] == [(hcps[0].display_name, "09:00")]
    assert 0 < len(agenda.suggestions) <= 5
    mine = [f for f in agenda.follow_ups if f.description == "send dosing data"]
    assert [(f.hcp_name, f.due) for f in mine] == [(hcps[2].display_name, day + timedelta(days=2))]
    assert all(f.due <= day + timedelta(days=7) for f in agenda.follow_ups)
    assert [f.due for f in agenda.follow_ups] == sorted(f.due for f in agenda.follow_ups)
    assert [(d.note.id, d.hcp_name) for d in agenda.drafts] == [(draft.id, hcps[3].display_name)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        agenda.day = day  # type: ignore[misc]


def test_an_agenda_for_another_day_counts_from_that_day(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    sunday = today() + timedelta(days=(6 - today().weekday()) % 7 or 7)
    ws.plans.add(ws.hcps.all()[0].id, sunday)
    agenda = ws.today.agenda(sunday)
    assert agenda.day == sunday and len(agenda.visits) == 1
    assert all(f.due <= sunday + timedelta(days=7) for f in agenda.follow_ups)


def test_a_strangers_hcp_with_no_history_has_a_profile(workspace: Workspace) -> None:
    workspace.hcps.upsert_many(
        [Hcp("H-9", "X9", "ÑÚÑEZ", "GENERAL PRACTICE", "", "", "T1", title="DR")]
    )
    profile = workspace.profiles.hcp_profile("H-9")
    assert profile.hcp.display_name == "DR ÑÚÑEZ"
    assert profile.calls == ()
    assert profile.segments.top == ()  # no catalogue, no contacts: nothing made up
    assert profile.suggestion is not None or profile.blocked
    agenda = workspace.today.agenda(today())
    assert agenda.visits == () and agenda.follow_ups == () and agenda.drafts == ()


def test_an_hcps_profile_has_history_segments_and_the_next_action_or_why_not(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp = next(h for h in ws.hcps.all() if ws.calls.for_hcp(h.id))
    profile = ws.profiles.hcp_profile(hcp.id)
    assert profile.hcp == hcp
    assert [c.id for c in profile.calls] == [c.id for c in ws.calls.for_hcp(hcp.id)]
    assert sum(w for _name, w in profile.segments.parts) == pytest.approx(1.0, abs=0.01)
    assert len(profile.segments.top) <= 2
    if profile.suggestion is None:
        assert profile.blocked and all(": " in line for line in profile.blocked)
    else:
        assert profile.suggestion.hcp_id == hcp.id and profile.blocked == ()


def test_the_hcp_list_comes_quick_then_full_with_contacts_and_segments(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    ws.segment_hints.refit()
    quick, full = ws.hcp_list.quick(), ws.hcp_list.full()
    assert {r.id for r in quick.rows} == {r.id for r in full.rows} == {h.id for h in ws.hcps.all()}
    assert all(r.last_contact is None for r in quick.rows)
    assert any(r.last_contact for r in full.rows)
    names = {s.name for s in ws.segments.catalogue()}
    assert set(full.segments) == names and set(full.segment_of.values()) <= names
    assert not full.waiting  # a local workspace is not waiting for a territory


def test_the_call_log_opens_with_the_hcp_and_the_messages_a_rep_may_name(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    hcp = ws.hcps.all()[5]
    new = ws.call_log.new_call(hcp.id)
    assert new.hcp == hcp and new.note is None
    assert {m.id for m in new.messages} == {m.id for m in ws.messages.usable()}
    note = ws.calls.log(CallDraft(hcp_id=hcp.id, channel=Channel.VISIT, started_at=_at(8)))
    reopened = ws.call_log.existing(note.id)
    assert reopened.note == note and reopened.hcp == hcp
    assert {m.id for m in new.messages} <= {m.id for m in reopened.messages}


def test_the_suggestion_list_is_the_days_best_first(demo_workspace: Workspace) -> None:
    ws, day = demo_workspace, today()
    listed = ws.suggestion_list.daily(day)
    assert listed.day == day and not listed.waiting
    assert 0 < len(listed.suggestions) <= 40
    scores = [s.score for s in listed.suggestions]
    assert scores == sorted(scores, reverse=True)
