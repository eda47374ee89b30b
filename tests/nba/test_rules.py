"""Hard rules: applied before scoring, never broken, each removal visible to the rep."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fieldrep.domain.enums import Channel
from fieldrep.nba.config import QuietPeriod
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call, set_consent
from tests.pinned_clock import today
from tests.pinned_clock import today as pinned_today


def test_withdrawn_consent_removes_the_channel_at_once(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    # Visits need no opt-in, so take the first suggestion on an opt-in channel.
    best = next(s for s in ws.suggestions.daily_list(limit=20) if s.channel is not Channel.VISIT)
    set_consent(ws, best.hcp_id, best.channel, False)

    after = ws.suggestions.for_hcp(best.hcp_id)
    assert after is None or after.channel is not best.channel
    blocks = ws.suggestions.blocked_for_hcp(best.hcp_id)
    consent = [b for b in blocks if b.channel is best.channel and b.rule == "consent"]
    assert consent and "No consent" in consent[0].explanation
    assert best.id not in {s.id for s in ws.suggestions.daily_list(limit=50)}


def test_do_not_contact_removes_every_channel(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    best = ws.suggestions.daily_list(limit=1)[0]
    ws.hcps.upsert_many([replace(ws.hcps.get(best.hcp_id), do_not_contact=True)])

    assert ws.suggestions.for_hcp(best.hcp_id) is None
    rules = {(b.channel, b.rule) for b in ws.suggestions.blocked_for_hcp(best.hcp_id)}
    assert {(c, "do_not_contact") for c in Channel} <= rules


def test_minimum_gap_blocks_a_channel_used_recently(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    best = ws.suggestions.daily_list(limit=1)[0]
    log_call(ws, best.hcp_id, best.channel, days_ago=1)

    after = ws.suggestions.for_hcp(best.hcp_id)
    gap_days = ws.suggestions.config.min_gap_days[best.channel]
    assert after is not None
    assert after.channel is not best.channel or after.due >= today() + timedelta(days=gap_days - 1)
    gap = [b for b in ws.suggestions.blocked_for_hcp(best.hcp_id) if b.rule == "min_gap"]
    mine = [b for b in gap if b.channel is best.channel]
    # "yesterday", not "1 days ago" (and "earlier today", not "0 days ago")
    assert mine and "Last " in mine[0].explanation and " yesterday;" in mine[0].explanation
    assert "minimum gap" in mine[0].explanation


def test_monthly_cap_blocks_the_hcp_once_reached(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    config = ws.suggestions.config
    best = ws.suggestions.daily_list(limit=1)[0]
    for _ in range(config.monthly_cap):  # visits: a call log needs no consent for them
        log_call(ws, best.hcp_id, Channel.VISIT, days_ago=0)

    later = ws.suggestions.for_hcp(best.hcp_id)  # nothing today: the next month opens it
    first_of_next_month = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    assert later is not None and later.due == first_of_next_month
    assert later.expires > later.due
    caps = [b for b in ws.suggestions.blocked_for_hcp(best.hcp_id) if b.rule == "monthly_cap"]
    assert len(caps) == len(Channel)
    assert f"of {config.monthly_cap} this month" in caps[0].explanation


def test_quiet_period_suggests_nothing_and_says_why(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    start = today() + timedelta(days=3)
    period = QuietPeriod(start, start + timedelta(days=4), "congress week")
    ws.suggestions.config = replace(ws.suggestions.config, quiet_periods=(period,))
    inside = start + timedelta(days=1)

    assert ws.suggestions.daily_list(limit=10, today=inside) == []
    blocks = ws.suggestions.blocked_for_hcp("hcp-00001", today=inside)
    assert any(b.rule == "quiet_period" and "congress week" in b.explanation for b in blocks)
    after = ws.suggestions.for_hcp("hcp-00001", today=inside)
    assert after is not None and after.due > period.end
    assert ws.suggestions.daily_list(limit=10)  # today, before the period, is normal


def test_only_approved_messages_for_the_specialty_and_channel(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    messages = {m.id: m for m in ws.messages.all()}
    suggestions = ws.suggestions.daily_list(limit=60)
    assert len(suggestions) >= 20
    for s in suggestions:
        specialty = ws.hcps.get(s.hcp_id).specialty
        if s.message_id is None:
            assert s.channel in (Channel.VISIT, Channel.REMOTE, Channel.PHONE)
            assert not any(
                specialty in m.specialties and s.channel.value in m.channels
                for m in messages.values()
            )
            continue
        message = messages[s.message_id]
        assert specialty in message.specialties
        assert s.channel.value in message.channels
        assert s.message_title == message.title


def test_every_suggestion_has_an_expiry_and_a_data_date(demo_workspace: Workspace) -> None:
    today = pinned_today()
    for s in demo_workspace.suggestions.daily_list(limit=10):
        assert s.due == today
        assert today < s.expires <= today + timedelta(days=14)
        assert s.data_as_of <= today
        assert s.reasons
