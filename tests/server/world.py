"""A small server world for tests, and a thin client that speaks the protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_server import db
from sync_server.models import User, UserTerritory
from sync_server.security import hash_password
from sync_server.services.callers import utcnow
from sync_server.services.hcps import upsert_hcps
from sync_server.services.users import ensure_territories

PASSWORD = "test-password-1"
TERRITORY = {"rep1": "T-NORTH", "rep2": "T-SOUTH", "rep3": "T-WEST"}
MANAGER = {"rep1": "manager1", "rep2": "manager1", "rep3": "manager2"}
HCPS = {"T-NORTH": ["h-n1", "h-n2", "h-n3"], "T-SOUTH": ["h-s1", "h-s2"], "T-WEST": ["h-w1"]}


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)  # once per process: argon2 is slow on purpose


def hcp_record(hcp_id: str, territory: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": hcp_id, "external_id": f"EXT-{hcp_id}", "npi": None, "name": f"Dr {hcp_id}",
        "title": "Dr.", "specialty": "Cardiology", "organisation": "Clinic", "address": "1 Main St",
        "city": "Boston", "postcode": "02101", "latitude": 42.3, "longitude": -71.0, "tier": "A",
        "decile": 8, "patient_volume": 100, "consents": {"visit": True}, "preferred_channel": None,
        "do_not_contact": False, "territory_id": territory, **extra,
    }  # fmt: skip


def add_user(session: Session, username: str, role: str, manager: str | None = None) -> None:
    session.add(
        User(
            username=username,
            role=role,
            password_hash=password_hash(),
            manager_username=manager,
            created_at=utcnow(),
        )  # fmt: skip
    )
    session.flush()


def build_world(database_url: str) -> None:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        add_user(session, "admin", "admin")
        add_user(session, "manager1", "manager")
        add_user(session, "manager2", "manager")
        ensure_territories(session, list(HCPS))
        for rep, territory in TERRITORY.items():
            add_user(session, rep, "rep", MANAGER[rep])
            session.add(UserTerritory(username=rep, territory_id=territory))
        upsert_hcps(session, [hcp_record(h, t) for t, ids in HCPS.items() for h in ids])
    engine.dispose()


def mutation(
    seq: int, entity: str, entity_id: str, op: str = "create", base_version: int | None = None,
    **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "mutation_seq": seq, "mutation_id": f"mut-{entity_id}-{seq}", "entity": entity,
        "entity_id": entity_id, "op": op, "fields": fields, "base_version": base_version,
    }  # fmt: skip


def note_fields(hcp_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "hcp_id": hcp_id, "channel": "visit", "started_at": "2026-03-02T10:00:00+00:00",
        "duration_minutes": 20, "insights": "Asked about renal dosing.",
        "products": ["Cardiovex"], "outcome": "neutral", **extra,
    }  # fmt: skip


@dataclass
class Device:
    """One logged-in device: push, pull, and a record of what it has pulled."""

    http: httpx.Client
    device_id: str
    token: str
    cursor: int = 0
    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    next_seq: int = 1

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}

    def handshake(self, protocol: int = PROTOCOL_VERSION, schema: int = 5) -> httpx.Response:
        body = {"protocol_version": protocol, "schema_version": schema, "device_id": self.device_id}
        return self.http.post("/api/v1/sync/handshake", json=body, headers=self.headers)

    def push_raw(self, mutations: list[dict[str, Any]]) -> httpx.Response:
        body = {"device_id": self.device_id, "mutations": mutations}
        return self.http.post("/api/v1/sync/push", json=body, headers=self.headers)

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(list(mutations))
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def send(self, entity: str, entity_id: str, op: str = "create", base_version: int | None = None,
             **fields: Any) -> dict[str, Any]:  # fmt: skip
        """Push one mutation with this device's next seq; returns its result."""
        result = self.push(mutation(self.next_seq, entity, entity_id, op, base_version, **fields))
        self.next_seq += 1
        return result[0]

    def pull_page_response(self, since: int, limit: int = 1000) -> httpx.Response:
        return self.http.get(
            "/api/v1/sync/pull", params={"since": since, "limit": limit}, headers=self.headers
        )

    def pull_page(self, since: int, limit: int = 1000) -> dict[str, Any]:
        response = self.http.get(
            "/api/v1/sync/pull", params={"since": since, "limit": limit}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def sync_down(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Pull every page from the cursor; apply upserts/tombstones to `records`."""
        seen = []
        while True:
            page = self.pull_page(self.cursor, limit)
            for change in page["changes"]:
                key = (change["entity"], change["entity_id"])
                if change["op"] == "delete":
                    self.records.pop(key, None)
                else:
                    self.records[key] = {**change["data"], "version": change["version"]}
                seen.append(change)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return seen

    def ids(self, entity: str) -> set[str]:
        return {i for (e, i) in self.records if e == entity}


class Api:
    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def login_response(
        self, username: str, device_id: str, password: str = PASSWORD
    ) -> httpx.Response:
        body = {"username": username, "password": password, "device_id": device_id}
        return self.http.post("/api/v1/auth/login", json=body)

    def login(
        self, username: str, device_id: str | None = None, password: str = PASSWORD
    ) -> Device:
        device_id = device_id or f"{username}-laptop"
        response = self.login_response(username, device_id, password)
        assert response.status_code == 200, response.text
        return Device(self.http, device_id, response.json()["token"])
