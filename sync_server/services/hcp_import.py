"""Load HCP master data and territory assignments from CSV (pandas), all or nothing.

Every bad row is reported with its line number in the file (the header is line 1;
a quoted field spanning lines is counted correctly) and a reason an admin can fix.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.errors import Invalid
from sync_server.models import Hcp
from sync_server.services.hcps import assign, upsert_hcps
from sync_server.services.wire import CHANNELS, HcpData, describe

REQUIRED = ("external_id", "name", "territory_id")
TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f", ""}
NUMERIC = {"latitude": float, "longitude": float, "decile": int, "patient_volume": int}


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ParsedCsv:
    records: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


def record_lines(path: Path) -> list[int]:
    """The line on which each data record starts, skipping blank lines like pandas does."""
    starts = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        previous_end = 0
        for index, row in enumerate(reader):
            start = previous_end + 1
            previous_end = reader.line_num
            if index > 0 and row and any(cell.strip() for cell in row):
                starts.append(start)
    return starts


def load_mapping(path: Path | None) -> dict[str, str]:
    """A JSON object mapping CSV column names to Fieldrep field names."""
    if path is None:
        return {}
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise Invalid(f"Cannot read the mapping file {path}: {error}") from None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise Invalid('The mapping must be a JSON object like {"CSV column": "field"}.')
    return mapping


def read_frame(path: Path, mapping: dict[str, str], required: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise Invalid(f"Cannot read {path}: {error}") from None
    frame = frame.rename(columns={k: v for k, v in mapping.items() if k in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise Invalid(
            f"{path.name} has no column {', '.join(repr(c) for c in missing)} "
            f"(it has: {', '.join(map(str, frame.columns))}). Use --mapping to name them."
        )
    return frame


def _flag(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{name} must be 0 or 1, not '{value}'")


def _hcp_record(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a validated wire record; ValueError with a reason otherwise."""
    data: dict[str, Any] = {}
    for name in HcpData.model_fields:
        if name in row and name != "consents":
            data[name] = row[name].strip()
    for name, kind in NUMERIC.items():
        if name in data:
            raw = data.pop(name)
            if raw != "":
                try:
                    data[name] = kind(raw)
                except ValueError:
                    raise ValueError(f"{name} must be a number, not '{raw}'") from None
    if data.get("npi") == "":
        data["npi"] = None
    if data.get("preferred_channel") == "":
        data["preferred_channel"] = None
    if "do_not_contact" in data:
        data["do_not_contact"] = _flag(data["do_not_contact"], "do_not_contact")
    data["consents"] = {
        c: _flag(row[f"consent_{c}"], f"consent_{c}") for c in CHANNELS if f"consent_{c}" in row
    }
    try:
        valid = HcpData.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        raise ValueError(describe(error)) from None
    hcp_id = (row.get("id") or "").strip() or valid["external_id"]
    if len(hcp_id) > 64:
        raise ValueError("id is longer than 64 characters")
    return {"id": hcp_id, **valid}


def parse_hcp_csv(path: Path, mapping: dict[str, str] | None = None) -> ParsedCsv:
    frame = read_frame(path, mapping or {}, REQUIRED)
    lines = record_lines(path)
    parsed = ParsedCsv()
    first_line: dict[str, int] = {}
    for index, row in enumerate(frame.to_dict(orient="records")):
        line = lines[index] if index < len(lines) else index + 2
        try:
            record = _hcp_record({str(k): str(v) for k, v in row.items()})
        except ValueError as error:
            parsed.bad_rows.append(BadRow(line, str(error)))
            continue
        if record["id"] in first_line:
            parsed.bad_rows.append(
                BadRow(
                    line,
                    f"duplicate id '{record['id']}' (first on line {first_line[record['id']]})",
                )
            )
            continue
        first_line[record["id"]] = line
        parsed.records.append(record)
    return parsed


def import_hcps(
    session: Session,
    *,
    path: Path,
    mapping: dict[str, str] | None = None,
    skip_bad_rows: bool = False,
) -> tuple[dict[str, int], list[BadRow]]:
    """Upsert the file's HCPs. With bad rows and no `skip_bad_rows`, nothing is written."""
    parsed = parse_hcp_csv(path, mapping)
    if parsed.bad_rows and not skip_bad_rows:
        return {"created": 0, "updated": 0, "moved": 0, "unchanged": 0}, parsed.bad_rows
    counts = upsert_hcps(session, parsed.records) if parsed.records else {}
    return counts, parsed.bad_rows


def parse_assignments(
    path: Path, mapping: dict[str, str] | None = None
) -> tuple[list[tuple[str, str]], list[BadRow]]:
    frame = read_frame(path, mapping or {}, ("hcp_id", "territory_id"))
    lines = record_lines(path)
    pairs, bad = [], []
    for index, row in enumerate(frame.to_dict(orient="records")):
        line = lines[index] if index < len(lines) else index + 2
        hcp_id, territory = str(row["hcp_id"]).strip(), str(row["territory_id"]).strip()
        if not hcp_id or not territory:
            bad.append(BadRow(line, "hcp_id and territory_id must not be empty"))
            continue
        pairs.append((hcp_id, territory))
    return pairs, bad


def assign_from_csv(session: Session, *, path: Path) -> tuple[int, list[BadRow]]:
    """Move the listed HCPs; any bad row (including an unknown HCP) means nothing moves."""
    pairs, bad = parse_assignments(path)
    lines = record_lines(path)
    known = set(session.scalars(select(Hcp.id).where(Hcp.id.in_([p[0] for p in pairs]))))
    good_lines = [ln for ln in lines if all(b.line != ln for b in bad)]
    for (hcp_id, _), line in zip(pairs, good_lines, strict=False):
        if hcp_id not in known:
            bad.append(BadRow(line, f"no HCP with id '{hcp_id}'"))
    if bad:
        return 0, sorted(bad, key=lambda b: b.line)
    return assign(session, assignments=pairs), []
