"""HCP master data: server-owned, scoped by territory, moved between territories.

Every write lands in the change log scoped to the HCP's territory. A move writes a
tombstone in the old territory's scope and the full record in the new one, so the
old territory's reps lose the HCP at their next pull and the new ones gain it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CHANNELS, Entity, Op
from sync_server.errors import Invalid, Rejected
from sync_server.models import Hcp, HcpAssignment, JsonType
from sync_server.services import changelog, prefetch
from sync_server.services.bulk import insert_rows
from sync_server.services.callers import REP, Caller, territory_scope, utcnow
from sync_server.services.changelog import LogRow
from sync_server.services.contacts import contacts_after_moves
from sync_server.services.users import ensure_territories

REP_OWNED = {"preferred_channel"}


def _assignments(
    session: Session, pairs: set[tuple[str, str]], known: set[str], now: datetime
) -> None:
    """Record each (HCP, territory) pair not yet on record; only HCPs in `known` (stored
    before this batch) can have one, looked up by HCP id (a plain index probe)."""
    if not pairs:
        return
    table = HcpAssignment.__table__
    ids = sorted({h for h, _ in pairs if h in known})
    on_record: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 1000):
        query = select(table.c.hcp_id, table.c.territory_id).where(
            table.c.hcp_id.in_(ids[start : start + 1000])
        )
        on_record |= set(session.execute(query).tuples())
    new = [
        {"hcp_id": h, "territory_id": t, "assigned_at": now} for h, t in sorted(pairs - on_record)
    ]
    if new:
        insert_rows(session, HcpAssignment, new)


@dataclass(slots=True)
class HcpState:
    """An HCP as stored: its territory, version and wire record (which repeats the territory)."""

    territory_id: str
    version: int
    data: dict[str, Any]


def load_states(session: Session, ids: Iterable[str]) -> dict[str, HcpState]:
    """The stored state of each of these HCPs that exists.

    PostgreSQL gets one array parameter per 20,000 ids (`= ANY(:ids)`): an expanded
    IN list of that size costs more to build and parse than to run.
    """
    table = Hcp.__table__
    wanted = sorted(set(ids))
    columns = (table.c.id, table.c.territory_id, table.c.version, table.c.data)
    postgres = session.get_bind().dialect.name == "postgresql"
    size = 20_000 if postgres else 1000
    states: dict[str, HcpState] = {}
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        if postgres:
            match = table.c.id == any_(bindparam("ids", chunk, type_=ARRAY(String)))
        else:
            match = table.c.id.in_(chunk)
        for row in session.execute(select(*columns).where(match)):
            states[row.id] = HcpState(row.territory_id, row.version, row.data)
    return states


class HcpWriter:
    """Applies successive states of HCPs against a running snapshot, then writes in bulk.

    Each `put` compares with the HCP as the puts before it left it, so an HCP named twice
    in one batch (moved twice) logs a tombstone for the territory it really leaves and
    no device keeps a ghost. Nothing touches the database before `write`. The caller
    holds the change-log lock (`changelog.lock_change_log`) before loading the states.
    """

    def __init__(self, session: Session, states: dict[str, HcpState]) -> None:
        self.session = session
        self.states = states
        self.known_before = set(states)
        self.changed: set[str] = set()
        self.log: list[LogRow] = []
        self.pairs: set[tuple[str, str]] = set()
        self.moved: dict[str, str] = {}  # HCP id -> the territory it moved to
        self.counts = {"created": 0, "updated": 0, "moved": 0, "unchanged": 0}

    def current(self, hcp_id: str) -> HcpState | None:
        return self.states.get(hcp_id)

    def put(self, hcp_id: str, data: dict[str, Any]) -> str:
        """Record the HCP's new state; returns created / updated / moved / unchanged."""
        territory = data["territory_id"]
        old = self.states.get(hcp_id)
        if old is None or old.territory_id != territory:
            # Every territory an HCP has belonged to is on record from when it got there.
            self.pairs.add((hcp_id, territory))
        if old is None:
            self.states[hcp_id] = HcpState(territory, 1, data)
            self.changed.add(hcp_id)
            self.log.append(
                LogRow(Entity.HCP, hcp_id, Op.CREATE, territory_scope(territory), 1, data)
            )
            return self._count("created")
        if data == old.data and territory == old.territory_id:
            return self._count("unchanged")
        version = old.version + 1
        self.states[hcp_id] = HcpState(territory, version, data)
        self.changed.add(hcp_id)
        if old.territory_id != territory:
            self.log.append(
                LogRow(
                    Entity.HCP, hcp_id, Op.DELETE, territory_scope(old.territory_id), version, None
                )
            )
            self.log.append(
                LogRow(Entity.HCP, hcp_id, Op.CREATE, territory_scope(territory), version, data)
            )
            self.moved[hcp_id] = territory
            return self._count("moved")
        self.log.append(
            LogRow(Entity.HCP, hcp_id, Op.UPDATE, territory_scope(territory), version, data)
        )
        return self._count("updated")

    def _count(self, kind: str) -> str:
        self.counts[kind] += 1
        return kind

    def write(self) -> dict[str, int]:
        """Insert the new HCPs, update the changed ones (one statement each), log it all."""
        now = utcnow()
        inserts, updates = [], []
        for hcp_id in sorted(self.changed):
            state = self.states[hcp_id]
            if hcp_id in self.known_before:
                updates.append(
                    {"_id": hcp_id, "_territory": state.territory_id, "_version": state.version,
                     "_data": state.data, "_now": now}
                )  # fmt: skip
            else:
                inserts.append(
                    {"id": hcp_id, "territory_id": state.territory_id, "version": state.version,
                     "data": state.data, "updated_at": now}
                )  # fmt: skip
        if inserts:
            insert_rows(self.session, Hcp, inserts)
        if updates:
            statement = (
                update(Hcp)
                .where(Hcp.id == bindparam("_id"))
                .values(
                    territory_id=bindparam("_territory"),
                    version=bindparam("_version"),
                    data=bindparam("_data", type_=JsonType),
                    updated_at=bindparam("_now"),
                )
            )
            self.session.connection().execute(statement, updates)
        _assignments(self.session, self.pairs, self.known_before, now)
        # the new rep sees the HCP's calls so far (gaps, caps, history), not their text
        contacts = contacts_after_moves(self.session, self.moved)
        changelog.append(self.session, [*self.log, *contacts], now=now)
        return dict(self.counts)


