"""The daily list follows the rep's day per channel: visit and remote slots, an e-mail
batch, never one pool of minutes that cheap e-mails fill."""

from __future__ import annotations

from collections import Counter

from fieldrep.domain.enums import Channel
from fieldrep.workspace import Workspace


def test_each_channel_stays_within_its_slots(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    slots = ws.suggestions.config.daily_slots
    listed = ws.suggestions.daily_list(limit=32)
    per_channel = Counter(s.channel for s in listed)
    assert all(per_channel[c] <= slots.get(c, 0) for c in Channel)
    assert per_channel[Channel.EMAIL] <= slots[Channel.EMAIL]
    assert len({s.hcp_id for s in listed}) == len(listed)


def test_the_reps_own_slots_shape_the_list(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    visits_only = dict.fromkeys(Channel, 0) | {Channel.VISIT: 8}
    listed = ws.suggestions.daily_list(limit=10, slots=visits_only)
    assert listed and {s.channel for s in listed} == {Channel.VISIT}
    assert len(listed) <= 8
    more_email = ws.suggestions.daily_list(limit=30, slots={Channel.EMAIL: 12})
    emails = sum(s.channel is Channel.EMAIL for s in more_email)
    assert ws.suggestions.config.daily_slots[Channel.EMAIL] < emails <= 12


def test_a_full_channel_passes_the_hcp_to_its_next_channel(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    no_visits = ws.suggestions.daily_list(limit=8, slots={Channel.VISIT: 0})
    assert no_visits and all(s.channel is not Channel.VISIT for s in no_visits)
