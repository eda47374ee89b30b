"""Sign out and sign in again from the window, against a real `fieldrep-server`.

A rep signs in through the welcome form, signs out with File > Sign out… (which asks
first and says what happens to unsent changes), sees "Signed out" in the status bar,
signs in again with File > Sign in… (the same form, prefilled) and syncs what was left
unsent. Signing this workspace in as another rep is refused, as the CLI refuses it; a
signed-out workspace opened again offers the sign-in.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import requests
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from fieldrep.sync import credentials
from fieldrep.ui import errors
from fieldrep.ui.app import first_run
from fieldrep.ui.dialogs.sign_in import WelcomeDialog
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.taskman import Op
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.sync.servers import SERVER_PASSWORD, ServerProcess
from tests.ui.conftest import WAIT_MS, open_window
from tests.ui.test_first_run import DialogAnswerer, choose_passphrase, sign_in
from tests.ui.test_sync_desktop import FAST_RETRIES, new_rep

SCREENSHOT = Path("/tmp/signout.png")


@pytest.fixture
def server(sync_server: ServerProcess) -> ServerProcess:
    return sync_server  # one seeded server per test worker, shared with tests/sync


def signed_in_through_welcome_form(server: ServerProcess, data_dir: Path, rep: str) -> Workspace:
    answerer = DialogAnswerer([sign_in(server.url, rep, SERVER_PASSWORD), choose_passphrase])
    try:
        ws, _demo = first_run(data_dir)
    finally:
        answerer.stop()
    assert not answerer.errors, answerer.errors
    assert ws is not None
    ws.sync.policy = FAST_RETRIES
    return ws


def online(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.sync_status.state.text() == "Online", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.taskman.pending == 0, timeout=WAIT_MS)


def plan_a_visit(qtbot: QtBot, window: MainWindow, pending: str) -> None:
    """One unsent change, made the way the planner makes it (an Op on the worker)."""
    ws = window.workspace
    hcp = sorted(ws.hcps.all(), key=lambda h: h.name)[0]
    day = window.taskman.clock.today() + timedelta(days=1)
    Op(lambda w: w.planner.plan_on_day(hcp.id, day)).run(window.taskman)
    qtbot.waitUntil(lambda: window.sync_status.pending.text() == pending, timeout=WAIT_MS)


def sign_out_confirmed(qtbot: QtBot, window: MainWindow) -> str:
    """File > Sign out…, then "Sign out" in the question; returns the question's text."""
    account = window.account
    assert account.sign_out_action.isEnabled() and not account.sign_in_action.isEnabled()
    account.sign_out_action.trigger()
    qtbot.waitUntil(lambda: account.confirm_box is not None, timeout=WAIT_MS)
    box = account.confirm_box
    assert box is not None and box.isVisible()
    question = box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    with qtbot.waitSignal(errors.reporter.shown, timeout=WAIT_MS) as told:
        box.findChild(QPushButton, "confirmSignOutButton").click()
    assert "You are signed out" in told.args[0]
    assert "File > Sign in…" in told.args[0]
    return question


def signed_out(qtbot: QtBot, window: MainWindow) -> None:
    corner = window.sync_status
    qtbot.waitUntil(lambda: corner.state.text() == "Signed out", timeout=WAIT_MS)
    assert corner.last.text() == ""  # no "Last sync: just now" once signed out
    assert corner.button.text() == "Sign in…" and corner.button.isEnabled()
    assert window.account.sign_in_action.isEnabled()
    assert not window.account.sign_out_action.isEnabled()


def open_sign_in_form(qtbot: QtBot, window: MainWindow) -> WelcomeDialog:
    window.account.sign_in_action.trigger()
    qtbot.waitUntil(
        lambda: window.account.form is not None and window.account.form.isVisible(),
        timeout=WAIT_MS,
    )
    form = window.account.form
    assert form is not None and not form.demo_button.isVisible()
    return form


def send(form: WelcomeDialog, username: str | None = None) -> None:
    if username is not None:
        form.username.setText(username)
    form.password.setText(SERVER_PASSWORD)
    form.sign_in_button.click()


