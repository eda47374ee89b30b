"""A segment hint follows the calls logged after the last refit (a stranger saw it lag
the history until the next refit), while a refit's estimate is kept as long as nothing
new was logged, and a rep's correction always wins."""

from __future__ import annotations

from fieldrep.demo import demo_catalogue_documents
from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.workspace import Workspace
from tests.nba.helpers import log_call

HCP = Hcp(
    "GER-1", "E1", "MARTA O'NEILL", "GERIATRICS", "ELM HOUSE", "DULUTH", "T2", decile=4,
    consents={"email": True, "remote": True},
)  # fmt: skip


def _setup(ws: Workspace) -> None:
    ws.messages.store_documents(demo_catalogue_documents())
    ws.hcps.upsert_many([HCP])


def test_hint_counts_calls_logged_after_the_refit(workspace: Workspace) -> None:
    ws = workspace
    _setup(ws)
    for days in (90, 60, 30):
        log_call(ws, HCP.id, Channel.VISIT, days_ago=days)
    assert ws.segment_hints.refit() == 1
    refitted = ws.segment_hints.for_hcp(HCP.id)
    assert refitted.evidence[-1] == "Based on 3 contacts on record."
    assert ws.segment_hints.for_hcp(HCP.id).mix.weights == refitted.mix.weights  # kept

    for days in (20, 14, 7, 2):
        log_call(ws, HCP.id, Channel.EMAIL, days_ago=days)
    now = ws.segment_hints.for_hcp(HCP.id)  # no refit in between
    assert now.evidence[-1] == "Based on 7 contacts on record."
    assert any("4 of 7" in line or "of 7 contacts by" in line for line in now.evidence)
    assert now.mix.weights != refitted.mix.weights
    assert now.source == "estimate"


def test_not_enough_contacts_turns_into_a_hint_with_the_third_call(workspace: Workspace) -> None:
    ws = workspace
    _setup(ws)
    for days in (40, 20):
        log_call(ws, HCP.id, Channel.REMOTE, days_ago=days)
    ws.segment_hints.refit()
    assert ws.segment_hints.for_hcp(HCP.id).top == []  # "not enough contacts to tell"
    log_call(ws, HCP.id, Channel.REMOTE, days_ago=1)
    hint = ws.segment_hints.for_hcp(HCP.id)
    assert len(hint.top) == 2
    assert hint.evidence[-1] == "Based on 3 contacts on record."


def test_a_rep_correction_still_wins_after_new_calls(workspace: Workspace) -> None:
    ws = workspace
    _setup(ws)
    ws.segment_hints.correct(HCP.id, {"digital_first": 1.0})
    log_call(ws, HCP.id, Channel.VISIT, days_ago=1)
    hint = ws.segment_hints.for_hcp(HCP.id)
    assert hint.source == "rep" and hint.mix.weights == {"digital_first": 1.0}
