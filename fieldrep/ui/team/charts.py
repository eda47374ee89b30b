"""The team view's charts (QtCharts), drawn from the core's report frames as they are.

Each builder takes a `TeamReport` and returns a ready `QChart`; nothing here computes a
figure the report does not already hold (per-week team totals are the sum of the
report's per-rep weekly rows, the sum a stacked bar shows anyway).
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy

from fieldrep.reports.data import CHANNELS, SENTIMENTS

CHANNEL_COLOURS = {"visit": "#2f6fb0", "remote": "#5aa7d6", "phone": "#8bc48a",
                   "email": "#e0a43b", "event": "#b07cc6"}  # fmt: skip
SENTIMENT_COLOURS = {"positive": "#2e8b57", "neutral": "#9aa5b1", "negative": "#c8453b"}
MAX_WEEK_LABELS = 7  # more weeks than this: label every n-th week only
MAX_COUNT_TICKS = 5  # a count axis: at most this many steps, each a whole number


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setBackgroundRoundness(4)
    return chart


def _week_labels(weeks: list[str]) -> list[str]:
    """ "W48" rather than "2026-W48"; on long periods every n-th label, the rest blank
    (unique blanks, as a category axis needs distinct names)."""
    step = max(1, -(-len(weeks) // MAX_WEEK_LABELS))
    return [week.split("-")[-1] if i % step == 0 else " " * (i + 1) for i, week in enumerate(weeks)]


def _axes(chart: QChart, series: Any, categories: list[str], horizontal: bool = False) -> None:
    chart.addSeries(series)
    cat = QBarCategoryAxis()
    cat.append(categories)
    # Whole labels: week labels are thinned so they never meet, rep names and reasons
    # have a row each (eliding them left "W..." and "..." on a small window).
    cat.setTruncateLabels(False)
    value = QValueAxis()
    value.setLabelFormat("%d")
    # A smaller font: names down the side and weeks along the bottom keep to their row or
    # column on a small window (QtCharts drops a label that meets its neighbour).
    small = QFont()
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
    cat.setLabelsFont(small)
    if horizontal:
        chart.addAxis(cat, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(value, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(cat, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cat)
    series.attachAxis(value)


def weekly_team(report: Any) -> Any:
    """The report's weekly rows summed over the reps shown, one row per week."""
    weekly = report.weekly
    if not len(weekly):
        return weekly
    numeric = [c for c in weekly.columns if c not in ("rep", "week", "week_start")]
    return weekly.groupby(["week_start", "week"], sort=True)[numeric].sum().reset_index()


def calls_by_channel(report: Any) -> QChart:
    chart = _chart("Calls per week, by channel")
    weeks = weekly_team(report)
    series = QStackedBarSeries()
    top = 0
    for channel in CHANNELS:
        values = [int(v) for v in weeks[channel]] if len(weeks) else []
        if not any(values):
            continue
        bar = QBarSet(channel)
        bar.setColor(QColor(CHANNEL_COLOURS[channel]))
        bar.append(values)
        series.append(bar)
    if len(weeks):
        top = int(weeks[list(CHANNELS)].sum(axis=1).max())
    _axes(chart, series, _week_labels(list(weeks["week"])) if len(weeks) else [""])
    _value_range(chart, top)
    return chart


def count_ticks(top: float) -> tuple[int, int]:
    """(step, steps) of a count axis from 0 to at least `top`: a whole-number step of 1,
    2 or 5 times a power of ten, at most MAX_COUNT_TICKS steps (0, 1 for a top of 1; never
    "0, 0, 1, 1")."""
    top = max(1, math.ceil(top))
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(top / step) <= MAX_COUNT_TICKS:
                return step, math.ceil(top / step)
        magnitude *= 10


