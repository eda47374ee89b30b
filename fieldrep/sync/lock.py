"""One sync at a time per device: a process-wide lock plus an OS file lock.

The file lock (`sync.lock` in the data directory) is held on an open descriptor, so
the OS drops it when the process dies, even under kill -9; a stale file never wedges
the next sync.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fieldrep.security.instance_lock import try_lock_file
from fieldrep.sync.errors import SyncBusyError

LOCK_FILENAME = "sync.lock"
_registry_guard = threading.Lock()
_process_locks: dict[str, threading.Lock] = {}

BUSY_MESSAGE = "A sync of this workspace is already running; wait for it to finish."


def _process_lock(data_dir: Path) -> threading.Lock:
    key = str(data_dir.resolve())
    with _registry_guard:
        return _process_locks.setdefault(key, threading.Lock())


@contextmanager
def sync_lock(data_dir: Path) -> Iterator[None]:
    """Hold the device's sync lock, or raise SyncBusyError at once (never waits)."""
    in_process = _process_lock(data_dir)
    if not in_process.acquire(blocking=False):
        raise SyncBusyError(BUSY_MESSAGE)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / LOCK_FILENAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as handle:
            if not try_lock_file(handle):
                raise SyncBusyError(BUSY_MESSAGE)
            # Closing the handle releases the OS lock.
            yield
    finally:
        in_process.release()
