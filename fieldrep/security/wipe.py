"""Remote wipe: every local trace of a workspace goes, the key first (crypto-shredding).

Used when the server revokes the device (`SyncService.wipe_revoked_device`) and by
`fieldrep wipe`; it knows files and the keychain only, never an open database (the
caller closes that first).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from fieldrep.paths import DATABASE_FILENAME, KEY_INFO_FILENAME
from fieldrep.security import keys

log = logging.getLogger(__name__)


def _remove_logs(data_dir: Path) -> None:
    """The app's logs go too (they name HCPs and users): close our handlers, then delete."""
    log_dir = data_dir / "logs"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if str(getattr(handler, "baseFilename", "")).startswith(str(log_dir)):
            root.removeHandler(handler)
            handler.close()
    shutil.rmtree(log_dir, ignore_errors=True)


def wipe(data_dir: Path) -> None:
    """Remove every local trace of the workspace: database, key record, keychain entry, logs.

    The key goes first (crypto-shredding): should a file survive the deletion (a backup,
    an SSD's remapped blocks), nothing can decrypt it any more.
    """
    keys.forget_key(data_dir)
    for name in (DATABASE_FILENAME, f"{DATABASE_FILENAME}-wal", f"{DATABASE_FILENAME}-shm"):
        (data_dir / name).unlink(missing_ok=True)
    (data_dir / KEY_INFO_FILENAME).unlink(missing_ok=True)
    _remove_logs(data_dir)
    log.info("workspace in %s wiped", data_dir)
    if data_dir.exists() and not any(data_dir.iterdir()):
        shutil.rmtree(data_dir, ignore_errors=True)
