"""Fixtures for sync tests: one real server per test worker, fresh reps and devices."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldrep.sync.client import RetryPolicy
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.servers import SERVER_PASSWORD, ServerProcess

DEMO_TERRITORY = "BOS-NORTH"
_rep_numbers = itertools.count(1)


@pytest.fixture
def new_rep(sync_server: ServerProcess) -> Callable[..., str]:
    """Create a rep of their own for one test (so tests never share devices or notes)."""

    def create(territory: str = DEMO_TERRITORY) -> str:
        username = f"rep-w{os.getpid()}-{next(_rep_numbers)}"
        sync_server.admin(
            "create-user", "--username", username, "--role", "rep", "--territory", territory
        )
        return username

    return create


Device = Callable[..., Workspace]


@pytest.fixture
def device(tmp_path: Path, sync_server: ServerProcess) -> Iterator[Device]:
    """A fresh encrypted workspace signed in to the test server as `username`."""
    opened: list[Workspace] = []
    names = itertools.count(1)

    def make(
        username: str, server_url: str | None = None, policy: RetryPolicy | None = None
    ) -> Workspace:
        ws = Workspace.open(tmp_path / f"device{next(names)}", passphrase=PASSPHRASE)
        ws.sync.policy = policy
        ws.sync.login(server_url or sync_server.url, username, SERVER_PASSWORD)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()
