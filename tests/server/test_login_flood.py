"""Finding 2 and 7 of issue 14 against a real `fieldrep-server serve` process: 100 wrong
passwords sent at once get at most 5 checked (the brake's free failures), and the
server's log says so (logins are logged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.login_flood import flood_login
from tests.server.test_live_server import running_server

FREE_FAILURES = 5


def test_100_parallel_guesses_check_at_most_5_passwords_and_are_logged(
    database_url: str, world: None, server_bin: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("FIELDREP_LOGIN_FREE_FAILURES", str(FREE_FAILURES))
    monkeypatch.setenv("FIELDREP_LOGIN_BASE_DELAY", "60")
    # Only the per-username brake is under test (every guess comes from 127.0.0.1).
    monkeypatch.setenv("FIELDREP_LOGIN_ADDRESS_FAILURES", "0")
    log = tmp_path / "server.log"
    with running_server(server_bin, database_url, log) as url:
        result = flood_login(url, "rep1", guesses=100)
    assert not result.other, result.other
    assert result.checked <= FREE_FAILURES, result
    assert result.checked + result.refused == 100
    text = log.read_text()
    assert text.count("failed login for user rep1") == result.checked
