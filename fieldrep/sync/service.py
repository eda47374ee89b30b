"""`SyncService`: what the UI and the CLI call to sync a workspace.

`Workspace.sync` is one of these. `run()` blocks until the sync ends, so call it from a
worker thread (never the UI thread); it opens its own HTTP session and uses pooled
database connections of its own. Progress and cancel work from any thread.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from fieldrep.store import sync_state
from fieldrep.sync import credentials
from fieldrep.sync import protocol as p
from fieldrep.sync.client import RetryPolicy, SyncClient
from fieldrep.sync.engine import PULL_PAGE, SyncEngine, SyncReport
from fieldrep.sync.errors import NotSignedInError
from fieldrep.sync.lock import LOCK_FILENAME
from fieldrep.tasks import CancelToken, Progress

if TYPE_CHECKING:
    from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)


class SyncService:
    def __init__(self, workspace: Workspace, *, policy: RetryPolicy | None = None) -> None:
        self._workspace = workspace
        self.policy = policy

    def server_url(self) -> str | None:
        return self._workspace.state(sync_state.SERVER_URL)

    def is_configured(self) -> bool:
        """True once `login` stored a server, a user and a token."""
        return bool(self.server_url()) and credentials.load_token(self._workspace) is not None

    def last_error(self) -> str | None:
        return self._workspace.state(sync_state.LAST_ERROR)

    def last_sync(self) -> str | None:
        return self._workspace.state(sync_state.LAST_SYNC)

    def device_policy(self) -> p.DevicePolicy:
        """The organisation's rules from the last handshake (none before the first)."""
        return p.DevicePolicy.parse(self._workspace.state(sync_state.DEVICE_POLICY)) or (
            p.DevicePolicy()
        )

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
        now = self._workspace.clock.now()
        if synced.tzinfo is None:
            synced = synced.replace(tzinfo=now.tzinfo)
        days = (now - synced).days
        return days if days >= limit else None

    def awaiting_first_sync(self) -> bool:
        """Signed in, but no sync has completed: the territory is still on its way."""
        return self.server_url() is not None and self.last_sync() is None

    def client(self) -> SyncClient:
        url = self.server_url()
        token = credentials.load_token(self._workspace)
        if not url or not token:
            raise NotSignedInError(
                "This workspace is not signed in to a sync server yet. "
                "Run 'fieldrep login --server URL --username NAME'."
            )
        return SyncClient(url, token=token, policy=self.policy)

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
            engine = SyncEngine(self._workspace, client, page_size=page_size, push_batch=push_batch)
            return engine.run(progress=progress, cancel=cancel)
        finally:
            client.close()

    def login(self, server_url: str, username: str, password: str) -> p.LoginResponse:
        """Sign this device in; stores server, user and token (token never in plaintext)."""
        client = SyncClient(server_url, policy=self.policy)
        try:
            response = client.login(
                p.LoginRequest(
                    username=username,
                    password=password,
                    device_id=self._workspace.device_id,
                    device_name=socket.gethostname()[:200],
                )
            )
        finally:
            client.close()
        credentials.save_token(self._workspace, response.token)
        self._workspace.set_state(sync_state.SERVER_URL, server_url.rstrip("/"))
        self._workspace.set_username(response.username)
        self._workspace.set_role(response.role)
        return response

    def logout(self) -> bool:
        """Sign this device out: the server forgets the token, then it is removed here.

        The local data stays (the next login is the same device). Returns whether the
        server confirmed; offline, the token is removed locally anyway and dies on the
        server at its idle expiry (or when an admin ends the user's sessions).
        """
        url = self.server_url()
        token = credentials.load_token(self._workspace)
        confirmed = True
        if url and token:
            client = SyncClient(url, token=token, policy=self.policy)
            try:
                confirmed = client.logout()
            finally:
                client.close()
        credentials.forget_token(self._workspace.data_dir)
        with self._workspace.store.write() as conn:
            sync_state.delete(conn, credentials.TOKEN_KEY)
            sync_state.delete(conn, credentials.TOKEN_IN_KEYRING)
        log.info("signed out (server confirmed: %s)", confirmed)
        return confirmed

    def wipe_revoked_device(self, announce: Callable[[str], None] | None = None) -> None:
        """Close the workspace and remove every local trace of it (revoked device)."""
        from fieldrep.workspace import wipe

        data_dir = self._workspace.data_dir
        if announce is not None:
            announce(f"Removing all Fieldrep data from {data_dir} ...")
        self._workspace.close()
        credentials.forget_token(data_dir)
        (data_dir / LOCK_FILENAME).unlink(missing_ok=True)
        wipe(data_dir)
        log.warning("device revoked by the server: local workspace wiped")
