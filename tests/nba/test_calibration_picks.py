"""The chance shown is corrected by how the engine's own picks went (the winner's curse):
a suggestion's id carries the chance it was given, a call logged on it carries the id,
and picks that did worse than they said lower the chance shown for the next ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.errors import ValidationError
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.calibration import fit_picks
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.ids import SuggestionKey, parse_suggestion_id, suggestion_id
from fieldrep.workspace import Workspace
from tests.pinned_clock import today

ALL = {"visit": True, "remote": True, "phone": True, "email": True, "event": True}


def test_an_id_carries_the_chance_and_old_ids_still_parse() -> None:
    key = SuggestionKey("a~b", Channel.EMAIL, "M-1", date(2026, 12, 31), date(2026, 12, 30), 0.4126)
    text = suggestion_id(key)
    assert text == "a~b~email~M-1~2026-12-31~2026-12-30~p413"
    back = parse_suggestion_id(text)
    assert back.hcp_id == "a~b" and back.chance == pytest.approx(0.413)
    old = parse_suggestion_id("hcp-1~visit~-~2026-12-31~2026-12-30")
    assert old.chance is None and old.message_id is None
    with pytest.raises(ValidationError):
        parse_suggestion_id("hcp-1~p413")


def test_picks_that_did_worse_than_stated_pull_the_chance_down() -> None:
    rng = np.random.default_rng(5)
    stated = rng.uniform(0.5, 0.8, 400)
    went_well = (rng.random(400) < stated - 0.2).astype(float)  # 0.2 below what was said
    a, b = fit_picks(stated, np.ones(400), went_well, NbaConfig())
    shown = 1 / (1 + np.exp(-(a + b * np.log(stated / (1 - stated)))))
    assert abs(shown.mean() - went_well.mean()) < 0.03
    assert fit_picks(stated[:2], np.ones(2), went_well[:2], NbaConfig()) == (0.0, 1.0)


def test_outcomes_of_the_engines_own_picks_correct_the_chance_shown(workspace: Workspace) -> None:
    ws = workspace
    hcps = [
        Hcp(
            f"FM-{i:02d}",
            f"E{i}",
            f"DR FAMILY {i}",
            "FAMILY MEDICINE",
            "PRACTICE",
            "AUSTIN",
            "T5",
            decile=5 + i % 6,
            consents=ALL,
        )  # fmt: skip
        for i in range(24)
    ]
    ws.hcps.upsert_many(hcps)
    ws.suggestions.config = replace(NbaConfig(), quiet_periods=())
    first = ws.suggestions.for_hcp(hcps[0].id)
    assert first is not None and parse_suggestion_id(first.id).chance is not None
    # 60 earlier picks, each logged on its suggestion id with a stated 0.80; 1 in 5 went well
    for k in range(60):
        h = hcps[k % len(hcps)]
        day = today() - timedelta(days=200 - 3 * k)
        key = SuggestionKey(h.id, Channel.PHONE, None, day, day - timedelta(days=1), 0.8)
        started = datetime.combine(day, time(11, 0)).astimezone()
        ws.calls.log(
            CallDraft(
                h.id, Channel.PHONE, started, suggestion_id=suggestion_id(key),
                outcome=Outcome.POSITIVE if k % 5 == 0 else Outcome.NEGATIVE,
            ),
            submit=True,
        )  # fmt: skip
    after = ws.suggestions.for_hcp(hcps[0].id)
    assert after is not None
    t = ws.suggestions.territory(today())
    assert np.isclose(t.history.call_rows[:, 7], 0.8).sum() == 60
    a_picks, _ = _picks(ws)
    assert a_picks < -0.5  # the picks' correction pulls down
    assert 0.0 < after.chance < 0.5


def _picks(ws: Workspace) -> tuple[float, float]:
    from fieldrep.nba.learning import posteriors

    post = posteriors(ws.suggestions.territory(today()), ws.suggestions.config)
    return post.calibration[3], post.calibration[4]
