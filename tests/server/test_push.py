"""Push: each mutation applied exactly once; rejections have reasons and block nothing."""

from __future__ import annotations

from fieldrep.sync.protocol import MAX_PUSH_BATCH
from tests.server.world import Api, mutation, note_fields


def test_a_replayed_push_is_acknowledged_as_duplicate_and_not_applied_twice(api: Api) -> None:
    device = api.login("rep1")
    batch = [
        mutation(1, "call_note", "n1", **note_fields("h-n1")),
        mutation(2, "call_note", "n1", "update", 1, insights="Second thoughts."),
    ]
    first = device.push(*batch)
    assert [r["status"] for r in first] == ["applied", "applied"]
    replay = device.push(*batch)
    assert [r["status"] for r in replay] == ["duplicate", "duplicate"]
    assert [r["original_status"] for r in replay] == ["applied", "applied"]
    assert [r["version"] for r in replay] == [1, 2]
    changes = [c for c in device.sync_down() if c["entity_id"] == "n1"]
    assert [c["version"] for c in changes] == [1, 2]  # two writes, not four
    assert device.records[("call_note", "n1")]["insights"] == "Second thoughts."


def test_a_replay_of_a_rejected_mutation_still_says_why(api: Api) -> None:
    device = api.login("rep1")
    first = device.push(mutation(1, "call_note", "n1", **note_fields("h-s1")))
    assert first[0]["status"] == "rejected"
    replay = device.push(mutation(1, "call_note", "n1", **note_fields("h-s1")))
    assert replay[0]["status"] == "duplicate"
    assert replay[0]["original_status"] == "rejected"
    assert replay[0]["reason"] == first[0]["reason"]


def test_a_rejection_never_blocks_the_mutations_after_it(api: Api) -> None:
    device = api.login("rep1")
    results = device.push(
        mutation(1, "call_note", "n1", **note_fields("h-n1", channel="carrier-pigeon")),
        mutation(2, "call_note", "n2", **note_fields("h-n2")),
        mutation(3, "suggestion_feedback", "f1", "update", comment="edit"),
        mutation(4, "visit_plan", "p1", hcp_id="h-n3", planned_date="2026-03-03"),
    )
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected", "applied"]
    assert "channel" in results[0]["reason"]
    assert "append-only" in results[2]["reason"]
    assert device.handshake().json()["last_applied_seq"] == 4
    assert device.ids("call_note") == set() and {"n2"} <= {
        c["entity_id"] for c in device.sync_down()
    }


def test_a_batch_mixing_replays_and_new_mutations_applies_only_the_new(api: Api) -> None:
    device = api.login("rep1")
    device.push(mutation(1, "call_note", "n1", **note_fields("h-n1")))
    results = device.push(
        mutation(1, "call_note", "n1", **note_fields("h-n1")),
        mutation(2, "call_note", "n2", **note_fields("h-n2")),
    )
    assert [r["status"] for r in results] == ["duplicate", "applied"]


def test_two_devices_have_independent_sequences(api: Api) -> None:
    laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
    assert (
        laptop.push(mutation(1, "call_note", "n1", **note_fields("h-n1")))[0]["status"] == "applied"
    )
    assert (
        desktop.push(mutation(1, "call_note", "n2", **note_fields("h-n2")))[0]["status"]
        == "applied"
    )


def test_push_with_another_devices_id_is_forbidden(api: Api) -> None:
    device = api.login("rep1", "laptop")
    api.login("rep1", "desktop")
    response = api.http.post(
        "/api/v1/sync/push",
        json={"device_id": "desktop", "mutations": []},
        headers=device.headers,
    )
    assert response.status_code == 403


def test_an_oversized_batch_is_refused_whole(api: Api) -> None:
    device = api.login("rep1")
    too_many = [
        mutation(i, "call_note", f"n{i}", **note_fields("h-n1"))
        for i in range(1, MAX_PUSH_BATCH + 2)
    ]
    response = device.push_raw(too_many)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert device.handshake().json()["last_applied_seq"] == 0
