"""First run against a real `fieldrep-server`: sign in through the welcome dialog.

`first_run` opens modal dialogs with `exec()`, so the test answers them the way a rep
would: a timer finds the dialog in front, fills it in and presses its button.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from fieldrep.ui.app import first_run
from fieldrep.ui.dialogs.sign_in import PassphraseDialog, WelcomeDialog
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.servers import SERVER_PASSWORD, ServerProcess
from tests.ui.conftest import WAIT_MS, open_window
from tests.ui.test_sync_desktop import new_rep

DEMO_HCPS = Path(__file__).parents[2] / "resources" / "demo" / "hcps.csv"

Answer = Callable[[QDialog], None]
TERRITORY = "BOS-NORTH"  # what `new_rep` assigns


def territory_ids(territory: str) -> set[str]:
    """The HCPs the server's demo seed puts in `territory`."""
    with DEMO_HCPS.open(newline="") as f:
        return {row["id"] for row in csv.DictReader(f) if row["territory_id"] == territory}


@pytest.fixture
def server(sync_server: ServerProcess) -> ServerProcess:
    return sync_server  # one seeded server per test worker, shared with tests/sync


class DialogAnswerer:
    """Answers each modal dialog as it comes to the front, in the order given."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = list(answers)
        self.seen: list[QDialog] = []
        self.errors: list[BaseException] = []
        self._timer = QTimer(interval=20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or dialog in self.seen or not dialog.isVisible():
            return
        self.seen.append(dialog)
        if not self.answers:
            dialog.reject()  # an unexpected dialog: give up rather than hang
            return
        try:
            self.answers.pop(0)(dialog)
        except BaseException as exc:  # surfaced by the test, not lost in the event loop
            self.errors.append(exc)
            dialog.reject()

    def stop(self) -> None:
        self._timer.stop()


def sign_in(server: str, username: str, password: str) -> Answer:
    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, WelcomeDialog)
        if not dialog.server.text():
            dialog.server.setText(server)
        if not dialog.username.text():
            dialog.username.setText(username)
        dialog.password.setText(password)
        button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Sign in")
        button.click()

    return answer


def choose_passphrase(dialog: QDialog) -> None:
    assert isinstance(dialog, PassphraseDialog) and dialog.new
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_signing_in_on_first_run_creates_a_signed_in_workspace_and_syncs_the_territory(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    username = new_rep(server)
    data_dir = tmp_path / "laptop"
    territory = territory_ids(TERRITORY)
    answerer = DialogAnswerer([sign_in(server.url, username, SERVER_PASSWORD), choose_passphrase])
    try:
        ws, is_demo = first_run(data_dir)
    finally:
        answerer.stop()
    assert not answerer.errors, answerer.errors
    assert ws is not None and not is_demo
    assert [type(d) for d in answerer.seen] == [WelcomeDialog, PassphraseDialog]
    assert ws.username == username
    assert ws.status().server_url == server.url
    assert ws.hcps.count() == 0  # nothing downloaded before the window starts

    window = open_window(qtbot, ws)  # starting the window runs the first sync
    try:
        qtbot.waitUntil(lambda: window.hcps.model.rowCount() == len(territory), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.sync_status.state.text() == "Online", timeout=WAIT_MS)
        assert {row.id for row in window.hcps.model.rows()} == territory
    finally:
        window.close()
        ws.close()
    # The key is the passphrase: the workspace reopens with it, signed in.
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as again:
        assert again.username == username


@pytest.mark.usefixtures("qapp")  # the dialogs need the application
def test_a_wrong_password_shows_the_servers_message_and_the_rep_tries_again(
    server: ServerProcess, tmp_path: Path
) -> None:
    username = new_rep(server)
    data_dir = tmp_path / "laptop"
    retry_form: dict[str, str] = {}

    def retry(dialog: QDialog) -> None:
        assert isinstance(dialog, WelcomeDialog)
        retry_form.update(
            error=dialog.error.text(), server=dialog.server.text(), user=dialog.username.text()
        )
        sign_in(server.url, username, SERVER_PASSWORD)(dialog)

    answerer = DialogAnswerer(
        [sign_in(server.url, username, "not-the-password"), choose_passphrase, retry]
    )
    try:
        ws, _ = first_run(data_dir)
    finally:
        answerer.stop()
    assert not answerer.errors, answerer.errors
    assert ws is not None
    try:
        assert "Wrong username or password." in retry_form["error"]  # the server's words
        assert "fieldrep login" not in retry_form["error"]  # no command line in a dialog
        assert (retry_form["server"], retry_form["user"]) == (server.url, username)
        # The passphrase is chosen once, not again for the second attempt.
        assert [type(d) for d in answerer.seen] == [WelcomeDialog, PassphraseDialog, WelcomeDialog]
        assert ws.username == username
    finally:
        ws.close()


@pytest.mark.usefixtures("qapp")  # the dialogs need the application
def test_giving_up_after_a_refused_sign_in_leaves_no_workspace_behind(
    server: ServerProcess, tmp_path: Path
) -> None:
    username = new_rep(server)
    data_dir = tmp_path / "laptop"
    answerer = DialogAnswerer(
        [sign_in(server.url, username, "not-the-password"), choose_passphrase, QDialog.reject]
    )
    try:
        ws, _ = first_run(data_dir)
    finally:
        answerer.stop()
    assert not answerer.errors, answerer.errors
    assert ws is None
    assert not Workspace.exists(data_dir)  # the next start asks to sign in again
