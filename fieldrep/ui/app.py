"""The composition root of the desktop app: unlock the workspace, open the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from fieldrep.demo import import_demo
from fieldrep.domain.errors import FieldrepError
from fieldrep.security.keys import WrongKeyError
from fieldrep.workspace import Workspace

log = logging.getLogger(__name__)


def ask_passphrase(new: bool) -> str | None:
    label = (
        "No system keychain is available here.\nChoose a passphrase to encrypt this workspace:"
        if new
        else "Enter the passphrase of this workspace:"
    )
    text, ok = QInputDialog.getText(None, "Fieldrep", label, QLineEdit.EchoMode.Password)
    return text if ok and text else None


def open_workspace(data_dir: Path, *, demo: bool) -> Workspace | None:
    """Unlock (asking for the passphrase until it is right or the user gives up)."""
    while True:
        try:
            create = demo or not Workspace.exists(data_dir)
            ws = Workspace.open(data_dir, prompt=ask_passphrase, create=create)
        except WrongKeyError as exc:
            QMessageBox.warning(None, "Fieldrep", str(exc))
            continue
        except FieldrepError as exc:
            QMessageBox.critical(None, "Fieldrep", str(exc))
            return None
        if demo and ws.hcps.count() == 0:
            import_demo(ws)
        return ws


def run_app(data_dir: Path, *, demo: bool = False) -> int:
    from fieldrep.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Fieldrep")
    app.setOrganizationName("Fieldrep")
    workspace = open_workspace(data_dir, demo=demo)
    if workspace is None:
        return 1
    window = MainWindow(workspace)
    window.show()
    log.info("main window shown for %s", data_dir)
    try:
        return int(app.exec())
    finally:
        workspace.close()
