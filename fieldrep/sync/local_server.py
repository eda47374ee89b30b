"""The embedded default: a local sync server with the demo territory, for `fieldrep --demo`.

It runs `python -m sync_server` as a child process on a free 127.0.0.1 port, seeded with
the demo data on first use, and signs the demo workspace in as `rep1`, so a newcomer's
`make run` shows real syncing with no setup. The server's password is generated once and
kept only in the (encrypted) demo workspace. Nothing here imports the server package:
the client talks to it over HTTP like to any other server.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import requests

from fieldrep.clock import Clock
from fieldrep.domain.errors import FieldrepError
from fieldrep.sync.service import SyncService

log = logging.getLogger(__name__)

DEMO_USERNAME = "rep1"
PASSWORD_STATE_KEY = "demo_server_password"
START_TIMEOUT_S = 60.0


class LocalServerError(FieldrepError):
    """The embedded server could not start; the app works on offline."""


def server_package_installed() -> bool:
    return importlib.util.find_spec("sync_server") is not None


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, ask the kernel to stop the server when the app dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before fork, called after
    pr_set_pdeathsig = 1
    return lambda: prctl(pr_set_pdeathsig, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """One `sync_server` child process with its SQLite file in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database_url = f"sqlite:///{folder / 'server.db'}"
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def seeded(self) -> bool:
        return (self.folder / "server.db").exists()

    def _run_admin(self, password: str, *args: str) -> None:
        env = {**os.environ, "FIELDREP_PASSWORD": password}
        done = subprocess.run(
            [sys.executable, "-m", "sync_server", "--database-url", self.database_url, *args],
            env=env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise LocalServerError(f"The local demo server could not be set up: {reason}")

    def start(self, password: str) -> None:
        """Seed on first use, then serve; returns once the server answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.seeded:
            self._run_admin(password, "seed-demo")
        log_file = (self.folder / "server.log").open("ab")
        self._process = subprocess.Popen(
            [
                sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--database-url", self.database_url,
            ],
            cwd=self.folder,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent(),  # noqa: PLW1509 - only a prctl call runs there
        )  # fmt: skip
        log_file.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LocalServerError(
                    f"The local demo server stopped at start-up; see {self.folder / 'server.log'}."
                )
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    log.info("local demo server listening on %s", self.url)
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise LocalServerError("The local demo server did not answer within a minute.")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)


class DemoWorkspace(Protocol):
    """What connecting a demo workspace needs of it (a `Workspace` is one)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def sync(self) -> SyncService: ...

    def state(self, key: str) -> str | None: ...

    def set_state(self, key: str, value: str) -> None: ...


def connect_demo_workspace(workspace: DemoWorkspace, folder: Path) -> LocalServer:
    """Start the local server (seeding it once) and sign the demo workspace in to it."""
    if not server_package_installed():
        raise LocalServerError(
            "The sync server is not installed (pip install 'fieldrep[server]'); "
            "the demo works offline."
        )
    server = LocalServer(folder)
    password = workspace.state(PASSWORD_STATE_KEY)
    if password is None and server.seeded:
        # A server seeded for an earlier demo workspace, whose password left with it.
        stale = folder / f"server.db.old-{int(workspace.clock.epoch())}"
        (folder / "server.db").rename(stale)
        log.warning("local demo server re-seeded; the previous one is kept as %s", stale.name)
    if password is None or not server.seeded:
        password = secrets.token_urlsafe(18)
        workspace.set_state(PASSWORD_STATE_KEY, password)
    server.start(password)
    try:
        workspace.sync.login(server.url, DEMO_USERNAME, password)
    except FieldrepError:
        server.stop()
        raise
    return server
