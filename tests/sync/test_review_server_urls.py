"""Review findings: a bad server URL, or a web server that is not Fieldrep's, gets a
sentence, not an 'unexpected error' or minutes of retries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fieldrep.sync import protocol as p
from fieldrep.sync.client import RetryPolicy, SyncClient
from fieldrep.sync.errors import InvalidServerUrlError, ServerRefusedError
from tests.sync.helpers import fieldrep

BAD_URLS = ["http://", "localhost:99999", "http://localhost:99999", "ftp://example.org",
            "http://[::1", "example", ""]  # fmt: skip


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_server_url_is_refused_with_a_sentence(url: str) -> None:
    with pytest.raises(InvalidServerUrlError, match="server address"):
        SyncClient(url)


# Clear-text http only to this computer (issue 14); HTTPS:// in capitals is still https.
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "https://sync.example.org/", "HTTPS://h", "HTTP://localhost"]
)
def test_a_good_server_url_is_accepted(url: str) -> None:
    SyncClient(url).close()


def test_login_with_a_bad_url_says_so_and_creates_no_workspace(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    done = fieldrep(data_dir, "login", "--server", "http://", "--username", "rep1")
    assert done.returncode == 1
    assert "server address" in done.stderr and "unexpected" not in done.stderr
    made = [f for f in data_dir.rglob("*") if f.is_file() and "logs" not in f.parts]
    assert made == []  # no half-made workspace (only the CLI's log folder)


class _Html(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def html_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_web_server_that_is_not_fieldreps_is_named_as_such_without_retries(
    html_server: str,
) -> None:
    client = SyncClient(html_server, policy=RetryPolicy(attempts=6, base_delay=0.5))
    request = p.LoginRequest(username="rep1", password="x" * 10, device_id="d1")
    with pytest.raises(ServerRefusedError, match="not a Fieldrep sync server"):
        client.login(request)
    assert client.requests_sent == 1
    client.close()
