"""The composition root of the desktop app: first run, unlock, the main window.

`run_app(data_dir, demo=...)` is what `fieldrep` (no command) and `fieldrep --demo`
call. The demo opens (creating on first use) the demo territory's workspace.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from fieldrep.demo import import_demo
from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.errors import FieldrepError
from fieldrep.paths import demo_data_dir
from fieldrep.security.instance_lock import FolderInUseError, InstanceLock
from fieldrep.security.keys import KeyUnavailableError, PassphraseCancelledError, WrongKeyError
from fieldrep.sync.local_server import LocalServer, connect_demo_workspace, server_package_installed
from fieldrep.ui import errors
from fieldrep.ui.dialogs.sign_in import PassphraseDialog, WelcomeDialog, sign_in_message
from fieldrep.ui.theme import apply_font_scale, apply_theme, prepare_high_dpi
from fieldrep.workspace import Workspace, wipe

if TYPE_CHECKING:  # imported when the window opens, after the first paint's checks
    from fieldrep.ui.main_window import MainWindow
    from fieldrep.ui.taskman import TaskManager

log = logging.getLogger(__name__)

T = TypeVar("T")
POLL_MS = 20


def run_off_ui_thread(fn: Callable[[], T]) -> T:
    """Run `fn` on a short-lived worker thread while the UI thread keeps processing
    events; return its result (or raise its exception) on the UI thread.

    For work before the TaskManager exists (first run). `fn` must not touch widgets.
    The UI thread polls the future every `POLL_MS` instead of being signalled from the
    worker, so no Qt object is shared with the thread.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldrep-sign-in")
    try:
        future = pool.submit(fn)
        loop = QEventLoop()
        timer = QTimer(interval=POLL_MS)

        def check() -> None:
            if future.done():
                loop.quit()

        timer.timeout.connect(check)
        timer.start()
        if not future.done():
            loop.exec()
        timer.stop()
        return future.result()
    finally:
        pool.shutdown(wait=False)


def ask_passphrase(new: bool, error: str = "") -> str | None:
    dialog = PassphraseDialog(new, error)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def open_workspace(data_dir: Path, *, create: bool) -> Workspace | None:
    """Unlock (asking for the passphrase until it is right or the user gives up)."""
    error = ""
    while True:
        try:
            shown_error = error
            return Workspace.open(
                data_dir,
                prompt=lambda new, e=shown_error: ask_passphrase(new, e),  # type: ignore[misc]
                create=create,
            )
        except WrongKeyError as exc:
            error = str(exc)
            continue
        except PassphraseCancelledError as exc:
            if not error:
                return None  # the rep closed the prompt: nothing to say
            errors.show_message(None, str(exc))
            return None
        except KeyUnavailableError as exc:
            errors.show_message(None, str(exc))
            return None
        except FieldrepError as exc:
            errors.show_message(None, str(exc))
            return None


def open_demo(data_dir: Path) -> Workspace | None:
    ws = open_workspace(data_dir, create=True)
    if ws is not None and ws.hcps.count() == 0:
        import_demo(ws)
    return ws


def first_run(data_dir: Path) -> tuple[Workspace | None, bool]:
    """No workspace yet: sign in to a server, or open the demo. Returns (workspace, is_demo).

    A refused sign-in shows the server's message in the welcome dialog again, with the
    server and user kept, and the workspace stays open so the passphrase is asked once.
    A workspace created here but never signed in is removed when the rep gives up:
    otherwise the next start would open it, with no way back to this dialog.
    """
    error, server, username = "", "", ""
    ws: Workspace | None = None
    try:
        while True:
            welcome = WelcomeDialog(error=error, server=server, username=username)
            if welcome.exec() != QDialog.DialogCode.Accepted:
                return None, False
            if welcome.choice == WelcomeDialog.DEMO:
                return open_demo(demo_data_dir()), True
            server, username, password = welcome.credentials()
            if ws is None:
                ws = open_workspace(data_dir, create=True)
                if ws is None:
                    return None, False
            welcome.show_signing_in()  # the network call may take up to the client timeout
            try:
                run_off_ui_thread(partial(ws.sync.login, server, username, password))
            except FieldrepError as exc:
                error = sign_in_message(exc)
                continue
            finally:
                welcome.done_signing_in()
            signed_in, ws = ws, None
            return signed_in, False
    finally:
        if ws is not None:  # created, never signed in
            ws.close()
            wipe(data_dir)


