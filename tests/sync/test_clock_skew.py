"""A laptop whose clock is far off the server's is told so at its sync.

A stranger's laptop ran 24 days ahead: a call logged "now" was refused by the server as
in the future and fell back to draft, and nothing said the clock was the cause. The
server's HTTP Date header (every answer has one) is the reference; no protocol change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldrep.clock import Clock
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.servers import SERVER_PASSWORD, ServerProcess


def test_a_clock_weeks_ahead_is_named_in_the_sync_summary(
    tmp_path: Path, sync_server: ServerProcess, new_rep: Callable[..., str]
) -> None:
    username = new_rep()
    ahead = Clock.frozen(datetime.now(UTC) + timedelta(days=24))
    with Workspace.open(tmp_path / "fast", passphrase=PASSPHRASE, clock=ahead) as ws:
        ws.sync.login(sync_server.url, username, SERVER_PASSWORD)
        report = ws.sync.run()
    assert report.clock_ahead_s is not None
    assert abs(report.clock_ahead_s - 24 * 86400) < 120
    assert "This computer's clock is 24 days ahead of the server's" in report.summary()


def test_a_clock_in_step_with_the_server_says_nothing(
    tmp_path: Path, sync_server: ServerProcess, new_rep: Callable[..., str]
) -> None:
    username = new_rep()
    # The suite pins every workspace's clock to one test date (tests/conftest.py): this
    # laptop's clock is the real one, like the server's.
    in_step = Clock.frozen(datetime.now(UTC))
    with Workspace.open(tmp_path / "laptop", passphrase=PASSPHRASE, clock=in_step) as ws:
        ws.sync.login(sync_server.url, username, SERVER_PASSWORD)
        report = ws.sync.run()
    assert report.clock_ahead_s is not None and abs(report.clock_ahead_s) < 10
    assert "clock" not in report.summary()
