"""The admin's catalogue commands: `load-catalogue`, `export-catalogue`, `catalogues`,
`withdraw-message` (see docs/admin.md). A refused file writes nothing (exit 1)."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from sqlalchemy import Engine

from sync_server import db
from sync_server.cli_imports import AddCommand, Report
from sync_server.errors import Invalid
from sync_server.services import catalogues
from sync_server.services.catalogues import LoadResult


def _admin_name() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Invalid(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise Invalid(f"{path} is not UTF-8 text; save it as UTF-8 and load it again.") from None


def _said(report: Report, result: LoadResult, dry_run: bool) -> Report:
    if dry_run:
        report.out.append(f"Dry run, {result.kind.value}: {result.summary}. Nothing was written.")
    elif result.changed:
        report.out.append(f"Loaded {result.kind.value} version {result.version}: {result.summary}.")
        report.out.append("Devices receive it at their next sync.")
    else:
        report.out.append(f"{result.kind.value} version {result.version} {result.summary}.")
    return report


def cmd_load_catalogue(args: argparse.Namespace, engine: Engine) -> Report:
    kind = catalogues.parse_kind(args.kind)
    text = _read(args.file)
    report = Report()
    with db.session_factory(engine)() as session, session.begin():
        try:
            content = catalogues.parse_file(kind, text, products=catalogues.product_names(session))
        except Invalid as exc:
            report.err += [f"{args.file}: {line}" for line in str(exc).splitlines()]
            return report.fail(f"nothing loaded: fix {args.file} and load it again")
        result = catalogues.load(session, kind, content, by=_admin_name())
        if args.dry_run:
            session.rollback()
    return _said(report, result, args.dry_run)


def cmd_export_catalogue(args: argparse.Namespace, engine: Engine) -> Report:
    kind = catalogues.parse_kind(args.kind)
    with db.session_factory(engine)() as session:
        text = catalogues.export(session, kind)
    report = Report()
    if args.output is None:
        report.out.append(text.rstrip("\n"))
    else:
        args.output.write_text(text, encoding="utf-8")
        report.out.append(f"Wrote {kind.value} to {args.output}.")
    return report


def cmd_catalogues(_args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session:
        rows = catalogues.versions(session)
    report = Report()
    report.out += [f"{kind}  version {version}  {when}" for kind, version, when in rows]
    if not rows:
        report.out.append("No catalogue loaded yet: use `load-catalogue KIND FILE`.")
    return report


def cmd_withdraw_message(args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session, session.begin():
        result = catalogues.withdraw_message(session, args.message_id, by=_admin_name())
    report = Report()
    report.out.append(f"Withdrew {args.message_id} (messages version {result.version}).")
    report.out.append("Devices drop it from suggestions and the call log at their next sync.")
    return report


def add_commands(add: AddCommand) -> None:
    kinds = "products, messages, segments, contact_rules, specialty_map or compliance_rules"
    p = add("load-catalogue", cmd_load_catalogue, "load a catalogue or rules file (all or nothing)")
    p.add_argument("kind", help=kinds)
    p.add_argument("file", type=Path, help="a JSON file (see docs/admin.md)")
    p.add_argument("--dry-run", action="store_true", help="check and summarise; write nothing")
    p = add("export-catalogue", cmd_export_catalogue, "print a catalogue as a loadable file")
    p.add_argument("kind", help=kinds)
    p.add_argument("--output", type=Path, help="write to this file instead of stdout")
    add("catalogues", cmd_catalogues, "list the catalogues loaded, with versions")
    p = add("withdraw-message", cmd_withdraw_message, "withdraw an approved message now")
    p.add_argument("message_id")
