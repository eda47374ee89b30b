"""A team report written out: CSV (one table after another), XLSX (a sheet per table),
JSON (one object). Used by the desktop's export, the endpoint and the CLI alike."""

from __future__ import annotations

import io
import json
import math
from dataclasses import asdict
from datetime import date
from typing import Any, Literal

import pandas as pd

from fieldrep.reports.team import TeamReport

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows: ISO dates, None for missing, Python numbers."""
    return [
        {str(k): _plain(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


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
    return pd.DataFrame(records(frame), columns=list(frame.columns))


def to_bytes(report: TeamReport, fmt: Format) -> bytes:
    """The report in `fmt`; CSV puts each table under a `# <name>` line."""
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
        totals = pd.DataFrame([asdict(report.totals)])
        totals.to_excel(book, sheet_name="totals", index=False)
        for name, frame in report.frames().items():
            _csv_frame(frame).to_excel(book, sheet_name=name, index=False)
    return buffer.getvalue()


def frame_to_bytes(frame: pd.DataFrame, fmt: Format, sheet: str = "report") -> bytes:
    """One table (the desktop's 'export the current view')."""
    if fmt == "json":
        return (json.dumps(records(frame), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        return _csv_frame(frame).to_csv(index=False, lineterminator="\n").encode()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        _csv_frame(frame).to_excel(book, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
