"""First-run sign-in runs off the UI thread: the welcome form stays on screen, inert and
saying "Signing in…", while the event loop keeps running.

The server call is replaced by a slow stand-in (the real sign-in against a real server
is in test_first_run.py); what is under test is where and how the UI waits for it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from fieldrep.domain.errors import FieldrepError
from fieldrep.sync.service import SyncService
from fieldrep.ui.app import first_run
from fieldrep.ui.dialogs.sign_in import PassphraseDialog, WelcomeDialog
from fieldrep.workspace import Workspace
from tests.ui.test_first_run import DialogAnswerer, choose_passphrase, sign_in

SLOW_SECONDS = 0.4


@pytest.mark.usefixtures("qapp")
def test_the_sign_in_waits_off_the_ui_thread_with_the_form_shown_busy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login_threads: list[threading.Thread] = []
    busy_seen: list[tuple[str, bool, bool]] = []  # (button text, button enabled, dialog modal)
    ticks: list[float] = []

    def slow_login(_self: SyncService, *_args: object) -> None:
        login_threads.append(threading.current_thread())
        time.sleep(SLOW_SECONDS)
        raise FieldrepError("Cannot reach the server.")

    def watch() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, WelcomeDialog) and dialog.busy:
            ticks.append(time.monotonic())
            button = dialog.sign_in_button
            busy_seen.append((button.text(), button.isEnabled(), dialog.isModal()))

    retry_error: list[str] = []

    def give_up(dialog: QDialog) -> None:
        assert isinstance(dialog, WelcomeDialog) and not dialog.busy
        retry_error.append(dialog.error.text())
        dialog.reject()

    monkeypatch.setattr(SyncService, "login", slow_login)
    watcher = QTimer(interval=10)
    watcher.timeout.connect(watch)
    watcher.start()
    answerer = DialogAnswerer(
        [sign_in("https://fieldrep.example.test", "rep1", "secret"), choose_passphrase, give_up]
    )
    try:
        ws, _ = first_run(tmp_path / "laptop")
    finally:
        answerer.stop()
        watcher.stop()
    assert not answerer.errors, answerer.errors
    assert ws is None and not Workspace.exists(tmp_path / "laptop")
    assert [type(d) for d in answerer.seen] == [WelcomeDialog, PassphraseDialog, WelcomeDialog]
    assert len(login_threads) == 1 and login_threads[0] is not threading.main_thread()
    assert busy_seen and set(busy_seen) == {("Signing in…", False, True)}
    # The UI thread kept ticking while the sign-in waited (10 ms timer, 400 ms call).
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 10 and max(gaps) < 0.2
    assert retry_error == ["Cannot reach the server."]
