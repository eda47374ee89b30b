"""Search as you type: every word is a prefix, over HCP fields and call-note text."""

from __future__ import annotations

from fieldrep.services.hcp_search import fts_prefix_query
from fieldrep.workspace import Workspace
from tests.pinned_clock import local_now


def test_prefix_of_a_name_finds_the_hcp(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]
    first, last = hcp.name.split(" ", 1)
    results = demo_workspace.hcps.search(f"{first[:3]} {last[:3]}")
    assert hcp.id in {r.id for r in results}


def test_city_and_specialty_words_narrow_the_results(demo_workspace: Workspace) -> None:
    results = demo_workspace.hcps.search("cardio salem")
    assert results
    assert all(r.city == "Salem" for r in results)
    everyone_in_salem = [h for h in demo_workspace.hcps.all() if h.city == "Salem"]
    assert len(results) < len(everyone_in_salem)


def test_words_from_call_notes_find_the_hcp(demo_workspace: Workspace) -> None:
    hcp = demo_workspace.hcps.all()[0]

    from fieldrep.domain.calls import CallDraft
    from fieldrep.domain.enums import Channel

    demo_workspace.calls.log(
        CallDraft(
            hcp_id=hcp.id,
            channel=Channel.VISIT,
            started_at=local_now(),
            insights="Mentioned the zebrafish cardiotoxicity paper",
        )
    )
    assert [r.id for r in demo_workspace.hcps.search("zebraf")] == [hcp.id]


def test_punctuation_and_quotes_cannot_break_the_query(demo_workspace: Workspace) -> None:
    assert demo_workspace.hcps.search('"') == []
    assert demo_workspace.hcps.search("o'brien AND (") is not None
    assert fts_prefix_query("  ") is None
    # A quote inside a word folds like an apostrophe: the word or its two parts.
    assert fts_prefix_query('sm"ith') == '("smith"* OR ("sm" AND "ith"*))'


def test_results_are_capped(demo_workspace: Workspace) -> None:
    assert len(demo_workspace.hcps.search("dr", limit=7)) <= 7
