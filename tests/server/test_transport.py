"""Transport (issue 14): HTTPS with the admin's certificate, the app verifying it against
the organisation's CA bundle, security headers on every answer, no clear-text http to
another machine."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fieldrep.sync import protocol as p
from fieldrep.sync.client import CA_BUNDLE_ENV, SyncClient, check_server_url
from fieldrep.sync.errors import InvalidServerUrlError, SyncError
from sync_server.app import create_app
from sync_server.config import Settings
from tests.server.test_live_server import running_server
from tests.server.world import PASSWORD, build_world


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """An organisation's CA and a server certificate for 127.0.0.1 signed by it."""
    d = tmp_path_factory.mktemp("pki")
    ca_key, ca, key, csr, cert = (d / n for n in ("ca.key", "ca.pem", "s.key", "s.csr", "s.pem"))
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
             str(ca), "-days", "2", "-subj", "/CN=Hospital Test CA")  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
             "-subj", "/CN=127.0.0.1")  # fmt: skip
    ext = d / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
             "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext))  # fmt: skip
    return cert, key, ca


def _login(url: str) -> p.LoginResponse:
    client = SyncClient(url)
    try:
        request = p.LoginRequest(username="rep1", password=PASSWORD, device_id="tls-laptop")
        return client.login(request)
    finally:
        client.close()


def test_the_app_talks_https_to_a_server_signed_by_the_organisations_ca(
    pki: tuple[Path, Path, Path], tmp_path: Path, server_bin: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    url = f"sqlite:///{tmp_path / 'server.db'}"
    subprocess.run([server_bin, "--database-url", url, "init-db"], check=True, capture_output=True)
    build_world(url)
    with running_server(server_bin, url, tmp_path / "server.log", tls=pki) as base:
        assert base.startswith("https://")
        monkeypatch.delenv(CA_BUNDLE_ENV, raising=False)
        with pytest.raises(SyncError):  # not a CA the system trusts: refused, never ignored
            _login(base)
        monkeypatch.setenv(CA_BUNDLE_ENV, str(pki[2]))
        assert _login(base).username == "rep1"


def test_a_missing_ca_bundle_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CA_BUNDLE_ENV, str(tmp_path / "nowhere.pem"))
    with pytest.raises(InvalidServerUrlError):
        SyncClient("https://127.0.0.1:1")


def test_clear_text_http_is_refused_for_another_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDREP_ALLOW_HTTP", raising=False)
    with pytest.raises(InvalidServerUrlError, match="https"):
        check_server_url("http://sync.example.com")
    assert check_server_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert check_server_url("https://sync.example.com") == "https://sync.example.com"


def test_every_answer_carries_the_security_headers(tmp_path: Path) -> None:
    app = create_app(settings=Settings(database_url=f"sqlite:///{tmp_path / 's.db'}"), migrate=True)
    with TestClient(app) as http:
        for answer in (
            http.get("/api/v1/health"),
            http.post("/api/v1/sync/push", content=b"{}"),  # 401 from the body limit
            http.get("/api/v1/nowhere"),
        ):
            assert answer.headers["strict-transport-security"].startswith("max-age=")
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["cache-control"] == "no-store"
    app.state.engine.dispose()
