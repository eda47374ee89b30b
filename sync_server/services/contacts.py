"""Calls with an HCP by a rep who does not hold it now, shared with the rep who does.

A rep's call notes are theirs (their feed, their manager's). But when the admin
realigns an HCP, its new rep's laptop must still see that the old rep visited it
yesterday, or its gaps and monthly caps, and the engine's "no contact for N days",
start from nothing. So the HCP's submitted calls go into its new territory's feed as
*contacts* (`Entity.HCP_CONTACT`): when, how, about what and how it went, never the
note's text. The same happens for a note the old rep submits late, from a laptop that
was offline during the realignment.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import HCP_CONTACT_FIELDS, Entity, Op
from sync_server.models import CallNote
from sync_server.services.callers import territory_scope
from sync_server.services.changelog import LogRow

CHUNK = 900  # ids per IN list (SQLite's default limit is 999 variables)


def contact_row(note_id: str, note: Mapping[str, Any], territory: str) -> LogRow:
    """The change that shows this submitted call to the territory's devices."""
    data = {name: note.get(name) for name in HCP_CONTACT_FIELDS}
    return LogRow(Entity.HCP_CONTACT, note_id, Op.CREATE, territory_scope(territory), 1, data)


def contacts_after_moves(session: Session, moved: Mapping[str, str]) -> list[LogRow]:
    """Every submitted call about the HCPs that `moved` (HCP id -> its new territory),
    for the new territory's feed."""
    rows: list[LogRow] = []
    ids = sorted(moved)
    for start in range(0, len(ids), CHUNK):
        query = (
            select(CallNote.id, CallNote.hcp_id, CallNote.data)
            .where(CallNote.hcp_id.in_(ids[start : start + CHUNK]))
            .where(CallNote.status == "submitted", CallNote.conflict_of.is_(None))
            .order_by(CallNote.id)
        )
        rows += [contact_row(i, data, moved[hcp]) for i, hcp, data in session.execute(query)]
    return rows


def is_elsewhere(territory: str | None, authors_territories: Collection[str]) -> bool:
    """Whether a call about an HCP now in `territory` is by a rep outside it."""
    return territory is not None and territory not in authors_territories
