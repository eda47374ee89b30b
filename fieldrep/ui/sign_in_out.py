"""File > Sign in… and File > Sign out…, and the status bar's "Sign in…" button.

Sign out asks first and says what it does: the server revokes this laptop's token, it is
removed here, and the data (unsent changes included: `SyncService.logout` leaves the
outbox alone) stays. Signed out, the window keeps working offline; signing in again
opens the first run's form (`WelcomeDialog`, prefilled, no demo) and accepts only the
user and server the workspace belongs to (`SyncService.sign_in`, the CLI's rule).
Both network calls run on the sync lane, behind any sync still running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from fieldrep import __version__
from fieldrep.domain.errors import FieldrepError
from fieldrep.sync.protocol import LoginResponse
from fieldrep.ui import errors
from fieldrep.ui.dialogs.sign_in import WelcomeDialog, sign_in_message
from fieldrep.ui.sync_controller import SyncStatusView
from fieldrep.ui.taskman import SYNC, Op
from fieldrep.usecases.sync_status import SyncStatus
from fieldrep.workspace import Workspace

if TYPE_CHECKING:
    from fieldrep.ui.main_window import MainWindow


def sign_out_question(status: SyncStatus, username: str) -> str:
    """What the confirmation says, unsent changes included (pure, unit-tested)."""
    server = status.server_url or "the sync server"
    text = (
        f"Sign out {username} from {server}?\n\n"
        "The server revokes this laptop's sign-in token, and the token is removed from "
        "this laptop. Your HCPs, plans and calls stay here and you can keep working "
        f"offline; nothing syncs until you sign in again (File > Sign in…) as {username}: "
        "this workspace cannot be signed in as anyone else."
    )
    if status.pending_records:
        text += (
            f"\n\n{status.pending_records} record(s) with changes not yet sent stay on this "
            "laptop and are sent at the first sync after you sign in again. To send them "
            "now instead, choose Cancel and press F5."
        )
    return text


def signed_out_message(confirmed: bool) -> str:
    if confirmed:
        done = (
            "You are signed out: at your request the server has revoked this laptop's "
            "token, and it is removed from here."
        )
    else:
        done = (
            "You are signed out on this laptop. The server could not be reached, so the "
            "token there stays valid until it expires (or an administrator ends your "
            "sessions)."
        )
    return (
        f"{done} Your data stays on this laptop and you can keep working. To sync again, "
        "sign in with File > Sign in… (or the Sign in… button in the status bar)."
    )


class SignInOut(QObject):
    """Owns the two File menu actions; enabled from the sync status (sign in only when
    signed out, sign out only when signed in)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.taskman = window.taskman
        self.sign_in_action = QAction("Sign &in…", window)
        self.sign_in_action.setObjectName("sign_in")
        self.sign_in_action.triggered.connect(self.sign_in)
        self.sign_out_action = QAction("Sign &out…", window)
        self.sign_out_action.setObjectName("sign_out")
        self.sign_out_action.triggered.connect(self.sign_out)
        for action in (self.sign_in_action, self.sign_out_action):
            action.setEnabled(False)  # until the first status read says which applies
        file_menu = cast(QMenu, window.menuBar().actions()[0].menu())
        lock = window.actions_by_name["lock"]
        file_menu.insertAction(lock, self.sign_in_action)
        file_menu.insertAction(lock, self.sign_out_action)
        window.sync.status_changed.connect(self._status_changed)
        window.sync_status.sign_in_clicked.connect(self.sign_in)
        self.confirm_box: QMessageBox | None = None
        self.form: WelcomeDialog | None = None

    def _status_changed(self, view: SyncStatusView) -> None:
        self.sign_in_action.setEnabled(view.status.signed_out)
        self.sign_out_action.setEnabled(view.configured)

    # -- signing out -------------------------------------------------------------------
    def sign_out(self) -> None:
        """Ask first (with what is still unsent, read on the worker), then sign out."""
        Op(lambda ws: ws.sync_status(), parent=self.window).success(self._confirm).run(self.taskman)

    def _confirm(self, status: SyncStatus) -> None:
        if not status.configured:
            return  # signed out meanwhile
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Sign out of Fieldrep?",
            sign_out_question(status, self.window.workspace.username),
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("confirmSignOut")
        button = box.addButton("Sign out", QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName("confirmSignOutButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is button:
                self._logout()

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def _logout(self) -> None:
        Op(lambda ws: ws.sync.logout(), parent=self.window).on_lane(SYNC).success(
            self._signed_out
        ).run(self.taskman)

    def _signed_out(self, confirmed: bool) -> None:
        self.window.sync.signed_out()
        self.window.statusBar().showMessage(
            "Signed out. Your data stays here; File > Sign in… syncs again.", 30_000
        )
        errors.show_message(self.window, signed_out_message(confirmed), info=True)

    # -- signing in again --------------------------------------------------------------
    def sign_in(self) -> None:
        """Open the sign-in form prefilled with the workspace's server and user."""

        def owner(ws: Workspace) -> tuple[str, str]:
            return ws.sync.server_url() or "", ws.sync.username() or ""

        Op(owner, parent=self.window).success(lambda o: self._open_form(*o)).run(self.taskman)

    def _open_form(self, server: str, username: str, error: str = "") -> None:
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            return
        form = WelcomeDialog(self.window, error, server, username, again=True)
        form.setObjectName("signInAgain")
        form.accepted.connect(lambda: self._send(form))
        self.form = form
        form.open()

    def _send(self, form: WelcomeDialog) -> None:
        server, username, password = form.credentials()
        form.show_signing_in()  # inert until the server answers
        Op(lambda ws: ws.sync.sign_in(server, username, password), parent=self.window).on_lane(
            SYNC
        ).success(lambda r: self._signed_in(form, r)).failure(
            lambda exc: self._refused(form, exc, server, username)
        ).run(self.taskman)

    def _signed_in(self, form: WelcomeDialog, response: LoginResponse) -> None:
        form.done_signing_in()
        self.form = None
        self.window.setWindowTitle(f"Fieldrep {__version__} — {response.username}")
        self.window.statusBar().showMessage(f"Signed in as {response.username}; syncing…", 8000)
        self.window.sync.signed_in()

    def _refused(self, form: WelcomeDialog, exc: BaseException, server: str, user: str) -> None:
        """A refused sign-in (wrong password, another user, no server) shows in the
        form again, server and user kept, as on the first run."""
        form.done_signing_in()
        self.form = None
        if isinstance(exc, FieldrepError):
            self._open_form(server, user, sign_in_message(exc))
        else:
            errors.show_error(self.window, exc)
