"""`fieldrep logout`: the server forgets the token and the device removes it; the data
stays and the next login is the same device (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import requests

from fieldrep.sync import credentials
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.helpers import fieldrep
from tests.sync.servers import ServerProcess


def test_logout_revokes_the_token_on_the_server_and_removes_it_locally(
    tmp_path: Path, sync_server: ServerProcess, new_rep: Callable[..., str]
) -> None:
    rep, data_dir = new_rep(), tmp_path / "laptop"
    login = ("login", "--server", sync_server.url, "--username", rep)
    assert fieldrep(data_dir, *login).returncode == 0
    assert fieldrep(data_dir, "sync", "--quiet").returncode == 0
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        token = credentials.load_token(ws.store, ws.data_dir)
    done = fieldrep(data_dir, "logout")
    assert done.returncode == 0, done.stderr
    assert "server has forgotten" in done.stdout
    pulled = requests.get(
        f"{sync_server.url}/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )  # fmt: skip
    assert pulled.status_code == 401
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        assert credentials.load_token(ws.store, ws.data_dir) is None
    assert fieldrep(data_dir, "sync", "--quiet").returncode == 1
    status = json.loads(fieldrep(data_dir, "status", "--json").stdout)
    assert status["hcps"] > 0  # the data stays
    assert fieldrep(data_dir, *login).returncode == 0
    assert fieldrep(data_dir, "sync", "--quiet").returncode == 0
