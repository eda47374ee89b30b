"""What a push will look at, read in a few queries before its mutations are applied.

Applying 500 mutations one by one cost six round trips each (the record, its HCP, a
savepoint, the insert, the release ...): 1.6-3.5 s per push. `load` reads every record
a batch names (by entity and id), the HCPs its records point at, their territory
history and the catalogue documents the checks use, one query per kind; the appliers
then ask `lookup` instead of `session.get`, and record what they add or remove with
`added` / `removed`, so a later mutation of the same batch sees it (a note created and
edited in one push). Nothing here writes. Outside a push (`load` not called) `lookup`
is plain `session.get`. The cache holds strong references: SQLAlchemy's identity map
is weak, so an HCP read for one mutation would otherwise be read again for the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import Entity, Mutation
from sync_server.models import (
    AdverseEventReport,
    Base,
    CallNote,
    CoachingComment,
    Hcp,
    HcpAssignment,
    SegmentMix,
    SuggestionFeedback,
    VisitPlan,
)

KEY = "push_prefetch"
CHUNK = 900  # ids per IN list (SQLite's default limit is 999 variables)
M = TypeVar("M", bound=Base)

BY_ENTITY: dict[Entity, type[Base]] = {
    Entity.CALL_NOTE: CallNote,
    Entity.VISIT_PLAN: VisitPlan,
    Entity.SUGGESTION_FEEDBACK: SuggestionFeedback,
    Entity.COACHING_COMMENT: CoachingComment,
    Entity.ADVERSE_EVENT_REPORT: AdverseEventReport,
    Entity.HCP: Hcp,
}


class Prefetched:
    def __init__(self) -> None:
        self.rows: dict[tuple[type[Base], Any], Base | None] = {}
        # Every territory each HCP has belonged to, with when it got there.
        self.assignments: dict[str, list[tuple[str, datetime]]] = {}


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _load(session: Session, cache: Prefetched, model: type[Base], ids: set[str]) -> None:
    wanted = sorted(i for i in ids if (model, i) not in cache.rows)
    key = model.__mapper__.primary_key[0]
    for chunk in _chunks(wanted):
        for row in session.scalars(select(model).where(key.in_(chunk))):
            cache.rows[(model, getattr(row, key.name))] = row
    for i in wanted:
        cache.rows.setdefault((model, i), None)  # known absent: no query later


def _field_ids(mutations: Sequence[Mutation], *names: str) -> set[str]:
    found = set()
    for m in mutations:
        for name in names:
            value = m.fields.get(name)
            if isinstance(value, str):
                found.add(value)
    return found


def load(
    session: Session, username: str, territories: frozenset[str], mutations: Sequence[Mutation]
) -> Prefetched:
    """Read what `mutations` will look at; later `lookup`s in this session use it.

    The territory history is read only where it can matter: HCPs outside the caller's
    territories now (a note about an HCP that moved away), or every HCP of the batch when
    a note is being submitted (its start is checked against when the HCP came in). The
    catalogue documents are left to the first check that needs them (`lookup` reads and
    keeps them)."""
    cache = Prefetched()
    session.info[KEY] = cache
    by_entity: dict[Entity, set[str]] = {}
    for m in mutations:
        by_entity.setdefault(m.entity, set()).add(m.entity_id)
    hcp_ids = _field_ids(mutations, "hcp_id")
    hcp_ids |= by_entity.get(Entity.HCP, set()) | by_entity.get(Entity.SEGMENT_MIX, set())
    notes = by_entity.get(Entity.CALL_NOTE, set())
    notes |= _field_ids(mutations, "conflict_of", "call_note_id")
    by_entity[Entity.CALL_NOTE] = notes
    with session.no_autoflush:
        for entity, ids in by_entity.items():
            if entity in BY_ENTITY and entity != Entity.HCP:
                _load(session, cache, BY_ENTITY[entity], ids)
        # Notes already stored point at HCPs too (an update may keep its hcp_id).
        for row in list(cache.rows.values()):
            hcp = getattr(row, "hcp_id", None)
            if isinstance(hcp, str):
                hcp_ids.add(hcp)
        _load(session, cache, Hcp, hcp_ids)
        mixes = sorted(by_entity.get(Entity.SEGMENT_MIX, set()))
        for chunk in _chunks(mixes):
            query = select(SegmentMix).where(
                tuple_(SegmentMix.hcp_id, SegmentMix.owner).in_([(h, username) for h in chunk])
            )
            for mix in session.scalars(query):
                cache.rows[(SegmentMix, (mix.hcp_id, username))] = mix
        for hcp_id in mixes:
            cache.rows.setdefault((SegmentMix, (hcp_id, username)), None)
        submitting = any(m.fields.get("status") == "submitted" for m in mutations)
        moved_or_checked = {
            h for h in hcp_ids
            if submitting or not isinstance(row := cache.rows.get((Hcp, h)), Hcp)
            or row.territory_id not in territories
        }  # fmt: skip
        for hcp_id in moved_or_checked:
            cache.assignments[hcp_id] = []
        for chunk in _chunks(sorted(moved_or_checked)):
            history = select(
                HcpAssignment.hcp_id, HcpAssignment.territory_id, HcpAssignment.assigned_at
            ).where(HcpAssignment.hcp_id.in_(chunk))
            for hcp_id, territory, at in session.execute(history):
                cache.assignments[hcp_id].append((territory, at))
    return cache


def done(session: Session) -> None:
    session.info.pop(KEY, None)


def _cache(session: Session) -> Prefetched | None:
    cache = session.info.get(KEY)
    return cache if isinstance(cache, Prefetched) else None


def lookup(session: Session, model: type[M], key: Any) -> M | None:
    """`session.get(model, key)`, answered from the push's prefetch when it has it (and
    kept there when it was read now)."""
    cache = _cache(session)
    if cache is not None and (model, key) in cache.rows:
        row = cache.rows[(model, key)]
        return row if row is None or isinstance(row, model) else None
    found = session.get(model, key)
    if cache is not None:
        cache.rows[(model, key)] = found
    return found


def added(session: Session, row: Base, key: Any) -> None:
    """`session.add(row)`, and later lookups in this push find it (not yet flushed)."""
    session.add(row)
    cache = _cache(session)
    if cache is not None:
        cache.rows[(type(row), key)] = row


def removed(session: Session, row: Base, key: Any) -> None:
    """Delete `row` (one added earlier in this push is simply never inserted)."""
    if row in session.new:
        session.expunge(row)
    else:
        session.delete(row)
    cache = _cache(session)
    if cache is not None:
        cache.rows[(type(row), key)] = None


def assignments(session: Session, hcp_id: str) -> list[tuple[str, datetime]]:
    """Every (territory, assigned_at) the HCP has had."""
    cache = _cache(session)
    if cache is not None and hcp_id in cache.assignments:
        return cache.assignments[hcp_id]
    query = select(HcpAssignment.territory_id, HcpAssignment.assigned_at).where(
        HcpAssignment.hcp_id == hcp_id
    )
    return [(t, at) for t, at in session.execute(query)]
