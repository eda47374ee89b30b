"""The sync engine: handshake, push the outbox, pull the change log. No Qt.

`SyncEngine(store, client, data_dir=..., device_id=...).run(progress=..., cancel=...)`
may run on any thread: it uses its own pooled database connections and short write
transactions, so the UI (or the CLI) keeps working while it runs. One sync at a time per
device (`sync_lock` in the data directory). It knows the store, the outbox and the HTTP
client, never the Workspace (which wires them together).

Crash safety: every push batch's results commit in one transaction, and pulled pages
commit with their cursor (a few to a transaction when they arrive faster than they are
stored); a process killed at any point resumes from the last committed cursor.
Replayed pushes are acknowledged by the server as duplicates, never applied twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from fieldrep import __version__
from fieldrep.compliance.call_record import CLOCK_SKEW_TOLERANCE
from fieldrep.domain.changes import Changes
from fieldrep.store import outbox, sync_state
from fieldrep.store.migrations import SCHEMA_VERSION
from fieldrep.store.transactions import Store
from fieldrep.sync import protocol as p
from fieldrep.sync.apply import (
    apply_page,
    clear_synced,
    drop_orphan_contacts,
    prune_former_hcps,
    release_held,
    set_version,
)
from fieldrep.sync.client import SyncClient
from fieldrep.sync.errors import PayloadTooLargeError, SyncError
from fieldrep.sync.lock import sync_lock
from fieldrep.sync.page_feed import PageFeed
from fieldrep.tasks import Cancelled, CancelToken, Progress, no_progress

log = logging.getLogger(__name__)
POLICY_KEY = p.DEVICE_POLICY_HEADER.lower()

PULL_PAGE = 2000
# A pull transaction takes in more waiting pages up to this many changes, or this long.
COMMIT_ROWS = 20_000
COMMIT_S = 1.0


@dataclass
class SyncReport:
    pushed: int = 0  # mutations sent
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0  # changes received
    deleted: int = 0  # local records removed by tombstones
    skipped_pending: int = 0  # pulled changes held back by pending local edits
    hcps_left: int = 0  # HCPs realigned out of the territory (tombstones this sync)
    plans_dropped: int = 0  # their planned visits, removed with them
    conflicts: list[str] = field(default_factory=list)  # ids of conflict copies
    rejections: list[str] = field(default_factory=list)  # "entity id: reason"
    full_resync: bool = False
    cursor: int = 0
    duration_s: float = 0.0
    # This computer's clock minus the server's (its HTTP Date header), when known.
    clock_ahead_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def changes(self) -> Changes:
        """A sync may bring anything: screens that show synced records reload."""
        return Changes(sync=True, outbox=True)

    def summary(self) -> str:
        """One sentence for the status bar: what went up, what came down, what needs a look."""

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        parts = []
        # A replay after a cut connection or a kill: the server had these already (the
        # ledger said `duplicate`), so "sent 3 changes" would claim work that was not done.
        fresh = self.pushed - self.duplicates
        if fresh > 0:
            parts.append(f"sent {n(fresh, 'change', 'changes')}")
        if self.duplicates:
            had = n(self.duplicates, "change it", "changes it")
            parts.append(f"the server confirmed {had} already had")
        if self.pulled:
            parts.append(f"received {n(self.pulled, 'update', 'updates')}")
        text = ("Synced: " + " and ".join(parts)) if parts else "Synced: everything is up to date"
        text += f" ({self.duration_s:.1f} s)."
        if self.rejected:
            text += (
                f" {n(self.rejected, 'change was', 'changes were')} refused: see the Sync inbox."
            )
        if self.conflicts:
            text += f" {n(len(self.conflicts), 'conflict copy', 'conflict copies')} to review."
        if self.hcps_left:
            text += f" {n(self.hcps_left, 'HCP', 'HCPs')} left your territory (realigned)"
            if self.plans_dropped:
                them = "it" if self.hcps_left == 1 else "them"
                was = "was" if self.plans_dropped == 1 else "were"
                visits = n(self.plans_dropped, "planned visit", "planned visits")
                text += f"; {visits} with {them} {was} removed"
            text += "."
        return text + self.clock_warning()

    def clock_warning(self) -> str:
        """A laptop clock far off the server's: a call logged "now" from it is refused as
        in the future (or dated weeks back), and nothing else would say why."""
        ahead = self.clock_ahead_s
        if ahead is None or abs(ahead) <= CLOCK_SKEW_TOLERANCE.total_seconds():
            return ""
        off = abs(ahead)
        amount = (
            f"{off / 86400:.0f} days" if off >= 2 * 86400
            else f"{off / 3600:.0f} hours" if off >= 2 * 3600
            else f"{off / 60:.0f} minutes"
        )  # fmt: skip
        way = "ahead of" if ahead > 0 else "behind"
        return (
            f" This computer's clock is {amount} {way} the server's: calls logged now get the"
            " wrong date (and may be refused). Set the clock right."
        )


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        data_dir: Path,
        device_id: str,
        page_size: int = PULL_PAGE,
        push_batch: int = p.MAX_PUSH_BATCH,
    ) -> None:
        self.store = store
        self.client = client
        self.data_dir = data_dir  # where the one-sync-at-a-time lock lives
        self.device_id = device_id
        self.protocol_version = p.PROTOCOL_VERSION  # what the handshake announces
        # Smaller pages and batches mean less work redone after a cut on a slow link.
        self.page_size = max(1, min(page_size, p.MAX_PULL_LIMIT))
        self.push_batch = max(1, min(push_batch, p.MAX_PUSH_BATCH))

    def run(
        self, progress: Progress | None = None, cancel: CancelToken | None = None
    ) -> SyncReport:
        """Sync once; raises a SyncError subclass (message for the rep) or Cancelled.

        The outcome (last_sync or last_error) is recorded in sync_state either way.
        """
        report_progress = progress or no_progress
        token = cancel or CancelToken()
        self.client.cancel = token
        self.client.protocol_version = self.protocol_version
        with sync_lock(self.data_dir):
            started = time.perf_counter()
            report = SyncReport()
            try:
                self._run(report, report_progress, token)
            except SyncError as exc:
                self._record_error(str(exc))
                raise
            except Cancelled:
                raise
            except Exception as exc:
                # A bug or a record this app cannot store: the rep and the admin's
                # `devices` report must still see that syncing stopped, and why.
                self._record_error(
                    f"Sync stopped on an unexpected error ({type(exc).__name__}); your changes "
                    "are safe on this device. Tell your administrator if it happens again."
                )
                raise
            report.duration_s = time.perf_counter() - started
            with self.store.write() as conn:
                sync_state.put(conn, sync_state.LAST_SYNC, self.store.clock.now().isoformat())
                sync_state.delete(conn, sync_state.LAST_ERROR)
            report_progress("Done", 1.0)
            log.info("sync finished: %s", report.summary())
            return report

    def _record_error(self, message: str) -> None:
        try:
            self._put_state(sync_state.LAST_ERROR, message)
        except Exception:  # the error itself matters more than recording it
            log.exception("could not record the sync error")

    def _put_state(self, key: str, value: str) -> None:
        with self.store.write() as conn:
            sync_state.put(conn, key, value)

    def _run(self, report: SyncReport, progress: Progress, cancel: CancelToken) -> None:
        progress("Connecting", 0.0)
        self.handshake()
        skew = self.clock_ahead()
        report.clock_ahead_s = skew.total_seconds() if skew is not None else None
        cancel.raise_if_cancelled()
        self.push(report, progress, cancel)
        with self.store.write() as conn:
            release_held(conn, now=self.store.clock.now())
        self.pull(report, progress, cancel)

    # -- handshake ---------------------------------------------------------------

    def handshake(self) -> p.HandshakeResult:
        """Raises UpdateRequiredError before any data moves when versions do not match.

        Keeps the organisation's device policy the server sends with the answer."""
        result = self.client.handshake(
            p.Handshake(
                protocol_version=self.protocol_version,
                schema_version=SCHEMA_VERSION,
                client_version=__version__,
                device_id=self.device_id,
            )
        )
        headers = getattr(self.client, "last_headers", {})
        header = next((v for k, v in headers.items() if k.lower() == POLICY_KEY), None)
        policy = p.DevicePolicy.parse(header)
        with self.store.write() as conn:
            if policy is not None:
                sync_state.put(conn, sync_state.DEVICE_POLICY, policy.header())
            if result.role != sync_state.get(conn, sync_state.ROLE):
                sync_state.put(conn, sync_state.ROLE, result.role)
        return result

    def clock_ahead(self) -> timedelta | None:
        """This computer's clock minus the server's, from the last answer's Date header
        (whole seconds; None when absent or unreadable)."""
        headers = getattr(self.client, "last_headers", {})
        date = next((v for k, v in headers.items() if k.lower() == "date"), None)
        try:
            server_now = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            return None
        if server_now is None or server_now.tzinfo is None:
            return None
        return self.store.clock.now() - server_now

    # -- push --------------------------------------------------------------------

    def push(self, report: SyncReport, progress: Progress, cancel: CancelToken) -> None:
        store = self.store
        device_id = self.device_id
        with store.read() as conn:
            total = outbox.count(conn, outbox.PENDING)
            # Pending adverse-event reports (a handful at most), oldest first.
            urgent = outbox.pending(
                conn, entity=p.Entity.ADVERSE_EVENT_REPORT, limit=p.MAX_PUSH_BATCH
            )
        if urgent:
            # Adverse-event reports are on a regulatory clock: they go first, alone, so a
            # long queue of notes (or a cut connection behind it) never delays them. The
            # server applies mutations sent out of seq order like any others.
            request = p.PushRequest(device_id=device_id, mutations=[_mutation(e) for e in urgent])
            self._record_push(urgent, self.client.push(request), report)
        after = 0  # rows changed during the sync are sent by this loop too, in order
        size = self.push_batch
        while True:
            cancel.raise_if_cancelled()
            with store.read() as conn:
                batch = outbox.pending(conn, after=after, limit=size)
            if not batch:
                return
            progress("Sending changes", 0.4 * min(1.0, report.pushed / max(total, 1)))
            request = p.PushRequest(device_id=device_id, mutations=[_mutation(e) for e in batch])
            try:
                response = self.client.push(request)
            except PayloadTooLargeError:
                # Over the server's body cap: halve and resend. Treating 413 as final
                # would stop every later sync at this batch for good.
                if len(batch) > 1:
                    size = len(batch) // 2
                    log.info("push of %d mutations too large; trying %d", len(batch), size)
                    continue
                self._reject_too_large(batch[0], len(request.model_dump_json()), report)
            else:
                self._record_push(batch, response, report)
                size = min(self.push_batch, size * 2)  # small notes behind a big one
            after = batch[-1].seq

    def _reject_too_large(self, entry: outbox.OutboxEntry, size: int, report: SyncReport) -> None:
        """A mutation the server cannot take even alone: rejected here, so the queue moves
        on and the rep sees it (`fieldrep rejected`), like a server rejection."""
        reason = (
            f"This change is too large for the sync server to accept ({size / 1_000_000:.1f} "
            "MB), so it was not sent and is kept on this device only. Shorten it (e.g. the "
            "note's text) or ask your administrator to raise the server's request limit."
        )
        with self.store.write() as conn:
            outbox.mark_rejected(conn, entry.seq, reason)
        report.pushed += 1
        report.rejected += 1
        report.rejections.append(f"{entry.entity} {entry.entity_id}: {reason}")
        log.warning("%s %s (outbox seq %d) is too large to push; rejected locally",
                    entry.entity, entry.entity_id, entry.seq)  # fmt: skip

    def _record_push(
        self, batch: list[outbox.OutboxEntry], response: p.PushResponse, report: SyncReport
    ) -> None:
        by_seq = {e.seq: e for e in batch}
        acknowledged: list[int] = []
        with self.store.write() as conn:
            for result in response.results:
                entry = by_seq.get(result.mutation_seq)
                if entry is None:
                    continue
                if _rejected(result):
                    reason = result.reason or "rejected by the server"
                    outbox.mark_rejected(conn, entry.seq, reason)
                    report.rejected += 1
                    report.rejections.append(f"{entry.entity} {entry.entity_id}: {reason}")
                    continue
                acknowledged.append(entry.seq)
                if result.status == p.MutationStatus.DUPLICATE:
                    report.duplicates += 1
                else:
                    report.applied += 1
                if result.version is not None:
                    set_version(conn, entry.entity, entry.entity_id, result.version)
                if result.conflict_copy_id:
                    report.conflicts.append(result.conflict_copy_id)
            outbox.acknowledge(conn, acknowledged)
        report.pushed += len(batch)
        missing = (
            len(batch)
            - len(acknowledged)
            - sum(1 for r in response.results if r.status == p.MutationStatus.REJECTED)
        )
        if missing:
            # Unanswered mutations stay pending; the next sync sends them again.
            log.warning("server answered %d of %d mutations", len(batch) - missing, len(batch))

    # -- pull --------------------------------------------------------------------

    def pull(self, report: SyncReport, progress: Progress, cancel: CancelToken) -> None:
        store = self.store
        with store.read() as conn:
            cursor = int(sync_state.get(conn, sync_state.CURSOR) or 0)
        progress("Receiving changes", 0.4)
        for attempt in range(2):
            if self._pull_pages(cursor, report, progress, cancel):
                # A pass that ended (a full resync, or one a cut connection interrupted,
                # resumed since) has brought back every note the server still has.
                with store.write() as conn:
                    prune_former_hcps(conn)
                    drop_orphan_contacts(conn)
                return
            if attempt:
                break
            report.full_resync = True
            log.info("cursor %d is older than the server's tombstones: full resync", cursor)
            with store.write() as conn:
                clear_synced(conn, now=store.clock.now())
                sync_state.put(conn, sync_state.CURSOR, "0")
            cursor = 0
        raise SyncError("The server keeps asking for a full resync; try again later.")

    def _pull_pages(
        self, cursor: int, report: SyncReport, progress: Progress, cancel: CancelToken
    ) -> bool:
        """Store pages from `cursor` to the end; False when the server answers
        `reset_required` instead.

        The next page is fetched while one is stored (`PageFeed`). Pages commit with
        their cursor, several to a transaction while the next one is already here (up
        to COMMIT_ROWS changes or COMMIT_S seconds): a commit costs a WAL sync, and on a
        first sync the commits of one 2,000-change page each were a sixth of the time.
        The write lock is never held while waiting on the network, nor for long, so the
        app's own writes go on meanwhile."""
        first_cursor = cursor

        def fetch(since: int) -> p.PullResponse:
            return self.client.pull(since=since, limit=self.page_size)

        with PageFeed(fetch, cursor, cancel) as feed:
            page = feed.next_page()
            while not page.reset_required:
                with self.store.write() as conn:
                    page = self._store_pages(conn, page, feed, report)
                if page.reset_required:
                    break
                if not page.has_more:
                    return True
                # The server's cursor is a sequence number, not a row count: use it only
                # for a rough fraction when the first page tells us nothing better.
                progress(
                    "Receiving changes", 0.4 + 0.6 * _fraction(first_cursor, page.cursor, page)
                )
                page = feed.next_page()
        return False

    def _store_pages(
        self, conn: Connection, page: p.PullResponse, feed: PageFeed, report: SyncReport
    ) -> p.PullResponse:
        """Store `page` and the ones waiting after it in this transaction; returns the
        last page stored, or the `reset_required` page that stopped it (not stored)."""
        started = time.monotonic()
        stored = 0
        while True:
            result = apply_page(conn, page.changes, now=self.store.clock.now())
            sync_state.put(conn, sync_state.CURSOR, str(page.cursor))
            stored += len(page.changes)
            report.pulled += len(page.changes)
            report.deleted += result.deleted
            report.skipped_pending += result.skipped_pending
            report.hcps_left += result.hcps_left
            report.plans_dropped += result.plans_dropped
            # A copy this device's push was told about arrives in the pull too: once.
            report.conflicts.extend(c for c in result.conflict_copies if c not in report.conflicts)
            report.cursor = page.cursor
            if (
                not page.has_more
                or not feed.ready()
                or stored >= COMMIT_ROWS
                or time.monotonic() - started >= COMMIT_S
            ):
                return page
            following = feed.next_page()
            if following.reset_required:
                return following
            page = following


def _fraction(first: int, cursor: int, page: p.PullResponse) -> float:
    head = page.head_seq
    if head is None or head <= first:
        return 0.5  # an older server does not say how far the log goes
    return max(0.0, min(1.0, (cursor - first) / (head - first)))


def _rejected(result: p.MutationResult) -> bool:
    # A replay of a mutation rejected the first time is answered `duplicate` with the
    # original outcome: it stays rejected (and shown), never silently acknowledged.
    return result.status == p.MutationStatus.REJECTED or (
        result.status == p.MutationStatus.DUPLICATE
        and result.original_status == p.MutationStatus.REJECTED
    )


def _mutation(entry: outbox.OutboxEntry) -> p.Mutation:
    return p.Mutation(
        mutation_seq=entry.seq,
        mutation_id=entry.mutation_id,
        entity=p.Entity(entry.entity),
        entity_id=entry.entity_id,
        op=p.Op(entry.op),
        fields=entry.fields,
        base_version=entry.base_version,
        client_time=datetime.fromisoformat(entry.created_at),
    )
