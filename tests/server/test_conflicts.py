"""Conflict rules per record type (DESIGN.md section 4; docs/sync-protocol.md)."""

from __future__ import annotations

from tests.server.world import Api, note_fields


def _draft_on_two_devices(api: Api) -> tuple:  # type: ignore[type-arg]
    laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
    assert laptop.send("call_note", "n1", **note_fields("h-n1"))["version"] == 1
    desktop.sync_down()
    laptop.sync_down()
    return laptop, desktop


def test_same_field_edits_keep_the_servers_value_and_a_visible_conflict_copy(api: Api) -> None:
    laptop, desktop = _draft_on_two_devices(api)
    assert (
        laptop.send("call_note", "n1", "update", 1, insights="Laptop text")["status"] == "applied"
    )
    result = desktop.send("call_note", "n1", "update", 1, insights="Desktop text")
    assert result["status"] == "applied"
    copy_id = result["conflict_copy_id"]
    assert copy_id and "insights" in result["reason"]
    for device in (laptop, desktop):
        device.sync_down()
        assert device.records[("call_note", "n1")]["insights"] == "Laptop text"
        copy = device.records[("call_note", copy_id)]
        assert copy["insights"] == "Desktop text"
        assert copy["conflict_of"] == "n1"
        assert copy["status"] == "draft"


def test_edits_to_different_fields_from_two_devices_are_both_kept(api: Api) -> None:
    laptop, desktop = _draft_on_two_devices(api)
    laptop.send("call_note", "n1", "update", 1, insights="Laptop text")
    result = desktop.send("call_note", "n1", "update", 1, outcome="positive")
    assert result["conflict_copy_id"] is None and result["version"] == 3
    desktop.sync_down()
    note = desktop.records[("call_note", "n1")]
    assert (note["insights"], note["outcome"]) == ("Laptop text", "positive")


def test_a_device_never_conflicts_with_its_own_earlier_edits(api: Api) -> None:
    laptop, _ = _draft_on_two_devices(api)
    laptop.send("call_note", "n1", "update", 1, insights="First")
    second = laptop.send("call_note", "n1", "update", 1, insights="Second")
    assert second["conflict_copy_id"] is None
    laptop.sync_down()
    assert laptop.records[("call_note", "n1")]["insights"] == "Second"


def test_the_conflict_winner_is_deterministic_server_order(api: Api) -> None:
    laptop, desktop = _draft_on_two_devices(api)
    desktop.send("call_note", "n1", "update", 1, insights="Desktop first")
    result = laptop.send("call_note", "n1", "update", 1, insights="Laptop second")
    laptop.sync_down()
    assert laptop.records[("call_note", "n1")]["insights"] == "Desktop first"
    assert laptop.records[("call_note", result["conflict_copy_id"])]["insights"] == "Laptop second"


def test_a_submitted_note_is_locked(api: Api) -> None:
    laptop, desktop = _draft_on_two_devices(api)
    laptop.send("call_note", "n1", "update", 1, status="submitted",
                submitted_at="2026-03-02T11:00:00+00:00")  # fmt: skip
    edit = desktop.send("call_note", "n1", "update", 1, insights="Too late")
    assert edit["status"] == "rejected"
    assert "submitted" in edit["reason"] and "locked" in edit["reason"]
    same_submit = desktop.send("call_note", "n1", "update", 1, status="submitted",
                               submitted_at="2026-03-02T11:00:00+00:00")  # fmt: skip
    assert same_submit["status"] == "applied"  # no change: not an edit
    delete = laptop.send("call_note", "n1", "delete", 2)
    assert delete["status"] == "rejected"


def test_visit_plans_merge_field_by_field_in_server_order(api: Api) -> None:
    laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
    laptop.send("visit_plan", "p1", hcp_id="h-n1", planned_date="2026-03-03", notes="Bring samples")
    laptop.send("visit_plan", "p1", "update", 1, planned_date="2026-03-05", planned_time="09:30")
    desktop.send("visit_plan", "p1", "update", 1, notes="Ask about trial", route_order=2)
    desktop.send("visit_plan", "p1", "update", 1, planned_time="14:00")
    desktop.sync_down()
    plan = desktop.records[("visit_plan", "p1")]
    assert plan["planned_date"] == "2026-03-05"  # laptop's field survives
    assert plan["notes"] == "Ask about trial" and plan["route_order"] == 2
    assert plan["planned_time"] == "14:00"  # same field: the later push wins
    assert plan["version"] == 4


def test_suggestion_feedback_is_append_only(api: Api) -> None:
    device = api.login("rep1")
    fields = {"suggestion_id": "s1", "hcp_id": "h-n1", "action": "dismissed",
              "created_at": "2026-03-02T10:00:00+00:00", "reason": "wrong_timing"}  # fmt: skip
    assert device.send("suggestion_feedback", "f1", **fields)["status"] == "applied"
    assert (
        device.send("suggestion_feedback", "f1", "update", 1, comment="x")["status"] == "rejected"
    )
    assert device.send("suggestion_feedback", "f1", "delete", 1)["status"] == "rejected"
    assert (
        device.send("suggestion_feedback", "f2", **{**fields, "action": "snoozed"})["status"]
        == "applied"
    )


def test_hcp_master_data_is_server_owned_but_the_preferred_channel_is_the_reps(api: Api) -> None:
    device = api.login("rep1")
    renamed = device.send("hcp", "h-n1", "update", 1, name="Someone else")
    assert renamed["status"] == "rejected" and "preferred channel" in renamed["reason"]
    mixed = device.send("hcp", "h-n1", "update", 1, preferred_channel="phone", tier="A")
    assert mixed["status"] == "rejected"
    assert device.send("hcp", "h-n1", "create", None, name="x")["status"] == "rejected"
    channel = device.send("hcp", "h-n1", "update", 1, preferred_channel="remote")
    assert channel["status"] == "applied" and channel["version"] == 2
    colleague = api.login("rep1", "second-laptop")
    colleague.sync_down()
    assert colleague.records[("hcp", "h-n1")]["preferred_channel"] == "remote"


def test_a_segment_mix_correction_syncs_to_the_reps_other_device(api: Api) -> None:
    laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
    mix = {"weights": {"evidence-seeker": 0.7, "relationship": 0.3}, "confidence": 1.0,
           "source": "rep", "evidence": ["Corrected by the rep"]}  # fmt: skip
    assert laptop.send("segment_mix", "h-n1", "update", None, **mix)["status"] == "applied"
    zero = {**mix, "weights": {"evidence-seeker": 0}}
    assert laptop.send("segment_mix", "h-n2", "update", None, **zero)["status"] == "rejected"
    desktop.sync_down()
    assert desktop.records[("segment_mix", "h-n1")]["weights"]["evidence-seeker"] == 0.7
