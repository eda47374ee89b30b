"""Fixtures shared by every test: real encrypted workspaces in temporary folders."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every test runs at a named date, never the machine's: the app's one clock (and every
# server or CLI process a test starts, through the environment) starts at TEST_NOW and
# runs on from there. A Wednesday morning in the demo's own zone; the date matrix
# (tests/test_date_matrix.py) covers the awkward days. FIELDREP_TEST_NOW / TZ override
# both, to run the whole suite at another date or in another zone.
TEST_NOW = os.environ.get("FIELDREP_TEST_NOW", "2026-11-25T10:30:00-05:00")
os.environ["FIELDREP_NOW"] = TEST_NOW
os.environ["FIELDREP_NOW_SET_AT"] = repr(time.time())
os.environ.setdefault("TZ", "America/New_York")
time.tzset()
# Tests pass passphrases explicitly; a developer's own setting must not leak in.
os.environ.pop("FIELDREP_PASSPHRASE", None)
os.environ.pop("FIELDREP_DATA_DIR", None)
# Like CI: no OS keychain, so never touch a developer's real one. Tests that need a
# keychain install an in-memory backend (tests/security/test_keys.py).
keyring.set_keyring(fail.Keyring())

from fieldrep.demo import import_demo  # noqa: E402
from fieldrep.workspace import Workspace  # noqa: E402
from tests.sync.servers import ServerProcess  # noqa: E402

PASSPHRASE = "correct horse battery"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def workspace(data_dir: Path) -> Iterator[Workspace]:
    """An empty encrypted workspace with the catalogues loaded but no HCPs."""
    ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
    yield ws
    ws.close()


@pytest.fixture
def demo_workspace(data_dir: Path) -> Iterator[Workspace]:
    """An encrypted workspace holding the demo territory (400 HCPs, 18 months of calls)."""
    ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
    import_demo(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def sync_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real `fieldrep-server serve` with the demo data, shared by this worker's tests
    (sync and desktop alike); each test creates reps of its own, so none share devices."""
    server = ServerProcess(tmp_path_factory.mktemp("server"))
    server.admin("init-db")
    server.admin("seed-demo")
    server.start()
    yield server
    server.stop()
