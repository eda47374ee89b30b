"""Fixtures for UI tests: the real main window over a real encrypted demo workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.ui import errors
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.pages.hcps import HcpListPage
from fieldrep.ui.settings import UiSettings
from fieldrep.ui.taskman import TaskManager
from fieldrep.workspace import Workspace

WAIT_MS = 15_000
UNEXPECTED = "Something unexpected went wrong"


@pytest.fixture(autouse=True)
def no_unexpected_error_dialogs(qapp: object) -> Iterator[None]:
    """An "unexpected error" dialog during a UI test fails that test: a crash the rep
    would see is a bug, even when every assertion of the test still holds."""
    shown: list[str] = []
    errors.reporter.shown.connect(shown.append)
    try:
        yield
    finally:
        errors.reporter.shown.disconnect(shown.append)
    unexpected = [text for text in shown if text.startswith(UNEXPECTED)]
    assert not unexpected, f"the UI showed an unexpected error: {unexpected}"


def open_window(qtbot: QtBot, ws: Workspace) -> MainWindow:
    window = MainWindow(ws, taskman=TaskManager(ws))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.start()
    qtbot.waitUntil(lambda: window.hcps.loaded, timeout=WAIT_MS)
    return window


@pytest.fixture
def window(qtbot: QtBot, demo_workspace: Workspace) -> Iterator[MainWindow]:
    win = open_window(qtbot, demo_workspace)
    yield win
    win.close()  # stops the workers before the workspace closes


def idle(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until every queued core operation has answered."""
    qtbot.waitUntil(lambda: win.taskman.pending == 0, timeout=WAIT_MS)


Wait = Callable[[Callable[[], object]], None]


@contextmanager
def loaded_hcp_list(qtbot: QtBot, ws: Workspace, settings_dir: Path) -> Iterator[HcpListPage]:
    """The HCP list page alone on `ws`, loaded; its worker stops afterwards."""
    taskman = TaskManager(ws)
    page = HcpListPage(taskman, UiSettings(settings_dir))
    qtbot.addWidget(page)
    try:
        page.reload()
        qtbot.waitUntil(lambda: page.loaded, timeout=WAIT_MS)
        yield page
    finally:
        taskman.shutdown()
