"""Review finding: every path that creates a call note checks the territory."""

from __future__ import annotations

from tests.server.world import Api, note_fields


def test_a_conflict_copy_cannot_move_a_note_to_an_hcp_outside_the_territory(api: Api) -> None:
    laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
    assert laptop.send("call_note", "n1", **note_fields("h-n1"))["status"] == "applied"
    assert laptop.send("call_note", "n1", "update", 1, hcp_id="h-n2")["status"] == "applied"
    # hcp_id changed on another device after base 1: it conflicts and would go to a copy.
    result = desktop.send("call_note", "n1", "update", 1, hcp_id="h-s1")
    assert result["status"] == "rejected"
    assert "not in your territory" in result["reason"]
    desktop.sync_down()
    assert all(r.get("hcp_id") != "h-s1" for r in desktop.records.values())


def test_an_hcp_update_without_the_preferred_channel_leaves_it_alone(api: Api) -> None:
    rep = api.login("rep1")
    assert rep.send("hcp", "h-n1", "update", preferred_channel="phone")["status"] == "applied"
    result = rep.send("hcp", "h-n1", "update")  # no fields: nothing to change
    assert result["status"] == "applied"
    rep.sync_down()
    assert rep.records[("hcp", "h-n1")]["preferred_channel"] == "phone"
