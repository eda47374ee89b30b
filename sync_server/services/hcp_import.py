"""Load and refresh HCP master data from an admin's CSV file, all or nothing.

Master data never moves an HCP between territories unless asked: an existing HCP keeps
its territory (alignment is `services/alignment.py`) unless `territory_from` names a
column; a new HCP takes that column, else a `territory_id` column, else
`default_territory`, else waits in `UNASSIGNED` (seen by no rep) until it is assigned.

A field the file does not map keeps its stored value, so a file without consent or
decile columns refreshes names and addresses without resetting what it does not carry.
Before writing, the import is planned in full (the dry run stops there): new, updated,
unchanged and moved counts, and per field how many stored values would become empty;
blanking a field for more than `blank_limit` of the file's existing HCPs is refused
unless that field is allowed. Bad rows name the admin's column and the editor's line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CHANNELS, HcpData
from sync_server.errors import Invalid
from sync_server.models import Hcp, Territory
from sync_server.services import changelog
from sync_server.services.csv_source import BadRow, read_table
from sync_server.services.hcps import HcpState, HcpWriter, load_states
from sync_server.services.import_checks import check_country, check_identifier, check_postcode
from sync_server.services.import_mapping import ColumnMapping, bind, did_you_mean
from sync_server.services.users import ensure_territories

__all__ = ["BadRow", "HcpImportOptions", "ImportSummary", "import_hcps", "parse_hcp_csv"]

UNASSIGNED = "UNASSIGNED"
TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f", ""}
NUMERIC: dict[str, type] = {
    "latitude": float,
    "longitude": float,
    "decile": int,
    "patient_volume": int,
}
NULLABLE = {"latitude", "longitude", "npi", "preferred_channel"}
# Fields with no empty value: an empty cell is "not given" (the stored value, or for a new
# HCP the default), never a reset, so a blank do-not-contact cannot lift the flag.
NOT_BLANKABLE = frozenset(
    {"tier", "decile", "patient_volume", "do_not_contact", *(f"consent_{c}" for c in CHANNELS)}
)
ID_FIELDS = ("id", "external_id", "npi")
MASTER_FIELDS = tuple(f for f in HcpData.model_fields if f not in {"territory_id", "consents"})
# Fields holding several values (e.g. other names): one cell, separated by ";" or "|".
LIST_FIELDS = frozenset(
    name for name, info in HcpData.model_fields.items() if get_origin(info.annotation) is list
)
TARGETS = ("id", *MASTER_FIELDS, *(f"consent_{c}" for c in CHANNELS))
REQUIRED = ("external_id", "name")
HINTS = {
    "territory_id": (
        "territories are not master data; take them from a column with "
        "--territory-from COLUMN, or align with `fieldrep-server assign`"
    )
}


@dataclass(frozen=True, slots=True)
class HcpImportOptions:
    mapping: ColumnMapping | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    country: str | None = None
    territory_from: str | None = None  # a column of the file: territories for every row
    default_territory: str | None = None  # for new HCPs the file gives no territory
    allow_blanking: frozenset[str] = frozenset()  # fields (or the admin's columns)
    blank_limit: float = 0.05  # share of the file's existing HCPs
    skip_bad_rows: bool = False


@dataclass(frozen=True, slots=True)
class HcpRow:
    line: int
    hcp_id: str
    fields: dict[str, Any]  # only what the file maps, typed; consents partial
    territory: str | None


@dataclass
class ParsedHcps:
    name: str
    mapping: ColumnMapping
    rows: list[HcpRow] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    territory_column: str | None = None


@dataclass
class ImportSummary:
    """What an import did, or would do (dry run), or why it wrote nothing."""

    file: str
    rows: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "moved": 0}
    )
    existing: int = 0  # rows naming an HCP already stored
    blanked: dict[str, int] = field(default_factory=dict)  # label -> values becoming empty
    unassigned: int = 0
    not_in_file: int = 0  # stored HCPs the file does not name (kept: imports never delete)
    bad_rows: list[BadRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    territory_note: str = ""
    refused: str = ""
    written: bool = False


def _flag(label: str, value: str) -> bool:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{label} must be 0 or 1, not '{value}'")


def _typed(target: str, text: str, label: str, country: str | None) -> Any:
    """One mapped value as the wire record holds it (ValueError naming the column)."""
    text = text.strip()
    if target in ID_FIELDS and text:
        text = check_identifier(label, text)
    if target == "postcode":
        return check_postcode(label, text, country)
    if target in NUMERIC:
        if text == "":
            return None
        try:
            return NUMERIC[target](text)
        except ValueError:
            raise ValueError(f"{label} must be a number, not '{text}'") from None
    if target == "do_not_contact":
        return _flag(label, text)
    if target == "tier":
        return text.upper()
    if target in LIST_FIELDS:
        separator = "|" if "|" in text else ";"
        return [part.strip() for part in text.split(separator) if part.strip()]
    if target in NULLABLE and text == "":
        return None
    return text


def _row_fields(
    values: dict[str, str], labels: dict[str, str], country: str | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    consents: dict[str, bool] = {}
    for target, text in values.items():
        label = labels[target]
        if target in NOT_BLANKABLE and not text.strip():
            continue
        if target.startswith("consent_"):
            consents[target.removeprefix("consent_")] = _flag(label, text)
            continue
        fields[target] = _typed(target, text, label, country)
    if consents:
        fields["consents"] = consents
    return fields


def parse_hcp_file(path: Path, options: HcpImportOptions) -> ParsedHcps:
    """Read and check the file row by row (no database); whole-file errors raise Invalid."""
    table = read_table(path, delimiter=options.delimiter, encoding=options.encoding)
    mapping = bind(
        options.mapping, table.header, file_name=table.name, targets=TARGETS, required=REQUIRED
    )
    try:
        country = check_country(options.country or mapping.country)
    except ValueError as error:
        raise Invalid(str(error)) from None
    territory_column = options.territory_from
    if territory_column is not None and territory_column not in table.header:
        raise Invalid(
            f"{table.name} has no column '{territory_column}' for --territory-from"
            f"{did_you_mean(territory_column, table.header)}. "
            f"Its columns: {', '.join(table.header)}."
        )
    if territory_column is None and "territory_id" in table.header:
        territory_column = "territory_id"  # used for new HCPs only (see the module doc)
    used = mapping.columns() | ({territory_column} if territory_column else set())
    parsed = ParsedHcps(
        name=table.name,
        mapping=mapping,
        bad_rows=list(table.bad_rows),
        ignored_columns=[c for c in table.header if c not in used],
        territory_column=territory_column,
    )
    first_line: dict[str, int] = {}
    labels = {target: mapping.label(target) for target in mapping.rules}
    for row in table.rows:
        try:
            fields = _row_fields(mapping.apply(row.cells), labels, country)
        except ValueError as error:
            parsed.bad_rows.append(BadRow(row.line, str(error)))
            continue
        hcp_id = str(fields.pop("id", "") or fields.get("external_id") or "")
        if not hcp_id:
            label = mapping.label("external_id")
            parsed.bad_rows.append(BadRow(row.line, f"{label} is empty"))
            continue
        if len(hcp_id) > 64:
            parsed.bad_rows.append(BadRow(row.line, f"the id '{hcp_id[:20]}...' is too long"))
            continue
        if hcp_id in first_line:
            parsed.bad_rows.append(
                BadRow(row.line, f"HCP '{hcp_id}' is also on line {first_line[hcp_id]}")
            )
            continue
        first_line[hcp_id] = row.line
        territory = row.cells[territory_column].strip() if territory_column else ""
        parsed.rows.append(HcpRow(row.line, hcp_id, fields, territory or None))
    parsed.bad_rows.sort(key=lambda b: b.line)
    return parsed


def _describe(error: ValidationError, mapping: ColumnMapping) -> str:
    """Each problem with the admin's column and what the cell held."""
    parts = []
    for item in error.errors()[:3]:
        loc = [str(p) for p in item["loc"]]
        target = f"consent_{loc[1]}" if loc[:1] == ["consents"] and len(loc) > 1 else loc[0]
        value = item.get("input")
        if item["type"] == "missing" or value in ("", None):
            reason = "empty"
        elif item["type"] in {"literal_error", "enum"}:
            choices = re.findall(r"'([^']*)'", str(item.get("ctx", {}).get("expected", "")))
            reason = f"'{value}' is not one of {', '.join(choices)}"
        else:
            reason = f"'{value}': {item['msg']}"
        parts.append(f"{mapping.label(target)}: {reason}")
    return "; ".join(parts)


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [])


