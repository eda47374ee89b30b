"""The deployment shape (issue 18): probes, request ids and JSON logs, graceful shutdown,
migrations run once however many processes start, several workers on one port."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sync_server import db
from tests.server.conftest import POSTGRES_ENV
from tests.server.processes import fresh_postgres, servers, start, wait_ready
from tests.server.world import PASSWORD, Api, mutation, note_fields

# uvicorn ends a graceful shutdown by re-raising the signal it caught (exit status -15).
CLEAN_EXIT = (0, -15)


def test_health_is_alive_and_ready_checks_the_database_and_its_schema(
    app_client: TestClient, database_url: str
) -> None:
    assert app_client.get("/health").json()["status"] == "ok"
    ready = app_client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["schema_revision"] == ready.json()["expected_revision"]
    engine = create_engine(database_url)
    with engine.begin() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        stale = app_client.get("/ready")
        assert stale.status_code == 503
        assert stale.json()["status"] == "schema_mismatch"
        assert "at older, this server expects" in stale.json()["reason"]
        assert "init-db" in stale.json()["reason"]
        with engine.begin() as conn:  # reachable, but nobody ran init-db
            conn.execute(text("ALTER TABLE alembic_version RENAME TO alembic_version_away"))
        try:
            bare = app_client.get("/ready")
            assert bare.status_code == 503
            assert bare.json()["status"] == "no_schema", bare.text
            assert "init-db" in bare.json()["reason"]
        finally:
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE alembic_version_away RENAME TO alembic_version"))
        assert app_client.get("/health").status_code == 200  # alive: do not restart it
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        engine.dispose()


def test_a_request_id_is_echoed_when_safe_and_made_up_otherwise(app_client: TestClient) -> None:
    given = app_client.get("/health", headers={"X-Request-ID": "lb-7f3a.42:1"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.42:1"
    for hostile in ("two words", "x" * 65, "tab\there", "a/b", "<script>"):
        answer = app_client.get("/health", headers={"X-Request-ID": hostile})
        made = answer.headers["X-Request-ID"]
        assert made != hostile and len(made) == 32 and made.isalnum()
    refused = app_client.post("/api/v1/sync/push", content=b"{}")  # 401 before the body
    assert refused.status_code == 401 and len(refused.headers["X-Request-ID"]) == 32


def _lines(log: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.splitlines() if line.strip()]


def test_json_logs_carry_the_request_id_and_never_a_secret(
    database_url: str, world: None, tmp_path: Path
) -> None:
    secret_text = "Patient J.D. asked about renal dosing"
    server = start(database_url, tmp_path / "server.log", "--log-format", "json")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            api = Api(http)
            api.http.headers["X-Request-ID"] = "login-1"
            laptop = api.login("rep1", "laptop")
            api.http.headers["X-Request-ID"] = "bad-login-1"
            assert api.login_response("rep1", "laptop", "not-the-password-9").status_code == 401
            api.http.headers["X-Request-ID"] = "push-1"
            result = laptop.send("call_note", "n1", **note_fields("h-n1", insights=secret_text))
            assert result["status"] == "applied"
            api.http.headers["X-Request-ID"] = "pull-1"
            laptop.sync_down()
    finally:
        assert server.terminate() in CLEAN_EXIT
    lines = _lines(server.log())  # every line is one JSON object
    by_id = {}
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line), line
        by_id.setdefault(line["request_id"], []).append(line)
    assert any("logged in" in line["message"] for line in by_id["login-1"])
    assert any("failed login for user rep1" in line["message"] for line in by_id["bad-login-1"])
    access = {line["request_id"]: line for line in lines if line["logger"] == "sync_server.access"}
    assert access["push-1"]["message"] == "POST /api/v1/sync/push 200"
    assert access["pull-1"]["message"].startswith("GET /api/v1/sync/pull 200")
    assert isinstance(access["pull-1"]["duration_ms"], float)
    everything = server.log()
    for secret in (PASSWORD, "not-the-password-9", laptop.token, secret_text, "since="):
        assert secret not in everything, secret


def _hold_write_lock(database_url: str) -> tuple[Any, Any]:
    """Block every change-log writer (push) until released: the change-log advisory lock
    on PostgreSQL, SQLite's write lock otherwise. Returns (connection, release)."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        return conn, lambda: (conn.execute("ROLLBACK"), conn.close())
    engine = create_engine(database_url)
    pg = engine.connect()
    pg.execute(text("SELECT pg_advisory_xact_lock(7346202)"))

    def release() -> None:
        pg.rollback()
        pg.close()
        engine.dispose()

    return pg, release