def _value_range(chart: QChart, top: float, percent: bool = False) -> None:
    for axis in chart.axes():
        if isinstance(axis, QValueAxis):
            if percent:
                axis.setRange(0, max(1.0, float(top)))
                axis.setLabelFormat("%d %%")
            else:
                step, steps = count_ticks(top)
                axis.setRange(0, step * steps)
                axis.setTickCount(steps + 1)
                axis.setLabelFormat("%d")


def pace_by_rep(report: Any) -> QChart:
    """Cycle done against time gone, per rep; without goals, top-tier coverage."""
    summary = report.summary
    has_goals = len(report.attainment) > 0
    chart = _chart("Cycle plan: done vs time gone" if has_goals else "Top-tier coverage")
    series = QHorizontalBarSeries()
    # A horizontal bar chart draws its first category at the bottom: reversed, the reps
    # read top-down in the Reps table's order.
    summary = summary.iloc[::-1]
    reps = [str(r) for r in summary["rep"]] if len(summary) else [""]
    if has_goals:
        for name, column, colour in (
            ("time gone", "time_gone", "#c5ccd4"),
            ("done", "attainment", "#2f6fb0"),
        ):
            bar = QBarSet(name)
            bar.setColor(QColor(colour))
            bar.append([round(float(v) * 100, 1) for v in summary[column]])
            series.append(bar)
    else:
        bar = QBarSet("A-tier HCPs reached")
        bar.setColor(QColor("#2f6fb0"))
        # No A-tier HCP (NaN): no bar, as the Reps table shows "–" there.
        coverage = summary["top_tier_coverage"].fillna(0.0)
        bar.append([round(float(v) * 100, 1) for v in coverage])
        series.append(bar)
    _axes(chart, series, reps, horizontal=True)
    top = 100.0
    if has_goals and len(summary):
        top = max(100.0, float(summary["attainment"].max()) * 100)
    _value_range(chart, top, percent=True)
    return chart


def dismiss_reasons(report: Any) -> QChart:
    chart = _chart("Suggestions dismissed, by reason")
    frame = report.dismiss_reasons
    series = QHorizontalBarSeries()
    reasons: list[str] = []
    top = 0
    if len(frame):
        totals = frame.groupby("reason")["dismissed"].sum().sort_values()
        reasons = [str(r).replace("_", " ") for r in totals.index]
        bar = QBarSet("dismissed")
        bar.setColor(QColor("#e0a43b"))
        bar.append([int(v) for v in totals])
        series.append(bar)
        top = int(totals.max())
    chart.legend().hide()
    _axes(chart, series, reasons or ["none dismissed"], horizontal=True)
    _value_range(chart, top)
    return chart


def sentiment_trend(report: Any) -> QChart:
    chart = _chart("What reps heard: sentiment per week")
    weeks = weekly_team(report)
    series = QStackedBarSeries()
    for sentiment in SENTIMENTS:
        bar = QBarSet(sentiment)
        bar.setColor(QColor(SENTIMENT_COLOURS[sentiment]))
        bar.append([int(v) for v in weeks[f"sentiment_{sentiment}"]] if len(weeks) else [])
        series.append(bar)
    top = 0
    if len(weeks):
        top = int(weeks[[f"sentiment_{s}" for s in SENTIMENTS]].sum(axis=1).max())
    _axes(chart, series, _week_labels(list(weeks["week"])) if len(weeks) else [""])
    _value_range(chart, top)
    return chart


ROW_HEIGHT = 16  # px a rep's name needs down the side of the pace chart
CHART_CHROME = 90  # px of a chart that are not its bars: title, legend, axis, margins


def pace_height(reps: int) -> int:
    """The charts' least height: a readable row per rep in the pace chart (the Overview
    scrolls rather than drop every other name on a small window; 160 px at least)."""
    return max(160, CHART_CHROME + ROW_HEIGHT * max(1, reps))


def prepare_view(view: Any) -> None:
    """A chart view as the dashboard wants it: antialiased, shrinks with the window."""
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(220, 160)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
