"""The safety queue: `fieldrep-server ae-reports` (see docs/admin.md)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from sqlalchemy import Engine

from sync_server import db
from sync_server.cli_imports import AddCommand, Report
from sync_server.clock import as_utc, utcnow
from sync_server.errors import Invalid
from sync_server.services import adverse_events


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"--since '{text}' is not an ISO date or date-time.") from None
    return as_utc(value)


def cmd_ae_reports(args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session:
        reports = adverse_events.queue(session, since=_since(args.since))
    now = utcnow()
    report = Report()
    for r in reports:
        if args.json:
            report.out.append(
                json.dumps(
                    {
                        "id": r.id, "rep": r.author, "hcp_id": r.hcp_id, "product": r.product,
                        "patient": r.patient, "event": r.event, "onset": r.onset,
                        "aware_at": r.aware_at.isoformat(),
                        "deadline_at": r.deadline_at.isoformat(),
                        "received_at": r.received_at.isoformat(), "on_time": r.on_time,
                    },
                    ensure_ascii=False,
                )
            )  # fmt: skip
            continue
        event = r.event if len(r.event) <= 80 else r.event[:79] + "…"
        report.out.append(
            f"{r.id}  due {r.deadline_at:%Y-%m-%d %H:%M} UTC  {r.timing(now)}\n"
            f"    rep {r.author}, HCP {r.hcp_id}, product {r.product}, patient "
            f"{r.patient or '-'}, started {r.onset or '-'}\n    {event}"
        )
    if not reports and not args.json:
        report.out.append("No adverse-event reports received.")
    return report


def add_commands(add: AddCommand) -> None:
    p = add("ae-reports", cmd_ae_reports, "the safety queue: adverse-event reports, by deadline")
    p.add_argument("--since", help="only reports received from this ISO date or date-time (UTC)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
