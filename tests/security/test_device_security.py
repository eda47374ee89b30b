"""The laptop's side of issue 14: commits that survive a power cut, a wrong passphrase
after a crash that changes no byte, and a wipe that leaves no log behind."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pytest
import sqlcipher3

from fieldrep.logging_setup import configure_logging
from fieldrep.security import keys
from fieldrep.security.keys import WrongKeyError
from fieldrep.store.engine import _raw_key_pragma, verify_key
from fieldrep.workspace import Workspace, wipe
from tests.conftest import PASSPHRASE


def test_every_store_connection_commits_with_synchronous_full(workspace: Workspace) -> None:
    with workspace.store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def _digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def test_a_wrong_key_after_a_crash_changes_no_byte_of_any_file(
    data_dir: Path, tmp_path: Path
) -> None:
    """Snapshot a workspace while a writer holds it open (as after a crash: -wal and -shm
    left behind), then try a wrong key on the snapshot."""
    Workspace.open(data_dir, passphrase=PASSPHRASE).close()
    key = keys.existing_key(data_dir, passphrase=PASSPHRASE)
    path = Workspace.database_path(data_dir)
    writer = sqlcipher3.connect(str(path))
    writer.execute(f"PRAGMA key = {_raw_key_pragma(key)}")
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE IF NOT EXISTS crash_probe (x)")
    writer.execute("INSERT INTO crash_probe VALUES (1)")
    writer.commit()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            shutil.copy(source, crashed / source.name)
    writer.close()
    files = [crashed / f"{path.name}{s}" for s in ("", "-wal", "-shm")]
    assert (crashed / f"{path.name}-wal").exists()
    before = _digest(files)
    with pytest.raises(WrongKeyError):
        verify_key(crashed / path.name, bytes(32))
    assert _digest(files) == before
    verify_key(crashed / path.name, key)  # the right key still opens it
    assert _digest(files) == before


def test_the_wipe_of_a_revoked_device_removes_its_logs(data_dir: Path) -> None:
    Workspace.open(data_dir, passphrase=PASSPHRASE).close()
    log_path = configure_logging(data_dir) or data_dir / "logs" / "fieldrep.log"
    logging.getLogger("fieldrep.test").warning("a line that must not survive the wipe")
    log_path.parent.mkdir(exist_ok=True)
    (log_path.parent / "fieldrep.log.1").write_text("an older, rotated log\n")
    try:
        wipe(data_dir)
        assert not (data_dir / "logs").exists()
        assert not data_dir.exists() or not any(data_dir.rglob("*"))
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if str(data_dir) in str(getattr(handler, "baseFilename", "")):
                root.removeHandler(handler)
                handler.close()
