"""Locking a user out, resetting a password, sessions, token lifetime, logout, and the
audit log that records all of it (issue 14), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fieldrep.clock import Clock
from fieldrep.sync.protocol import DEVICE_POLICY_HEADER, DevicePolicy
from sync_server import db
from sync_server.clock import use_clock
from sync_server.config import Settings
from sync_server.services import audit
from tests.server.imports import run
from tests.server.world import Api, note_fields

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class MovableClock:
    """The server's clock, moved forward by the test."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Iterator[MovableClock]:
    moving = MovableClock()
    use_clock(Clock(moving))
    yield moving
    use_clock(None)


def _events(settings: Settings) -> list[audit.AuditRow]:
    engine = db.make_engine(settings.database_url)
    with db.session_factory(engine)() as session:
        rows = audit.events_since(session, datetime(2000, 1, 1, tzinfo=UTC))
    engine.dispose()
    return rows


def test_a_disabled_user_cannot_log_in_and_their_token_stops_working(
    api: Api, settings: Settings
) -> None:
    device = api.login("rep1")
    assert run(settings.database_url, "disable-user", "rep1") == 0
    assert device.pull_page_response(0).status_code == 401
    refused = api.login_response("rep1", "rep1-laptop")
    assert refused.status_code == 401
    assert "disabled" in refused.json()["message"]
    assert run(settings.database_url, "enable-user", "rep1") == 0
    assert api.login_response("rep1", "rep1-laptop").status_code == 200


def test_a_password_reset_ends_every_session(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, spare = api.login("rep1", "laptop"), api.login("rep1", "spare")
    monkeypatch.setenv("FIELDREP_PASSWORD", "a-new-password-9")
    assert run(settings.database_url, "reset-password", "rep1") == 0
    assert laptop.pull_page_response(0).status_code == 401
    assert spare.pull_page_response(0).status_code == 401
    assert api.login_response("rep1", "laptop").status_code == 401  # the old password
    assert api.login_response("rep1", "laptop", password="a-new-password-9").status_code == 200


def test_sessions_are_listed_and_ended_one_or_all(
    api: Api, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, spare = api.login("rep1", "laptop"), api.login("rep1", "spare")
    capsys.readouterr()
    assert run(settings.database_url, "sessions", "rep1") == 0
    listed = capsys.readouterr().out
    assert "laptop" in listed and "spare" in listed
    assert run(settings.database_url, "end-sessions", "rep1", "--device", "spare") == 0
    assert spare.pull_page_response(0).status_code == 401
    assert laptop.pull_page_response(0).status_code == 200
    assert run(settings.database_url, "end-sessions", "rep1") == 0
    assert laptop.pull_page_response(0).status_code == 401
    capsys.readouterr()
    run(settings.database_url, "sessions", "rep1")
    assert "no open sessions" in capsys.readouterr().out


def test_a_token_in_use_renews_silently_until_its_hard_maximum(
    api: Api, settings: Settings, clock: MovableClock
) -> None:
    device = api.login("rep1")
    for _ in range(int(settings.token_max_days // 10) - 1):  # a sync every 10 days
        clock.at += timedelta(days=10)
        assert device.pull_page_response(0).status_code == 200
    clock.at = START + timedelta(days=settings.token_max_days, seconds=1)
    expired = device.pull_page_response(0)
    assert expired.status_code == 401 and "expired" in expired.json()["message"]
    assert api.login_response("rep1", "rep1-laptop").status_code == 200


def test_an_unused_token_expires_after_the_idle_limit(
    api: Api, settings: Settings, clock: MovableClock
) -> None:
    device = api.login("rep1")
    clock.at += timedelta(days=settings.token_idle_days, seconds=1)
    assert device.pull_page_response(0).status_code == 401


def test_logout_revokes_the_token_on_the_server(api: Api) -> None:
    device = api.login("rep1")
    assert api.http.post("/api/v1/auth/logout", headers=device.headers).status_code == 204
    assert device.pull_page_response(0).status_code == 401
    assert api.http.post("/api/v1/auth/logout", headers=device.headers).status_code == 401


def test_the_audit_log_records_who_did_what_without_secrets(
    api: Api, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    api.login_response("rep1", "rep1-laptop", password="wrong-guess-Zq9")
    # A "username" that is no user may be a password typed into the wrong field.
    api.login_response("Hunter2-Typed-In-Username", "rep1-laptop")
    rep = api.login("rep1")
    note = note_fields("h-n1", insights="SECRET-NOTE-TEXT", status="submitted")
    assert rep.send("call_note", "n1", **note)["status"] == "applied"
    assert rep.send("visit_plan", "p1", op="update", planned_date="2026-11-03")["status"] == (
        "rejected"
    )
    manager = api.login("manager1")
    manager.sync_down()
    assert run(settings.database_url, "revoke-device", "rep1-laptop") == 0
    assert run(settings.database_url, "disable-user", "rep2") == 0
    actions = [e.action for e in _events(settings)]
    for wanted in ("login_failed", "device_registered", "login", "mutation_rejected",
                   "team_records_read", "device_revoked", "user_disabled"):  # fmt: skip
        assert wanted in actions, wanted
    capsys.readouterr()
    assert run(settings.database_url, "audit", "--since", "2000-01-01", "--json") == 0
    exported = capsys.readouterr().out
    assert "login_failed" in exported
    for secret in ("wrong-guess-Zq9", "SECRET-NOTE-TEXT", rep.token, "test-password-1",
                   "Hunter2-Typed-In-Username"):  # fmt: skip
        assert secret not in exported


def test_the_audit_log_is_append_only(api: Api, settings: Settings) -> None:
    api.login("rep1")
    engine = db.make_engine(settings.database_url)
    for statement in ("UPDATE audit_events SET actor = 'someone'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))
    engine.dispose()
    assert all(e.actor != "someone" for e in _events(settings))


def test_an_import_is_audited_with_the_admin_account(
    api: Api, settings: Settings, tmp_path: pytest.TempPathFactory
) -> None:
    assert run(settings.database_url, "create-territory", "T-EAST") == 0
    admin_actions = [e for e in _events(settings) if e.action == "admin:create-territory"]
    assert len(admin_actions) == 1
    assert admin_actions[0].actor.startswith("admin-cli")
    assert "T-EAST" in admin_actions[0].target


def test_a_refused_admin_command_is_audited_like_a_refused_import(
    api: Api, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = settings.database_url
    csv = tmp_path / "hcps.csv"
    csv.write_text("external_id,name,tier\nE1,Dr One,X\n", encoding="utf-8")
    assert run(url, "import-hcps", str(csv)) == 1
    assert run(url, "assign", "--hcp", "h-n1", "--territory", "T-NORTHH") == 1
    assert "did you mean 'T-NORTH'" in capsys.readouterr().err
    assert run(url, "disable-user", "nobody") == 1  # audits itself when it succeeds
    refused = {e.action: e for e in _events(settings) if e.detail == "exit 1"}
    assert {"admin:import-hcps", "admin:assign", "admin:disable-user"} <= set(refused)
    assert refused["admin:assign"].actor.startswith("admin-cli")
    assert "territory=T-NORTHH" in refused["admin:assign"].target
    assert "nobody" in refused["admin:disable-user"].target


def test_the_handshake_answer_carries_the_organisations_device_policy(
    api: Api, settings: Settings
) -> None:
    answer = api.login("rep1").handshake()
    assert answer.status_code == 200
    policy = DevicePolicy.parse(answer.headers[DEVICE_POLICY_HEADER])
    assert policy == DevicePolicy(
        settings.device_max_offline_days, settings.device_idle_lock_minutes
    )
