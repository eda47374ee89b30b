"""The HTTP client retries only what a retry can fix, against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fieldrep.sync.client import RetryPolicy, SyncClient
from fieldrep.sync.errors import (
    DeviceRevokedError,
    ServerRefusedError,
    ServerUnreachableError,
    SignInRequiredError,
    UpdateRequiredError,
)
from fieldrep.tasks import CancelToken

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, read_timeout=0.5)
GOOD_PULL = {"changes": [], "cursor": 7, "has_more": False}


class Script:
    """Answers to give, one per request; the last one repeats."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, object]] = []
        self.requests: list[str] = []


@pytest.fixture
def scripted() -> Iterator[tuple[Script, str]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            script.requests.append(self.path)
            status, body = script.answers[min(len(script.requests), len(script.answers)) - 1]
            if body == "hang":
                threading.Event().wait(1.0)  # longer than the read timeout
                return
            raw = json.dumps(body).encode()
            if body == "truncated":
                self.send_response(200)
                self.send_header("Content-Length", "500")
                self.end_headers()
                self.wfile.write(b'{"changes": [')
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_5xx_answers_are_retried_until_the_server_recovers(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(503, {"detail": "busy"}), (502, {}), (200, GOOD_PULL)]
    page = SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)
    assert page.cursor == 7
    assert len(script.requests) == 3


def test_a_4xx_answer_is_never_retried(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(403, {"detail": {"code": "forbidden", "message": "not yours"}})]
    with pytest.raises(ServerRefusedError, match="not yours"):
        SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)
    assert len(script.requests) == 1


def test_a_revoked_device_is_told_so(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    body = {"code": "device_revoked", "message": "revoked by admin"}
    script.answers = [(401, body)]
    with pytest.raises(DeviceRevokedError, match="revoked this device"):
        SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)
    assert len(script.requests) == 1


def test_an_unknown_token_asks_to_sign_in_again(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(401, {"detail": {"code": "unauthorized", "message": "bad token"}})]
    with pytest.raises(SignInRequiredError, match="fieldrep login"):
        SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)


def test_update_required_is_a_clear_error(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(426, {"code": "update_required", "message": "protocol 0 < 1"})]
    with pytest.raises(UpdateRequiredError, match="newer Fieldrep"):
        SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)
    assert len(script.requests) == 1


def test_a_body_cut_short_is_retried(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(200, "truncated"), (200, GOOD_PULL)]
    assert SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10).cursor == 7
    assert len(script.requests) == 2


def test_a_timeout_is_retried(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(200, "hang"), (200, GOOD_PULL)]
    assert SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10).cursor == 7


def test_retries_give_up_with_a_message_that_says_nothing_is_lost(
    scripted: tuple[Script, str],
) -> None:
    script, url = scripted
    script.answers = [(500, {})]
    with pytest.raises(ServerUnreachableError, match="changes are safe"):
        SyncClient(url, token="t", policy=FAST).pull(since=0, limit=10)
    assert len(script.requests) == FAST.attempts


def test_a_refused_connection_is_retried_then_reported() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = SyncClient(f"http://127.0.0.1:{port}", token="t", policy=FAST)
    with pytest.raises(ServerUnreachableError, match="could not be reached"):
        client.pull(since=0, limit=10)
    assert client.requests_sent == FAST.attempts


def test_cancel_stops_the_retry_loop(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(503, {})]
    cancel = CancelToken()
    cancel.cancel()
    client = SyncClient(url, token="t", policy=FAST, cancel=cancel)
    with pytest.raises(Exception) as caught:
        client.pull(since=0, limit=10)
    assert "ancel" in type(caught.value).__name__
    assert script.requests == []


def test_backoff_grows_exponentially_with_jitter_below_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0)
    for retry, cap in [(0, 0.1), (1, 0.2), (2, 0.4), (5, 1.0)]:
        delays = [policy.delay(retry) for _ in range(200)]
        assert all(0 <= d <= cap for d in delays)
        assert max(delays) > cap / 2  # spread out, not a fixed delay
