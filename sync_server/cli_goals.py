"""The admin's goal commands: `load-goals`, `goals`, `export-goals`, `remove-goals` (see
docs/admin.md, "Cycle-plan goals"). A refused file writes nothing (exit 1)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from sqlalchemy import Engine

from sync_server import db
from sync_server.cli_catalogues import _admin_name, _read
from sync_server.cli_imports import AddCommand, Report
from sync_server.errors import Invalid
from sync_server.services import goals


def cmd_load_goals(args: argparse.Namespace, engine: Engine) -> Report:
    text = _read(args.file)
    report = Report()
    with db.session_factory(engine)() as session, session.begin():
        try:
            cycles = goals.parse_file(text, file_name=args.file.name, known=goals.known(session))
        except Invalid as exc:
            report.err += [f"{args.file}: {line}" for line in str(exc).splitlines()]
            return report.fail(f"nothing loaded: fix {args.file} and load it again")
        result = goals.load(session, cycles, by=_admin_name())
        if args.dry_run:
            session.rollback()
    if args.dry_run:
        report.out.append(f"Dry run: {result.summary()}. Nothing was written.")
    elif result.written:
        report.out.append(f"Loaded goals: {result.summary()}.")
        report.out.append("Reps and their managers receive them at their next sync.")
    else:
        report.out.append(f"Goals unchanged: {result.summary()}.")
    return report


def cmd_goals(_args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session:
        cycles = goals.all_cycles(session)
    report = Report()
    for c in cycles:
        whom = ", ".join([*c.reps, *c.territories]) or "every rep"
        report.out.append(f"{c.id}  {c.name}  {c.start}..{c.end}  {len(c.goals)} line(s)  {whom}")
    if not cycles:
        report.out.append("No goals loaded yet: use `load-goals FILE`.")
    return report


def cmd_export_goals(args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session:
        rows = goals.export_rows(goals.all_cycles(session))
    if args.format == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(goals.COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = out.getvalue()
    report = Report()
    if args.output is None:
        report.out.append(text.rstrip("\n"))
    else:
        args.output.write_text(text, encoding="utf-8")
        report.out.append(f"Wrote {len(rows)} goal line(s) to {args.output}.")
    return report


def cmd_remove_goals(args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session, session.begin():
        goals.remove(session, args.cycle)
    report = Report()
    report.out.append(f"Removed goal cycle {args.cycle}; devices drop it at their next sync.")
    return report


def add_commands(add: AddCommand) -> None:
    p = add("load-goals", cmd_load_goals, "load cycle-plan goals from CSV or JSON (all or nothing)")
    p.add_argument("file", type=Path, help="a .csv or .json file (see docs/admin.md)")
    p.add_argument("--dry-run", action="store_true", help="check and summarise; write nothing")
    add("goals", cmd_goals, "list the goal cycles loaded")
    p = add("export-goals", cmd_export_goals, "print the goals as a file load-goals reads")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", type=Path, help="write to this file instead of stdout")
    p = add("remove-goals", cmd_remove_goals, "remove one goal cycle")
    p.add_argument("cycle", help="the cycle's id")
