"""A revoked laptop wipes itself, then says so in a box that stays until the rep closes
it (it used to vanish after 3 s with a line on stderr); the app quits only then."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fieldrep.ui import main_window
from fieldrep.ui.dialogs.revoked import TITLE
from fieldrep.workspace import Workspace
from tests.ui.conftest import open_window


def test_a_revoked_device_is_wiped_and_says_so_until_the_rep_closes_the_notice(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    quits: list[bool] = []
    window = open_window(qtbot, workspace)
    fake_app = SimpleNamespace(quit=lambda: quits.append(True))
    monkeypatch.setattr(main_window, "_app", lambda: fake_app)
    data_dir = workspace.data_dir
    try:
        window.sync.device_revoked.emit("The server revoked this device: revoked by admin")
        qtbot.waitUntil(lambda: getattr(window, "revoked_notice", None) is not None, timeout=5000)
        box = window.revoked_notice
        assert isinstance(box, QMessageBox)
        assert box.windowTitle() == TITLE and box.isVisible() and box.isModal()
        text = box.text()
        assert "revoked by admin" in text
        assert "data on it has been deleted" in text
        assert "contact your manager or your company's Fieldrep administrator" in text
        assert not Workspace.exists(data_dir)  # the wipe is as before
        qtbot.wait(4000)  # the old window closed itself after 3 s
        assert box.isVisible() and not quits
        box.button(QMessageBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: bool(quits), timeout=5000)
    finally:
        window.close()
