"""Search forgives a mistyped name and says when an HCP was found another way."""

from __future__ import annotations

from fieldrep.services.hcp_search import NOTES, SIMILAR
from fieldrep.workspace import Workspace


def test_a_misspelt_surname_finds_the_hcp_by_a_similar_name(demo_workspace: Workspace) -> None:
    hits = demo_workspace.hcps.search_hits("kowalsky", limit=20)
    assert hits and all(h.hcp.name.endswith("Kowalski") for h in hits)
    assert {h.matched for h in hits} == {SIMILAR}


def test_a_misspelt_word_narrows_with_a_correct_one(demo_workspace: Workspace) -> None:
    [hit] = demo_workspace.hcps.search_hits("maria kowalsky", limit=20)
    assert hit.hcp.name == "Maria Kowalski"


def test_a_title_and_a_first_name_find_the_hcp(demo_workspace: Workspace) -> None:
    hits = demo_workspace.hcps.search_hits("Dr. Maria", limit=50)
    assert hits and all(h.hcp.name.startswith("Maria") for h in hits)


def test_a_correct_name_is_never_replaced_by_a_similar_one(demo_workspace: Workspace) -> None:
    hits = demo_workspace.hcps.search_hits("kowalski", limit=20)
    assert {h.matched for h in hits} == {"surname"}


def test_notes_only_matches_say_so(demo_workspace: Workspace) -> None:
    ranked = demo_workspace.hcps.search_ranked("renal", limit=20)
    assert ranked and {why for _, why in ranked} <= {NOTES, "practice or city", "specialty"}
