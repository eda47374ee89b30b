"""`SyncService`: what the UI and the CLI call to sync a workspace.

`Workspace.sync` is one of these: the Workspace hands it the store, the data directory
and the device id (and how to reach the server), never itself. `run()` blocks until the
sync ends, so call it from a worker thread (never the UI thread); it opens its own HTTP
session and uses pooled database connections of its own. Progress and cancel work from
any thread.
"""

from __future__ import annotations

import getpass
import logging
import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fieldrep.security.instance_lock import APP_LOCK_FILENAME
from fieldrep.security.wipe import wipe
from fieldrep.store import sync_state
from fieldrep.store.transactions import Store
from fieldrep.sync import credentials
from fieldrep.sync import protocol as p
from fieldrep.sync.client import RetryPolicy, SyncClient
from fieldrep.sync.engine import PULL_PAGE, SyncEngine, SyncReport
from fieldrep.sync.errors import NotSignedInError, SignInRequiredError, WorkspaceOwnerError
from fieldrep.sync.lock import LOCK_FILENAME
from fieldrep.tasks import CancelToken, Progress

log = logging.getLogger(__name__)


def device_name() -> str:
    """How the admin's `fieldrep-server devices` names this laptop: the operating-system
    account and the hostname (two laptops of one rep often share a hostname like "vm")."""
    host = socket.gethostname() or "unknown host"
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        return host[:200]
    return f"{account}@{host}"[:200]


class ClientFactory(Protocol):
    """How the service reaches a server (`SyncClient` itself, unless a test says otherwise)."""

    def __call__(
        self, server_url: str, *, token: str | None = None, policy: RetryPolicy | None = None
    ) -> SyncClient: ...


def _ignore(_username: str) -> None:
    pass


