"""Territory alignment: which territory each HCP belongs to, from its own file.

An alignment file (`hcp_id,territory_id`, or any columns through a mapping) is checked
as a whole before anything moves: every HCP and territory must exist (with a "did you
mean" for a near miss), and an HCP named twice is an error giving both lines, since
"the last one wins" is how a device came to keep a ghost. The preview (`dry_run`) and
the real run report the same summary: moved, unchanged, and how many HCPs go from
which territory to which.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.errors import Invalid
from sync_server.models import Territory
from sync_server.services import changelog
from sync_server.services.csv_source import BadRow, read_table
from sync_server.services.hcps import HcpWriter, hcp_id_hint, load_states
from sync_server.services.import_checks import check_identifier
from sync_server.services.import_mapping import ColumnMapping, bind, did_you_mean

TARGETS = ("hcp_id", "territory_id")


@dataclass
class AlignmentSummary:
    file: str
    rows: int = 0
    moved: int = 0
    unchanged: int = 0
    flows: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to) -> HCPs
    bad_rows: list[BadRow] = field(default_factory=list)
    written: bool = False


def territory_names(session: Session) -> list[str]:
    return sorted(session.scalars(select(Territory.id)))


def require_territory(session: Session, territory: str) -> None:
    """Invalid with a "did you mean" unless the territory exists."""
    if session.get(Territory, territory) is None:
        hint = did_you_mean(territory, territory_names(session))
        raise Invalid(
            f"No territory '{territory}'{hint}. Create it first with "
            "`fieldrep-server create-territory`."
        )


def _pairs(
    path: Path, mapping: ColumnMapping | None, delimiter: str | None, encoding: str
) -> tuple[str, list[tuple[int, str, str]], list[BadRow]]:
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    bound = bind(mapping, table.header, file_name=table.name, targets=TARGETS, required=TARGETS)
    pairs: list[tuple[int, str, str]] = []
    bad = list(table.bad_rows)
    first_line: dict[str, int] = {}
    for row in table.rows:
        try:
            values = bound.apply(row.cells)
            hcp_id = check_identifier(bound.label("hcp_id"), values["hcp_id"].strip())
        except ValueError as error:
            bad.append(BadRow(row.line, str(error)))
            continue
        territory = values["territory_id"].strip()
        if not hcp_id or not territory:
            empty = bound.label("hcp_id") if not hcp_id else bound.label("territory_id")
            bad.append(BadRow(row.line, f"{empty} is empty"))
            continue
        if hcp_id in first_line:
            bad.append(
                BadRow(
                    row.line,
                    f"HCP '{hcp_id}' is on lines {first_line[hcp_id]} and {row.line}; "
                    "an alignment names each HCP once",
                )
            )
            continue
        first_line[hcp_id] = row.line
        pairs.append((row.line, hcp_id, territory))
    return table.name, pairs, bad


def assign_file(
    session: Session,
    *,
    path: Path,
    mapping: ColumnMapping | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    dry_run: bool = False,
) -> AlignmentSummary:
    """Check the whole file, then (unless `dry_run` or any bad row) move the HCPs.

    Runs in the caller's transaction; takes the change-log lock before reading HCPs.
    """
    name, pairs, bad = _pairs(path, mapping, delimiter, encoding)
    summary = AlignmentSummary(file=name, rows=len(pairs) + len(bad))
    if not dry_run:
        changelog.lock_change_log(session)
    writer = HcpWriter(session, load_states(session, (h for _, h, _ in pairs)))
    territories = territory_names(session)
    known = set(territories)
    for line, hcp_id, territory in pairs:
        old = writer.current(hcp_id)
        if old is None:
            bad.append(BadRow(line, f"no HCP with id '{hcp_id}'{hcp_id_hint(session, hcp_id)}"))
            continue
        if territory not in known:
            hint = did_you_mean(territory, territories)
            bad.append(
                BadRow(
                    line,
                    f"no territory '{territory}'{hint}; create it first with "
                    "`fieldrep-server create-territory`",
                )
            )
            continue
        if old.territory_id != territory:
            summary.flows[(old.territory_id, territory)] += 1
        writer.put(hcp_id, {**old.data, "territory_id": territory})
    summary.bad_rows = sorted(bad, key=lambda b: b.line)
    summary.moved = writer.counts["moved"]
    summary.unchanged = writer.counts["unchanged"]
    if summary.bad_rows or dry_run:
        return summary
    writer.write()
    summary.written = True
    return summary


def assign_one(session: Session, *, hcp_id: str, territory: str, dry_run: bool = False) -> int:
    """Move one HCP (1) or leave it where it is (0); the territory must exist. With
    `dry_run`, say which without writing anything."""
    changelog.lock_change_log(session)
    require_territory(session, territory)
    writer = HcpWriter(session, load_states(session, [hcp_id]))
    old = writer.current(hcp_id)
    if old is None:
        raise Invalid(f"No HCP with id '{hcp_id}'{hcp_id_hint(session, hcp_id)}.")
    moved = writer.put(hcp_id, {**old.data, "territory_id": territory}) == "moved"
    if dry_run:
        return int(moved)  # the writer touches the database only in `write`
    return writer.write()["moved"]
