"""Real `fieldrep-server serve` processes with any options, for the deployment tests
(several processes, workers, JSON logs, SIGTERM). Each waits until `/ready` answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BIN = str(Path(sys.executable).parent / "fieldrep-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
        self.process = process
        self.url = url
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM and wait: the exit code (uvicorn finishes in-flight requests first)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def start(
    database_url: str,
    log_path: Path,
    *options: str,
    env: dict[str, str] | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    wrap: Sequence[str] = (),
    wait: bool = True,
) -> Server:
    """Start a server (optionally under `wrap`, e.g. `ip netns exec NAME`)."""
    port = port or free_port()
    full_env = {**os.environ, "FIELDREP_LOGIN_ADDRESS_FAILURES": "100000", **(env or {})}
    command = [*wrap, BIN, "--database-url", database_url, "serve", "--host", host,
               "--port", str(port), "--log-level", "warning", *options]  # fmt: skip
    log = log_path.open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    server = Server(process, f"http://{host}:{port}", log_path)
    if wait:
        try:
            wait_ready(server)
        except BaseException:
            _stop(server)  # never leave a server behind
            raise
    return server


def wait_ready(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert server.process.poll() is None, server.log()
        try:
            answer = httpx.get(f"{server.url}/ready", timeout=2)
            if answer.status_code == 404:  # a server from before /ready (benchmarks compare)
                answer = httpx.get(f"{server.url}/api/v1/health", timeout=2)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"not ready in {seconds} s:\n{server.log()}"
        time.sleep(0.1)


@contextmanager
def servers(database_url: str, workdir: Path, count: int, *options: str) -> Iterator[list[Server]]:
    """`count` separate server processes on one database, stopped (SIGTERM) at the end."""
    with ExitStack() as stack:
        started = []
        for n in range(count):
            server = start(database_url, workdir / f"server-{n}.log", *options, wait=False)
            stack.callback(_stop, server)
            started.append(server)
        for server in started:
            wait_ready(server)  # on failure, the stack stops every one of them
        yield started


def _stop(server: Server) -> None:
    try:
        server.terminate(timeout=20)
    except subprocess.TimeoutExpired:
        pass


@contextmanager
def fresh_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (no schema), dropped at the end."""
    import uuid

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
