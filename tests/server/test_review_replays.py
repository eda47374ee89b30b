"""Review finding: a pushed mutation with a reused sequence number is not a replay."""

from __future__ import annotations

from tests.server.world import Api, mutation, note_fields


def test_a_reused_sequence_number_with_another_mutation_is_not_acknowledged(api: Api) -> None:
    """A restored or copied data folder numbers new changes from an old seq: those are new
    mutations, not replays, and must never be answered `duplicate` (the client would drop
    them)."""
    device = api.login("rep1")
    assert device.push(mutation(1, "call_note", "n1", **note_fields("h-n1")))[0]["status"] == (
        "applied"
    )
    other = {**mutation(1, "call_note", "n2", **note_fields("h-n2")), "mutation_id": "other"}
    result = device.push(other)[0]
    assert result["status"] == "rejected"
    assert "restored" in result["reason"]
    # A gap the server never saw, arriving after later seqs, is not a replay either: it is
    # new, so it is applied (issue 14: it used to be refused as "restored from a backup").
    assert device.push(mutation(5, "call_note", "n3", **note_fields("h-n3")))[0]["status"] == (
        "applied"
    )
    late = device.push(mutation(3, "call_note", "n4", **note_fields("h-n1")))[0]
    assert late["status"] == "applied"
    # The genuine replay is still acknowledged as a duplicate.
    again = device.push(mutation(1, "call_note", "n1", **note_fields("h-n1")))[0]
    assert (again["status"], again["original_status"]) == ("duplicate", "applied")
