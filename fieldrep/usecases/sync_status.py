"""The sync status bar and the inbox badge in one read: what waits to go up, what the
rep must review, when the last sync was and why it failed.

It reads the keychain (is the device signed in?) and the database, so it runs on a
worker, never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldrep.services.calls import CallService
from fieldrep.store import outbox, sync_state
from fieldrep.store.transactions import Store
from fieldrep.sync.service import SyncService


@dataclass(frozen=True, slots=True)
class SyncStatus:
    configured: bool  # signed in to a server (a server, a user and a token are stored)
    pending_records: int  # records with changes not yet pushed
    pending_mutations: int
    rejected: int  # changes the server refused, in the inbox
    conflicts: int  # conflict copies still to read: exactly the ones the inbox lists
    last_sync: str | None
    last_error: str | None
    server_url: str | None

    @property
    def signed_out(self) -> bool:
        """Signed in once (the server is remembered), but no token now: the rep signed
        out, and can sign in again as the same user (never as another)."""
        return not self.configured and self.server_url is not None

    @property
    def to_review(self) -> int:
        """The inbox badge: every row the inbox lists."""
        return self.rejected + self.conflicts


def sync_status(store: Store, sync: SyncService, calls: CallService) -> SyncStatus:
    with store.read() as conn:
        records = len(outbox.pending_keys(conn))
        mutations = outbox.count(conn, outbox.PENDING)
        rejected = outbox.count(conn, outbox.REJECTED)
        last_sync = sync_state.get(conn, sync_state.LAST_SYNC)
        last_error = sync_state.get(conn, sync_state.LAST_ERROR)
        server_url = sync_state.get(conn, sync_state.SERVER_URL)
    return SyncStatus(
        configured=sync.is_configured(),
        pending_records=records,
        pending_mutations=mutations,
        rejected=rejected,
        conflicts=calls.count_conflict_copies(),
        last_sync=last_sync,
        last_error=last_error,
        server_url=server_url,
    )
