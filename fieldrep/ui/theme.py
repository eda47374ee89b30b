"""Look and feel: the system palette (light or dark), made readable; high-DPI; one
stylesheet; the rep's text size.

The platform palette is kept (so the system dark mode applies), with one correction:
any text colour the app uses that falls short of WCAG AA (4.5:1) against the
background it sits on is moved towards the main text colour until it reaches it
(Fusion's placeholder grey is 1.9:1 on white, its highlight 3.6:1 under white text).
The stylesheet's own colours (`@error@`, `@ok@`) and font sizes (`@title_pt@` ...) are
filled in here from the corrected palette and the text-size setting.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from fieldrep.paths import resources_dir

log = logging.getLogger(__name__)

AA = 4.5  # WCAG 2.x AA for normal text
ERROR, OK = QColor("#c62828"), QColor("#2e7d32")
FONT_SIZES_PT = {"title_pt": 17.0, "subtitle_pt": 11.0, "nav_pt": 11.0, "empty_pt": 11.0}
_BASE_POINT_SIZE: list[float] = []  # the system font size before any scaling

Role = QPalette.ColorRole


def luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def flatten(fg: QColor, bg: QColor) -> QColor:
    """A translucent colour as it shows over `bg` (Fusion's placeholder is 50 % black)."""
    a = fg.alphaF()
    return QColor.fromRgbF(
        fg.redF() * a + bg.redF() * (1 - a),
        fg.greenF() * a + bg.greenF() * (1 - a),
        fg.blueF() * a + bg.blueF() * (1 - a),
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of text colour `a` (flattened over `b`) on `b`, 1 to 21."""
    hi, lo = sorted((luminance(flatten(a, b)), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def readable(fg: QColor, backgrounds: list[QColor], towards: QColor) -> QColor:
    """`fg`, moved towards `towards` just enough to reach AA on every background."""
    for step in range(21):
        c = _mix(fg, towards, step / 20)
        if all(contrast(c, bg) >= AA for bg in backgrounds):
            return c
    return QColor(towards)


def _is_dark(p: QPalette) -> bool:
    return luminance(p.color(Role.Window)) < 0.3


def accessible_palette(p: QPalette) -> QPalette:
    """The palette with every text colour the app uses at AA or better."""
    p = QPalette(p)
    backgrounds = [p.color(Role.Base), p.color(Role.Window), p.color(Role.AlternateBase)]
    extreme = QColor("white") if _is_dark(p) else QColor("black")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        text = p.color(group, Role.Text)
        placeholder = flatten(p.color(Role.PlaceholderText), backgrounds[0])
        p.setColor(group, Role.PlaceholderText, readable(placeholder, backgrounds, text))
        for fg in (Role.Text, Role.WindowText, Role.ButtonText):
            p.setColor(group, fg, readable(p.color(group, fg), backgrounds, extreme))
        # Selected rows, the nav's current page and primary buttons: highlighted text on
        # the highlight; darken (or lighten) the highlight rather than the text.
        on = p.color(group, Role.HighlightedText)
        away = QColor("black") if luminance(on) > 0.5 else QColor("white")
        p.setColor(group, Role.Highlight, readable(p.color(group, Role.Highlight), [on], away))
        p.setColor(group, Role.Link, readable(p.color(group, Role.Link), backgrounds, extreme))
        tip = p.color(group, Role.ToolTipBase)
        tip_extreme = QColor("white") if luminance(tip) < 0.3 else QColor("black")
        p.setColor(
            group, Role.ToolTipText, readable(p.color(group, Role.ToolTipText), [tip], tip_extreme)
        )
    return p


def status_colours(p: QPalette) -> dict[str, QColor]:
    """Error red and success green, readable on this palette's backgrounds."""
    backgrounds = [p.color(Role.Base), p.color(Role.Window)]
    extreme = QColor("white") if _is_dark(p) else QColor("black")
    return {
        "error": readable(ERROR, backgrounds, extreme),
        "ok": readable(OK, backgrounds, extreme),
    }


def text_pairs(p: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """Every (text, background) pair the stylesheet and the widgets put on screen."""
    colours = status_colours(p)
    pairs: dict[str, tuple[QColor, QColor]] = {}
    for bg_name, bg in (("base", Role.Base), ("window", Role.Window)):
        background = p.color(bg)
        pairs[f"text on {bg_name}"] = (p.color(Role.Text), background)
        pairs[f"window text on {bg_name}"] = (p.color(Role.WindowText), background)
        pairs[f"muted/placeholder on {bg_name}"] = (p.color(Role.PlaceholderText), background)
        pairs[f"error on {bg_name}"] = (colours["error"], background)
        pairs[f"ok on {bg_name}"] = (colours["ok"], background)
    pairs["selected text on highlight"] = (p.color(Role.HighlightedText), p.color(Role.Highlight))
    pairs["button text on button"] = (p.color(Role.ButtonText), p.color(Role.Button))
    pairs["toast text"] = (p.color(Role.ToolTipText), p.color(Role.ToolTipBase))
    return pairs


def prepare_high_dpi() -> None:
    """Before the QApplication exists: crisp at 125 % / 150 % laptop scaling."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def stylesheet(p: QPalette, font_scale: float = 1.0) -> str:
    path = resources_dir() / "ui" / "style.qss"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("stylesheet %s missing; using the plain system style", path)
        return ""
    for name, colour in status_colours(p).items():
        text = text.replace(f"@{name}@", colour.name())
    for name, size in FONT_SIZES_PT.items():
        text = text.replace(f"@{name}@", f"{size * font_scale:.1f}pt")
    return text


def apply_theme(app: QApplication, font_scale: float = 1.0) -> None:
    """Keep the platform style and palette (so system dark mode applies), made readable;
    add our QSS; scale the text."""
    app.setPalette(accessible_palette(app.palette()))
    apply_font_scale(app, font_scale)


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Scale every text in the app (the font and the stylesheet's own sizes)."""
    font = QFont(app.font())
    if not _BASE_POINT_SIZE:
        _BASE_POINT_SIZE.append(font.pointSizeF() if font.pointSizeF() > 0 else 10.0)
    font.setPointSizeF(_BASE_POINT_SIZE[0] * scale)
    app.setFont(font)
    app.setStyleSheet(stylesheet(app.palette(), scale))
