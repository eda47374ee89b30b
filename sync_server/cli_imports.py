"""The admin's data commands: `import-hcps`, `assign`, `import-calls` (see docs/admin.md).

Each one reports what it did, or with `--dry-run` what it would do, in the same summary;
bad rows go to stderr with their line, and a refused file writes nothing (exit 1).
Commands return a `Report`; `cli.py` prints it (the one module that prints).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from sync_server import db
from sync_server.errors import Invalid
from sync_server.services import alignment, call_import, hcp_import
from sync_server.services.csv_source import BadRow
from sync_server.services.import_mapping import ColumnMapping, load_mapping


@dataclass
class Report:
    code: int = 0
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def fail(self, message: str) -> Report:
        self.err.append(f"error: {message}")
        self.code = 1
        return self


ReportingHandler = Callable[[argparse.Namespace, Engine], Report]
AddCommand = Callable[[str, ReportingHandler, str], argparse.ArgumentParser]


def _mapping(
    path: Path | None, targets: Collection[str], hints: dict[str, str] | None = None
) -> ColumnMapping | None:
    return load_mapping(path, targets=targets, hints=hints) if path is not None else None


def _bad_rows(report: Report, rows: Sequence[BadRow], limit: int = 200) -> None:
    report.err += [str(bad) for bad in rows[:limit]]
    if len(rows) > limit:
        report.err.append(f"... and {len(rows) - limit} more bad row(s)")


def _ending(dry_run: bool, written: bool) -> str:
    if dry_run:
        return "Dry run: nothing was written."
    return "Done." if written else "Nothing to write."


def cmd_import_hcps(args: argparse.Namespace, engine: Engine) -> Report:
    if not 0 <= args.blank_limit <= 100:
        raise Invalid("--blank-limit is a percentage between 0 and 100.")
    options = hcp_import.HcpImportOptions(
        mapping=_mapping(args.mapping, hcp_import.TARGETS, hcp_import.HINTS),
        delimiter=args.delimiter,
        encoding=args.encoding,
        country=args.country,
        territory_from=args.territory_from,
        default_territory=args.default_territory,
        allow_blanking=frozenset(args.allow_blanking or []),
        blank_limit=args.blank_limit / 100,
        skip_bad_rows=args.skip_bad_rows,
    )
    with db.session_factory(engine)() as session, session.begin():
        summary = hcp_import.import_hcps(
            session, path=args.file, options=options, dry_run=args.dry_run
        )
    report = Report()
    _bad_rows(report, summary.bad_rows)
    report.out += hcp_summary_lines(summary)
    if summary.refused:
        return report.fail(summary.refused)
    report.out.append(_ending(args.dry_run, summary.written))
    return report


def hcp_summary_lines(summary: hcp_import.ImportSummary) -> list[str]:
    c = summary.counts
    lines = [f"{summary.file}: {summary.rows} row(s)"]
    lines.append(
        f"  new {c['created']}, updated {c['updated']}, unchanged {c['unchanged']}, "
        f"moved {c['moved']}" + (f", bad {len(summary.bad_rows)}" if summary.bad_rows else "")
    )
    if summary.blanked:
        parts = [
            f"{label} {n} ({n / max(summary.existing, 1):.1%})"
            for label, n in summary.blanked.items()
        ]
        lines.append(f"  values becoming empty: {', '.join(parts)}")
    else:
        lines.append("  values becoming empty: none")
    if summary.territory_note:
        lines.append(f"  territories: {summary.territory_note}")
    if summary.unassigned:
        lines.append(
            f"  {summary.unassigned} new HCP(s) have no territory yet (no rep sees them): "
            "place them with `fieldrep-server assign FILE`"
        )
    if summary.not_in_file:
        lines.append(
            f"  stored HCPs not in this file: {summary.not_in_file} (kept; an import never deletes)"
        )
    if summary.ignored_columns:
        lines.append(f"  columns not imported: {', '.join(summary.ignored_columns)}")
    return lines


def cmd_assign(args: argparse.Namespace, engine: Engine) -> Report:
    path: Path | None = args.path or args.file
    if path is None:
        if not (args.hcp and args.territory):
            raise Invalid("Give an alignment file (assign FILE), or --hcp ID --territory T.")
        with db.session_factory(engine)() as session, session.begin():
            moved = alignment.assign_one(
                session, hcp_id=args.hcp, territory=args.territory, dry_run=args.dry_run
            )
        if args.dry_run:  # it used to move the HCP anyway, and leave no audit row
            return Report(out=[f"Would move {moved} HCP(s).", _ending(True, False)])
        return Report(out=[f"Moved {moved} HCP(s)."])
    with db.session_factory(engine)() as session, session.begin():
        summary = alignment.assign_file(
            session, path=path, mapping=_mapping(args.mapping, alignment.TARGETS),
            delimiter=args.delimiter, encoding=args.encoding, dry_run=args.dry_run,
        )  # fmt: skip
    report = Report()
    _bad_rows(report, summary.bad_rows)
    report.out.append(f"{summary.file}: {summary.rows} row(s)")
    report.out.append(f"  moved {summary.moved}, unchanged {summary.unchanged}")
    for (source, target), count in sorted(summary.flows.items()):
        report.out.append(f"  {source} -> {target}: {count}")
    if summary.bad_rows:
        return report.fail(
            f"nothing assigned: {len(summary.bad_rows)} bad row(s) in {summary.file}"
        )
    report.out.append(_ending(args.dry_run, summary.written))
    return report


def cmd_import_calls(args: argparse.Namespace, engine: Engine) -> Report:
    with db.session_factory(engine)() as session, session.begin():
        summary = call_import.import_calls(
            session, path=args.file, mapping=_mapping(args.mapping, call_import.TARGETS),
            delimiter=args.delimiter, encoding=args.encoding,
            skip_bad_rows=args.skip_bad_rows, dry_run=args.dry_run,
        )  # fmt: skip
    report = Report()
    _bad_rows(report, summary.bad_rows)
    report.out.append(f"{summary.file}: {summary.rows} row(s)")
    report.out.append(
        f"  new {summary.created}, already imported {summary.already_imported}"
        + (f", bad {len(summary.bad_rows)}" if summary.bad_rows else "")
    )
    if summary.refused:
        return report.fail(summary.refused)
    report.out.append(_ending(args.dry_run, summary.written))
    return report


def _file_options(parser: argparse.ArgumentParser, mapping_help: str) -> None:
    parser.add_argument("--mapping", type=Path, help=mapping_help)
    parser.add_argument(
        "--delimiter", help="the column separator (default: detected; ',' ';' '\\t' '|')"
    )
    parser.add_argument("--encoding", default="utf-8", help="the file's encoding (default utf-8)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )


def add_commands(add: AddCommand) -> None:
    p = add("import-hcps", cmd_import_hcps, "import or refresh HCP master data from a CSV file")
    p.add_argument("file", type=Path)
    _file_options(p, "JSON mapping file (docs/server.md, 'Mapping files')")
    p.add_argument("--skip-bad-rows", action="store_true", help="import the good rows anyway")
    p.add_argument(
        "--territory-from", metavar="COLUMN",
        help="take every row's territory from this column (moves existing HCPs)",
    )  # fmt: skip
    p.add_argument(
        "--default-territory", metavar="T", help="territory for new HCPs the file places nowhere"
    )
    p.add_argument(
        "--allow-blanking", action="append", metavar="FIELD",
        help="let this field (or column) become empty for many HCPs (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--blank-limit", type=float, default=5.0, metavar="PERCENT",
        help="refuse when a field would become empty for more than this share (default 5)",
    )  # fmt: skip
    p.add_argument("--country", help="check postcodes for this country: US, DE, FR, UK")
    p = add("assign", cmd_assign, "align HCPs to territories (a file, or one HCP)")
    p.add_argument("path", nargs="?", type=Path, metavar="FILE", help="CSV: hcp_id,territory_id")
    p.add_argument("--file", type=Path, help=argparse.SUPPRESS)  # the older spelling
    p.add_argument("--hcp")
    p.add_argument("--territory")
    _file_options(p, "JSON mapping naming the hcp_id and territory_id columns")
    p = add("import-calls", cmd_import_calls, "import historical calls (idempotent)")
    p.add_argument("file", type=Path)
    _file_options(p, "JSON mapping file (docs/server.md, 'Call history')")
    p.add_argument("--skip-bad-rows", action="store_true", help="import the good rows anyway")