class SyncService:
    def __init__(
        self,
        store: Store,
        *,
        data_dir: Path,
        device_id: str,
        connect: ClientFactory = SyncClient,
        policy: RetryPolicy | None = None,
        on_signed_in: Callable[[str], None] = _ignore,
        close: Callable[[], None] | None = None,
    ) -> None:
        """`on_signed_in(username)` lets the caller follow a sign-in (the Workspace's
        services stamp notes with the user); `close` releases the database before a
        revoked device is wiped (the store's engine by default)."""
        self._store = store
        self.data_dir = data_dir
        self.device_id = device_id
        self._connect = connect
        self.policy = policy
        self._on_signed_in = on_signed_in
        self._close = close or store.engine.dispose

    def _state(self, key: str) -> str | None:
        with self._store.read() as conn:
            return sync_state.get(conn, key)

    def server_url(self) -> str | None:
        return self._state(sync_state.SERVER_URL)

    def username(self) -> str | None:
        """The user this workspace was signed in as (kept after a sign-out)."""
        return self._state(sync_state.USERNAME)

    def is_configured(self) -> bool:
        """True once `login` stored a server, a user and a token."""
        return bool(self.server_url()) and self._token() is not None

    def _token(self) -> str | None:
        return credentials.load_token(self._store, self.data_dir)

    def last_error(self) -> str | None:
        return self._state(sync_state.LAST_ERROR)

    def last_sync(self) -> str | None:
        return self._state(sync_state.LAST_SYNC)

    def device_policy(self) -> p.DevicePolicy:
        """The organisation's rules from the last handshake (none before the first)."""
        return p.DevicePolicy.parse(self._state(sync_state.DEVICE_POLICY)) or (p.DevicePolicy())

    def days_overdue(self) -> int | None:
        """Days since the last sync when the organisation's limit has passed, else None.

        Past it the app locks until a sync succeeds (the device proves it is still
        allowed: a revoked one is wiped by that sync). Never synced: not overdue (there is
        no company data on the device yet)."""
        limit = self.device_policy().max_offline_days
        last = self.last_sync()
        if not limit or not last:
            return None
        try:
            synced = datetime.fromisoformat(last)
        except ValueError:
            return None
        now = self._store.clock.now()
        if synced.tzinfo is None:
            synced = synced.replace(tzinfo=now.tzinfo)
        days = (now - synced).days
        return days if days >= limit else None

    def awaiting_first_sync(self) -> bool:
        """Signed in, but no sync has completed: the territory is still on its way."""
        return self.server_url() is not None and self.last_sync() is None

    def client(self) -> SyncClient:
        url = self.server_url()
        token = self._token()
        if not url or not token:
            raise NotSignedInError(
                "This workspace is not signed in to a sync server yet. "
                "Run 'fieldrep login --server URL --username NAME'."
            )
        return self._connect(url, token=token, policy=self.policy)

    def engine(
        self, client: SyncClient, *, page_size: int = PULL_PAGE, push_batch: int = p.MAX_PUSH_BATCH
    ) -> SyncEngine:
        """An engine for this device over `client` (tests drive it directly)."""
        return SyncEngine(
            self._store,
            client,
            data_dir=self.data_dir,
            device_id=self.device_id,
            page_size=page_size,
            push_batch=push_batch,
        )

    def run(
        self,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
        *,
        page_size: int = PULL_PAGE,
        push_batch: int = p.MAX_PUSH_BATCH,
    ) -> SyncReport:
        """Sync now (blocking). Raises SyncError subclasses with a message for the rep,
        the CancelToken's exception when cancelled, and DeviceRevokedError when the server
        revoked this device: the caller then tells the rep and calls `wipe_revoked_device()`."""
        client = self.client()
        try:
            engine = self.engine(client, page_size=page_size, push_batch=push_batch)
            return engine.run(progress=progress, cancel=cancel)
        except SignInRequiredError as error:
            # The token expired unused, or its session was ended: it will never work
            # again, so this laptop is signed out (data and unsent changes stay), and the
            # app offers File > Sign in… instead of a dead end.
            self._forget_token()
            log.info("the server no longer accepts this device's token: signed out")
            raise SignInRequiredError(
                "The server no longer accepts this laptop's sign-in (it expired or was "
                "ended), so it is signed out. Your data and unsent changes stay here: sign "
                "in again (File > Sign in… in the app, or 'fieldrep login') and they go up.",
                server_detail=error.server_detail,
            ) from error
        finally:
            client.close()

    def login(self, server_url: str, username: str, password: str) -> p.LoginResponse:
        """Sign this device in; stores server, user and token (token never in plaintext)."""
        client = self._connect(server_url, policy=self.policy)
        try:
            response = client.login(
                p.LoginRequest(
                    username=username,
                    password=password,
                    device_id=self.device_id,
                    device_name=device_name(),
                )
            )
        finally:
            client.close()
        credentials.save_token(self._store, self.data_dir, response.token)
        with self._store.write() as conn:
            sync_state.put(conn, sync_state.SERVER_URL, server_url.rstrip("/"))
            sync_state.put(conn, sync_state.USERNAME, response.username)
            sync_state.put(conn, sync_state.ROLE, response.role)
        self._on_signed_in(response.username)
        return response

    def check_owner(self, server_url: str, username: str) -> None:
        """Refuse a sign-in that would mix two reps' (or two servers') data in this
        workspace: once signed in, it belongs to that user on that server, signed out or
        not. Raises `WorkspaceOwnerError`; a workspace never signed in takes anyone."""
        owner_url, owner = self.server_url(), self.username()
        if owner_url and (owner_url != server_url.rstrip("/") or owner != username):
            raise WorkspaceOwnerError(
                f"This workspace belongs to {owner} on {owner_url}. "
                "Use another data folder (--data-dir) for a different user or server."
            )

    def sign_in(self, server_url: str, username: str, password: str) -> p.LoginResponse:
        """`login` as this workspace's own user only (`check_owner` first): what the CLI's
        `login` and the window's File > Sign in… do. (The demo's start-up `login` goes to
        a new port each time, so it does not use this.)"""
        self.check_owner(server_url, username)
        return self.login(server_url, username, password)

    def logout(self) -> bool:
        """Sign this device out: the server forgets the token, then it is removed here.

        The local data stays (the next login is the same device). Returns whether the
        server confirmed; offline, the token is removed locally anyway and dies on the
        server at its idle expiry (or when an admin ends the user's sessions).
        """
        url = self.server_url()
        token = self._token()
        confirmed = True
        if url and token:
            client = self._connect(url, token=token, policy=self.policy)
            try:
                confirmed = client.logout()
            finally:
                client.close()
        self._forget_token()
        log.info("signed out (server confirmed: %s)", confirmed)
        return confirmed

    def _forget_token(self) -> None:
        credentials.forget_token(self.data_dir)
        with self._store.write() as conn:
            sync_state.delete(conn, credentials.TOKEN_KEY)
            sync_state.delete(conn, credentials.TOKEN_IN_KEYRING)

    def wipe_revoked_device(self, announce: Callable[[str], None] | None = None) -> None:
        """Close the workspace and remove every local trace of it (revoked device)."""
        data_dir = self.data_dir
        if announce is not None:
            announce(f"Removing all Fieldrep data from {data_dir} ...")
        self._close()
        credentials.forget_token(data_dir)
        (data_dir / LOCK_FILENAME).unlink(missing_ok=True)
        (data_dir / APP_LOCK_FILENAME).unlink(missing_ok=True)  # the window's, if any
        wipe(data_dir)
        log.warning("device revoked by the server: local workspace wiped")
