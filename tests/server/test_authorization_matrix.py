"""Every route of the OpenAPI document x every kind of caller, with the expected answer
declared once per route (issue 14). A route without an entry here fails
`test_every_route_has_an_entry`: add its row when you add the route.

Callers: the subject rep (rep1) and manager (manager1) acting on their own devices;
another rep / another manager presenting their own valid token for the subject's device;
an admin; a user disabled while their token is live; no token; a malformed header; an
expired token (past its hard maximum); a revoked device. Runs in-process on SQLite and
PostgreSQL, one fresh world per route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from fieldrep.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_server import db
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.models import Device, User
from sync_server.services.auth import revoke_device
from sync_server.services.callers import utcnow
from tests.server.world import PASSWORD, Api, build_world, mutation, note_fields

CALLERS = (
    "rep", "other_rep", "manager", "other_manager", "admin",
    "disabled", "no_token", "malformed", "expired", "revoked",
)  # fmt: skip
NOT_AUTHENTICATED = {"disabled": 401, "no_token": 401, "malformed": 401, "expired": 401,
                     "revoked": 401}  # fmt: skip
SUBJECT_NOTE = "n-subject"  # a note of rep1's that only rep1 and manager1 may read


@dataclass(frozen=True)
class Caller:
    name: str
    username: str
    device_id: str  # the device the request names (another's for other_rep/other_manager)
    authorization: str | None

    def headers(self) -> dict[str, str]:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        return headers


Request = Callable[[httpx.Client, Caller], httpx.Response]
Check = Callable[[Caller, httpx.Response], None]


@dataclass(frozen=True)
class Route:
    request: Request
    expected: dict[str, int]
    check: Check | None = None  # what a 2xx answer may contain, per caller


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def _authenticated(status: int, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(CALLERS, status), **NOT_AUTHENTICATED, **overrides}


def _login(http: httpx.Client, caller: Caller) -> httpx.Response:
    body = {"username": caller.username, "password": PASSWORD, "device_id": caller.device_id}
    return http.post("/api/v1/auth/login", json=body, headers=caller.headers())


def _handshake(http: httpx.Client, caller: Caller) -> httpx.Response:
    body = {"protocol_version": PROTOCOL_VERSION, "schema_version": 5,
            "device_id": caller.device_id}  # fmt: skip
    return http.post("/api/v1/sync/handshake", json=body, headers=caller.headers())


def _push(http: httpx.Client, caller: Caller) -> httpx.Response:
    note = mutation(10_000, "call_note", f"n-{caller.name}", **note_fields("h-n1"))
    body = {"device_id": caller.device_id, "mutations": [note]}
    return http.post("/api/v1/sync/push", json=body, headers=caller.headers())


def _push_check(caller: Caller, answer: httpx.Response) -> None:
    status = answer.json()["results"][0]["status"]
    # Only the HCP's rep may log a call about them; everyone else's push is refused per
    # mutation (the batch itself is accepted, so a device's queue never wedges).
    assert status == ("applied" if caller.name == "rep" else "rejected"), (caller, status)


def _pull(http: httpx.Client, caller: Caller) -> httpx.Response:
    return http.get("/api/v1/sync/pull", params={"since": 0}, headers=caller.headers())


def _pull_check(caller: Caller, answer: httpx.Response) -> None:
    ids = {c["entity_id"] for c in answer.json()["changes"] if c["entity"] == "call_note"}
    may_read = caller.name in {"rep", "manager", "admin"}
    assert (SUBJECT_NOTE in ids) == may_read, (caller, ids)


def _team_report(http: httpx.Client, caller: Caller) -> httpx.Response:
    params = {"from": "2026-11-16", "to": "2026-11-25", "manager": "manager1"}
    return http.get("/api/v1/reports/team", params=params, headers=caller.headers())


def _team_report_check(caller: Caller, answer: httpx.Response) -> None:
    # manager1's team only: never manager2's rep3, whoever asks.
    assert answer.json()["reps"] == ["rep1", "rep2"], (caller, answer.json()["reps"])


def _logout(http: httpx.Client, caller: Caller) -> httpx.Response:
    return http.post("/api/v1/auth/logout", headers=caller.headers())


def _health(http: httpx.Client, caller: Caller) -> httpx.Response:
    return http.get("/api/v1/health", headers=caller.headers())


def _alive(http: httpx.Client, caller: Caller) -> httpx.Response:
    return http.get("/health", headers=caller.headers())


def _ready(http: httpx.Client, caller: Caller) -> httpx.Response:
    return http.get("/ready", headers=caller.headers())


MATRIX: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/health"): Route(_health, _everyone(200)),
    # Probes for load balancers: no token needed, nothing private in the answer.
    ("GET", "/health"): Route(_alive, _everyone(200)),
    ("GET", "/ready"): Route(_ready, _everyone(200)),
    # Login takes credentials, not a token: the header is ignored; a disabled user and
    # a revoked device are refused.
    ("POST", "/api/v1/auth/login"): Route(
        _login,
        # Another user's registered device id is refused: a device belongs to one user.
        {
            **_everyone(200),
            "disabled": 401,
            "revoked": 401,
            "other_rep": 403,
            "other_manager": 403,
        },  # fmt: skip
    ),
    ("POST", "/api/v1/auth/logout"): Route(_logout, _authenticated(204)),
    ("POST", "/api/v1/sync/handshake"): Route(
        _handshake, _authenticated(200, other_rep=403, other_manager=403)
    ),
    ("POST", "/api/v1/sync/push"): Route(
        _push, _authenticated(200, other_rep=403, other_manager=403), _push_check
    ),
    # Pull names no device: another rep or manager gets their own scope, never the
    # subject's note (checked), so 200 is right for them.
    ("GET", "/api/v1/sync/pull"): Route(_pull, _authenticated(200), _pull_check),
    # A manager's own team, an admin's choice of team; reps and other managers: 403.
    ("GET", "/api/v1/reports/team"): Route(
        _team_report,
        _authenticated(403, manager=200, admin=200),
        _team_report_check,
    ),
}


def _openapi_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_has_an_entry(app_client: TestClient) -> None:
    routes = _openapi_routes(app_client)
    missing = routes - set(MATRIX)
    assert not missing, f"routes without an authorization matrix entry: {sorted(missing)}"
    assert not set(MATRIX) - routes, "matrix entries for routes that no longer exist"
    for key, route in MATRIX.items():
        assert set(route.expected) == set(CALLERS), key


def _callers(settings: Settings, http: httpx.Client) -> dict[str, Caller]:
    api = Api(http)
    tokens = {
        name: api.login(user, device).token
        for name, user, device in [
            ("rep", "rep1", "rep1-laptop"), ("other_rep", "rep2", "rep2-laptop"),
            ("manager", "manager1", "manager1-laptop"),
            ("other_manager", "manager2", "manager2-laptop"), ("admin", "admin", "admin-laptop"),
            ("disabled", "rep3", "rep3-laptop"), ("expired", "rep1", "rep1-old"),
            ("revoked", "rep1", "rep1-stolen"),
        ]
    }  # fmt: skip
    subject = api.login("rep1", "rep1-desk")
    # Submitted: a manager reads a rep's submitted calls, never their drafts.
    submitted = note_fields("h-n1", status="submitted")
    assert subject.send("call_note", SUBJECT_NOTE, **submitted)["status"] == "applied"
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        # Disabled behind the token's back (no session ended): the check itself must hold.
        session.execute(update(User).where(User.username == "rep3").values(disabled_at=utcnow()))
        long_ago = utcnow() - timedelta(days=settings.token_max_days + 1)
        session.execute(
            update(Device).where(Device.id == "rep1-old")
            .values(token_issued_at=long_ago, token_used_at=utcnow())
        )  # fmt: skip
        revoke_device(session, device_id="rep1-stolen")
    engine.dispose()

    def bearer(name: str) -> str:
        return f"Bearer {tokens[name]}"

    return {
        "rep": Caller("rep", "rep1", "rep1-laptop", bearer("rep")),
        "other_rep": Caller("other_rep", "rep2", "rep1-laptop", bearer("other_rep")),
        "manager": Caller("manager", "manager1", "manager1-laptop", bearer("manager")),
        "other_manager": Caller(
            "other_manager", "manager2", "manager1-laptop", bearer("other_manager")
        ),
        "admin": Caller("admin", "admin", "admin-laptop", bearer("admin")),
        "disabled": Caller("disabled", "rep3", "rep3-laptop", bearer("disabled")),
        "no_token": Caller("no_token", "rep1", "rep1-laptop", None),
        "malformed": Caller("malformed", "rep1", "rep1-laptop", "Bearer not a token at all"),
        "expired": Caller("expired", "rep1", "rep1-old", bearer("expired")),
        "revoked": Caller("revoked", "rep1", "rep1-stolen", bearer("revoked")),
    }


LAST = [("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/login")]


def _order(route: tuple[str, str]) -> tuple[int, tuple[str, str]]:
    """Logout ends the callers' tokens and a login replaces them: those two go last."""
    return (LAST.index(route) + 1 if route in LAST else 0, route)


def test_every_route_answers_each_caller_as_declared(database_url: str) -> None:
    """One world and one set of callers for all routes (logins cost an argon2 check each);
    every mismatch is reported at once."""
    settings = Settings(database_url=database_url, login_address_failures=0)
    build_world(database_url)
    app = create_app(settings=settings)
    wrong: dict[str, Any] = {}
    with TestClient(app) as http:
        callers = _callers(settings, http)
        for route in sorted(MATRIX, key=_order):
            entry = MATRIX[route]
            got = {}
            for name in CALLERS:
                answer = entry.request(http, callers[name])
                got[name] = answer.status_code
                if answer.status_code >= 400:
                    assert set(answer.json()) == {"code", "message"}, (name, answer.text)
                elif entry.check is not None:
                    entry.check(callers[name], answer)
            if got != entry.expected:
                wrong[" ".join(route)] = {
                    n: f"got {got[n]}, declared {entry.expected[n]}"
                    for n in CALLERS
                    if got[n] != entry.expected[n]
                }
    app.state.engine.dispose()
    assert not wrong, wrong
