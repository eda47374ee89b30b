"""An old (or too new) client gets 426 update_required before any data moves."""

from __future__ import annotations

from fieldrep.sync.protocol import MAX_CLIENT_SCHEMA, MIN_PROTOCOL_VERSION, PROTOCOL_HEADER
from tests.server.world import Api, mutation, note_fields


def test_handshake_with_an_older_protocol_gets_update_required(api: Api) -> None:
    device = api.login("rep1")
    response = device.handshake(protocol=MIN_PROTOCOL_VERSION - 1)
    assert response.status_code == 426
    assert response.json()["code"] == "update_required"
    assert "Update the app" in response.json()["message"]


def test_update_required_comes_before_the_token_is_checked(api: Api) -> None:
    body = {"protocol_version": 0, "schema_version": 5, "device_id": "d"}
    response = api.http.post("/api/v1/sync/handshake", json=body)
    assert response.status_code == 426


def test_schema_outside_the_supported_range_gets_update_required(api: Api) -> None:
    device = api.login("rep1")
    assert device.handshake(schema=MAX_CLIENT_SCHEMA + 1).status_code == 426
    assert device.handshake(schema=0).status_code == 426
    assert device.handshake().status_code == 200


def test_push_from_an_old_protocol_is_refused_and_applies_nothing(api: Api) -> None:
    device = api.login("rep1")
    old = {**device.headers, PROTOCOL_HEADER: "0"}
    body = {
        "device_id": device.device_id,
        "mutations": [mutation(1, "call_note", "n1", **note_fields("h-n1"))],
    }
    response = api.http.post("/api/v1/sync/push", json=body, headers=old)
    assert response.status_code == 426
    assert response.json()["code"] == "update_required"
    assert ("call_note", "n1") not in {(c["entity"], c["entity_id"]) for c in device.sync_down()}
    # The outbox survives on the client: the same mutation goes up once it is updated.
    assert device.push(body["mutations"][0])[0]["status"] == "applied"


def test_pull_from_an_old_protocol_is_refused(api: Api) -> None:
    device = api.login("rep1")
    old = {**device.headers, PROTOCOL_HEADER: "0"}
    response = api.http.get("/api/v1/sync/pull", params={"since": 0}, headers=old)
    assert response.status_code == 426
