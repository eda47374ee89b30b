"""Load the demo territory (resources/demo) into a workspace, so the app works on day one."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.segments import ApprovedMessage, Segment
from fieldrep.paths import resources_dir
from fieldrep.services.catalogue import document_from_file
from fieldrep.store.values import dt_to_text
from fieldrep.sync.protocol import CatalogueDocument, CatalogueKind
from fieldrep.workspace import Workspace

DEMO_TERRITORY = "BOS-NORTH"
DEMO_USERNAME = "rep1"
CONSENT_CHANNELS = [c.value for c in Channel]

Progress = Callable[[str, float], None]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def demo_catalogue_documents() -> list[CatalogueDocument]:
    """The demo company's catalogues, the same files `fieldrep-server seed-demo` loads.
    Only the demo uses them: a signed-in device gets its company's from the server."""
    return [
        document_from_file(kind, 1, (resources_dir() / kind.file_name).read_text("utf-8"))
        for kind in CatalogueKind
    ]


def load_segments() -> list[Segment]:
    raw = json.loads((resources_dir() / "segments.json").read_text(encoding="utf-8"))
    return [
        Segment(
            id=s["id"],
            name=s["name"],
            description=s["description"],
            tone=s["tone"],
            evidence_type=s["evidence_type"],
            preferred_channels=tuple(s["preferred_channels"]),
            tips=tuple(s["tips"]),
        )
        for s in raw
    ]


def load_messages() -> list[ApprovedMessage]:
    raw = json.loads((resources_dir() / "messages.json").read_text(encoding="utf-8"))
    return [
        ApprovedMessage(
            id=m["id"],
            product=m["product"],
            title=m["title"],
            theme=m["theme"],
            specialties=tuple(m["specialties"]),
            channels=tuple(m["channels"]),
        )
        for m in raw
    ]


def demo_hcps(territory: str = DEMO_TERRITORY) -> list[Hcp]:
    return [
        Hcp(
            id=r["id"],
            external_id=r["external_id"],
            npi=r["npi"] or None,
            name=r["name"],
            title=r["title"],
            specialty=r["specialty"],
            organisation=r["organisation"],
            address=r["address"],
            city=r["city"],
            postcode=r["postcode"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            tier=r["tier"],
            decile=int(r["decile"]),
            patient_volume=int(r["patient_volume"]),
            consents={c: r[f"consent_{c}"] == "1" for c in CONSENT_CHANNELS},
            preferred_channel=Channel(r["preferred_channel"]) if r["preferred_channel"] else None,
            do_not_contact=r["do_not_contact"] == "1",
            territory_id=r["territory_id"],
        )
        for r in _rows(resources_dir() / "demo" / "hcps.csv")
        if r["territory_id"] == territory
    ]


def demo_call_rows(hcp_ids: set[str], today: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Historic, submitted call notes in store form; `days_ago` is anchored on `today`."""
    rows = []
    for r in _rows(resources_dir() / "demo" / "calls.csv"):
        if r["hcp_id"] not in hcp_ids:
            continue
        day = today - timedelta(days=int(r["days_ago"]))
        started = datetime.combine(day, time.fromisoformat(r["time"]), tzinfo=tz)
        follow_ups = []
        if r["follow_up"]:
            due = day + timedelta(days=int(r["follow_up_due_days"]))
            follow_ups.append(
                {
                    "description": r["follow_up"],
                    "due": due.isoformat(),
                    "done": r["follow_up_done"] == "1",
                }
            )
        rows.append(
            {
                "id": r["id"],
                "hcp_id": r["hcp_id"],
                "author": r["author"],
                "channel": r["channel"],
                "started_at": dt_to_text(started),
                "duration_minutes": int(r["duration_minutes"]),
                "status": "submitted",
                "products": [p for p in r["products"].split(";") if p],
                "key_messages": [m for m in r["key_messages"].split(";") if m],
                "attendees": [a for a in r["attendees"].split(";") if a],
                "outcome": r["outcome"] or None,
                "sentiment": r["sentiment"] or None,
                "insights": r["insights"],
                "follow_ups": follow_ups,
                "suggestion_id": None,
                "submitted_at": dt_to_text(started + timedelta(minutes=int(r["duration_minutes"]))),
                "version": 1,
                "conflict_of": None,
            }
        )
    return rows


def import_demo(
    workspace: Workspace,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Load catalogues, the demo territory's HCPs and their history; safe to run twice."""
    report = progress or (lambda _msg, _frac: None)
    report("Loading catalogues", 0.0)
    workspace.messages.store_documents(demo_catalogue_documents())
    report("Loading HCPs", 0.2)
    hcps = demo_hcps()
    workspace.hcps.upsert_many(hcps)
    report("Loading call history", 0.5)
    clock = workspace.clock
    calls = demo_call_rows({h.id for h in hcps}, today or clock.today(), clock.tz)
    existing = {n.id for n in workspace.calls.all()}
    with workspace.store.write() as conn:
        workspace.calls.import_history(conn, [c for c in calls if c["id"] not in existing])
    if workspace.state("username") is None:
        workspace.set_username(DEMO_USERNAME)
    report("Done", 1.0)
    return {"hcps": len(hcps), "call_notes": len(calls)}
