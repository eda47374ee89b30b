"""The main window's frame: where it opens on a screen, and the page list beside it."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QGuiApplication
from PySide6.QtWidgets import QListWidget, QWidget

from fieldrep.ui.dnd import MIME_TYPE

# Opened for the first time on a screen: as large as this, never larger than the
# screen's free area (taskbar and dock excluded); smaller screens get the whole area.
PREFERRED_SIZE = (1440, 900)


FRAME = (8, 32)  # a window's side borders and title bar, outside its geometry


def fitted_geometry(area: QRect) -> QRect:
    """The window's geometry on a screen whose free area is `area`: PREFERRED_SIZE or
    less, centred, with room for the title bar and borders."""
    width = min(PREFERRED_SIZE[0], area.width() - 2 * FRAME[0])
    height = min(PREFERRED_SIZE[1], area.height() - FRAME[1] - FRAME[0])
    x = area.x() + (area.width() - width) // 2
    y = area.y() + FRAME[1] + (area.height() - FRAME[1] - FRAME[0] - height) // 2
    return QRect(x, y, width, height)


def screen_key(widget: QWidget) -> str:
    """Names the screen a window is on (name and free size) for per-screen geometry."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return ""
    area = screen.availableGeometry()
    return f"{screen.name() or 'screen'}-{area.width()}x{area.height()}".replace("/", "_")


class NavList(QListWidget):
    """The page list. Dragging an HCP, suggestion or visit over an entry opens that page
    (spring-loaded, like tabs in a file manager), so it can be dropped on a planner day."""

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QListWidget.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(MIME_TYPE):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        row = self.indexAt(event.position().toPoint()).row()
        if row >= 0 and row != self.currentRow():
            self.setCurrentRow(row)
        event.ignore()  # nothing is dropped on the list itself
