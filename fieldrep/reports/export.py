"""A team report written out: CSV (one table after another), XLSX (a sheet per table),
JSON (one object). Used by the desktop's export, the endpoint and the CLI alike."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any, Literal

import pandas as pd

from fieldrep.reports.team import TeamFilter, TeamReport

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json")
# Shares (0..1): a percentage in XLSX (the number stays the fraction), rounded in CSV.
RATE_COLUMNS = frozenset({"acceptance_rate", "top_tier_coverage", "attainment", "time_gone",
                          "reach"})  # fmt: skip
RATE_DECIMALS = 4  # 0.6087: a percentage to two decimals
RATIO_COLUMNS = frozenset({"frequency"})  # contacts per HCP
RATIO_DECIMALS = 2
PERCENT_FORMAT = "0.0%"
About = Sequence[tuple[str, str]]


def _plain(value: Any) -> Any:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None  # NaN, NaT, pd.NA: missing, never the text "NaT"
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows: ISO dates, None for missing, Python numbers."""
    return [
        {str(k): _plain(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _rounded(column: str, value: Any) -> Any:
    if isinstance(value, float):
        if column in RATE_COLUMNS:
            return round(value, RATE_DECIMALS)
        if column in RATIO_COLUMNS:
            return round(value, RATIO_DECIMALS)
    return value


def about(
    flt: TeamFilter, *, manager: str | None = None, table: str | None = None,
    extra: About = (),
) -> list[tuple[str, str]]:  # fmt: skip
    """What a written report covers, for its "about" sheet: period, filters, as-of day."""
    rows = [("report", f"team report{f': {table}' if table else ''}")]
    if manager:
        rows.append(("manager", manager))
    rows += [
        ("period", f"{flt.start.isoformat()} to {flt.end.isoformat()}"),
        ("as of", flt.end.isoformat()),
        ("reps", ", ".join(flt.reps) or "all"),
        ("tier", flt.tier or "all"),
        ("segment", flt.segment or "all"),
        ("product", flt.product or "all"),
        ("priority HCPs silent after", f"{flt.silent_days} days"),
        *extra,
    ]
    return rows


def file_stem(flt: TeamFilter, table: str = "report") -> str:
    """A file name (no extension) that says what a written report covers:
    "team-reps-2026-11-02_2026-11-29", then the filters ("-tier-A", "-REP-BRANDT")."""
    parts = [f"team-{table}", f"{flt.start.isoformat()}_{flt.end.isoformat()}", *flt.reps]
    for name, value in (("tier", flt.tier), ("segment", flt.segment), ("product", flt.product)):
        if value:
            parts.append(f"{name}-{value}")
    stem = "-".join(parts)
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:180]


def as_json(report: TeamReport) -> dict[str, Any]:
    flt = report.filter
    return {
        "filter": {
            "start": flt.start.isoformat(), "end": flt.end.isoformat(), "reps": list(flt.reps),
            "tier": flt.tier, "segment": flt.segment, "product": flt.product,
            "silent_days": flt.silent_days,
        },
        "reps": list(report.reps),
        "totals": asdict(report.totals),
        **{name: records(frame) for name, frame in report.frames().items()},
    }  # fmt: skip


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain cells: whole numbers stay whole (not 76.0 beside a blank), missing values are
    blank, rates rounded."""
    rows = [{k: _rounded(k, v) for k, v in r.items()} for r in records(frame)]
    return pd.DataFrame(rows, columns=[str(c) for c in frame.columns], dtype=object)


def _sheet(book: Any, name: str, frame: pd.DataFrame) -> None:
    """One table on its own sheet, rates shown as percentages."""
    plain = pd.DataFrame(records(frame), columns=[str(c) for c in frame.columns], dtype=object)
    plain.to_excel(book, sheet_name=name[:31], index=False)
    sheet = book.sheets[name[:31]]
    for i, column in enumerate(plain.columns, start=1):
        if column in RATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = PERCENT_FORMAT


def _about_sheet(book: Any, rows: About) -> None:
    frame = pd.DataFrame(list(rows), columns=["about", "value"], dtype=object)
    frame.to_excel(book, sheet_name="about", index=False)
    sheet = book.sheets["about"]
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 48


def to_bytes(report: TeamReport, fmt: Format, about_rows: About | None = None) -> bytes:
    """The report in `fmt`; CSV puts each table under a `# <name>` line; XLSX opens with
    an "about" sheet (period, filters, as-of day: `about_rows`, by default the filter's)."""
    if fmt == "json":
        return (json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        out = io.StringIO()
        for name, frame in report.frames().items():
            out.write(f"# {name}\n")
            _csv_frame(frame).to_csv(out, index=False, lineterminator="\n")
            out.write("\n")
        return out.getvalue().encode()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        _about_sheet(book, about(report.filter) if about_rows is None else about_rows)
        _sheet(book, "totals", pd.DataFrame([asdict(report.totals)]))
        for name, frame in report.frames().items():
            _sheet(book, name, frame)
    return buffer.getvalue()


def frame_to_bytes(
    frame: pd.DataFrame, fmt: Format, sheet: str = "report", about_rows: About = ()
) -> bytes:
    """One table (the desktop's 'export the current view'); XLSX puts `about_rows` (what
    the table covers) on a first "about" sheet, CSV stays plain columns."""
    if fmt == "json":
        return (json.dumps(records(frame), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        return _csv_frame(frame).to_csv(index=False, lineterminator="\n").encode()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        if about_rows:
            _about_sheet(book, about_rows)
        _sheet(book, sheet, frame)
        if about_rows:  # opens on the table; "about" is the first tab
            book.book.active = 1
            book.sheets["about"].sheet_view.tabSelected = False
    return buffer.getvalue()
