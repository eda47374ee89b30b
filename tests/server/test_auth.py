"""Login, tokens, revocation and the failed-login brake."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fieldrep.sync.protocol import PROTOCOL_VERSION
from sync_server import db
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.models import Device
from sync_server.services.auth import revoke_device
from tests.server.world import PASSWORD, Api

SYNC_CALLS = [
    (
        "post",
        "/api/v1/sync/handshake",
        {"protocol_version": PROTOCOL_VERSION, "schema_version": 5, "device_id": "d"},
    ),
    ("post", "/api/v1/sync/push", {"device_id": "d", "mutations": []}),
    ("get", "/api/v1/sync/pull?since=0", None),
]


def _call(
    client: TestClient, method: str, path: str, body: object, headers: dict[str, str]
) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.request(method.upper(), path, json=body, headers=headers)
    return response.status_code, response.json()


def test_login_returns_a_token_stored_only_as_its_hash(api: Api, settings: Settings) -> None:
    response = api.login_response("rep1", "dev-1")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "rep1" and body["role"] == "rep"
    assert body["territories"] == ["T-NORTH"]
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        stored = session.scalars(select(Device.token_hash)).one()
    engine.dispose()
    assert stored == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in stored


def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    wrong = api.login_response("rep1", "dev-1", password="not-the-password")
    unknown = api.login_response("nobody", "dev-1")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "code": "unauthorized",
            "message": "Wrong username or password.",
        }
    )


@pytest.mark.parametrize(("method", "path", "body"), SYNC_CALLS)
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic cmVwMTpwdw==", "Bearer not-a-real-token", "Bearer a b c"],
)
def test_no_malformed_or_unknown_token_gets_401(
    api: Api, method: str, path: str, body: object, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    status, answer = _call(api.http, method, path, body, headers)
    assert status == 401
    assert answer["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path", "body"), SYNC_CALLS)
def test_revoked_device_gets_401_device_revoked(
    api: Api, settings: Settings, method: str, path: str, body: object
) -> None:
    device = api.login("rep1", "d")
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        revoke_device(session, device_id="d")
    engine.dispose()
    status, answer = _call(api.http, method, path, body, device.headers)
    assert status == 401
    assert answer["code"] == "device_revoked"
    again = api.login_response("rep1", "d")
    assert again.status_code == 401 and again.json()["code"] == "device_revoked"


def test_a_new_login_replaces_the_device_token(api: Api) -> None:
    first = api.login("rep1", "d")
    second = api.login("rep1", "d")
    assert first.handshake().status_code == 401
    assert second.handshake().status_code == 200


def test_a_device_registered_to_another_user_is_refused(api: Api) -> None:
    api.login("rep1", "shared-laptop")
    response = api.login_response("rep2", "shared-laptop")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_repeated_failed_logins_are_slowed_down_across_processes(
    api: Api, settings: Settings
) -> None:
    """The brake lives in the database: a second app on the same database enforces it."""
    for _ in range(settings.login_free_failures):
        assert api.login_response("rep1", "d", password="wrong-guess").status_code == 401
    braked = api.login_response("rep1", "d", password=PASSWORD)
    assert braked.status_code == 429
    assert braked.json()["code"] == "rate_limited"
    assert int(braked.headers["Retry-After"]) > 0
    other_process = create_app(settings=settings)
    with TestClient(other_process) as client:
        assert Api(client).login_response("rep1", "d").status_code == 429
        assert Api(client).login_response("rep2", "d2").status_code == 200  # per username
    other_process.state.engine.dispose()


def test_a_success_resets_the_failure_count(api: Api, settings: Settings) -> None:
    for _ in range(settings.login_free_failures - 1):
        api.login_response("rep1", "d", password="wrong-guess")
    assert api.login_response("rep1", "d").status_code == 200
    for _ in range(settings.login_free_failures - 1):
        assert api.login_response("rep1", "d", password="wrong-guess").status_code == 401
