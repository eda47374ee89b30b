"""Review finding: request bodies have a size cap, checked before parsing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.config import Settings
from tests.server.world import PASSWORD


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_parsed(
    settings: Settings, world: None
) -> None:
    app = create_app(settings=dataclasses.replace(settings, max_body_bytes=10_000))
    with TestClient(app) as http:
        small = {"username": "rep1", "password": PASSWORD, "device_id": "d1"}
        assert http.post("/api/v1/auth/login", json=small).status_code == 200
        big = {**small, "device_name": "x" * 20_000}
        declared = http.post("/api/v1/auth/login", json=big)
        assert declared.status_code == 413
        assert declared.json()["code"] == "invalid"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"username": "rep1", "device_name": "'
            for _ in range(20):
                yield b"x" * 1000
            yield b'"}'

        streamed = http.post(
            "/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert http.get("/api/v1/health").status_code == 200
    app.state.engine.dispose()
