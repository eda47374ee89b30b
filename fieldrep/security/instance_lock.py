"""One desktop app per data folder.

Two windows on one workspace would each hold their own picture of it (drafts, the
outbox, the sync cursor) and sync over each other. The app holds an OS lock on
`app.lock` in the data folder for as long as it runs. The lock lives on an open file
descriptor, so the OS drops it when the process ends, crash and kill -9 included: a
stale `app.lock` never blocks the next start. The command line does not take it (a
script may read or export while the app is open; syncs are serialised by `sync.lock`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from fieldrep.domain.errors import FieldrepError

APP_LOCK_FILENAME = "app.lock"


class FolderInUseError(FieldrepError):
    """Another Fieldrep window has this data folder open."""


def in_use_message(data_dir: Path) -> str:
    return (
        f"Fieldrep is already open on {data_dir}. Switch to that window, or close it "
        "before starting Fieldrep again."
    )


def try_lock_file(handle: IO[bytes]) -> bool:
    """An exclusive OS lock on an open file, or False at once if another process has it."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class InstanceLock:
    """Held from `acquire` until `release` (or the process's end)."""

    def __init__(self, data_dir: Path, handle: IO[bytes]) -> None:
        self.data_dir = data_dir
        self._handle: IO[bytes] | None = handle

    @classmethod
    def acquire(cls, data_dir: Path) -> InstanceLock:
        """Take the folder's lock or raise FolderInUseError at once (never waits).

        Touches nothing in the folder but `app.lock` (created empty if missing)."""
        data_dir = Path(data_dir)
        if not data_dir.exists():
            data_dir.mkdir(parents=True, mode=0o700)
        fd = os.open(data_dir / APP_LOCK_FILENAME, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        if not try_lock_file(handle):
            handle.close()
            raise FolderInUseError(in_use_message(data_dir))
        return cls(data_dir, handle)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor releases the OS lock
            self._handle = None
