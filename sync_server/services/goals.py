"""Cycle-plan goals: loaded by the admin from a CSV or JSON file, sent to the reps and
managers concerned.

The file is one row per goal line (docs/admin.md, "Cycle-plan goals"); rows of one
cycle repeat its id, name, period and whom it applies to. It is checked whole before
anything is written (every problem with its row), and each cycle it names is replaced
whole; cycles it does not name stay as they are. A refused file changes nothing.

Sending: every user's devices hold one goals document (`protocol.goals.GoalsDocument`,
change-log scope `goals:<username>`): a rep's has the cycles that apply to them, a
manager's those that apply to any of their reps, with the team's roster. `publish_for`
runs at each handshake and writes a new version only when the document changed, so a
rep moved to another manager, or a cycle loaded since, reaches the device at its next
sync without any fan-out when goals are loaded.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CatalogueKind, Entity, Op
from fieldrep.sync.protocol.goals import (
    GOALS_DOCUMENT,
    GoalCycle,
    GoalLine,
    GoalsDocument,
    TeamMember,
)
from sync_server import db
from sync_server.errors import Invalid
from sync_server.models import CatalogueDocument, GoalDocument, Territory, User
from sync_server.models import GoalCycle as StoredCycle
from sync_server.services import changelog
from sync_server.services.callers import (
    MANAGER,
    REP,
    Caller,
    goals_scope,
    territories_of,
    utcnow,
)
from sync_server.services.catalogues import item_lines

COLUMNS = (
    "cycle", "name", "start", "end", "reps", "territories", "tier", "decile", "segment",
    "channel", "contacts", "cap",
)  # fmt: skip
REQUIRED = ("cycle", "name", "start", "end", "contacts")
HEADER_FIELDS = ("name", "start", "end", "reps", "territories")


@dataclass(frozen=True)
class LoadResult:
    cycles: int
    new: int
    changed: int
    unchanged: int
    lines: int
    reps: int

    @property
    def written(self) -> bool:
        return bool(self.new or self.changed)

    def summary(self) -> str:
        return (
            f"{self.cycles} cycle(s): {self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged; {self.lines} goal line(s); "
            f"applies to {self.reps} rep(s)"
        )


# -- reading the file ------------------------------------------------------------------


def _delimiter(header: str) -> str:
    """A comma, or what the header line uses instead (Excel writes ';' in much of Europe)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text.partition("\n")[0]))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems = []
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    for name in unknown:
        near = difflib.get_close_matches(name, COLUMNS, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        problems.append(f"line 1: unknown column '{name}'{hint}")
    if problems:
        raise Invalid("\n".join(problems))
    reader.fieldnames = header
    rows = []
    start = 2
    for raw in reader:
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if any(cells.values()):
            rows.append((f"line {start}", cells))
        start = reader.line_num + 1
    return rows


def _json_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(raw, list):
        raise Invalid("A goals JSON file holds an array of goal lines, [{...}, ...].")
    lines = item_lines(text)
    rows = []
    for number, (line, item) in enumerate(zip(lines, raw, strict=True), start=1):
        where = f"line {line} (item {number})"
        if not isinstance(item, dict):
            raise Invalid(f"{where}: a goal line is an object, {{...}}")
        unknown = [k for k in item if k not in COLUMNS]
        if unknown:
            raise Invalid(f"{where}: unknown field(s) {', '.join(unknown)}")
        rows.append((where, item))
    return rows


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(sorted({v.strip() for v in value.split(";") if v.strip()}))
    return tuple(sorted({str(v).strip() for v in value if str(v).strip()}))


def _blank(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _deciles(value: Any) -> tuple[Any, Any]:
    value = _blank(value)
    if value is None:
        return None, None
    text = str(value).replace(" ", "")
    low, _, high = text.partition("-")
    return low, high or low


def _line(row: dict[str, Any]) -> GoalLine:
    low, high = _deciles(row.get("decile"))
    return GoalLine.model_validate({
        "tier": _blank(row.get("tier")), "decile_min": low, "decile_max": high,
        "segment": _blank(row.get("segment")), "channel": _blank(row.get("channel")),
        "contacts": _blank(row.get("contacts")), "cap": _blank(row.get("cap")),
    })  # fmt: skip


def _line_problems(line: GoalLine) -> list[str]:
    problems = []
    if line.cap is not None and line.cap < line.contacts:
        problems.append(
            f"cap {line.cap} is below contacts {line.contacts} (the goal could never be met)"
        )
    if line.decile_min and line.decile_max and line.decile_max < line.decile_min:
        problems.append(f"decile range {line.decile_min}-{line.decile_max} is upside down")
    return problems


def _pydantic(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()]


@dataclass(frozen=True)
class Known:
    """What the rows may name: reps, territories and segments on this server."""

    reps: frozenset[str]
    territories: frozenset[str]
    segments: frozenset[str]  # empty: no segment catalogue loaded, any id is taken


def known(session: Session) -> Known:
    reps = session.scalars(select(User.username).where(User.role == REP))
    territories = session.scalars(select(Territory.id))
    doc = session.get(CatalogueDocument, CatalogueKind.SEGMENTS.value)
    segments = [str(s["id"]) for s in doc.content] if doc is not None else []
    return Known(frozenset(reps), frozenset(territories), frozenset(segments))


def _unknown(kind: str, names: Iterable[str], pool: frozenset[str]) -> list[str]:
    problems = []
    for name in names:
        if name not in pool:
            near = difflib.get_close_matches(name, sorted(pool), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(f"{kind} '{name}' is not on the server{hint}")
    return problems


def parse_file(text: str, *, file_name: str, known: Known) -> list[GoalCycle]:
    """The cycles a goals file describes (CSV, or JSON when the name ends in .json or the
    text starts with '['). Raises Invalid listing every problem with its row."""
    is_json = file_name.lower().endswith(".json") or text.lstrip("\ufeff \r\n\t").startswith("[")
    rows = _json_rows(text) if is_json else _csv_rows(text)
    if not rows:
        raise Invalid("The file holds no goal lines.")
    problems: list[str] = []
    headers: dict[str, tuple[str, dict[str, Any]]] = {}
    lines: dict[str, list[GoalLine]] = {}
    seen: dict[tuple[str, GoalLine], str] = {}
    for where, row in rows:
        cycle_id = str(row.get("cycle") or "").strip()
        if not cycle_id:
            problems.append(f"{where}: cycle: the cycle's id is missing")
            continue
        header = {k: row.get(k) for k in HEADER_FIELDS}
        header["reps"], header["territories"] = (
            _names(row.get("reps")),
            _names(row.get("territories")),
        )
        if cycle_id in headers:
            first_where, first = headers[cycle_id]
            differs = [k for k in HEADER_FIELDS if str(first[k]) != str(header[k])]
            if differs:
                problems.append(
                    f"{where}: cycle {cycle_id}: {', '.join(differs)} differ(s) from {first_where}"
                )
        else:
            headers[cycle_id] = (where, header)
        try:
            line = _line(row)
        except ValidationError as exc:
            problems += [f"{where}: {p}" for p in _pydantic(exc)]
            continue
        problems += [f"{where}: {p}" for p in _line_problems(line)]
        if line.segment and known.segments:
            problems += [
                f"{where}: {p}" for p in _unknown("segment", [line.segment], known.segments)
            ]
        if (cycle_id, line) in seen:
            problems.append(f"{where}: the same goal line is already on {seen[(cycle_id, line)]}")
        seen[(cycle_id, line)] = where
        lines.setdefault(cycle_id, []).append(line)
    cycles = []
    for cycle_id, (where, header) in headers.items():
        # A cycle whose lines were all refused is still checked (with a stand-in line),
        # so its own problems show in the same answer.
        valid = lines.get(cycle_id) or [GoalLine(contacts=1)]
        try:
            cycle = GoalCycle.model_validate({"id": cycle_id, **header, "goals": valid})
        except ValidationError as exc:
            problems += [f"{where}: cycle {cycle_id}: {p}" for p in _pydantic(exc)]
            continue
        if cycle.end < cycle.start:
            problems.append(f"{where}: cycle {cycle_id} ends ({cycle.end}) before it starts")
        problems += [f"{where}: {p}" for p in _unknown("rep", cycle.reps, known.reps)]
        problems += [
            f"{where}: {p}" for p in _unknown("territory", cycle.territories, known.territories)
        ]
        cycles.append(cycle)
    if problems:
        raise Invalid("\n".join(problems))
    return cycles


# -- storing ---------------------------------------------------------------------------


def load(session: Session, cycles: Sequence[GoalCycle], *, by: str) -> LoadResult:
    """Replace each named cycle whole, in the caller's transaction (nothing else is
    touched). Devices get the new goals at their next handshake (`publish_for`)."""
    new = changed = unchanged = 0
    now = utcnow()
    for cycle in cycles:
        content = cycle.model_dump(mode="json")
        stored = session.get(StoredCycle, cycle.id)
        if stored is None:
            session.add(
                StoredCycle(
                    id=cycle.id, start_date=cycle.start, end_date=cycle.end, content=content,
                    version=1, updated_at=now, updated_by=by,
                )
            )  # fmt: skip
            new += 1
        elif stored.content == content:
            unchanged += 1
        else:
            stored.start_date, stored.end_date, stored.content = cycle.start, cycle.end, content
            stored.version += 1
            stored.updated_at, stored.updated_by = now, by
            changed += 1
    session.flush()
    reps = set(session.scalars(select(User.username).where(User.role == REP)))
    concerned = {
        r for r in reps for c in cycles if c.applies_to(r, set(territories_of(session, [r])))
    }
    return LoadResult(
        len(cycles), new, changed, unchanged, sum(len(c.goals) for c in cycles), len(concerned)
    )


def remove(session: Session, cycle_id: str) -> None:
    stored = session.get(StoredCycle, cycle_id)
    if stored is None:
        ids = list(session.scalars(select(StoredCycle.id)))
        near = difflib.get_close_matches(cycle_id, ids, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise Invalid(f"No goal cycle '{cycle_id}'{hint}.")
    session.delete(stored)
    session.flush()


def all_cycles(session: Session) -> list[GoalCycle]:
    rows = session.scalars(select(StoredCycle).order_by(StoredCycle.start_date, StoredCycle.id))
    return [GoalCycle.model_validate(r.content) for r in rows]


def export_rows(cycles: Iterable[GoalCycle]) -> list[dict[str, Any]]:
    """The cycles as the file's rows (what `load` reads back)."""
    rows = []
    for c in cycles:
        for line in c.goals:
            decile = ""
            if line.decile_min is not None or line.decile_max is not None:
                low, high = line.decile_min or 1, line.decile_max or 10
                decile = str(low) if low == high else f"{low}-{high}"
            rows.append({
                "cycle": c.id, "name": c.name, "start": c.start.isoformat(),
                "end": c.end.isoformat(), "reps": ";".join(c.reps),
                "territories": ";".join(c.territories), "tier": line.tier or "",
                "decile": decile, "segment": line.segment or "", "channel": line.channel or "",
                "contacts": line.contacts, "cap": "" if line.cap is None else line.cap,
            })  # fmt: skip
    return rows


def roster(session: Session, reps: Iterable[str]) -> list[TeamMember]:
    return [
        TeamMember(username=r, territories=tuple(territories_of(session, [r])))
        for r in sorted(set(reps))
    ]


def cycles_for(session: Session, team: Sequence[TeamMember]) -> list[GoalCycle]:
    return [
        c
        for c in all_cycles(session)
        if any(c.applies_to(m.username, set(m.territories)) for m in team)
    ]


# -- sending ---------------------------------------------------------------------------


def document_for(session: Session, caller: Caller) -> dict[str, Any] | None:
    """What this user's devices should hold (None: admins, who have no goals)."""
    if caller.role == REP:
        team = roster(session, [caller.username])
    elif caller.role == MANAGER:
        team = roster(session, caller.team)
    else:
        return None
    return {
        "cycles": [c.model_dump(mode="json") for c in cycles_for(session, team)],
        "team": [m.model_dump(mode="json") for m in team],
    }


def publish_for(session: Session, caller: Caller) -> bool:
    """Send this user a new goals document if theirs changed (in the caller's
    transaction); True when one was written."""
    content = document_for(session, caller)
    if content is None:
        return False
    current = session.get(GoalDocument, caller.username)
    if current is not None and current.content == content:
        return False
    # A second device may have sent it meanwhile. Not the change log's exclusive lock:
    # a handshake must not wait for every push.
    db.lock_name(session, f"goals-document:{caller.username}")
    current = session.get(GoalDocument, caller.username, populate_existing=True)
    if current is not None and current.content == content:
        return False
    version = (current.version if current else 0) + 1
    if current is None:
        session.add(
            GoalDocument(
                username=caller.username, version=version, content=content, updated_at=utcnow()
            )
        )
    else:
        current.version, current.content, current.updated_at = version, content, utcnow()
    session.flush()
    document = GoalsDocument.model_validate({"version": version, **content})
    changelog.record(
        session, entity=Entity.CATALOGUE, entity_id=GOALS_DOCUMENT,
        op=Op.CREATE if version == 1 else Op.UPDATE, scope=goals_scope(caller.username),
        version=version, data=document.model_dump(mode="json"),
    )  # fmt: skip
    return True
