"""Issue 14, findings 1-10 of the attack on a real server: each one shown fixed, on
SQLite and PostgreSQL (the `database_url` fixture runs every test on both)."""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sync_server import db
from sync_server.config import Settings
from tests.server.imports import run, write
from tests.server.world import PASSWORD, Api, Device, hcp_record, mutation, note_fields

PUSH = "/api/v1/sync/push"


def push_escaped(device: Device, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
    """Push as JSON with \\u escapes, the way a hostile client sends lone surrogates."""
    body = json.dumps({"device_id": device.device_id, "mutations": list(mutations)})
    headers = {**device.headers, "Content-Type": "application/json"}
    answer = device.http.post(PUSH, content=body.encode("ascii"), headers=headers)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


# 1. A huge number in an HCP import ------------------------------------------------


def test_an_hcp_import_with_a_number_beyond_64_bits_is_refused(
    database_url: str, world: None, tmp_path: Path
) -> None:
    header = "external_id,name,territory_id,patient_volume"
    path = write(tmp_path / "h.csv", f"{header}\nX1,Dr Big,T-NORTH,100000000000000000000\n")
    assert run(database_url, "import-hcps", str(path)) == 1


def test_a_device_applies_a_page_holding_an_absurd_integer() -> None:
    """The device's side: a value SQLite cannot hold is clamped, never an OverflowError
    that stops the territory's sync on every page."""
    from sqlalchemy import Integer

    from fieldrep.sync.apply import INT64_MAX, _db_value

    column = type("Column", (), {"type": Integer(), "name": "patient_volume"})()
    assert _db_value(column, 10**20) == INT64_MAX
    assert _db_value(column, 42) == 42


# 3. Bodies: per-route caps before parsing and before authentication ------------------


def test_a_60_mib_login_is_refused_without_being_read(app_client: TestClient) -> None:
    read = 0

    def body() -> Iterator[bytes]:
        nonlocal read
        for _ in range(60 * 16):
            read += 65536
            yield b"x" * 65536

    headers = {"Content-Type": "application/json", "Content-Length": str(60 * 1024 * 1024)}
    answer = app_client.post("/api/v1/auth/login", content=body(), headers=headers)
    assert answer.status_code == 413
    assert answer.json()["code"] == "invalid"
    assert read <= 2 * 65536  # the transport may have sent a chunk; nothing was buffered


def test_a_streamed_login_body_is_cut_at_a_few_kb(app_client: TestClient) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"username": "rep1", "device_name": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    headers = {"Content-Type": "application/json"}
    assert app_client.post("/api/v1/auth/login", content=body(), headers=headers).status_code == 413


def test_a_push_without_a_token_is_refused_before_its_body_is_read(
    app_client: TestClient,
) -> None:
    read = 0

    def body() -> Iterator[bytes]:
        nonlocal read
        for _ in range(100):
            read += 65536
            yield b"x" * 65536

    answer = app_client.post(PUSH, content=body(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthorized"
    assert read <= 2 * 65536


# 5. Malformed text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"insights": "a\ud800b"}, id="surrogate-value"),
        pytest.param({"channel": "vis\x00it"}, id="nul-channel"),
        pytest.param({"ins\x00ights": "x"}, id="nul-field-name"),
        pytest.param({"\udfffx": "x"}, id="surrogate-field-name"),
    ],
)
def test_unstorable_text_rejects_that_mutation_only(api: Api, bad: dict[str, Any]) -> None:
    device = api.login("rep1")
    broken = mutation(1, "call_note", "n-bad", **{**note_fields("h-n1"), **bad})
    good = mutation(2, "call_note", "n-good", **note_fields("h-n1"))
    results = push_escaped(device, broken, good)
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "cannot store" in results[0]["reason"]


def test_a_nul_in_a_mutation_id_or_entity_id_is_not_a_500(api: Api) -> None:
    device = api.login("rep1")
    by_id = {**mutation(1, "call_note", "n1", **note_fields("h-n1")), "mutation_id": "m\x00"}
    by_entity = mutation(2, "call_note", "n\x002", **note_fields("h-n1"))
    results = device.push(by_id, by_entity, mutation(3, "call_note", "n3", **note_fields("h-n1")))
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    # The escaped mutation id still recognises its replay.
    assert device.push(by_id)[0]["status"] == "duplicate"


def test_a_nul_in_the_handshake_or_login_is_a_422(api: Api) -> None:
    device = api.login("rep1")
    body = {"protocol_version": 2, "schema_version": 5, "device_id": device.device_id,
            "client_version": "1.0\x00"}  # fmt: skip
    handshake = "/api/v1/sync/handshake"
    answer = api.http.post(handshake, content=json.dumps(body), headers=device.headers)
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid")
    for field in ("device_id", "device_name"):
        login = {"username": "rep1", "password": PASSWORD, "device_id": "d1", field: "x\x00y"}
        answer = api.http.post("/api/v1/auth/login", json=login)
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid")


def test_a_rejection_reason_never_echoes_a_huge_value(api: Api) -> None:
    device = api.login("rep1")
    result = device.send("call_note", "n1", **{**note_fields("h-n1"), "x" * 100_000: 1})
    assert result["status"] == "rejected"
    assert len(result["reason"]) <= 500


# 6. Managers and the preferred channel ------------------------------------------------


def test_a_manager_cannot_change_an_hcps_preferred_channel(api: Api) -> None:
    manager = api.login("manager1")
    result = manager.send("hcp", "h-n1", op="update", preferred_channel="email")
    assert result["status"] == "rejected"
    rep = api.login("rep1")
    assert rep.send("hcp", "h-n1", op="update", preferred_channel="email")["status"] == "applied"


# 8. File permissions -------------------------------------------------------------------


def test_the_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert name.exists()
            assert stat.S_IMODE(name.stat().st_mode) & 0o077 == 0, name
    engine.dispose()


def test_an_older_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    db.make_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# 9. Log forging --------------------------------------------------------------------------


def test_an_id_with_a_newline_cannot_forge_a_log_line(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_forged BEFORE INSERT ON call_notes "
                "WHEN NEW.id LIKE 'forge%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ))  # fmt: skip
        else:
            conn.execute(text(
                "ALTER TABLE call_notes ADD CONSTRAINT refuse_forged CHECK (id NOT LIKE 'forge%')"
            ))  # fmt: skip
    engine.dispose()
    device = api.login("rep1")
    forged = "forge\nCRITICAL sync_server: admin logged in"
    with caplog.at_level(logging.INFO):
        result = device.send("call_note", forged, **note_fields("h-n1"))
    assert result["status"] == "rejected"
    lines = [r.getMessage() for r in caplog.records if "refused by the database" in r.getMessage()]
    assert len(lines) == 1
    assert "\n" not in lines[0] and "forge\\x0aCRITICAL" in lines[0]


# 10. Smaller findings ----------------------------------------------------------------------


def test_a_create_answers_the_same_for_anyone_elses_id_as_for_ones_own(api: Api) -> None:
    rep1, rep2 = api.login("rep1"), api.login("rep2")
    assert rep1.send("call_note", "n1", **note_fields("h-n1"))["status"] == "applied"
    assert rep1.send("call_note", "n2", **note_fields("h-n2"))["status"] == "applied"
    theirs = rep2.send("call_note", "n1", **note_fields("h-s1"))
    own_other_data = rep1.send("call_note", "n2", **note_fields("h-n3"))
    assert theirs["status"] == own_other_data["status"] == "rejected"
    assert theirs["reason"].replace("n1", "ID") == own_other_data["reason"].replace("n2", "ID")


@pytest.mark.parametrize("duration", [True, "10", 10.0])
def test_a_pushed_duration_is_not_coerced(api: Api, duration: object) -> None:
    device = api.login("rep1")
    result = device.send("call_note", "n1", **note_fields("h-n1", duration_minutes=duration))
    assert result["status"] == "rejected"
    assert "duration_minutes" in result["reason"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/v1/nowhere", 404), ("GET", PUSH, 405), ("DELETE", "/api/v1/health", 405)],
)
def test_framework_errors_answer_the_documented_body(
    app_client: TestClient, method: str, path: str, status: int
) -> None:
    answer = app_client.request(method, path, headers={"Authorization": "Bearer x"})
    assert answer.status_code == status
    assert set(answer.json()) == {"code", "message"}


def test_a_malformed_json_body_answers_the_documented_body(api: Api) -> None:
    answer = api.http.post(
        "/api/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 422)
    assert set(answer.json()) == {"code", "message"}


def test_an_import_with_a_nul_in_a_cell_is_refused_with_a_line(
    database_url: str, world: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "h.csv", "external_id,name,territory_id\nX1,Dr \x00Nul,T-NORTH\n")
    assert run(database_url, "import-hcps", str(path)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "line 2" in err


def test_a_conflict_copy_must_point_at_the_authors_own_note(api: Api) -> None:
    rep1, rep2 = api.login("rep1"), api.login("rep2")
    assert rep1.send("call_note", "n1", **note_fields("h-n1"))["status"] == "applied"
    copy = rep2.send("call_note", "n-copy", **note_fields("h-s1", conflict_of="n1"))
    assert copy["status"] == "rejected"
    assert "not on the server under your name" in copy["reason"]


def test_an_hcp_record_refuses_a_volume_beyond_the_bound() -> None:
    from fieldrep.sync.protocol import HcpData
    from sync_server.errors import Rejected
    from sync_server.services.wire import validated

    record = {k: v for k, v in hcp_record("h1", "T").items() if k != "id"}
    with pytest.raises(Rejected):
        validated(HcpData, {**record, "patient_volume": 10**20}, "HCP")
