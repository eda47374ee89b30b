"""Historical calls (a CRM's interaction history) loaded as submitted call notes.

Each source row gets a stable id: from its `source_id` column when the mapping has one,
else from what the row says (HCP, time, channel, rep, products, outcome); importing a
file twice adds nothing, and a call already imported is never changed (a submitted
note is locked). The notes flow to their rep's devices through the change feed like any
note, so the suggestion engine counts them as contacts. All or nothing unless
`skip_bad_rows`; the HCP and the rep must exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CALL_NOTE_FIELDS, CallNoteData, Entity, Op, describe
from sync_server.models import CallNote, Hcp, User
from sync_server.services import changelog
from sync_server.services.callers import user_scope, utcnow
from sync_server.services.changelog import LogRow
from sync_server.services.csv_source import BadRow, read_table
from sync_server.services.import_checks import check_identifier
from sync_server.services.import_mapping import ColumnMapping, bind, did_you_mean

TARGETS = (
    "source_id", "hcp_id", "started_at", "channel", "author", "duration_minutes",
    "products", "key_messages", "outcome", "sentiment", "insights",
)  # fmt: skip
REQUIRED = ("hcp_id", "started_at", "channel", "author")
LISTS = ("products", "key_messages")
NAMESPACE = uuid.UUID("6f1c55c2-3b8e-4c53-9d0e-2d6a4c1f7a10")  # never change: ids depend on it


@dataclass
class CallImportSummary:
    file: str
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    refused: str = ""
    written: bool = False


def _started_at(label: str, text: str) -> str:
    """ISO date (taken as midday UTC, so the day holds in any zone) or date-time."""
    try:
        if len(text) == 10:
            return f"{date.fromisoformat(text).isoformat()}T12:00:00+00:00"
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{label}: '{text}' is not a date like 2026-03-04 or 2026-03-04T10:30 "
            "(in Excel: Format Cells > Custom > yyyy-mm-dd)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=utcnow().tzinfo)
    return moment.isoformat()


def _split(text: str) -> list[str]:
    separator = "|" if "|" in text else ";"
    return [part.strip() for part in text.split(separator) if part.strip()]


def _record(values: dict[str, str], mapping: ColumnMapping) -> tuple[str, dict[str, Any]]:
    """(stable id, wire record) for one row; ValueError naming the admin's column."""
    hcp_id = check_identifier(mapping.label("hcp_id"), values["hcp_id"].strip())
    started = _started_at(mapping.label("started_at"), values["started_at"].strip())
    minutes_text = values.get("duration_minutes", "").strip() or "15"
    try:
        minutes = int(minutes_text)
    except ValueError:
        label = mapping.label("duration_minutes")
        raise ValueError(f"{label} must be whole minutes, not '{minutes_text}'") from None
    data: dict[str, Any] = {
        "hcp_id": hcp_id, "author": values["author"].strip(),
        "channel": values["channel"].strip().lower(), "started_at": started,
        "duration_minutes": minutes, "status": "submitted",
        "products": _split(values.get("products", "")),
        "key_messages": _split(values.get("key_messages", "")), "attendees": [],
        "outcome": values.get("outcome", "").strip().lower() or None,
        "sentiment": values.get("sentiment", "").strip().lower() or None,
        "insights": values.get("insights", "").strip(), "follow_ups": [],
        "suggestion_id": None, "conflict_of": None,
        "submitted_at": (datetime.fromisoformat(started) + timedelta(minutes=minutes)).isoformat(),
    }  # fmt: skip
    try:
        valid = CallNoteData.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        reason = describe(error)
        for target in TARGETS:
            reason = reason.replace(f"{target}:", f"{mapping.label(target)}:")
        raise ValueError(reason) from None
    source = values.get("source_id", "").strip()
    key = source or "|".join(
        [hcp_id, started, valid["channel"], valid["author"], ";".join(valid["products"]),
         str(valid["outcome"])]
    )  # fmt: skip
    return f"hist-{uuid.uuid5(NAMESPACE, key)}", {k: valid[k] for k in CALL_NOTE_FIELDS}


def _existing(session: Session, column: Any, wanted: set[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(wanted)
    for start in range(0, len(items), 1000):
        found |= set(session.scalars(select(column).where(column.in_(items[start : start + 1000]))))
    return found


def import_calls(
    session: Session,
    *,
    path: Path,
    mapping: ColumnMapping | None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    skip_bad_rows: bool = False,
    dry_run: bool = False,
) -> CallImportSummary:
    """Check every row, then (unless `dry_run` or refused) add the calls not yet imported."""
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    bound = bind(mapping, table.header, file_name=table.name, targets=TARGETS, required=REQUIRED)
    summary = CallImportSummary(file=table.name, rows=len(table.rows) + len(table.bad_rows))
    bad = list(table.bad_rows)
    records: list[tuple[int, str, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        try:
            note_id, data = _record(bound.apply(row.cells), bound)
        except ValueError as error:
            bad.append(BadRow(row.line, str(error)))
            continue
        if note_id in first_line:
            bad.append(BadRow(row.line, f"the same call as line {first_line[note_id]}"))
            continue
        first_line[note_id] = row.line
        records.append((row.line, note_id, data))
    if not dry_run:
        changelog.lock_change_log(session)
    hcps = _existing(session, Hcp.id, {d["hcp_id"] for _, _, d in records})
    users = set(session.scalars(select(User.username)))
    known = _existing(session, CallNote.id, {i for _, i, _ in records})
    new: list[tuple[str, dict[str, Any]]] = []
    for line, note_id, data in records:
        if data["hcp_id"] not in hcps:
            bad.append(BadRow(line, f"{bound.label('hcp_id')}: no HCP '{data['hcp_id']}'"))
        elif data["author"] not in users:
            hint = did_you_mean(data["author"], users)
            bad.append(BadRow(line, f"{bound.label('author')}: no user '{data['author']}'{hint}"))
        elif note_id in known:
            summary.already_imported += 1
        else:
            new.append((note_id, data))
    summary.bad_rows = sorted(bad, key=lambda b: b.line)
    summary.created = len(new)
    if summary.bad_rows and not skip_bad_rows:
        summary.refused = (
            f"nothing imported: {len(summary.bad_rows)} bad row(s) in {table.name}; fix them "
            "or pass --skip-bad-rows"
        )
        return summary
    if dry_run or not new:
        return summary
    now = utcnow()
    session.execute(
        insert(CallNote),
        [
            {"id": note_id, "author": data["author"], "hcp_id": data["hcp_id"],
             "status": "submitted", "conflict_of": None, "version": 1,
             "field_versions": dict.fromkeys(CALL_NOTE_FIELDS, 1), "field_devices": {},
             "data": data, "updated_at": now}
            for note_id, data in new
        ],
    )  # fmt: skip
    changelog.append(
        session,
        [LogRow(Entity.CALL_NOTE, i, Op.CREATE, user_scope(d["author"]), 1, d) for i, d in new],
        now=now,
    )
    summary.written = True
    return summary
