"""Learning from the rep: each dismiss reason teaches its own lesson, snooze hides."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction
from fieldrep.nba.learning import posteriors
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today
from tests.pinned_clock import today as pinned_today


def _others(ws: Workspace, hcp_ids: list[str]) -> dict[str, tuple[str, float]]:
    out = {}
    for hcp_id in hcp_ids:
        s = ws.suggestions.for_hcp(hcp_id)
        assert s is not None
        out[hcp_id] = (s.id, s.score)
    return out


def test_wrong_channel_changes_the_next_ranking_for_that_hcp_only(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    listed = ws.suggestions.daily_list(limit=12)
    target, others = listed[0], [s.hcp_id for s in listed[1:]]
    before = _others(ws, others)

    ws.suggestions.dismiss(target, DismissReason.WRONG_CHANNEL)

    after = ws.suggestions.for_hcp(target.hcp_id)
    assert after is not None and after.channel is not target.channel
    assert _others(ws, others) == before
    stored = ws.feedback.for_hcp(target.hcp_id)[-1]
    assert stored.action is FeedbackAction.DISMISSED
    assert stored.reason is DismissReason.WRONG_CHANNEL
    assert stored.suggestion_id == target.id


def test_already_planned_teaches_nothing(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    target = ws.suggestions.daily_list(limit=1)[0]
    feedback = ws.suggestions.dismiss(target, DismissReason.ALREADY_PLANNED)
    again = ws.suggestions.for_hcp(target.hcp_id)
    assert again is not None
    # Any dismissal takes the HCP off today's list (cb0bb04); the advice for the next
    # working day is what it would have been without the dismissal (the weekday terms
    # may make that day's advice differ from today's).
    assert target.due < again.due <= target.due + timedelta(days=3)
    t = ws.suggestions.territory(again.due)
    i = t.row(target.hcp_id)
    lessons = (t.fb_channel_fail, t.fb_theme_fail, t.fb_product_fail, t.fb_message_fail)
    assert all(float(a[i].sum()) == 0.0 for a in lessons)
    assert float(t.fb_timing_fail[i].sum()) == 0.0
    ws.suggestions.undo(feedback.value)
    unchanged = ws.suggestions.for_hcp(target.hcp_id, today=again.due)
    assert unchanged is not None
    assert (again.channel, again.message_id) == (unchanged.channel, unchanged.message_id)
    # (evidence a day older counts a day less: the only difference)
    assert again.score == pytest.approx(unchanged.score, abs=0.002)


def test_wrong_message_lowers_that_theme_for_the_hcp(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    target = next(s for s in ws.suggestions.daily_list(limit=20) if s.message_id)
    ws.suggestions.dismiss(target, DismissReason.WRONG_MESSAGE)
    again = ws.suggestions.for_hcp(target.hcp_id)
    assert again is not None
    assert again.message_id != target.message_id or again.score < target.score


def test_snoozed_hcp_is_not_suggested_before_the_date(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    today = pinned_today()
    target = ws.suggestions.daily_list(limit=1)[0]
    until = today + timedelta(days=5)
    ws.suggestions.snooze(target, until)

    for day in (today, until - timedelta(days=1)):
        assert target.hcp_id not in {s.hcp_id for s in ws.suggestions.daily_list(50, day)}
        upcoming = ws.suggestions.for_hcp(target.hcp_id, today=day)
        assert upcoming is not None and upcoming.due == until  # "when": on the snooze date
    blocks = ws.suggestions.blocked_for_hcp(target.hcp_id)
    assert any(b.rule == "on_hold" and until.isoformat() in b.explanation for b in blocks)
    on_the_day = ws.suggestions.for_hcp(target.hcp_id, today=until)
    assert on_the_day is not None and on_the_day.due == until


def test_feedback_is_queued_for_sync(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    target = ws.suggestions.daily_list(limit=1)[0]
    ws.suggestions.accept(target)
    pending = [m for m in ws.pending_mutations() if m.entity == "suggestion_feedback"]
    assert len(pending) == 1
    assert pending[0].fields["suggestion_id"] == target.id
    assert pending[0].fields["action"] == "accepted"


def test_good_outcomes_on_a_channel_raise_its_score(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp_id = "hcp-00010"
    s = ws.suggestions
    before = s.territory(today())
    for _ in range(3):
        log_call(ws, hcp_id, Channel.REMOTE, days_ago=20)
    after = s.territory(today())
    i = before.row(hcp_id)
    c = list(Channel).index(Channel.REMOTE)
    p_before = posteriors(before, s.config).channel_history()[i, c]
    p_after = posteriors(after, s.config).channel_history()[i, c]
    assert p_after > p_before


def test_opening_one_hcp_gives_the_same_advice_as_the_territory_list(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    # Slots for every channel: with a channel's slots used up, the list offers an HCP on
    # its next channel, which is by design not the HCP's best on its own.
    roomy = dict.fromkeys(Channel, 8)
    listed = [s for s in ws.suggestions.daily_list(limit=8, slots=roomy) if not s.exploratory]
    assert listed
    for s in listed:
        alone = ws.suggestions.for_hcp(s.hcp_id)
        assert alone is not None
        assert (alone.id, alone.score, alone.reasons) == (s.id, s.score, s.reasons)
