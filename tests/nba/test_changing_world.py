"""Suggestions that follow a changing world: messages wear out on any channel, a "not
relevant" dismissal teaches about the product, old evidence fades, and the chance shown
is a probability in words a rep reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np

from fieldrep.domain.enums import Channel, DismissReason, Outcome
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.learning import learned_wear, posteriors
from fieldrep.nba.model import chance_in_words
from fieldrep.segments.history import ContactHistory
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today


def test_a_message_given_face_to_face_is_not_emailed_again_the_same_day(
    demo_workspace: Workspace,
) -> None:
    ws = demo_workspace
    emails = [  # to HCPs who can be visited, so the visit can be logged
        s for s in ws.suggestions.daily_list(limit=30, slots={Channel.EMAIL: 30})
        if s.channel is Channel.EMAIL and ws.hcps.get(s.hcp_id).consents.get("visit")
    ]  # fmt: skip
    assert emails
    for s in emails[:5]:
        assert s.message_id is not None
        log_call(ws, s.hcp_id, Channel.VISIT, messages=(s.message_id,))
        again = ws.suggestions.for_hcp(s.hcp_id)
        assert again is None or again.message_id != s.message_id


def test_not_relevant_teaches_about_the_product_for_that_hcp(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    s = next(x for x in ws.suggestions.daily_list(limit=20) if x.message_id)
    t = ws.suggestions.territory(today())
    i = t.row(s.hcp_id)
    product = int(t.messages.product[t.messages.ids.index(s.message_id or "")])
    before = posteriors(t, ws.suggestions.config).product_history()[i, product]
    ws.suggestions.dismiss(s, DismissReason.NOT_RELEVANT)
    t = ws.suggestions.territory(today())
    post = posteriors(t, ws.suggestions.config)
    assert post.product_history()[i, product] < before
    other = (i + 1) % t.n
    assert t.fb_product_fail[other].sum() == 0  # no other HCP is taught


def test_old_outcomes_count_less_than_recent_ones(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp = ws.suggestions.daily_list(limit=1)[0].hcp_id
    t0 = ws.suggestions.territory(today())
    i = t0.row(hcp)
    # visits (a call log needs no consent for them)
    log_call(ws, hcp, Channel.VISIT, days_ago=400, outcome=Outcome.POSITIVE)
    log_call(ws, hcp, Channel.VISIT, days_ago=20, outcome=Outcome.POSITIVE)
    t1 = ws.suggestions.territory(today())
    added = t1.history.channel_n[i] - t0.history.channel_n[i]
    visit = list(Channel).index(Channel.VISIT)
    assert 1.3 < added[visit] < 1.5  # ~0.96 for the recent one, ~0.47 for the old one
    forever = replace(ws.suggestions.config, evidence_half_life_days=None)
    ws.suggestions.config = forever
    t2 = ws.suggestions.territory(today())
    assert t2.history.channel_n[i, visit] - t0.history.channel_n[i, visit] > 1.5


def test_the_chance_shown_is_a_probability_in_words(demo_workspace: Workspace) -> None:
    listed = demo_workspace.suggestions.daily_list(limit=10)
    assert all(0.0 < s.chance < 1.0 for s in listed)
    assert all("such" in s.chance_text and "go well" in s.chance_text for s in listed)
    assert chance_in_words(0.33, Channel.VISIT) == "about 1 in 3 such visits go well"
    assert chance_in_words(0.7, Channel.EMAIL) == "about 7 in 10 such emails go well"
    t = demo_workspace.suggestions.territory(today())
    calibration = posteriors(t, demo_workspace.suggestions.config).calibration
    a, b_prior, b_history, a_picks, b_picks = calibration
    assert np.isfinite(a) and b_prior > 0 and b_history >= 0
    assert (a_picks, b_picks) == (0.0, 1.0)  # the demo's calls were not made on suggestions


def test_a_suggestion_is_never_due_at_the_weekend(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    s = ws.suggestions.daily_list(limit=1)[0]
    sunday = today() + timedelta(days=6 - today().weekday() or 7)
    ws.suggestions.snooze(s, until=sunday)  # the first day it opens is a Sunday
    later = ws.suggestions.for_hcp(s.hcp_id)
    assert later is not None and later.due.weekday() < 5 and later.due > sunday
    saturday = sunday - timedelta(days=1)
    assert all(x.due.weekday() == 0 for x in ws.suggestions.daily_list(limit=5, today=saturday))


def _history_with_repeats(repeat_success: float) -> ContactHistory:
    """200 HCPs each given message 0 twice, 20 days apart: first deliveries go well half
    the time, repeats `repeat_success` of the time."""
    rows = []
    for i in range(200):
        rows.append([i, 0, 1000.0, 1.0, float(i % 2 == 0)])
        rows.append([i, 0, 1020.0, 1.0, float((i % 100) < 100 * repeat_success)])
    history = ContactHistory.empty(200)
    history.message_rows = np.array(rows)
    return history


def test_wear_out_is_learned_from_the_territorys_repeats() -> None:
    config = NbaConfig()
    harmful = learned_wear(_history_with_repeats(0.1), config)
    harmless = learned_wear(_history_with_repeats(0.5), config)
    assert harmful > config.wear_logit  # repeats fail: more wear than the prior
    assert harmless < 0.6  # repeats do as well: the prior (50 of 250 repeats) is what is left
