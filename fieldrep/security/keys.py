"""Where the database key comes from: the OS keychain, or a passphrase. Never plaintext.

A new workspace gets 32 random bytes stored in the keychain under a name tied to its
data directory. Where no usable keychain exists (a headless Linux box, CI) the user
sets a passphrase and the key is derived from it with scrypt and a per-workspace salt.
`keyinfo.json` beside the database records which of the two applies and the salt; it
holds nothing secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from fieldrep.domain.errors import FieldrepError
from fieldrep.paths import KEY_INFO_FILENAME

log = logging.getLogger(__name__)

KEYRING_SERVICE = "fieldrep"
PASSPHRASE_ENV = "FIELDREP_PASSPHRASE"
KEY_BYTES = 32
MIN_PASSPHRASE_CHARS = 8
# scrypt cost: about 50 ms here, paid once per unlock, not per connection.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1

PassphrasePrompt = Callable[[bool], str | None]
"""Asks the user for a passphrase; the flag is True when a new one is being set."""


class KeyUnavailableError(FieldrepError):
    """No usable key: the message says what to do."""


class PassphraseCancelledError(KeyUnavailableError):
    """The user closed the passphrase prompt without answering."""


class WrongKeyError(FieldrepError):
    """The key or passphrase does not open this workspace; the file was not touched."""


@dataclass(frozen=True)
class KeyInfo:
    mode: str  # "keyring" | "passphrase"
    salt_hex: str = ""

    def save(self, data_dir: Path) -> None:
        path = data_dir / KEY_INFO_FILENAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"mode": self.mode, "salt": self.salt_hex, "kdf": "scrypt"}))
        os.replace(tmp, path)

    @classmethod
    def load(cls, data_dir: Path) -> KeyInfo | None:
        path = data_dir / KEY_INFO_FILENAME
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        return cls(mode=str(raw["mode"]), salt_hex=str(raw.get("salt", "")))


# Backends that would keep the key beside the data in the clear: never ours to use.
_UNSAFE_BACKEND_MODULES = ("keyring.backends.null", "keyrings.alt")


def keyring_usable() -> bool:
    """True when a real keychain backend is available (not 'fail', null or plaintext)."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if type(backend).__module__.startswith(_UNSAFE_BACKEND_MODULES):
        return False
    return float(getattr(backend, "priority", 0)) > 0


def _account(data_dir: Path) -> str:
    return f"workspace:{data_dir.resolve()}"


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode(),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=128 * 1024 * 1024,
        dklen=KEY_BYTES,
    )


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise KeyUnavailableError(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters."
        )


def _passphrase(prompt: PassphrasePrompt | None, passphrase: str | None, *, new: bool) -> str:
    if passphrase:
        return passphrase
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    error = KeyUnavailableError
    if prompt is not None:
        answer = prompt(new)
        if answer:
            return answer
        error = PassphraseCancelledError
    raise error(
        "This workspace is protected by a passphrase. Enter it, or set "
        f"{PASSPHRASE_ENV} for headless use."
        if not new
        else "No system keychain is available here, so the workspace needs a passphrase. "
        f"Set one in the app, or set {PASSPHRASE_ENV} for headless use."
    )


def existing_key(
    data_dir: Path,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
) -> bytes:
    """The key of an existing workspace."""
    info = KeyInfo.load(data_dir)
    if info is None:
        raise KeyUnavailableError(
            f"The workspace in {data_dir} has no key record ({KEY_INFO_FILENAME}); "
            "it cannot be opened."
        )
    if info.mode == "keyring":
        try:
            stored = keyring.get_password(KEYRING_SERVICE, _account(data_dir))
        except keyring.errors.KeyringError as exc:
            raise KeyUnavailableError(f"The system keychain could not be read: {exc}") from None
        if not stored:
            raise KeyUnavailableError(
                "The key for this workspace is missing from the system keychain. "
                "Sign in again to rebuild the workspace from the server."
            )
        return bytes.fromhex(stored)
    secret = _passphrase(prompt, passphrase, new=False)
    return derive_key(secret, bytes.fromhex(info.salt_hex))


def new_key(
    data_dir: Path,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
) -> bytes:
    """Create the key of a new workspace: keychain when usable, else a passphrase."""
    wants_passphrase = bool(passphrase or os.environ.get(PASSPHRASE_ENV))
    if not wants_passphrase and keyring_usable():
        key = secrets.token_bytes(KEY_BYTES)
        try:
            keyring.set_password(KEYRING_SERVICE, _account(data_dir), key.hex())
        except keyring.errors.KeyringError as exc:
            log.warning("keychain refused the key (%s); falling back to a passphrase", exc)
        else:
            KeyInfo(mode="keyring").save(data_dir)
            return key
    secret = _passphrase(prompt, passphrase, new=True)
    check_new_passphrase(secret)
    salt = secrets.token_bytes(16)
    KeyInfo(mode="passphrase", salt_hex=salt.hex()).save(data_dir)
    return derive_key(secret, salt)


def key_for_new_passphrase(new_passphrase: str) -> tuple[bytes, KeyInfo]:
    """A key for a passphrase change; the caller saves the KeyInfo after rekeying."""
    check_new_passphrase(new_passphrase)
    salt = secrets.token_bytes(16)
    return derive_key(new_passphrase, salt), KeyInfo(mode="passphrase", salt_hex=salt.hex())


def fresh_key() -> bytes:
    """A new random key; stored by `store_keyring_key` once the database is rekeyed."""
    return secrets.token_bytes(KEY_BYTES)


def store_keyring_key(data_dir: Path, key: bytes) -> None:
    keyring.set_password(KEYRING_SERVICE, _account(data_dir), key.hex())
    KeyInfo(mode="keyring").save(data_dir)


def forget_key(data_dir: Path) -> None:
    """Remove the keychain entry (used by wipe)."""
    try:
        keyring.delete_password(KEYRING_SERVICE, _account(data_dir))
    except keyring.errors.KeyringError:
        pass
