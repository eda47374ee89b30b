"""One version everywhere: the window title, Help > About and `fieldrep --version` all
show the installed package's version (pyproject.toml's), never a second copy of it."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldrep.cli.main import build_parser
from fieldrep.ui.dialogs.about import AboutDialog
from fieldrep.ui.main_window import MainWindow


def test_title_about_box_and_version_flag_show_the_package_version(
    qtbot: QtBot, window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    package_version = version("fieldrep")
    assert window.windowTitle() == f"Fieldrep {package_version} — {window.workspace.username}"

    window.about_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AboutDialog))
    about = QApplication.activeModalWidget()
    assert isinstance(about, AboutDialog)
    assert f"Fieldrep {package_version}" in about.text.text()
    assert str(window.workspace.data_dir) in about.text.text()
    about.reject()

    help_menu = window.menuBar().actions()[-1].menu()
    assert window.about_action in help_menu.actions()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert capsys.readouterr().out.strip() == f"fieldrep {package_version}"