def upsert_hcps(session: Session, records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Create or update HCPs from complete wire records (each with an `id` and territory).

    Returns counts of created, updated, moved and unchanged records. Keeps a rep's
    `preferred_channel` when the incoming record has none. Used by the demo seed and
    tests; the admin's imports go through `hcp_import` / `alignment`.
    """
    # Before any row lock, like push: one lock order for all writers, so no deadlock.
    changelog.lock_change_log(session)
    ensure_territories(session, sorted({r["territory_id"] for r in records}))
    writer = HcpWriter(session, load_states(session, (r["id"] for r in records)))
    for record in records:
        data = {k: v for k, v in record.items() if k != "id"}
        old = writer.current(record["id"])
        if old is not None and data.get("preferred_channel") is None:
            data["preferred_channel"] = old.data.get("preferred_channel")
        writer.put(record["id"], data)
    return writer.write()


def assign(session: Session, *, assignments: Sequence[tuple[str, str]]) -> int:
    """Move HCPs to territories (in order; the last one named wins); returns the moves."""
    changelog.lock_change_log(session)
    writer = HcpWriter(session, load_states(session, (h for h, _ in assignments)))
    for hcp_id, territory in assignments:
        old = writer.current(hcp_id)
        if old is None:
            raise Invalid(f"No HCP with id '{hcp_id}'.")
        writer.put(hcp_id, {**old.data, "territory_id": territory})
    return writer.write()["moved"]


def hcp_id_hint(session: Session, hcp_id: str) -> str:
    """ " (did you mean 'ACME0005'?)" for an id that matches one in another case (ids are
    exact, and a hand-typed one is often lower-case); "" otherwise."""
    found = session.scalar(select(Hcp.id).where(func.lower(Hcp.id) == hcp_id.lower()).limit(1))
    return f" (did you mean '{found}'?)" if found and found != hcp_id else ""


def accessible_hcp(
    session: Session, caller: Caller, hcp_id: str, *, current_only: bool = False
) -> Hcp:
    """The HCP if it is, or was, in one of the caller's territories; else Rejected.

    Notes about an HCP that has since left the territory are still accepted, so a rep
    who wrote them offline loses nothing; `current_only` is for changes to the HCP itself.
    """
    hcp = prefetch.lookup(session, Hcp, hcp_id)
    if hcp is not None and hcp.territory_id in caller.territories:
        return hcp
    if hcp is not None and not current_only and caller.territories:
        history = prefetch.assignments(session, hcp_id)
        if any(territory in caller.territories for territory, _ in history):
            return hcp
    raise Rejected(f"HCP '{hcp_id}' is not in your territory.")


def apply_rep_change(
    session: Session, caller: Caller, hcp_id: str, op: Op, fields: dict[str, Any]
) -> int:
    """A rep may change only the rep-owned fields (preferred channel) of HCPs in their territory."""
    if caller.role != REP:  # a manager sees the territory but the channel is the rep's call
        raise Rejected("Only the HCP's rep can change their preferred channel.")
    if op != Op.UPDATE:
        raise Rejected(
            "HCP master data is managed by sales operations; "
            "it cannot be created or deleted from a device."
        )
    extra = set(fields) - REP_OWNED
    if extra:
        raise Rejected(
            "HCP master data is managed by sales operations; only the preferred channel can be "
            f"changed on a device (not {', '.join(sorted(extra))})."
        )
    hcp = accessible_hcp(session, caller, hcp_id, current_only=True)
    if "preferred_channel" not in fields:
        return hcp.version  # nothing to change; an absent field is not a request to clear it
    channel = fields["preferred_channel"]
    if channel is not None and channel not in CHANNELS:
        raise Rejected(f"Unknown channel '{channel}'. Use one of: {', '.join(CHANNELS)}.")
    if hcp.data.get("preferred_channel") == channel:
        return hcp.version
    hcp.data = {**hcp.data, "preferred_channel": channel}
    hcp.version += 1
    hcp.updated_at = utcnow()
    changelog.record(
        session, entity=Entity.HCP, entity_id=hcp.id, op=Op.UPDATE,
        scope=territory_scope(hcp.territory_id), version=hcp.version, data=hcp.data,
    )  # fmt: skip
    return hcp.version
