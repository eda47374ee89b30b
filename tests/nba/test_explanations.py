"""Explanations: every stated reason is a part of the score that really raised it."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from fieldrep.domain.enums import Channel, Outcome
from fieldrep.nba.explain import contributions, reasons_for
from fieldrep.nba.logistic import sigmoid
from fieldrep.nba.scoring import score_territory
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today
from tests.pinned_clock import today as pinned_today

PART_FIELDS = {
    "segment_channel": "segment_channel",
    "preferred": "preferred",
    "channel_history": "channel_history",
    "segment_theme": "segment_theme",
    "recency": "recency",
}


def _score_without(table, part: str, i: int, c: int, reference: float) -> float:  # type: ignore[no-untyped-def]
    """Score of candidate (i, c) recomputed with one part set back to its reference."""
    if part == "value":
        changed = replace(table, value=np.full_like(table.value, reference))
    elif part == "theme_history":
        zero = np.zeros_like(table.theme_history)
        changed = replace(table, theme_history=zero, theme_global=zero)
    else:
        field = PART_FIELDS[part]
        changed = replace(table, **{field: np.zeros_like(getattr(table, field))})
    return float(changed.value[i] * sigmoid(changed.logit()[i, c]) - table.cost[c])


def test_each_reason_is_a_part_that_really_raised_the_score(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    today = pinned_today()
    t = ws.suggestions.territory(today)
    table = score_territory(t, today, ws.suggestions.config)
    reference = float(table.value.mean())
    checked = 0
    for s in ws.suggestions.daily_list(limit=15):
        i, c = t.row(s.hcp_id), list(Channel).index(s.channel)
        reasons = reasons_for(t, table, i, c, reference)
        assert [r.text for r in reasons] == [r for r in s.reasons if not r.startswith("exploring")]
        amounts = [r.contribution for r in reasons]
        assert amounts == sorted(amounts, reverse=True)
        full = float(table.score[i, c])
        for r in reasons:
            drop = full - _score_without(table, r.part, i, c, reference)
            assert drop == pytest.approx(r.contribution, abs=1e-9)
            assert drop > 0
            checked += 1
        parts = contributions(table, i, c, reference)
        assert reasons[0].contribution == max(parts.values())
    assert checked >= 15


def test_recency_reason_states_the_real_days_since_contact(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    today = pinned_today()
    found = 0
    for s in ws.suggestions.daily_list(limit=30):
        stated = [r for r in s.reasons if r.startswith("no contact for")]
        if not stated:
            continue
        last = max(n.started_at.date() for n in ws.calls.for_hcp(s.hcp_id))
        assert stated[0] == f"no contact for {(today - last).days} days"
        found += 1
    assert found >= 3


def test_channel_reason_counts_the_hcps_own_outcomes(workspace: Workspace) -> None:
    from fieldrep.demo import demo_hcps, import_demo

    import_demo(workspace)  # catalogues + HCPs; we add our own history on top
    hcp = demo_hcps()[0]
    for days in (40, 50, 60, 70):
        log_call(workspace, hcp.id, Channel.REMOTE, days_ago=days, outcome=Outcome.POSITIVE)
    s = workspace.suggestions.for_hcp(hcp.id)
    assert s is not None
    if s.channel is Channel.REMOTE:
        assert any("of" in r and "remote calls went well" in r for r in s.reasons)
    t = workspace.suggestions.territory(today())
    table = score_territory(t, today(), workspace.suggestions.config)
    i, c = t.row(hcp.id), list(Channel).index(Channel.REMOTE)
    texts = [r.text for r in reasons_for(t, table, i, c, float(table.value.mean()))]
    # every outcome counted, however faded by age (the demo's own two included)
    positives = math.ceil(t.history.channel_pos[i, c] - 1e-9)
    total = math.ceil(t.history.channel_n[i, c] - 1e-9)
    assert total >= 4 and f"{positives} of {total} remote calls went well" in texts


def test_a_channel_reason_never_claims_what_did_not_happen(workspace: Workspace) -> None:
    """A stranger read "you accepted visits for this HCP before" where nobody had accepted
    anything: that was the sentence for any lift without a whole outcome behind it."""
    from fieldrep.demo import demo_hcps, import_demo

    import_demo(workspace)
    template = demo_hcps()[0]
    fresh, old = (replace(template, id=i, external_id=i) for i in ("H-FRESH", "H-OLD"))
    workspace.hcps.upsert_many([fresh, old])
    log_call(workspace, old.id, Channel.VISIT, days_ago=400, outcome=Outcome.POSITIVE)
    t = workspace.suggestions.territory(today())
    table = score_territory(t, today(), workspace.suggestions.config)
    c = list(Channel).index(Channel.VISIT)
    lifted = replace(table, channel_history=np.full_like(table.channel_history, 1.0))

    def channel_reason(hcp_id: str) -> str:
        reasons = reasons_for(t, lifted, t.row(hcp_id), c, float(table.value.mean()))
        return next(r.text for r in reasons if r.part == "channel_history")

    assert t.history.channel_n[t.row(old.id), c] < 1  # a year-old outcome weighs less
    assert channel_reason(old.id) == "1 of 1 visit went well"
    assert channel_reason(fresh.id) == "little is known of visits with this HCP yet: worth trying"
