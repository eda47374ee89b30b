"""A device that pushes a record only the server writes (a catalogue, a contact) gets
that mutation rejected with a reason, not a 500 (a catalogue push was a KeyError), and
the rest of its batch still applies."""

from __future__ import annotations

import pytest

from tests.server.world import Api, mutation, note_fields


@pytest.mark.parametrize("entity", ["catalogue", "hcp_contact"])
def test_pushing_a_server_only_record_is_rejected_and_the_rest_applies(
    api: Api, entity: str
) -> None:
    device = api.login("rep1")
    device.handshake()
    response = device.push_raw(
        [
            mutation(1, entity, "products", hcp_id="h-n1"),
            mutation(2, "call_note", "note-1", **note_fields("h-n1")),
        ]
    )
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["status"] == "rejected"
    assert first["reason"] == f"A device cannot send {entity} records; the server sends them."
    assert second["status"] == "applied"
