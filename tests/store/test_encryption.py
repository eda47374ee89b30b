"""The database file on disk is unreadable without the key, and a wrong key touches nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldrep.paths import DATABASE_FILENAME
from fieldrep.security.keys import KeyUnavailableError, WrongKeyError
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE


def run_cli(data_dir: Path, *args: str, passphrase: str = PASSPHRASE):
    env = {**os.environ, "FIELDREP_PASSPHRASE": passphrase}
    return subprocess.run(
        [sys.executable, "-m", "fieldrep", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def file_bytes(data_dir: Path) -> bytes:
    """The database and any WAL beside it: everything an attacker with the disk gets."""
    blobs = b""
    for name in (DATABASE_FILENAME, f"{DATABASE_FILENAME}-wal"):
        path = data_dir / name
        if path.exists():
            blobs += path.read_bytes()
    return blobs


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_imported_demo_leaves_no_plaintext_on_disk(data_dir: Path) -> None:
    result = run_cli(data_dir, "import-demo")
    assert result.returncode == 0, result.stderr
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        names = [h.name for h in ws.hcps.all()][:50]
        notes = [n.insights for n in ws.calls.all() if n.insights][:50]
    raw = file_bytes(data_dir)
    assert not (data_dir / DATABASE_FILENAME).read_bytes().startswith(b"SQLite format 3")
    assert names and notes
    for secret in names + notes:
        assert secret.encode() not in raw, f"{secret!r} found in the database bytes"


def test_wrong_passphrase_exits_with_clear_message_and_leaves_file_unchanged(
    data_dir: Path,
) -> None:
    assert run_cli(data_dir, "import-demo").returncode == 0
    db = data_dir / DATABASE_FILENAME
    before = sha256(db)
    before_files = sorted(p.name for p in data_dir.iterdir())

    result = run_cli(data_dir, "status", "--json", passphrase="not the passphrase")

    assert result.returncode != 0
    assert "passphrase" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sha256(db) == before
    assert sorted(p.name for p in data_dir.iterdir()) == before_files


def test_wrong_passphrase_raises_wrong_key_error(data_dir: Path) -> None:
    Workspace.open(data_dir, passphrase=PASSPHRASE).close()
    with pytest.raises(WrongKeyError):
        Workspace.open(data_dir, passphrase="something else entirely")


def test_no_keychain_and_no_passphrase_is_refused_not_stored_plain(data_dir: Path) -> None:
    with pytest.raises(KeyUnavailableError, match="passphrase"):
        Workspace.open(data_dir)
    assert not (data_dir / DATABASE_FILENAME).exists()


def test_short_passphrase_is_refused(data_dir: Path) -> None:
    with pytest.raises(KeyUnavailableError, match="at least"):
        Workspace.open(data_dir, passphrase="short")
