"""Contacts by an HCP's former rep (`hcp_contacts`, pulled when the HCP was realigned
here): read for the HCP page's history."""

from __future__ import annotations

from sqlalchemy import Connection, select

from fieldrep.domain.calls import Contact
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.store.schema import call_notes, hcp_contacts
from fieldrep.store.values import text_to_dt


def contacts_about(conn: Connection, hcp_id: str) -> list[Contact]:
    """The HCP's calls by other reps, newest first; one the device also holds as a call
    note is left out (the note says more)."""
    c = hcp_contacts.c
    query = (
        select(hcp_contacts)
        .where(c.hcp_id == hcp_id, c.id.not_in(select(call_notes.c.id)))
        .order_by(c.started_at.desc())
    )
    out = []
    for row in conn.execute(query):
        started = text_to_dt(row.started_at)
        if started is None:
            continue
        out.append(
            Contact(
                id=row.id,
                hcp_id=row.hcp_id,
                author=row.author,
                channel=Channel(row.channel),
                started_at=started,
                duration_minutes=row.duration_minutes,
                outcome=Outcome(row.outcome) if row.outcome else None,
                products=tuple(row.products or ()),
            )
        )
    return out
