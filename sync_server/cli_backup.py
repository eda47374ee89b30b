"""`fieldrep-server backup FILE`: a consistent copy of a SQLite server database, taken
while the server runs (see docs/server.md, "Backups").

Copying the database file by hand while the server runs loses the latest changes: they
sit in the write-ahead log (`-wal`) beside it until a checkpoint. SQLite's online backup
copies the database as one transaction sees it, log included. PostgreSQL has its own
tools (`pg_dump`), which this command names rather than wraps.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, inspect

from sync_server.cli_imports import AddCommand, Report
from sync_server.errors import Invalid


def _is_server_database(engine: Engine) -> bool:
    with engine.connect() as conn:
        return inspect(conn).has_table("alembic_version")


def cmd_backup(args: argparse.Namespace, engine: Engine) -> Report:
    target = Path(args.file)
    if engine.dialect.name != "sqlite":
        raise Invalid(
            "backup copies a SQLite database; this server uses PostgreSQL: use its own "
            "tools, e.g. pg_dump --format=custom --file fieldrep.dump DATABASE (docs/deploy.md)."
        )
    database = engine.url.database or "(memory)"
    if not _is_server_database(engine):
        raise Invalid(f"there is no server database at {database} to back up.")
    if target.exists():
        raise Invalid(f"{target} already exists; name a new file (a backup never overwrites).")
    if not target.parent.is_dir():
        raise Invalid(f"{target.parent} is not a folder.")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:  # a full disk, a folder it may not write: a sentence
        target.unlink(missing_ok=True)  # never a half copy that looks like a backup
        raise Invalid(f"could not write the backup to {target}: {error}") from None
    finally:
        raw.close()
    size = target.stat().st_size
    return Report(out=[f"Backed up the server database to {target} ({size / 1e6:.1f} MB)."])


def add_commands(add: AddCommand) -> None:
    p = add("backup", cmd_backup, "copy a SQLite server database safely while it runs")
    p.add_argument("file", help="the new file to write (never overwritten)")