class _Plan:
    """The import worked out against the stored HCPs; `writer` holds every change."""

    def __init__(self, session: Session, parsed: ParsedHcps, options: HcpImportOptions) -> None:
        self.parsed = parsed
        self.options = options
        self.writer = HcpWriter(session, load_states(session, (r.hcp_id for r in parsed.rows)))
        self.known = set(self.writer.states)
        self.territories = _known_territories(
            session, {r.territory for r in parsed.rows if r.territory}
        )
        self.blanked: Counter[str] = Counter()
        self.unassigned = 0
        self.bad_rows: list[BadRow] = []

    def territory(self, row: HcpRow, old: HcpState | None) -> str:
        if old is not None:
            if self.options.territory_from and row.territory:
                return row.territory
            return old.territory_id
        if row.territory:
            return row.territory
        if self.options.default_territory:
            return self.options.default_territory
        return UNASSIGNED

    def put(self, row: HcpRow) -> None:
        mapping = self.parsed.mapping
        old = self.writer.current(row.hcp_id)
        if (
            row.territory
            and row.territory not in self.territories
            and (old is None or self.options.territory_from)
        ):
            label = self.parsed.territory_column
            hint = did_you_mean(row.territory, self.territories)
            self.bad_rows.append(
                BadRow(
                    row.line,
                    f"{label}: no territory '{row.territory}'{hint}; create it first with "
                    "`fieldrep-server create-territory`",
                )
            )
            return
        base = dict(old.data) if old else {}
        merged = {**base, **row.fields}
        if "consents" in row.fields:
            merged["consents"] = {**base.get("consents", {}), **row.fields["consents"]}
        if old is not None and merged.get("preferred_channel") is None:
            merged["preferred_channel"] = base.get("preferred_channel")  # the rep's choice
        merged["territory_id"] = self.territory(row, old)
        if old is not None and merged == base:
            self.writer.put(row.hcp_id, base)  # unchanged: the stored record is valid
            return
        try:
            data = HcpData.model_validate(merged).model_dump(mode="json")
        except ValidationError as error:
            self.bad_rows.append(BadRow(row.line, _describe(error, mapping)))
            return
        if old is not None:
            for target in row.fields:
                if target in data and not _is_empty(base.get(target)) and _is_empty(data[target]):
                    self.blanked[target] += 1
        if old is None and data["territory_id"] == UNASSIGNED:
            self.unassigned += 1  # counted once the row is good: a bad row is not imported
        self.writer.put(row.hcp_id, data)


