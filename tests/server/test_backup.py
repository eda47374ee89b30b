"""`fieldrep-server backup FILE`: a stranger copied the live SQLite file by hand and lost
the latest changes (they were in its write-ahead log); the command copies the database
as one transaction sees it, never overwrites, and says what to use on PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.server.imports import run


def test_a_backup_of_a_live_database_holds_its_latest_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "server.db"
    url = f"sqlite:///{path}"
    assert run(url, "create-territory", "NORTH") == 0
    # the server is running: an open connection keeps the write-ahead log from being
    # folded back into the file when the command's own connection closes
    server = sqlite3.connect(path, isolation_level=None)
    try:
        server.execute("SELECT 1").fetchall()
        assert run(url, "create-territory", "SOUTH") == 0
        assert Path(f"{path}-wal").stat().st_size > 0  # SOUTH is in the log, not the file
        copy = tmp_path / "copy.db"
        assert run(url, "backup", str(copy)) == 0
    finally:
        server.close()
    assert "Backed up the server database to" in capsys.readouterr().out
    with sqlite3.connect(copy) as backup:
        names = {row[0] for row in backup.execute("SELECT id FROM territories")}
    assert {"NORTH", "SOUTH"} <= names
    assert run(url, "backup", str(copy)) == 1  # never overwritten
    assert "already exists" in capsys.readouterr().err


def test_a_backup_of_no_database_says_so_and_writes_no_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    assert run(f"sqlite:///{missing}", "backup", str(tmp_path / "copy.db")) == 1
    assert "no server database" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.postgres
def test_on_postgresql_it_names_pg_dump_and_touches_nothing(
    postgres_database: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(postgres_database, "backup", str(tmp_path / "copy.db")) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_a_backup_it_cannot_write_is_a_sentence_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert run(url, "create-territory", "NORTH") == 0
    capsys.readouterr()
    # /proc takes no new files, whoever asks (root included): SQLite cannot open one there
    assert run(url, "backup", "/proc/fieldrep-backup.db") == 1
    err = capsys.readouterr().err
    assert "error: could not write the backup to /proc/fieldrep-backup.db" in err
    assert "Traceback" not in err
