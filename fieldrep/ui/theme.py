"""Look and feel: the system palette (light or dark), high-DPI, one stylesheet."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from fieldrep.paths import resources_dir

log = logging.getLogger(__name__)


def prepare_high_dpi() -> None:
    """Before the QApplication exists: crisp at 125 % / 150 % laptop scaling."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def apply_theme(app: QApplication) -> None:
    """Keep the platform style and palette (so system dark mode applies); add our QSS."""
    path = resources_dir() / "ui" / "style.qss"
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError:
        log.warning("stylesheet %s missing; using the plain system style", path)