def _stored_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Hcp)).scalar_one())


def _known_territories(session: Session, wanted: set[str]) -> set[str]:
    """Every territory id (to check the file's and suggest near misses); none to load when
    the file names no territory."""
    return set(session.scalars(select(Territory.id))) if wanted else set()


def _check_default_territory(session: Session, territory: str | None) -> None:
    if territory is None or session.get(Territory, territory) is not None:
        return
    names = list(session.scalars(select(Territory.id)))
    raise Invalid(
        f"No territory '{territory}'{did_you_mean(territory, names)}. Create it first with "
        "`fieldrep-server create-territory`."
    )


def _blanking_refusal(summary: ImportSummary, plan: _Plan, options: HcpImportOptions) -> str:
    allowed = {a.strip() for a in options.allow_blanking}
    over = []
    for target, count in plan.blanked.items():
        label = plan.parsed.mapping.label(target)
        share = count / max(summary.existing, 1)
        if share > options.blank_limit and not ({target, label} & allowed):
            over.append(f"{label} ({count} of {summary.existing}, {share:.0%})")
    if not over:
        return ""
    fields = " ".join(f"--allow-blanking {t}" for t, _ in plan.blanked.items())
    return (
        f"nothing imported: it would empty {', '.join(over)}, more than "
        f"{options.blank_limit:.0%} of the HCPs already stored. Check the mapping; if the "
        f"values really are gone, pass {fields}."
    )


