"""Sync from the desktop: status always visible, Sync now, automatic and on reconnect.

Syncs run on the task manager's "sync" lane, so the rep keeps logging calls while a
first sync downloads 20,000 HCPs. Progress goes to the status bar, not a dialog: a
sync the rep did not ask for must not pop anything up. While offline a cheap retry
runs every `OFFLINE_RETRY_S`; when online, every few minutes; and at once when Qt
reports that the network came back (where the platform has a network backend).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fieldrep.domain.changes import Changes
from fieldrep.sync.engine import SyncReport
from fieldrep.sync.errors import (
    DeviceRevokedError,
    NotSignedInError,
    ServerUnreachableError,
    SignInRequiredError,
    SyncBusyError,
)
from fieldrep.tasks import CancelToken, Progress
from fieldrep.ui import errors
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import SYNC, Op, TaskContext, TaskManager
from fieldrep.usecases.sync_status import SyncStatus
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

OFFLINE_RETRY_S = 30
UI_PULL_PAGE = 250
# What the status bar counts (pending changes, rejections, conflict copies, last sync).
REFRESH_ON = Changes(outbox=True, calls=True, plans=True, feedback=True, segments=True, sync=True)


@dataclass(frozen=True)
class SyncStatusView:
    """The core's `SyncStatus` and what only the window knows: online, running."""

    status: SyncStatus
    online: bool | None  # None: not known yet (no attempt since start)
    running: bool

    @property
    def configured(self) -> bool:
        return self.status.configured


