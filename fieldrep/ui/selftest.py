"""The UI's part of `fieldrep --self-test`: show the main window for a moment.

Offscreen unless QT_QPA_PLATFORM says otherwise, so it runs on a build machine and on
a rep's laptop alike without a window flashing up. It checks what a broken bundle gets
wrong: the Qt plugins load, the screens build and fill from the workspace on the
worker thread, and the title and About box carry the package's version.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from fieldrep import __version__
from fieldrep.workspace import Workspace

LOAD_TIMEOUT_S = 20.0
# A folder to save what the window check saw (main window, About box) as PNGs, e.g. for
# a support call or to look at a fresh build without a display.
SCREENSHOTS_ENV = "FIELDREP_SELFTEST_SCREENSHOTS"


class _ErrorsSeen(logging.Handler):
    """Counts errors logged while the window runs: a screen whose loading failed on the
    worker thread logs it (the UI's error boundary) rather than raising here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        cause = record.exc_info[1] if record.exc_info else None
        self.messages.append(f"{record.getMessage()} ({cause!r})" if cause else record.getMessage())


def check_main_window(workspace: Workspace) -> str:
    """Build, show, fill and close the main window over `workspace`; raise on failure."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fieldrep.ui.dialogs.about import AboutDialog
    from fieldrep.ui.main_window import MainWindow
    from fieldrep.ui.taskman import TaskManager
    from fieldrep.ui.theme import apply_theme, prepare_high_dpi

    if QApplication.instance() is None:
        prepare_high_dpi()
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    apply_theme(app)
    errors = _ErrorsSeen()
    logging.getLogger().addHandler(errors)
    window = MainWindow(workspace, taskman=TaskManager(workspace))
    try:
        window.show()
        window.start()
        expected = workspace.hcps.count()
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while window.hcps.model.rowCount() < expected and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.01)
        window.taskman.shutdown(wait=True)  # every screen's load has finished or failed
        QCoreApplication.processEvents()
        if errors.messages:
            raise RuntimeError(f"a screen failed to load: {errors.messages[0]}")
        shown = window.hcps.model.rowCount()
        if shown < expected:
            raise RuntimeError(f"the HCP list showed {shown} of {expected} HCPs")
        if __version__ not in window.windowTitle():
            raise RuntimeError(f"the window title {window.windowTitle()!r} lacks the version")
        about = AboutDialog(workspace.data_dir, window)
        if f"Fieldrep {__version__}" not in about.text.text():
            raise RuntimeError("the About box does not show the version")
        if os.environ.get(SCREENSHOTS_ENV):
            _save_screenshots(Path(os.environ[SCREENSHOTS_ENV]), window, about)
        about.deleteLater()
        platform = QApplication.platformName()
        seen = f"main window shown ({platform}): {window.windowTitle()!r}, {shown} HCPs listed"
    finally:
        logging.getLogger().removeHandler(errors)
        window.close()  # stops sync and the task manager's workers
        window.deleteLater()
        QCoreApplication.processEvents()
    # The same workspace as a manager's: the team view (pandas, QtCharts, PDF printing).
    from fieldrep.ui.team.selftest import check_team_view

    return f"{seen}; {check_team_view(workspace)}"


def _save_screenshots(folder: Path, window: QWidget, about: QWidget) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(folder / "selftest-window.png"))
    about.show()
    QCoreApplication.processEvents()
    about.grab().save(str(folder / "selftest-about.png"))
    about.hide()
