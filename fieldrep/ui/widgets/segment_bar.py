"""A horizontal stacked bar: an HCP's mix of segments, each with its share."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

# Colour-blind-safe (Okabe-Ito) so shares stay distinguishable for every rep.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


class SegmentBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parts: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(26)

    def set_parts(self, parts: list[tuple[str, float]]) -> None:
        """(segment name, weight) pairs; weights are normalised for drawing."""
        self._parts = [(n, w) for n, w in parts if w > 0]
        self.setToolTip("\n".join(f"{n}: {w:.0%}" for n, w in self._parts))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 26)

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        total = sum(w for _, w in self._parts)
        if total <= 0:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No segment data yet")
            return
        x = rect.left()
        for i, (name, weight) in enumerate(self._parts):
            width = rect.width() * weight / total
            part = QRectF(x, rect.top(), width, rect.height())
            color = QColor(PALETTE[i % len(PALETTE)])
            painter.fillRect(part, color)
            if width > 70:
                painter.setPen(QColor("white") if color.lightness() < 150 else QColor("black"))
                text = f"{name} {weight / total:.0%}"
                elided = painter.fontMetrics().elidedText(
                    text, Qt.TextElideMode.ElideRight, int(width - 8)
                )
                painter.drawText(part, Qt.AlignmentFlag.AlignCenter, elided)
            x += width