class EmbeddedDemoServer:
    """Starts the local demo sync server off the UI thread; stops it when the app ends."""

    def __init__(self, window: MainWindow, taskman: TaskManager) -> None:
        self._window = window
        self._taskman = taskman
        self.server: LocalServer | None = None

    def start(self) -> None:
        from fieldrep.ui.taskman import SYNC, Op

        def work(ws: Workspace) -> Changed[LocalServer]:
            return Changed(connect_demo_workspace(ws, ws.data_dir / "server"), Changes(sync=True))

        Op(work, parent=self._window).on_lane(SYNC).success(self._connected).failure(
            self._failed
        ).run(self._taskman)

    def _connected(self, result: Changed[LocalServer]) -> None:
        self.server = result.value
        self._window.sync.sync_now(quiet=True)

    def _failed(self, exc: BaseException) -> None:
        # The demo still works offline; say why once in the log, not in a dialog.
        log.warning("demo works offline: %s", exc)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def _log_ready_once(logger: logging.Logger) -> Callable[[int], None]:
    done: list[bool] = []

    def ready(rows: int) -> None:
        if not done:
            done.append(True)
            logger.info("window ready: the HCP list shows %d rows", rows)

    return ready


def folder_in_use_dialog(text: str) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Fieldrep is already open", text, QMessageBox.StandardButton.Ok
    )
    box.setObjectName("folderInUse")
    return box


def run_app(data_dir: Path, *, demo: bool = False) -> int:
    prepare_high_dpi()
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv))
    app.setApplicationName("Fieldrep")
    app.setOrganizationName("Fieldrep")
    app.setDesktopFileName("fieldrep")
    apply_theme(app)
    errors.install_excepthook()
    try:  # before anything reads the folder: a second window touches nothing
        instance = InstanceLock.acquire(data_dir)
    except FolderInUseError as exc:
        log.warning("%s", exc)
        sys.stderr.write(f"fieldrep: {exc}\n")
        folder_in_use_dialog(str(exc)).exec()
        return 1
    try:
        return _run_window(app, data_dir, demo=demo)
    finally:
        instance.release()


def _run_window(app: QApplication, data_dir: Path, *, demo: bool) -> int:
    from fieldrep.ui.main_window import MainWindow
    from fieldrep.ui.taskman import TaskManager

    said = errors.reporter.last_message
    if demo:
        workspace = open_demo(data_dir)
    elif Workspace.exists(data_dir):
        workspace = open_workspace(data_dir, create=False)
    else:
        workspace, demo = first_run(data_dir)
    if workspace is None:
        errors.hold_last_message(said)
        return 1
    taskman = TaskManager(workspace)
    window = MainWindow(workspace, taskman=taskman)
    if window.settings.font_scale != 1.0:  # the rep's text size (Settings)
        apply_font_scale(app, window.settings.font_scale)
    window.show()
    window.start()
    log.info("main window shown for %s", workspace.data_dir)
    # The moment a rep can work: the event loop runs and the list has rows (the bundle's
    # cold-start benchmark, tests/perf/bench_bundle.py, waits for this line).
    window.hcps.shown_rows.connect(_log_ready_once(log))
    # SIGTERM/SIGINT end the event loop, so the cleanup below runs (drafts, server).
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: app.quit())
    embedded = EmbeddedDemoServer(window, taskman)
    if demo and server_package_installed():
        embedded.start()
    try:
        return int(app.exec())
    finally:
        taskman.shutdown(wait=True)
        embedded.stop()
        workspace.close()
