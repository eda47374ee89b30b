"""Small building blocks shared by the screens: titles, cards, empty states, chips."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def title(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("title" if level == 1 else "subtitle")
    label.setWordWrap(True)
    return label


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class Card(QFrame):
    """A framed group with a heading; content goes in `.body`."""

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(6)
        self.heading = title(heading, level=2)
        layout.addWidget(self.heading)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)


class EmptyState(QLabel):
    """What a list says when it has nothing to show, and what to do about it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("empty")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setMinimumHeight(48)


class WrappingLabel(QLabel):
    """A word-wrapped label that keeps the height of all its lines. In a form inside a
    scroll area Qt sizes a wrapped label for one line (the scroll area ignores
    height-for-width), so a two-line warning was clipped to unreadable halves."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        lines = self.fontMetrics().lineSpacing()
        needed = max(self.heightForWidth(self.width()), lines) if self.text() else lines
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


def chip(text: str, ok: bool | None = None) -> QLabel:
    label = QLabel(text)
    label.setObjectName("chip" if ok is None else ("chip_ok" if ok else "chip_no"))
    return label


def page_header(
    back: QPushButton, heading: QLabel, subtitle: QLabel, actions: tuple[QPushButton, ...]
) -> QHBoxLayout:
    """A detail page's top row: Back, the name over its subtitle, then the page's actions."""
    header = QHBoxLayout()
    header.addWidget(back)
    names = QVBoxLayout()
    names.setSpacing(0)
    names.addWidget(heading)
    names.addWidget(subtitle)
    header.addLayout(names, 1)
    for button in actions:
        header.addWidget(button)
    return header
