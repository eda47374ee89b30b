"""`fieldrep logout`: the server forgets the token and the device removes it; the data
stays and the next login is the same device (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from fieldrep.sync import credentials
from fieldrep.sync.errors import SignInRequiredError
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.helpers import fieldrep
from tests.sync.servers import SERVER_PASSWORD, ServerProcess


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


def test_a_token_the_server_no_longer_accepts_signs_the_laptop_out_and_keeps_its_changes(
    tmp_path: Path, sync_server: ServerProcess, new_rep: Callable[..., str]
) -> None:
    """A token that expired unused (a rep back from five weeks' leave) or whose session
    an admin ended: the sync says so, the laptop is signed out (the app then offers File >
    Sign in…, not a dead end), and what was not sent goes up after the next sign-in."""
    rep = new_rep()
    with Workspace.open(tmp_path / "laptop", passphrase=PASSPHRASE) as ws:
        ws.sync.login(sync_server.url, rep, SERVER_PASSWORD)
        ws.sync.run()
        hcp = ws.hcps.all()[0]
        ws.plans.add(hcp.id, ws.clock.today() + timedelta(days=2))  # not sent yet
        pending = len(ws.pending_mutations())
        token = credentials.load_token(ws.store, ws.data_dir)
        ended = requests.post(f"{sync_server.url}/api/v1/auth/logout",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
        assert ended.status_code == 204

        with pytest.raises(SignInRequiredError, match="File > Sign in…") as refused:
            ws.sync.run()
        assert "unsent changes stay" in str(refused.value)
        assert credentials.load_token(ws.store, ws.data_dir) is None
        assert not ws.sync.is_configured()
        assert (ws.sync.server_url(), ws.sync.username()) == (sync_server.url, rep)
        assert len(ws.pending_mutations()) == pending and ws.hcps.count() > 0

        ws.sync.sign_in(sync_server.url, rep, SERVER_PASSWORD)
        report = ws.sync.run()
        assert report.rejected == 0 and ws.pending_mutations() == []
