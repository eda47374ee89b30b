"""Where the device token lives: the OS keychain when usable, else the encrypted database.

Never in a plaintext file. The keychain entry is tied to the data directory, like the
database key, so two workspaces on one machine keep separate tokens.
"""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import keyring.errors

from fieldrep.security.keys import KEYRING_SERVICE, keyring_usable
from fieldrep.store import sync_state
from fieldrep.store.transactions import Store

log = logging.getLogger(__name__)

TOKEN_KEY = "token"  # sync_state key when there is no keychain
TOKEN_IN_KEYRING = "token_in_keyring"  # sync_state flag: "1" when the keychain holds it


def _account(data_dir: Path) -> str:
    return f"sync-token:{data_dir.resolve()}"


def save_token(store: Store, data_dir: Path, token: str) -> None:
    """Keep the device token for the workspace in `data_dir` (whose database is `store`)."""
    if keyring_usable():
        try:
            keyring.set_password(KEYRING_SERVICE, _account(data_dir), token)
        except keyring.errors.KeyringError as exc:
            log.warning("keychain refused the sync token (%s); keeping it encrypted", exc)
        else:
            with store.write() as conn:
                sync_state.put(conn, TOKEN_IN_KEYRING, "1")
                sync_state.delete(conn, TOKEN_KEY)
            return
    with store.write() as conn:
        sync_state.put(conn, TOKEN_KEY, token)
        sync_state.delete(conn, TOKEN_IN_KEYRING)


def load_token(store: Store, data_dir: Path) -> str | None:
    with store.read() as conn:
        in_keyring = sync_state.get(conn, TOKEN_IN_KEYRING) == "1"
        stored = sync_state.get(conn, TOKEN_KEY)
    if not in_keyring:
        return stored
    try:
        return keyring.get_password(KEYRING_SERVICE, _account(data_dir))
    except keyring.errors.KeyringError as exc:
        log.warning("keychain could not be read for the sync token: %s", exc)
        return None


def forget_token(data_dir: Path) -> None:
    """Drop the keychain entry (the database copy goes with the database on wipe)."""
    try:
        keyring.delete_password(KEYRING_SERVICE, _account(data_dir))
    except keyring.errors.KeyringError:
        pass
