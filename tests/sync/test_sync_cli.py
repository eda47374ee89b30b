"""`fieldrep login`, `sync` and `status --json` as a rep runs them, in real processes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fieldrep.sync import credentials
from fieldrep.sync.lock import sync_lock
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.helpers import fieldrep
from tests.sync.servers import ServerProcess

NewRep = Callable[..., str]


def _login(data_dir: Path, server: ServerProcess, rep: str) -> None:
    done = fieldrep(data_dir, "login", "--server", server.url, "--username", rep)
    assert done.returncode == 0, done.stderr
    assert f"as {rep}" in done.stdout


def test_login_on_a_fresh_folder_creates_the_workspace_and_sync_fills_it(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    rep, data_dir = new_rep(), tmp_path / "laptop"
    _login(data_dir, sync_server, rep)
    done = fieldrep(data_dir, "sync", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["pulled"] >= 400 and report["rejected"] == 0
    status = json.loads(fieldrep(data_dir, "status", "--json").stdout)
    assert status["hcps"] == 400
    assert status["username"] == rep and status["server_url"] == sync_server.url
    assert status["last_sync"] is not None
    assert status["rejected"] == 0 and status["last_error"] is None


def test_the_token_is_never_written_in_plaintext(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    data_dir = tmp_path / "laptop"
    _login(data_dir, sync_server, new_rep())
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        token = credentials.load_token(ws.store, ws.data_dir)
    assert token
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_a_failed_sync_exits_non_zero_with_one_line_and_status_shows_why(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    data_dir = tmp_path / "laptop"
    _login(data_dir, sync_server, new_rep())
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        ws.set_state("server_url", "http://127.0.0.1:9")  # nothing listens on port 9
    done = fieldrep(data_dir, "sync", "--quiet", timeout=120)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "could not be reached" in done.stderr
    status = json.loads(fieldrep(data_dir, "status", "--json").stdout)
    assert "could not be reached" in status["last_error"]


def test_a_second_sync_while_one_runs_says_so_and_exits_non_zero(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    data_dir = tmp_path / "laptop"
    _login(data_dir, sync_server, new_rep())
    with sync_lock(data_dir):  # as if the app were syncing right now
        done = fieldrep(data_dir, "sync")
    assert done.returncode == 1
    assert "already running" in done.stderr
    assert fieldrep(data_dir, "sync", "--quiet").returncode == 0


def test_a_revoked_device_is_told_so_then_wiped(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    data_dir = tmp_path / "laptop"
    _login(data_dir, sync_server, new_rep())
    assert fieldrep(data_dir, "sync", "--quiet").returncode == 0
    device_id = json.loads(fieldrep(data_dir, "status", "--json").stdout)["device_id"]
    sync_server.admin("revoke-device", device_id)
    done = fieldrep(data_dir, "sync")
    assert done.returncode != 0
    told, wiped = done.stderr.index("revoked this device"), done.stderr.index("local data removed")
    assert told < wiped
    assert not Workspace.exists(data_dir)


def test_login_refuses_to_mix_two_reps_in_one_workspace(
    tmp_path: Path, sync_server: ServerProcess, new_rep: NewRep
) -> None:
    data_dir = tmp_path / "laptop"
    _login(data_dir, sync_server, new_rep())
    other = new_rep()
    done = fieldrep(data_dir, "login", "--server", sync_server.url, "--username", other)
    assert done.returncode == 1 and "belongs to" in done.stderr
