"""The day map: one day's visits drawn to scale from their coordinates, in route order,
from the rep's start point, with each leg's driving distance and time.

Drawn locally with QPainter (no tiles, works offline): an equirectangular projection
around the day's centre (fine at a territory's scale), north up, a scale bar. The
numbers are the core's (`planning.day_route`), the same minutes the route's times use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from fieldrep.planning.day_route import DayRoute, format_minutes
from fieldrep.planning.route import Point

KM_PER_DEGREE = 111.32
PAD = 28
LEGEND_MIN_WIDTH = 520  # below this the legs are listed only in the tooltip
SHORT_LEG_PX = 90  # a leg drawn shorter than this gets no label on the line


@dataclass(frozen=True)
class MapStop:
    label: str  # "1", "2" ... the route position (or the list position when unrouted)
    name: str


def _nice_km(km: float) -> float:
    """A round length for the scale bar, at most `km`."""
    if km <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(km))
    return float(max(n * exp for n in (1, 2, 5) if n * exp <= km))


class DayMap(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("day_map")
        self.setMinimumSize(200, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.route: DayRoute | None = None
        self.stops: list[MapStop] = []
        self.title = ""
        self.setToolTip("The selected day's visits to scale, in route order, from your start")
        self.setAccessibleName("Day map")

    def show_day(self, title: str, route: DayRoute | None, stops: list[MapStop]) -> None:
        self.title, self.route, self.stops = title, route, stops
        self.setAccessibleDescription(route.summary() if route else "No visits")
        legs = "\n".join(self.leg_lines())
        self.setToolTip(
            f"{title}: {route.summary()}\n{legs}\nRoad distance = straight line × 1.3; "
            "times as the route's visit times use them."
            if route
            else "The selected day's visits to scale, in route order, from your start"
        )
        self.update()

    # -- drawing --------------------------------------------------------------------
    def _projection(self, area: QRectF) -> tuple[Point, float] | None:
        route = self.route
        if route is None:
            return None
        points = [p for p in route.points if p is not None]
        if route.start is not None:
            points.append(route.start)
        if not points:
            return None
        lat0 = sum(p[0] for p in points) / len(points)
        lon0 = sum(p[1] for p in points) / len(points)
        kx = KM_PER_DEGREE * math.cos(math.radians(lat0))
        xs = [(p[1] - lon0) * kx for p in points]
        ys = [(p[0] - lat0) * KM_PER_DEGREE for p in points]
        width_km, height_km = max(xs) - min(xs), max(ys) - min(ys)
        # At least 1 km across, so a single stop (or two at one practice) is not a blow-up.
        scale = min(area.width() / max(width_km, 1.0), area.height() / max(height_km, 1.0))
        self._centre_km = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        self._kx = kx
        return (lat0, lon0), scale

    def _to_screen(self, p: Point, origin: Point, scale: float, area: QRectF) -> QPointF:
        x = (p[1] - origin[1]) * self._kx - self._centre_km[0]
        y = (p[0] - origin[0]) * KM_PER_DEGREE - self._centre_km[1]
        return QPointF(area.center().x() + x * scale, area.center().y() - y * scale)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        on_accent = pal.color(QPalette.ColorRole.HighlightedText)
        painter.setPen(text)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        summary = self.route.summary() if self.route else "No visits"
        painter.drawText(
            QRectF(10, 6, self.width() - 20, 20),
            Qt.AlignmentFlag.AlignLeft,
            f"{self.title}  ·  {summary}",
        )
        painter.setFont(self.font())
        legend_w = 230.0 if self.width() >= LEGEND_MIN_WIDTH and self.route else 0.0
        area = QRectF(
            PAD, PAD + 18, self.width() - 2 * PAD - legend_w, self.height() - 2 * PAD - 24
        )
        proj = self._projection(area)
        route = self.route
        if proj is None or route is None or area.width() < 40 or area.height() < 30:
            painter.setPen(muted)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "No located visits on this day"
            )
            painter.end()
            return
        origin, scale = proj

        def at(p: Point) -> QPointF:
            return self._to_screen(p, origin, scale, area)

        # Legs, with distance and time at their middle.
        painter.setPen(QPen(accent, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for leg in route.legs:
            a = route.start if leg.from_index < 0 else route.points[leg.from_index]
            b = route.points[leg.to_index]
            if a is None or b is None:
                continue
            painter.drawLine(at(a), at(b))
        painter.setPen(text)
        for leg in route.legs:
            a = route.start if leg.from_index < 0 else route.points[leg.from_index]
            b = route.points[leg.to_index]
            if a is None or b is None:
                continue
            pa, pb = at(a), at(b)
            if math.hypot(pa.x() - pb.x(), pa.y() - pb.y()) < SHORT_LEG_PX:
                continue  # no room on the line: the legend lists it
            label = f"{leg.road_km:.1f} km · {format_minutes(leg.minutes)}"
            self._label(painter, (pa + pb) / 2 + QPointF(6, -4), label, pal)
        # The start: a square.
        if route.start is not None:
            s = at(route.start)
            painter.setPen(QPen(text, 1.5))
            painter.setBrush(pal.color(QPalette.ColorRole.Base))
            painter.drawRect(QRectF(s.x() - 7, s.y() - 7, 14, 14))
            self._label(painter, s + QPointF(10, 14), "Start", pal)
        # Stops: numbered discs and names.
        for i, p in enumerate(route.points):
            if p is None:
                continue
            c = at(p)
            painter.setPen(QPen(on_accent, 1.5))
            painter.setBrush(accent)
            painter.drawEllipse(c, 10, 10)
            painter.setPen(on_accent)
            stop = self.stops[i] if i < len(self.stops) else MapStop(str(i + 1), "")
            painter.drawText(
                QRectF(c.x() - 10, c.y() - 10, 20, 20), Qt.AlignmentFlag.AlignCenter, stop.label
            )
            if stop.name:
                self._label(painter, c + QPointF(13, 4), stop.name, pal)
        unlocated = sum(1 for p in route.points if p is None)
        painter.setPen(muted)
        if unlocated:
            painter.drawText(
                QRectF(10, self.height() - 22, self.width() - 20, 18),
                Qt.AlignmentFlag.AlignRight,
                f"{unlocated} visit(s) without coordinates are not drawn",
            )
        self._scale_bar(painter, scale, text)
        if legend_w:
            self._legend(
                painter, QRectF(self.width() - legend_w - 8, PAD + 8, legend_w, area.height())
            )
        painter.end()

    def leg_lines(self) -> list[str]:
        """ "Start → 1  6.1 km · 10 min" for each leg (the legend and the tooltip)."""
        route = self.route
        if route is None:
            return []

        def name(i: int) -> str:
            return (
                "Start" if i < 0 else (self.stops[i].label if i < len(self.stops) else str(i + 1))
            )

        return [
            f"{name(leg.from_index)} → {name(leg.to_index)}   {leg.road_km:.1f} km · "
            f"{format_minutes(leg.minutes)}"
            for leg in route.legs
        ]

    def _legend(self, painter: QPainter, box: QRectF) -> None:
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        line = self.fontMetrics().lineSpacing()
        y = box.top()
        for text in self.leg_lines():
            if y + line > box.bottom():
                break
            painter.drawText(
                QRectF(box.left(), y, box.width(), line), Qt.AlignmentFlag.AlignLeft, text
            )
            y += line

    def _label(self, painter: QPainter, at: QPointF, text: str, pal: QPalette) -> None:
        """Text with a halo of the background, readable over lines."""
        path = QPainterPath()
        path.addText(at, self.font(), text)
        painter.save()
        painter.setPen(QPen(pal.color(QPalette.ColorRole.Base), 3.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.restore()
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        painter.drawText(at, text)

    def _scale_bar(self, painter: QPainter, px_per_km: float, colour: QColor) -> None:
        km = _nice_km(120 / px_per_km) if px_per_km > 0 else 1.0
        length = km * px_per_km
        x, y = 12.0, self.height() - 12.0
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(x, y), QPointF(x + length, y))
        painter.drawLine(QPointF(x, y - 4), QPointF(x, y))
        painter.drawLine(QPointF(x + length, y - 4), QPointF(x + length, y))
        text = f"{km:g} km"
        painter.drawText(QPointF(x + length + 6, y + 4), text)