def test_a_push_in_flight_when_sigterm_arrives_is_completed_and_acknowledged(
    database_url: str, world: None, tmp_path: Path
) -> None:
    server = start(database_url, tmp_path / "server.log")
    answers: list[httpx.Response] = []
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            laptop = Api(http).login("rep1", "laptop")
            _, release = _hold_write_lock(database_url)
            batch = [mutation(i, "call_note", f"n{i}", **note_fields("h-n1")) for i in (1, 2, 3)]
            pushing = threading.Thread(target=lambda: answers.append(laptop.push_raw(batch)))
            pushing.start()
            time.sleep(1.0)  # the push is in the server, waiting for the write lock
            assert not answers
            server.process.send_signal(15)  # SIGTERM, as systemd or the orchestrator sends
            time.sleep(1.0)
            assert server.process.poll() is None  # still finishing the push
            release()
            pushing.join(30)
    finally:
        code = server.terminate()
    assert code in CLEAN_EXIT
    assert answers and answers[0].status_code == 200, answers
    assert [r["status"] for r in answers[0].json()["results"]] == ["applied"] * 3
    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM call_notes")).scalar_one()
        applied = conn.execute(text("SELECT last_applied_seq FROM devices")).scalar_one()
    engine.dispose()
    assert (stored, applied) == (3, 3)


@pytest.fixture
def admin_url() -> str:
    import os

    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL to test against")
    return url


@pytest.mark.postgres
def test_migrations_run_once_when_four_servers_start_at_once_one_with_two_workers(
    admin_url: str, tmp_path: Path
) -> None:
    with fresh_postgres(admin_url, "fieldrep_deploy") as url:
        # All four start on the empty database at once (none waits for another's /ready).
        extra = start(url, tmp_path / "workers.log", "--workers", "2", wait=False)
        with servers(url, tmp_path, 3) as started:
            try:
                wait_ready(extra)
                children = subprocess.run(
                    ["pgrep", "-P", str(extra.process.pid)],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout.split()
                assert len(children) >= 2, children  # two workers (and uvicorn's helper)
                for server in [*started, extra]:
                    assert httpx.get(f"{server.url}/ready", timeout=5).status_code == 200
                with httpx.Client(base_url=extra.url, timeout=30) as http:
                    for _ in range(6):  # several connections: both workers answer
                        assert http.get("/api/v1/health").status_code == 200
                # The log says which process migrated: exactly one of the four.
                head = db.schema_head(db.make_engine(url))
                said = [s.log().count(f"schema migrated by this process: empty -> {head}")
                        for s in [*started, extra]]  # fmt: skip
                assert sorted(said) == [0, 0, 0, 1], said
            finally:
                assert extra.terminate() in CLEAN_EXIT
        engine = create_engine(url)
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        engine.dispose()
        assert [v[0] for v in versions] == [db.schema_head(db.make_engine(url))]


def test_the_app_factory_writes_the_servers_own_log_lines_under_another_host(
    tmp_path: Path,
) -> None:
    """gunicorn (uvicorn workers) calls `app_from_env()` without `serve`'s log config: the
    server's access lines must still be written, as JSON when asked (a stranger's gunicorn
    run had none at all)."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    subprocess.run([sys.executable, "-m", "sync_server", "--database-url", url, "init-db"],
                   check=True, capture_output=True)  # fmt: skip
    code = (
        "from fastapi.testclient import TestClient\n"
        "from sync_server.app import app_from_env\n"
        "TestClient(app_from_env()).get('/api/v1/health')\n"
    )
    env = {**os.environ, "FIELDREP_DATABASE_URL": url, "FIELDREP_LOG_FORMAT": "json",
           "PYTHONWARNINGS": "ignore::DeprecationWarning"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert [(x["logger"], x["message"]) for x in lines] == [
        ("sync_server.access", "GET /api/v1/health 200")
    ], done.stderr