def run_sync(ws: Workspace, progress: Progress, cancel: CancelToken) -> SyncReport:
    """Runs on the sync lane. Pages are kept small: parsing and storing one page holds
    the GIL in C code (JSON, pydantic, SQLite) for a while, and the UI thread must get
    it back within a frame or two; 250 rows take about 20-30 ms here."""
    return ws.sync.run(progress=progress, cancel=cancel, page_size=UI_PULL_PAGE)


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatusView
    progress = Signal(str, float)
    finished = Signal(object)  # the SyncReport, or the exception
    cancelled = Signal()  # the rep stopped a sync; what arrived before is kept
    device_revoked = Signal(str)

    def __init__(self, taskman: TaskManager, auto_minutes: int = 5, parent: QObject | None = None):
        super().__init__(parent)
        self.taskman = taskman
        self.online: bool | None = None
        self.running = False
        self._again = False  # a rep's "Sync now" arrived while a sync ran
        self._stopped = False
        self._answered = False  # the running sync's success or failure has been handled
        self.view: SyncStatusView | None = None
        self._op: Op[SyncReport] | None = None
        self._auto = QTimer(self, interval=max(auto_minutes, 1) * 60_000)
        # Slots must return None: PySide6 6.12 drops a reference to any other return value.
        self._auto.timeout.connect(self._sync_quietly)
        self._retry = QTimer(self, interval=OFFLINE_RETRY_S * 1000)
        self._retry.timeout.connect(self._sync_quietly)
        self._network: Any = None
        taskman.changed.connect(self._on_changed)

    def start(self) -> None:
        """Begin automatic syncing (after the window is up) and watch the network."""
        self._watch_network()
        self.refresh()
        self._auto.start()
        QTimer.singleShot(1500, self._sync_quietly)

    def _watch_network(self) -> None:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if QNetworkInformation.loadDefaultBackend() and QNetworkInformation.instance():
                self._network = QNetworkInformation.instance()
                self._network.reachabilityChanged.connect(self._reachability)
        except Exception:  # no backend on this platform: the retry timer covers it
            log.info("no network information backend; relying on periodic retries")

    def _reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online:
            log.info("network came back; syncing")
            self._sync_quietly()

    def _sync_quietly(self) -> None:
        self.sync_now(quiet=True)

    def request_sync(self) -> None:
        """Sync now, as asked by the rep (a slot: returns nothing)."""
        self.sync_now(quiet=False)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(REFRESH_ON):
            self.refresh()
        if changes.adverse_events and changes.outbox:
            self.sync_now(quiet=True)  # a report on the clock: send it now if we can

    def refresh(self) -> None:
        Op(lambda ws: ws.sync_status()).success(self._status_read).run(self.taskman)

    def _status_read(self, status: SyncStatus) -> None:
        self.view = SyncStatusView(status, self.online, self.running)
        emit(self.status_changed, self.view)

    # -- syncing -------------------------------------------------------------------
    def sync_now(self, quiet: bool = False) -> None:
        """Start a sync unless one runs. Asked for by the rep while one runs, another
        follows it: the running one may have started before the network came back, and
        the rep's "Sync now" must not be lost. Whether the device is signed in is read on
        the worker (the keychain and the database), never on the UI thread."""
        if self.running:
            self._again = self._again or not quiet
            return
        Op(lambda ws: ws.sync.is_configured()).success(
            lambda configured: self._start(configured, quiet)
        ).run(self.taskman)

    def _start(self, configured: bool, quiet: bool) -> None:
        if self.running:
            self._again = self._again or not quiet
            return
        if not configured:
            if not quiet:
                self._say_not_signed_in()
            return
        self.running = True
        self._answered = False
        self.refresh()

        def work(ws: Workspace, ctx: TaskContext) -> SyncReport:
            return run_sync(ws, ctx.progress, ctx.token)

        self._op = (
            Op(work)
            .on_lane(SYNC)
            .with_progress(
                "Syncing", dialog=False, on_progress=lambda label, f: emit(self.progress, label, f)
            )
            .success(self._succeeded)
            .failure(lambda exc: self._failed(exc, quiet))
            .finally_(self._ended)
            .run(self.taskman)
        )

    def cancel(self) -> None:
        if self._op is not None:
            self._op.token.cancel()

    def cancel_by_rep(self) -> None:
        """Stop the running sync at the rep's request (a slot). Pages already stored stay
        with their cursor, so the next sync carries on from there; a "Sync now" queued
        behind this one is dropped. `cancelled` follows once the worker has stopped."""
        if self._op is not None:
            self._again = False
            self.cancel()

    def _succeeded(self, report: SyncReport) -> None:
        self._answered = True
        self.online = True
        self._retry.stop()
        emit(self.finished, report)

    def _failed(self, exc: BaseException, quiet: bool) -> None:
        self._answered = True
        emit(self.finished, exc)
        if isinstance(exc, ServerUnreachableError):
            self.online = False
            if not self._retry.isActive():
                self._retry.start()
            # No box: being offline is normal for a rep; the status bar says it and why.
            return
        if isinstance(exc, SyncBusyError | NotSignedInError) and quiet:
            return
        if isinstance(exc, NotSignedInError):
            self._say_not_signed_in()
            return
        if isinstance(exc, DeviceRevokedError):
            emit(self.device_revoked, str(exc))
            return
        if isinstance(exc, SignInRequiredError):
            # The core signed the laptop out (the token will never work again): stop the
            # automatic syncs and say so once, even after an automatic sync.
            self.signed_out()
            errors.show_message(None, str(exc))
            return
        self.online = True  # the server answered; the problem is elsewhere
        if not quiet:
            errors.show_error(None, exc)

    def _ended(self) -> None:
        # Neither answered: the task manager swallowed the worker's `Cancelled`.
        was_cancelled = self._op is not None and self._op.token.cancelled and not self._answered
        self.running = False
        self._op = None
        self.refresh()
        if was_cancelled and not self._stopped:
            emit(self.cancelled)
        if self._again and not self._stopped:
            self._again = False
            self.sync_now(quiet=True)

    def signed_out(self) -> None:
        """The rep signed out: no automatic syncs (they would do nothing), online no
        longer known, and the status bar says "Signed out"."""
        self._auto.stop()
        self._retry.stop()
        self._again = False
        self.cancel()
        self.online = None
        self.refresh()

    def signed_in(self) -> None:
        """Signed in again from the window: automatic syncing resumes, starting now."""
        self.online = None
        if not self._stopped:
            self._auto.start()
        self.refresh()
        self.sync_now(quiet=True)

    def _say_not_signed_in(self) -> None:
        if self.view is not None and self.view.status.signed_out:
            text = (
                "You are signed out, so nothing syncs: your changes stay on this laptop. "
                "Sign in again with File > Sign in… (or the Sign in… button in the "
                "status bar) to sync."
            )
        else:
            text = (
                "This workspace is not signed in to a sync server, so changes stay on this "
                "laptop. Sign it in with 'fieldrep login --server URL --username NAME'."
            )
        errors.show_message(None, text)

    def stop(self) -> None:
        self._stopped = True
        self._auto.stop()
        self._retry.stop()
        self.cancel()
