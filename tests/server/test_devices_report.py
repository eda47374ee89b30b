"""`fieldrep-server devices` tells two laptops of one rep apart even when both carry the
same name (a hostname like "vm"): first and last seen, and the app version; the desktop
names itself with the account and the hostname."""

from __future__ import annotations

import getpass
import socket

import pytest

from fieldrep.sync.protocol import PROTOCOL_VERSION
from fieldrep.sync.service import device_name
from sync_server.cli import main
from tests.server.world import PASSWORD, Api


def test_two_laptops_named_alike_are_told_apart(
    database_url: str, capsys: pytest.CaptureFixture[str], api: Api
) -> None:
    for device_id in ("laptop-a", "laptop-b"):
        body = {"username": "rep1", "password": PASSWORD, "device_id": device_id,
                "device_name": "vm"}  # fmt: skip
        assert api.http.post("/api/v1/auth/login", json=body).status_code == 200
    first = api.login("rep1", "laptop-a")
    answer = first.http.post(
        "/api/v1/sync/handshake",
        json={
            "protocol_version": PROTOCOL_VERSION,
            "schema_version": 5,
            "device_id": "laptop-a",
            "client_version": "1.4.2",
        },  # fmt: skip
        headers=first.headers,
    )
    assert answer.status_code == 200, answer.text
    assert main(["--database-url", database_url, "devices"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out[0].split()
    assert header[:4] == ["device", "user", "name", "last_sync"]
    assert {"first_seen", "last_seen", "version"} <= set(header)
    rows = {line.split()[0]: line for line in out[1:]}
    assert set(rows) >= {"laptop-a", "laptop-b"}
    assert " vm " in rows["laptop-a"] and " vm " in rows["laptop-b"]
    assert "1.4.2" in rows["laptop-a"] and "1.4.2" not in rows["laptop-b"]
    assert header.index("version") > header.index("last_seen") > header.index("first_seen")


def test_the_desktop_names_itself_with_the_account_and_the_hostname() -> None:
    assert device_name() == f"{getpass.getuser()}@{socket.gethostname()}"
