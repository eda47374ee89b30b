"""The real thing: `fieldrep-server serve` (uvicorn) processes on free 127.0.0.1 ports."""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.server.world import Api, mutation, note_fields


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    server_bin: str,
    database_url: str,
    log_path: Path,
    *,
    tls: tuple[Path, Path, Path] | None = None,
) -> Iterator[str]:
    """Start `fieldrep-server serve`, wait until /health answers, stop it afterwards.

    `tls`: (certificate, key, CA bundle) to serve HTTPS; the URL is then https://."""
    port = _free_port()
    command = [server_bin, "--database-url", database_url, "serve", "--port", str(port)]
    if tls is not None:
        command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=tls[2]) if tls else True
    with log_path.open("wb") as log:
        process = subprocess.Popen([*command, "--log-level", "warning"], stdout=log, stderr=log)
        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    health = httpx.get(f"{url}/api/v1/health", timeout=1, verify=verify)
                    if health.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not become ready in 30 s"
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_real_server_processes_sync_and_share_one_database(
    database_url: str, world: None, server_bin: str, tmp_path: Path
) -> None:
    with (
        running_server(server_bin, database_url, tmp_path / "a.log") as url_a,
        running_server(server_bin, database_url, tmp_path / "b.log") as url_b,
        httpx.Client(base_url=url_a, timeout=10) as a,
        httpx.Client(base_url=url_b, timeout=10) as b,
    ):
        api = Api(a)
        laptop, desktop = api.login("rep1", "laptop"), api.login("rep1", "desktop")
        assert laptop.handshake().json()["territories"] == ["T-NORTH"]
        assert laptop.send("call_note", "n1", **note_fields("h-n1"))["status"] == "applied"
        desktop.sync_down()
        assert desktop.records[("call_note", "n1")]["author"] == "rep1"
        assert desktop.ids("hcp") == {"h-n1", "h-n2", "h-n3"}
        assert a.get("/openapi.json").json()["info"]["title"] == "Fieldrep sync server"
        assert a.get("/docs").status_code == 200
        # Stateless: the other process knows the token and the device's applied seq.
        laptop.http = b
        replay = laptop.push(mutation(1, "call_note", "n1", **note_fields("h-n1")))
        assert replay[0]["status"] == "duplicate"
