"""Keys live in the keychain when there is one; passphrases can change; keys can rotate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel
from fieldrep.security import keys
from fieldrep.security.keys import WrongKeyError
from fieldrep.workspace import Workspace, wipe
from tests.conftest import PASSPHRASE
from tests.pinned_clock import local_now


class MemoryKeychain(KeyringBackend):
    """Stands in for the OS keychain, which does not run on a headless test machine."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def keychain() -> Iterator[MemoryKeychain]:
    previous = keyring.get_keyring()
    backend = MemoryKeychain()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_new_workspace_keeps_a_random_key_in_the_keychain(
    data_dir: Path, keychain: MemoryKeychain
) -> None:
    with Workspace.open(data_dir) as ws:
        ws.hcps.count()
    stored = keychain.get_password(keys.KEYRING_SERVICE, f"workspace:{data_dir.resolve()}")
    assert stored is not None and len(bytes.fromhex(stored)) == keys.KEY_BYTES
    assert keys.KeyInfo.load(data_dir) == keys.KeyInfo(mode="keyring")
    Workspace.open(data_dir).close()  # reopens with no passphrase


def test_rotated_key_opens_the_data_and_the_old_key_does_not(
    data_dir: Path, keychain: MemoryKeychain
) -> None:
    account = f"workspace:{data_dir.resolve()}"
    with Workspace.open(data_dir) as ws:
        ws.messages.replace_all([])
        old = keychain.get_password(keys.KEYRING_SERVICE, account)
        ws.rotate_key()
        assert ws.status().schema_version > 0  # still usable after rotation
    new = keychain.get_password(keys.KEYRING_SERVICE, account)
    assert old != new
    Workspace.open(data_dir).close()
    assert old is not None
    keychain.set_password(keys.KEYRING_SERVICE, account, old)
    with pytest.raises(WrongKeyError):
        Workspace.open(data_dir)


def test_passphrase_change_keeps_data_and_retires_the_old_one(demo_workspace: Workspace) -> None:
    data_dir = demo_workspace.data_dir
    hcp = demo_workspace.hcps.all()[0]
    demo_workspace.calls.log(
        CallDraft(hcp_id=hcp.id, channel=Channel.PHONE, started_at=_now(), insights="kept")
    )
    demo_workspace.change_passphrase("a brand new passphrase")
    assert demo_workspace.status().pending_mutations == 1
    demo_workspace.close()
    with pytest.raises(WrongKeyError):
        Workspace.open(data_dir, passphrase=PASSPHRASE)
    with Workspace.open(data_dir, passphrase="a brand new passphrase") as ws:
        assert ws.status().pending_mutations == 1
        assert ws.hcps.count() == 400


def test_wipe_removes_database_and_key_record(demo_workspace: Workspace) -> None:
    data_dir = demo_workspace.data_dir
    demo_workspace.close()
    wipe(data_dir)
    assert not Workspace.exists(data_dir)
    assert keys.KeyInfo.load(data_dir) is None


def _now():

    return local_now()
