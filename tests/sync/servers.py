"""Real server processes for sync tests: `fieldrep-server` on a free 127.0.0.1 port.

Each `ServerProcess` owns a temporary SQLite database (or the URL given) and can be
started, SIGKILLed and restarted on the same port, so fault tests hit the real thing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

SERVER_PASSWORD = "server-test-password-1"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    def __init__(self, workdir: Path, database_url: str | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.database_url = database_url or f"sqlite:///{workdir / 'server.db'}"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["FIELDREP_DATABASE_URL"] = self.database_url
        env["FIELDREP_PASSWORD"] = SERVER_PASSWORD
        env["FIELDREP_LOGIN_FREE_FAILURES"] = "1000"  # tests log in many devices quickly
        env["FIELDREP_LOGIN_ADDRESS_FAILURES"] = "1000"  # every test client is 127.0.0.1
        return env

    def admin(self, *args: str) -> str:
        """Run one `fieldrep-server` admin command; returns its stdout."""
        done = subprocess.run(
            [str(BIN / "fieldrep-server"), *args],
            env=self.env(),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"fieldrep-server {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def start(self) -> ServerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "fieldrep-server"), "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--database-url", self.database_url,
                "--log-level", "warning",
            ],
            env=self.env(),
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/openapi.json", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, like a crash or a pulled plug."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
