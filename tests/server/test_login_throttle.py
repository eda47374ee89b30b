"""The per-address login limit: one address trying many usernames is stopped, others are
not, and failed logins never grow the database without bound."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from sync_server import db
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.models import LoginAddressFailure, LoginFailure
from sync_server.services.callers import utcnow
from sync_server.services.login_throttle import prune_login_failures
from tests.server.world import Api, build_world
from tests.sync.servers import ServerProcess

ATTACKER = ("203.0.113.7", 40000)
COLLEAGUE = ("198.51.100.20", 40001)
ADDRESS_LIMIT = 6


@pytest.fixture
def throttle_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        login_free_failures=3,
        login_base_delay=30.0,
        login_address_failures=ADDRESS_LIMIT,
        login_address_window=600.0,
    )


@pytest.fixture
def clients(throttle_settings: Settings) -> Iterator[tuple[Api, Api]]:
    """An attacker's and a colleague's client: two addresses, one server database."""
    build_world(throttle_settings.database_url)
    app = create_app(settings=throttle_settings)
    with TestClient(app, client=ATTACKER) as bad, TestClient(app, client=COLLEAGUE) as good:
        yield Api(bad), Api(good)
    app.state.engine.dispose()


def _count(settings: Settings, model: type[LoginFailure] | type[LoginAddressFailure]) -> int:
    engine = db.make_engine(settings.database_url)
    with db.session_factory(engine)() as session:
        n = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return int(n or 0)


def test_one_address_trying_many_usernames_gets_429(
    clients: tuple[Api, Api], throttle_settings: Settings
) -> None:
    attacker, _ = clients
    for i in range(ADDRESS_LIMIT):
        answer = attacker.login_response(f"guess-{i}", "d", password="Summer2026!")
        assert answer.status_code == 401
    stopped = attacker.login_response("guess-next", "d", password="Summer2026!")
    assert stopped.status_code == 429
    assert stopped.json()["code"] == "rate_limited"
    assert 0 < int(stopped.headers["Retry-After"]) <= 601
    # Even the right password for a real user is not checked from that address now.
    assert attacker.login_response("rep1", "attacker-laptop").status_code == 429


def test_a_user_at_another_address_is_unaffected(
    clients: tuple[Api, Api], throttle_settings: Settings
) -> None:
    attacker, colleague = clients
    for i in range(ADDRESS_LIMIT + 3):
        attacker.login_response(f"guess-{i}", "d", password="wrong")
    assert colleague.login_response("rep1", "rep1-laptop").status_code == 200


def test_the_limit_is_shared_by_server_processes(
    clients: tuple[Api, Api], throttle_settings: Settings
) -> None:
    attacker, _ = clients
    for i in range(ADDRESS_LIMIT):
        attacker.login_response(f"guess-{i}", "d", password="wrong")
    other_process = create_app(settings=throttle_settings)
    with TestClient(other_process, client=ATTACKER) as client:
        assert Api(client).login_response("rep2", "d2").status_code == 429
    other_process.state.engine.dispose()


def test_unknown_usernames_leave_no_rows_and_the_table_stays_bounded(
    clients: tuple[Api, Api], throttle_settings: Settings
) -> None:
    attacker, colleague = clients
    for i in range(40):
        attacker.login_response(f"random-{i}", "d", password="wrong")
    colleague.login_response("rep1", "d", password="wrong")  # a known user: one row
    assert _count(throttle_settings, LoginFailure) == 1
    assert _count(throttle_settings, LoginAddressFailure) == 2  # one per address


def test_an_ended_window_starts_again_and_prune_drops_it(
    clients: tuple[Api, Api], throttle_settings: Settings
) -> None:
    attacker, _ = clients
    for i in range(ADDRESS_LIMIT):
        attacker.login_response(f"guess-{i}", "d", password="wrong")
    engine = db.make_engine(throttle_settings.database_url)
    sessions = db.session_factory(engine)
    with sessions() as session, session.begin():
        session.execute(
            update(LoginAddressFailure).values(window_start=utcnow() - timedelta(hours=1))
        )
        session.add(LoginFailure(username="no-such-user", failures=9, last_failure_at=utcnow()))
    assert attacker.login_response("rep1", "attacker-laptop").status_code == 200
    with sessions() as session, session.begin():
        session.execute(
            update(LoginAddressFailure).values(window_start=utcnow() - timedelta(hours=1))
        )
    with sessions() as session, session.begin():
        assert prune_login_failures(session, throttle_settings) == 2
    engine.dispose()
    assert _count(throttle_settings, LoginAddressFailure) == 0
    assert _count(throttle_settings, LoginFailure) == 0


def test_a_username_with_a_nul_byte_is_a_plain_401(clients: tuple[Api, Api]) -> None:
    """PostgreSQL refuses NUL in text; the login must not turn that into a 500."""
    attacker, _ = clients
    assert attacker.login_response("\x00", "d", password="x").status_code == 401


class _StrictServer(ServerProcess):
    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "FIELDREP_LOGIN_ADDRESS_FAILURES": "3",
            "FIELDREP_TRUSTED_PROXIES": "",
        }


def test_a_real_server_takes_the_address_from_the_socket_not_x_forwarded_for(
    tmp_path: Path,
) -> None:
    """`serve` ignores X-Forwarded-For unless FIELDREP_TRUSTED_PROXIES names the proxy,
    so a caller cannot dodge the limit by inventing a new address per attempt."""
    server = _StrictServer(tmp_path / "live")
    server.admin("init-db")
    server.start()
    statuses = []
    try:
        for i in range(5):
            body = {"username": f"guess-{i}", "password": "wrong", "device_id": "d"}
            forged = {"X-Forwarded-For": f"192.0.2.{i}"}
            url = f"{server.url}/api/v1/auth/login"
            statuses.append(httpx.post(url, json=body, headers=forged, timeout=30).status_code)
    finally:
        server.stop()
    assert statuses == [401, 401, 401, 429, 429]
