"""`fieldrep-server report team --manager M --from D --to D --format csv|xlsx|json`:
the team report the endpoint serves, for the admin at the server (docs/manager.md)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from sync_server import db
from sync_server.cli_imports import AddCommand, Report
from sync_server.errors import Invalid
from sync_server.services import team_report
from sync_server.services.callers import ADMIN


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-30") from None


def cmd_report(args: argparse.Namespace, engine: Engine) -> Report:
    from fieldrep.reports.export import about, to_bytes

    if args.format == "xlsx" and args.output is None:
        raise Invalid("An XLSX report is a file: give --output FILE.xlsx.")
    flt = team_report.parse_filter(
        start=args.start, end=args.end, reps=args.reps, tier=args.tier, segment=args.segment,
        product=args.product, silent_days=args.silent_days,
    )  # fmt: skip
    with db.session_factory(engine)() as session:
        result = team_report.report(
            session, username="cli", role=ADMIN, manager=args.manager, flt=flt
        )
    content = to_bytes(result, args.format, about(flt, manager=args.manager))
    report = Report()
    if args.output is None:
        report.out.append(content.decode().rstrip("\n"))
    else:
        args.output.write_bytes(content)
        report.out.append(
            f"Wrote the team report of {args.manager} ({len(result.reps)} rep(s), "
            f"{args.start}..{args.end}) to {args.output}."
        )
    return report


def add_commands(add: AddCommand) -> None:
    p = add("report", cmd_report, "a manager's team report (csv, xlsx or json)")
    p.add_argument("kind", choices=("team",), help="the report (team)")
    p.add_argument("--manager", required=True, help="whose team")
    p.add_argument("--from", dest="start", type=_date, required=True, help="first day")
    p.add_argument("--to", dest="end", type=_date, required=True, help="last day (as-of day)")
    p.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    p.add_argument("--output", type=Path, help="write to this file (required for xlsx)")
    p.add_argument("--reps", help="only these reps (comma-separated)")
    p.add_argument("--tier", choices=("A", "B", "C", "D"))
    p.add_argument("--segment")
    p.add_argument("--product")
    p.add_argument("--silent-days", type=int, default=30, help="priority HCPs not seen for N days")
