"""The notice a revoked laptop shows after it has wiped itself: it stays until the rep
closes it (a window that vanished with a line on stderr told them nothing)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldrep.ui import errors

TITLE = "Fieldrep: this computer was removed"


def revoked_text(server_message: str) -> str:
    said = server_message.strip().rstrip(".")
    return (
        f"{said}.\n\n"
        "Your company's administrator has removed this computer from Fieldrep, so all "
        "Fieldrep data on it has been deleted: the territory, call notes and drafts. "
        "Calls that were synced before are safe on the server; work that was not synced "
        "is gone.\n\n"
        "If you did not expect this (a laptop you still use), contact your manager or "
        "your company's Fieldrep administrator. You can sign in again on a computer they "
        "allow.\n\n"
        "Fieldrep closes when you press OK."
    )


def show_revoked_notice(parent: QWidget | None, server_message: str) -> QMessageBox:
    """A modal box; the caller connects `finished` to what follows (quitting)."""
    text = revoked_text(server_message)
    errors.reporter.last_message = text
    box = QMessageBox(QMessageBox.Icon.Critical, TITLE, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("revokedNotice")
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box
