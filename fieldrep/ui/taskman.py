"""The one way the UI runs core work: off the UI thread, serialised, results back on it.

Like Anki's `taskman` + `CollectionOp`: every database call goes through a single
worker thread (SQLite has one writer, and ordering saves after each other keeps a
draft's create/update sequence intact), wrapped in a small `Op`:

    Op(lambda ws: ws.hcps.get(hcp_id)).success(show).run(taskman)

Long network work (sync) gets its own single-thread lane so that saving a draft never
waits behind a 20,000-HCP download; the sync engine commits page by page, and SQLite's
busy timeout orders the two writers.

Callbacks (`success`, `failure`, progress) always run on the UI thread; workers never
touch a widget. `Cancelled` is silent. Other failures go to the error boundary
(`fieldrep.ui.errors`) unless the op has its own `failure` callback. A progress dialog
appears only when the op is still running after `PROGRESS_DELAY_MS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from fieldrep.clock import Clock
from fieldrep.domain.changes import Changes, changes_of
from fieldrep.tasks import Cancelled, CancelToken
from fieldrep.ui import errors
from fieldrep.ui.signals import emit
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)

T = TypeVar("T")
PROGRESS_DELAY_MS = 600
DB, SYNC = "db", "sync"


class TaskContext:
    """What a long op's function gets besides the workspace: progress and cancellation."""

    def __init__(self, manager: TaskManager, token: CancelToken, op_id: int) -> None:
        self._manager = manager
        self.token = token
        self._op_id = op_id

    def progress(self, label: str, fraction: float = -1.0) -> None:
        """Thread-safe: queued to the UI thread."""
        emit(self._manager._progress_from_worker, self._op_id, label, float(fraction))

    def raise_if_cancelled(self) -> None:
        self.token.raise_if_cancelled()


class Op(Generic[T]):
    """One unit of core work with its UI-thread callbacks.

    `fn(workspace)` runs on the worker; with `with_progress(...)` it is called as
    `fn(workspace, ctx)` and may report progress and check cancellation.
    What the op changed is read from its result (`fieldrep.domain.changes`): a core
    mutation returns `Changes`, a `Changed[T]` or a result with a `changes` property,
    and the manager announces it on `TaskManager.changed` before `success` runs.
    """

    def __init__(self, fn: Callable[..., T], *, parent: QWidget | None = None) -> None:
        self.fn = fn
        self.parent = parent
        self.progress_label: str | None = None
        self.lane = DB
        self._success: Callable[[T], object] | None = None
        self._failure: Callable[[BaseException], object] | None = None
        self._finally: Callable[[], object] | None = None
        self._progress: Callable[[str, float], object] | None = None
        self.show_dialog = True
        self.token = CancelToken()

    def success(self, callback: Callable[[T], object]) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], object]) -> Op[T]:
        self._failure = callback
        return self

    def finally_(self, callback: Callable[[], object]) -> Op[T]:
        self._finally = callback
        return self

    def with_progress(
        self,
        label: str,
        *,
        dialog: bool = True,
        on_progress: Callable[[str, float], object] | None = None,
    ) -> Op[T]:
        """Call fn as fn(workspace, ctx); show a delayed dialog and/or forward progress."""
        self.progress_label = label
        self.show_dialog = dialog
        self._progress = on_progress
        return self

    def on_lane(self, lane: str) -> Op[T]:
        self.lane = lane
        return self

    def run(self, manager: TaskManager) -> Op[T]:
        manager.submit(self)
        return self


