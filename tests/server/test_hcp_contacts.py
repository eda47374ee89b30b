"""A realigned HCP's calls reach its new rep as contacts (dates, channels, messages,
outcomes; never the note's text), so the new rep's gaps and caps start from what
happened, not from nothing. A late note the old rep submits follows. Devices that
speak protocol 3 or older never see the new entity."""

from __future__ import annotations

from fieldrep.sync.protocol import HCP_CONTACT_FIELDS
from tests.server.imports import run
from tests.server.world import Api, mutation, note_fields


def _contacts(
    device_records: dict[tuple[str, str], dict[str, object]],
) -> dict[str, dict[str, object]]:
    return {i: data for (entity, i), data in device_records.items() if entity == "hcp_contact"}


def test_a_realigned_hcps_calls_reach_the_new_rep_as_contacts(api: Api, database_url: str) -> None:
    north = api.login("rep1")
    north.handshake()
    called = note_fields("h-n1", status="submitted", insights="Asked about renal dosing.")
    draft = note_fields("h-n1", insights="Finishing this one on the train.")
    other_hcp = note_fields("h-n2", status="submitted")
    results = north.push(
        mutation(1, "call_note", "note-called", **called),
        mutation(2, "call_note", "note-draft", **draft),
        mutation(3, "call_note", "note-other", **other_hcp),
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    south, old_south = api.login("rep2"), api.login("rep2", "rep2-old-laptop")
    south.handshake()
    old_south.handshake(protocol=3)
    south.sync_down()
    assert _contacts(south.records) == {}  # nothing shared while rep1 holds the HCP

    assert run(database_url, "assign", "--hcp", "h-n1", "--territory", "T-SOUTH") == 0
    south.sync_down()
    contact = _contacts(south.records)["note-called"]
    assert set(contact) == {*HCP_CONTACT_FIELDS, "version"}
    assert (contact["hcp_id"], contact["author"], contact["channel"]) == ("h-n1", "rep1", "visit")
    assert contact["started_at"] == called["started_at"]
    assert contact["outcome"] == "neutral" and contact["products"] == ["Cardiovex"]
    assert "insights" not in contact
    assert set(_contacts(south.records)) == {"note-called"}  # not the draft, not h-n2's
    assert not south.ids("call_note")  # the notes themselves stay rep1's

    # the old rep submits the draft late (it was written before the realignment)
    [result] = north.push(
        mutation(4, "call_note", "note-draft", "update", base_version=1, status="submitted")
    )
    assert result["status"] == "applied", result
    south.sync_down()
    assert set(_contacts(south.records)) == {"note-called", "note-draft"}

    # a device on protocol 3 would fail to read the new entity: it is left out
    old_south.sync_down()
    assert "h-n1" in old_south.ids("hcp") and _contacts(old_south.records) == {}
    north.sync_down()
    west = api.login("rep3")
    west.handshake()
    west.sync_down()
    assert _contacts(north.records) == {} and _contacts(west.records) == {}


def test_moving_an_hcp_with_no_calls_shares_nothing(api: Api, database_url: str) -> None:
    south = api.login("rep2")
    south.handshake()
    assert run(database_url, "assign", "--hcp", "h-n3", "--territory", "T-SOUTH") == 0
    south.sync_down()
    assert "h-n3" in south.ids("hcp") and _contacts(south.records) == {}
