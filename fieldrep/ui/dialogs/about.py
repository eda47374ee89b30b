"""Help > About Fieldrep: the version (the same one `fieldrep --version` and the window
title show, from the package metadata), what it runs on and where its data lives."""

from __future__ import annotations

import html
import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from fieldrep import __version__


def about_text(data_dir: Path, server: str | None = None, user: str = "") -> str:
    """The dialog's text, as rich text (one heading line, then facts a support call needs)."""
    where = html.escape(server) if server else "none (local only)"
    who = f"<br>Signed in as: {html.escape(user)}" if user else ""
    return (
        f"<h3>Fieldrep {__version__}</h3>"
        "<p>Plan visits, log calls and sync, offline first.</p>"
        f"<p>Sync server: {where}{who}"
        f"<br>Data folder: {data_dir}<br>Logs: {data_dir / 'logs'}</p>"
        f"<p>Qt {qVersion()} · PySide6 {pyside_version} · Python {platform.python_version()}</p>"
    )


class AboutDialog(QDialog):
    def __init__(
        self,
        data_dir: Path,
        parent: QWidget | None = None,
        *,
        server: str | None = None,
        user: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About Fieldrep {__version__}")
        self.text = QLabel(about_text(data_dir, server, user))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
