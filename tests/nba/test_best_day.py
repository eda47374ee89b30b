"""Suggesting the day, not only the channel: an HCP whose visits go badly on Tuesdays
(a hospital doctor's clinic day) and well on Thursdays is proposed a Thursday visit,
and "wrong timing" teaches the weekday it was given on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from fieldrep.domain.enums import Channel, DismissReason, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.config import NbaConfig
from fieldrep.segments.profiles import CHANNELS
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call
from tests.pinned_clock import today

VISIT = CHANNELS.index(Channel.VISIT)
HCP = Hcp(
    "CARD-77", "E77", "ÅSA LINDQVIST", "CARDIOLOGY", "COUNTY HOSPITAL", "BERGEN", "T3",
    decile=8, consents={},  # no consent on record: visits only
)  # fmt: skip


def _workspace(ws: Workspace) -> None:
    # six hospital doctors hold clinic on Tuesdays: enough for the territory to tell a
    # weekday effect from chance (the HCP's own weekdays are shrunk by empirical Bayes)
    hcps = [HCP, *(replace(HCP, id=f"CARD-{k}", external_id=f"E{k}") for k in range(90, 95))]
    ws.hcps.upsert_many(hcps)
    ws.suggestions.config = replace(NbaConfig(), quiet_periods=())
    assert today().weekday() == 2  # the suite's pinned Wednesday
    for h in hcps:
        for weeks in (4, 5, 6, 7):
            tuesday, thursday = 7 * weeks + 1, 7 * weeks - 1  # days ago
            log_call(ws, h.id, Channel.VISIT, days_ago=tuesday, outcome=Outcome.NEGATIVE)
            log_call(ws, h.id, Channel.VISIT, days_ago=thursday, outcome=Outcome.POSITIVE)


def test_best_day_proposes_the_weekday_that_goes_well(workspace: Workspace) -> None:
    ws = workspace
    _workspace(ws)
    now = ws.suggestions.for_hcp(HCP.id)
    week = ws.suggestions.best_day(HCP.id)
    assert now is not None and week is not None
    assert now.due == today()  # today's answer is still today's
    assert week.due.weekday() == 3  # Thursday
    assert week.due == today() + timedelta(days=1)
    assert week.channel is Channel.VISIT and week.score > now.score
    assert week.reasons[0].startswith("a better day: Thursday")


def test_best_day_from_a_sunday_never_proposes_the_bad_weekday(workspace: Workspace) -> None:
    ws = workspace
    _workspace(ws)
    sunday = date(2026, 11, 29)
    week = ws.suggestions.best_day(HCP.id, today=sunday)
    assert week is not None
    assert week.due.weekday() < 5 and week.due.weekday() != 1  # not a weekend, not Tuesday
    assert sunday < week.due <= sunday + timedelta(days=7)


def test_wrong_timing_teaches_the_weekday(workspace: Workspace) -> None:
    ws = workspace
    ws.hcps.upsert_many([replace(HCP, id="CARD-78")])
    ws.suggestions.config = replace(NbaConfig(), quiet_periods=())
    s = ws.suggestions.for_hcp("CARD-78")
    assert s is not None and s.channel is Channel.VISIT
    ws.suggestions.dismiss(s, DismissReason.WRONG_TIMING)
    t = ws.suggestions.territory(today())
    i = t.row("CARD-78")
    assert t.fb_timing_fail[i, VISIT, today().weekday()] > 0
    assert t.fb_timing_fail[i].sum() == t.fb_timing_fail[i, VISIT, today().weekday()]
    # after the 7-day hold, the same weekday scores lower than the day after it
    wednesday = today() + timedelta(days=7)
    same_day = ws.suggestions.for_hcp("CARD-78", today=wednesday)
    day_after = ws.suggestions.for_hcp("CARD-78", today=wednesday + timedelta(days=1))
    assert same_day is not None and day_after is not None
    assert same_day.score < day_after.score
