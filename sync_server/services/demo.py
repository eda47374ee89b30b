"""`seed-demo`: both demo territories, their history, and the four demo users.

Reads `resources/demo/{hcps,calls}.csv` (found relative to this package, never through
the client's code) and uses the CSV ids, so a client that imported the demo and this
server agree on every record. Call history is dated `days_ago` before today, the same
way the client's demo import dates it. Safe to run twice: existing rows are kept.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CALL_NOTE_FIELDS, CatalogueKind, Entity, Op
from sync_server.clock import server_clock
from sync_server.models import CallNote, User
from sync_server.security import hash_password
from sync_server.services import catalogues, changelog
from sync_server.services.callers import MANAGER, REP, user_scope, utcnow
from sync_server.services.changelog import LogRow
from sync_server.services.hcp_import import parse_hcp_csv
from sync_server.services.hcps import upsert_hcps
from sync_server.services.users import create_user

DEMO_REPS = {"rep1": "BOS-NORTH", "rep2": "BOS-SOUTH"}
DEMO_MANAGER = "manager1"
DEMO_ADMIN = "admin"


def demo_dir() -> Path:
    """`resources/demo` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[2]
    return root / "resources" / "demo"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _split(value: str) -> list[str]:
    return [part for part in value.split(";") if part]


def demo_call_records(path: Path, today: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Submitted call notes in wire form (plus `id`), dated relative to `today`."""
    records = []
    for r in _rows(path):
        day = today - timedelta(days=int(r["days_ago"]))
        started = datetime.combine(day, time.fromisoformat(r["time"]), tzinfo=tz)
        minutes = int(r["duration_minutes"])
        follow_ups = []
        if r["follow_up"]:
            due = day + timedelta(days=int(r["follow_up_due_days"]))
            follow_ups.append(
                {"description": r["follow_up"], "due": due.isoformat(),
                 "done": r["follow_up_done"] == "1"}
            )  # fmt: skip
        records.append(
            {
                "id": r["id"], "hcp_id": r["hcp_id"], "author": r["author"],
                "channel": r["channel"], "started_at": started.isoformat(),
                "duration_minutes": minutes, "status": "submitted",
                "products": _split(r["products"]), "key_messages": _split(r["key_messages"]),
                "attendees": _split(r["attendees"]), "outcome": r["outcome"] or None,
                "sentiment": r["sentiment"] or None, "insights": r["insights"],
                "follow_ups": follow_ups, "suggestion_id": None,
                "submitted_at": (started + timedelta(minutes=minutes)).isoformat(),
                "conflict_of": None,
            }
        )  # fmt: skip
    return records


def _ensure_users(session: Session, password: str) -> list[str]:
    wanted: list[tuple[str, str, list[str], str | None]] = [
        (DEMO_ADMIN, "admin", [], None),
        (DEMO_MANAGER, MANAGER, [], None),
        *((rep, REP, [territory], DEMO_MANAGER) for rep, territory in DEMO_REPS.items()),
    ]
    created: list[str] = []
    shared_hash = None  # all demo users share one password: hash it once (argon2 is slow)
    for username, role, territories, manager in wanted:
        if session.get(User, username) is None:
            shared_hash = shared_hash or hash_password(password)
            create_user(
                session, username=username, role=role, password=password,
                territories=territories, manager=manager, password_hash=shared_hash,
            )  # fmt: skip
            created.append(username)
    return created


def load_demo_catalogues(session: Session) -> None:
    """The demo company's catalogues (`resources/*.json`), as an admin would load them."""
    for kind in CatalogueKind:  # in load order: products first, messages name them
        text = (demo_dir().parent / kind.file_name).read_text(encoding="utf-8")
        content = catalogues.parse_file(kind, text, products=catalogues.product_names(session))
        catalogues.load(session, kind, content, by="seed-demo")


def seed_demo(session: Session, *, password: str, today: date | None = None) -> dict[str, Any]:
    """Load the demo; returns counts and the usernames created (who got `password`)."""
    folder = demo_dir()
    created_users = _ensure_users(session, password)
    parsed = parse_hcp_csv(folder / "hcps.csv")
    if parsed.bad_rows:  # the shipped demo is valid; a broken checkout should say so
        raise ValueError(f"resources/demo/hcps.csv: {parsed.bad_rows[0]}")
    hcp_counts = upsert_hcps(session, parsed.records)
    load_demo_catalogues(session)
    clock = server_clock()
    calls = demo_call_records(folder / "calls.csv", today or clock.today(), clock.tz)
    known = set(session.scalars(select(CallNote.id)))
    now = utcnow()
    rows, log = [], []
    for record in calls:
        if record["id"] in known:
            continue
        data = {k: record[k] for k in CALL_NOTE_FIELDS}
        rows.append(
            {
                "id": record["id"], "author": data["author"], "hcp_id": data["hcp_id"],
                "status": "submitted", "conflict_of": None, "version": 1,
                "field_versions": dict.fromkeys(CALL_NOTE_FIELDS, 1), "field_devices": {},
                "data": data, "updated_at": now,
            }
        )  # fmt: skip
        log.append(
            LogRow(Entity.CALL_NOTE, record["id"], Op.CREATE, user_scope(data["author"]), 1, data)
        )
    if rows:
        session.execute(insert(CallNote), rows)
    changelog.append(session, log, now=now)
    return {
        "hcps": len(parsed.records),
        "hcps_created": hcp_counts["created"],
        "call_notes": len(calls),
        "call_notes_created": len(rows),
        "users_created": created_users,
    }