def import_hcps(
    session: Session, *, path: Path, options: HcpImportOptions, dry_run: bool = False
) -> ImportSummary:
    """Plan the file against the stored HCPs and, unless `dry_run` or refused, write it.

    Runs in the caller's transaction; with bad rows (and no `skip_bad_rows`) or a
    refusal, nothing is written. Takes the change-log lock before reading any HCP.
    """
    parsed = parse_hcp_file(path, options)
    if not dry_run:
        changelog.lock_change_log(session)  # before any row is read: one lock order
    _check_default_territory(session, options.default_territory)
    plan = _Plan(session, parsed, options)
    for row in parsed.rows:
        plan.put(row)
    counts = plan.writer.counts
    summary = ImportSummary(
        file=parsed.name,
        rows=len(parsed.rows) + len(parsed.bad_rows),
        counts=dict(counts),
        existing=counts["updated"] + counts["unchanged"] + counts["moved"],
        blanked={parsed.mapping.label(t): n for t, n in sorted(plan.blanked.items())},
        unassigned=plan.unassigned,
        not_in_file=_stored_count(session) - len(plan.known),
        bad_rows=sorted(parsed.bad_rows + plan.bad_rows, key=lambda b: b.line),
        ignored_columns=parsed.ignored_columns,
    )
    if parsed.territory_column and not options.territory_from:
        column = parsed.territory_column
        realign = f"pass --territory-from {column} to realign from it"
        summary.territory_note = (
            f"'{column}' gave new HCPs their territory; existing HCPs keep theirs ({realign})"
            if counts["created"]
            else f"'{column}' was not used: no HCP is new, and existing HCPs keep their "
            f"territory ({realign})"
        )
    if summary.bad_rows and not options.skip_bad_rows:
        summary.refused = (
            f"nothing imported: {len(summary.bad_rows)} bad row(s) in {parsed.name}; fix them "
            "or pass --skip-bad-rows"
        )
        return summary
    summary.refused = _blanking_refusal(summary, plan, options)
    if summary.refused or dry_run:
        return summary
    if plan.unassigned:
        ensure_territories(session, [UNASSIGNED])
    plan.writer.write()
    summary.written = True
    return summary


@dataclass
class ParsedCsv:
    records: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


def parse_hcp_csv(path: Path, mapping: ColumnMapping | None = None) -> ParsedCsv:
    """Complete wire records (with `id` and `territory_id`) from a file that carries its
    territories, such as the demo's; for `hcps.upsert_hcps`."""
    parsed = parse_hcp_file(path, HcpImportOptions(mapping=mapping))
    result = ParsedCsv(bad_rows=list(parsed.bad_rows))
    for row in parsed.rows:
        try:
            data = HcpData.model_validate(
                {**row.fields, "territory_id": row.territory or ""}
            ).model_dump(mode="json")
        except ValidationError as error:
            result.bad_rows.append(BadRow(row.line, _describe(error, parsed.mapping)))
            continue
        result.records.append({"id": row.hcp_id, **data})
    return result