def test_sign_out_asks_then_says_signed_out_and_file_sign_in_brings_the_sync_back(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    rep = new_rep(server)
    ws = signed_in_through_welcome_form(server, tmp_path / "laptop", rep)
    window = open_window(qtbot, ws)
    try:
        online(qtbot, window)
        token = credentials.load_token(ws.store, ws.data_dir)
        plan_a_visit(qtbot, window, "1 pending")

        question = sign_out_confirmed(qtbot, window)
        assert "revokes this laptop's sign-in token" in question
        assert "1 record(s) with changes not yet sent stay on this laptop" in question
        signed_out(qtbot, window)
        revoked = requests.get(
            f"{server.url}/api/v1/sync/pull",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert revoked.status_code == 401
        window.grab().save(str(SCREENSHOT))

        with qtbot.waitSignal(errors.reporter.shown, timeout=WAIT_MS) as told:
            window.actions_by_name["sync_now"].trigger()  # F5
        assert "You are signed out" in told.args[0] and "File > Sign in…" in told.args[0]

        plan_a_visit(qtbot, window, "2 pending")  # work goes on while signed out

        form = open_sign_in_form(qtbot, window)
        assert (form.server.text(), form.username.text()) == (server.url, rep)
        send(form)
        online(qtbot, window)
        qtbot.waitUntil(lambda: window.sync_status.pending.text() == "0 pending", timeout=WAIT_MS)
        assert ws.sync_status().rejected == 0  # both visits reached the server
        assert window.sync_status.button.text() == "Sync now"
        assert window.account.sign_out_action.isEnabled()
        assert not window.account.sign_in_action.isEnabled()
        with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS) as again:
            window.sync.request_sync()
        assert not isinstance(again.args[0], BaseException)
    finally:
        window.close()
        ws.close()


def test_signing_in_again_as_another_rep_is_refused_in_the_form(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    rep, other = new_rep(server), new_rep(server)
    ws = signed_in_through_welcome_form(server, tmp_path / "laptop", rep)
    window = open_window(qtbot, ws)
    try:
        online(qtbot, window)
        sign_out_confirmed(qtbot, window)
        signed_out(qtbot, window)

        form = open_sign_in_form(qtbot, window)
        send(form, other)
        qtbot.waitUntil(
            lambda: window.account.form is not None and window.account.form is not form,
            timeout=WAIT_MS,
        )
        refused = window.account.form
        assert refused is not None and refused.isVisible()
        assert f"belongs to {rep} on {server.url}" in refused.error.text()
        assert refused.username.text() == other  # kept, as a refused first sign-in keeps it
        assert not ws.sync.is_configured() and ws.username == rep
        assert window.sync_status.state.text() == "Signed out"

        send(refused, rep)  # the workspace's own rep is let in
        online(qtbot, window)
    finally:
        window.close()
        ws.close()


def test_a_signed_out_workspace_opened_again_offers_the_sign_in(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    rep = new_rep(server)
    data_dir = tmp_path / "laptop"
    ws = signed_in_through_welcome_form(server, data_dir, rep)
    ws.sync.run()
    ws.sync.logout()
    ws.close()

    reopened = Workspace.open(data_dir, passphrase=PASSPHRASE)
    reopened.sync.policy = FAST_RETRIES
    window = open_window(qtbot, reopened)
    try:
        signed_out(qtbot, window)
        form = open_sign_in_form(qtbot, window)
        send(form)
        online(qtbot, window)
    finally:
        window.close()
        reopened.close()


def test_a_token_the_server_ended_turns_into_signed_out_with_the_way_back_offered(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> None:
    """Back from five weeks' leave the token has expired unused (here: its session was
    ended on the server). The next sync, even an automatic one, says so once, and the
    window offers File > Sign in… instead of "run fieldrep login" with sign-in greyed out."""
    rep = new_rep(server)
    ws = signed_in_through_welcome_form(server, tmp_path / "laptop", rep)
    window = open_window(qtbot, ws)
    try:
        online(qtbot, window)
        token = credentials.load_token(ws.store, ws.data_dir)
        ended = requests.post(f"{server.url}/api/v1/auth/logout",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
        assert ended.status_code == 204
        plan_a_visit(qtbot, window, "1 pending")
        with qtbot.waitSignal(errors.reporter.shown, timeout=WAIT_MS) as told:
            window.sync.sync_now(quiet=True)  # an automatic sync
        assert "no longer accepts this laptop's sign-in" in told.args[0]
        assert "File > Sign in…" in told.args[0]
        signed_out(qtbot, window)
        assert window.sync_status.pending.text() == "1 pending"

        later = open_sign_in_form(qtbot, window)
        assert later.cancel_button.isVisible()  # it can be put off, with a button
        later.cancel_button.click()
        qtbot.waitUntil(lambda: not later.isVisible(), timeout=WAIT_MS)
        signed_out(qtbot, window)
        send(open_sign_in_form(qtbot, window))
        online(qtbot, window)
        qtbot.waitUntil(lambda: window.sync_status.pending.text() == "0 pending", timeout=WAIT_MS)
        assert ws.sync_status().rejected == 0
    finally:
        window.close()
        ws.close()