class TaskManager(QObject):
    """Owns the workspace's worker threads; lives on (and calls back on) the UI thread."""

    changed = Signal(object)  # Changes, after a successful op whose result says what changed
    busy_changed = Signal(bool)
    _done_from_worker = Signal(object)  # a closure to run on the UI thread
    _progress_from_worker = Signal(int, str, float)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._lanes = {
            DB: ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldrep-db"),
            SYNC: ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldrep-sync"),
        }
        self._running: dict[int, Op[Any]] = {}
        self._dialogs: dict[int, QProgressDialog] = {}
        self._next_id = 0
        self._closed = False
        self._done_from_worker.connect(self._run_closure, Qt.ConnectionType.QueuedConnection)
        self._progress_from_worker.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)

    @property
    def clock(self) -> Clock:
        """The workspace's clock: immutable, so the UI thread may ask it what today is."""
        return self.workspace.clock

    @property
    def pending(self) -> int:
        return len(self._running)

    def submit(self, op: Op[Any]) -> None:
        if self._closed:
            log.debug("task manager closed; op dropped")
            return
        self._next_id += 1
        op_id = self._next_id
        self._running[op_id] = op
        if len(self._running) == 1:
            emit(self.busy_changed, True)
        ctx = TaskContext(self, op.token, op_id)
        workspace = self.workspace

        def work() -> Any:
            op.token.raise_if_cancelled()
            if op.progress_label is not None:
                return op.fn(workspace, ctx)
            return op.fn(workspace)

        future = self._lanes[op.lane].submit(work)
        if op.progress_label is not None and op.show_dialog:
            QTimer.singleShot(PROGRESS_DELAY_MS, self, lambda: self._show_progress(op_id))
        future.add_done_callback(
            lambda f: emit(self._done_from_worker, lambda: self._finish(op_id, f))
        )

    @Slot(object)
    def _run_closure(self, closure: Callable[[], None]) -> None:
        closure()

    def _finish(self, op_id: int, future: Future[Any]) -> None:
        op = self._running.pop(op_id, None)
        dialog = self._dialogs.pop(op_id, None)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        if not self._running:
            emit(self.busy_changed, False)
        if op is None:
            return
        try:
            if future.cancelled():  # never started: the manager shut down first
                log.info("operation cancelled before it ran")
                return
            exc = future.exception()
            if exc is None:
                result = future.result()
                changes = changes_of(result)
                if changes:
                    emit(self.changed, changes)
                if op._success is not None:
                    op._success(result)
            elif isinstance(exc, Cancelled):
                log.info("operation cancelled")
            elif op._failure is not None:
                op._failure(exc)
            else:
                errors.show_error(op.parent, exc)
        finally:
            if op._finally is not None:
                op._finally()

    def _show_progress(self, op_id: int) -> None:
        op = self._running.get(op_id)
        if op is None or op_id in self._dialogs or self._closed:
            return
        dialog = QProgressDialog(op.progress_label or "Working…", "Cancel", 0, 0, op.parent)
        dialog.setWindowTitle("Fieldrep")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(op.token.cancel)
        self._dialogs[op_id] = dialog
        dialog.show()

    @Slot(int, str, float)
    def _on_progress(self, op_id: int, label: str, fraction: float) -> None:
        op = self._running.get(op_id)
        if op is not None and op._progress is not None:
            op._progress(label, fraction)
        dialog = self._dialogs.get(op_id)
        if dialog is None:
            return
        dialog.setLabelText(label)
        if fraction < 0:
            dialog.setRange(0, 0)
        else:
            dialog.setRange(0, 1000)
            dialog.setValue(int(fraction * 1000))

    def cancel_all(self) -> None:
        for op in self._running.values():
            op.token.cancel()

    def notify(self, changes: Changes) -> None:
        """Say that something changed outside an op (the rep's date turned over)."""
        emit(self.changed, changes)

    def shutdown(self, wait: bool = True) -> None:
        """Stop long work (sync, progress ops) and let queued saves finish, then stop.

        Queued database writes (a draft's last save on close) are never dropped.
        """
        self._closed = True
        for op in self._running.values():
            if op.progress_label is not None:
                op.token.cancel()
        self._lanes[SYNC].shutdown(wait=wait, cancel_futures=True)
        self._lanes[DB].shutdown(wait=wait)
