"""When the app ends without a window because the workspace could not be opened, the
reason stays on screen until read, and goes to stderr and the log (a too-short
FIELDREP_PASSPHRASE closed the app in silence right after sign-in)."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from fieldrep.ui import errors


def test_the_reason_is_held_on_screen_and_written_down(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    before = errors.reporter.last_message
    text = "Choose a passphrase of at least 8 characters."
    errors.show_message(None, text)
    box = errors.reporter._box
    assert box is not None
    seen: list[bool] = []

    def close() -> None:  # the rep reads it, then presses OK
        seen.append(box.isVisible())
        box.accept()

    QTimer.singleShot(200, close)
    with caplog.at_level(logging.WARNING, logger="fieldrep.ui.errors"):
        errors.hold_last_message(before)  # blocks until the box is closed
    assert seen == [True]
    assert f"fieldrep: {text}" in capsys.readouterr().err
    assert text in caplog.text


def test_nothing_new_to_say_holds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    errors.hold_last_message(errors.reporter.last_message)  # the rep closed the prompt
    assert capsys.readouterr().err == ""
