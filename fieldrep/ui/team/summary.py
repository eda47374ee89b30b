"""A printable one-page coaching summary of one rep: the period's figures, pace against
the cycle plan, what they heard, priority HCPs going silent, and the coaching sent
(with skills from field visits and whether the rep acknowledged it).

`summary_html` runs on the worker over the core's report for that rep; `write_pdf`
prints it to a PDF file through Qt's printing (QPrinter), on the UI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from fieldrep.reports.team import TeamReport
from fieldrep.services.coaching import FIELD_VISIT, CoachingComment

MAX_SILENT = 8
MAX_COMMENTS = 6


def _pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def _coverage(share: Any, hcps: int) -> str:
    if not hcps or share is None or pd.isna(share):
        return "no A-tier HCPs"
    return _pct(float(share))


def _acceptance(rate: Any) -> str:
    if rate is None or pd.isna(rate):
        return "no decisions, no acceptance rate"
    return f"acceptance {_pct(float(rate))}"


def _row(cells: Sequence[str], head: bool = False) -> str:
    tag = "th" if head else "td"
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def summary_html(
    report: TeamReport,
    rep: str,
    comments: Sequence[CoachingComment],
    when: Callable[[str | None], str],
    generated: str,
    *,
    subjects: Mapping[str, str] | None = None,
) -> str:
    """The page's HTML (report already filtered to `rep`); `subjects` names what each
    comment is about ("call with DR. BEN ROTH on Tue 24 Nov 2026"), by comment id."""
    about = subjects or {}
    flt = report.filter
    s = report.summary
    mine = s[s["rep"] == rep]
    fig = mine.iloc[0] if len(mine) else None

    def value(column: str) -> Any:
        return 0 if fig is None else fig[column]

    channels = ", ".join(
        f"{c} {int(value(c))}" for c in ("visit", "remote", "phone", "email", "event") if value(c)
    )
    figures = [
        ("Calls", f"{int(value('calls'))} ({channels or 'none'})"),
        ("HCPs reached", f"{int(value('hcps_reached'))}"),
        (
            "A-tier coverage",
            f"{int(value('top_tier_reached'))} of {int(value('top_tier_hcps'))} "
            f"({_coverage(value('top_tier_coverage'), int(value('top_tier_hcps')))})",
        ),
        ("Days in field", f"{int(value('days_in_field'))}"),
        ("Visits planned / completed", f"{int(value('planned'))} / {int(value('completed'))}"),
        (
            "Suggestions",
            f"{int(value('accepted'))} accepted, {int(value('dismissed'))} dismissed, "
            f"{int(value('snoozed'))} snoozed, {int(value('expired'))} expired "
            f"({_acceptance(value('acceptance_rate'))})",
        ),
        (
            "Sentiment heard",
            f"{int(value('sentiment_positive'))} positive, {int(value('sentiment_neutral'))} "
            f"neutral, {int(value('sentiment_negative'))} negative",
        ),
    ]
    parts = [
        f"<h2>Coaching summary — {html.escape(rep)}</h2>",
        f"<p class='muted'>{flt.start:%d %b %Y} to {flt.end:%d %b %Y}"
        + (f" · tier {flt.tier}" if flt.tier else "")
        + (f" · segment {html.escape(flt.segment)}" if flt.segment else "")
        + (f" · product {html.escape(flt.product)}" if flt.product else "")
        + f" · printed {generated}</p>",
        "<h3>Activity</h3><table>",
        *(_row([k, html.escape(v)]) for k, v in figures),
        "</table>",
    ]
    goals = report.attainment
    goals = goals[goals["rep"] == rep] if len(goals) else goals
    if len(goals):
        parts.append("<h3>Cycle plan</h3><table>")
        parts.append(_row(["Goal", "Counted / goal", "Done", "Time gone", "Reach"], head=True))
        for g in goals.to_dict(orient="records"):
            cells = [
                html.escape(f"{g['cycle_name']}: {g['line']}"),
                f"{int(g['counted'])} / {int(g['goal'])}",
                _pct(float(g["attainment"])),
                _pct(float(g["time_gone"])),
                _pct(float(g["reach"])),
            ]
            parts.append(_row(cells))
        parts.append("</table>")
    silent = report.silent
    silent = silent[silent["rep"] == rep] if len(silent) else silent
    if len(silent):
        parts.append(
            f"<h3>Priority HCPs not seen for {flt.silent_days}+ days ({len(silent)})</h3><table>"
        )
        for h in silent.head(MAX_SILENT).astype(object).to_dict(orient="records"):
            seen = h["last_contact"]
            last = "never" if seen is None or pd.isna(seen) else f"{seen:%d %b %Y}"
            by = h["last_contact_by"]
            if by is not None and not pd.isna(by) and by != rep:  # inherited or shared
                last += f" by {html.escape(str(by))}"
            parts.append(_row([html.escape(str(h["name"])), f"tier {h['tier']}", f"last: {last}"]))
        parts.append("</table>")
        if len(silent) > MAX_SILENT:
            parts.append(f"<p class='muted'>…and {len(silent) - MAX_SILENT} more.</p>")
    parts.append("<h3>Coaching</h3>")
    if not comments:
        parts.append("<p class='muted'>No coaching recorded yet.</p>")
    for c in list(comments)[:MAX_COMMENTS]:
        state = f"acknowledged {when(c.acknowledged_at)}" if c.acknowledged else "not acknowledged"
        skills = ""
        if c.kind == FIELD_VISIT and c.skills:
            skills = " — " + ", ".join(f"{html.escape(k)} {v}/5" for k, v in c.skills.items())
        parts.append(
            f"<p><b>{when(c.created_at)}</b>, {html.escape(about.get(c.id, c.subject))}{skills} "
            f"<span class='muted'>({state})</span><br>{html.escape(c.text[:400])}</p>"
        )
    style = (
        "<style>body{font-family:sans-serif;font-size:9pt} h2{margin:0} h3{margin:10px 0 2px}"
        " td,th{padding:1px 8px 1px 0;text-align:left} .muted{color:#666}</style>"
    )
    return style + "".join(parts)


def write_pdf(page_html: str, path: Path) -> Path:
    """Print the page to `path` as an A4 PDF (UI thread: QTextDocument lays out text)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(page_html)
    document.print_(printer)
    return path
