"""The approved-message catalogue: only these messages may be used with HCPs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select

from fieldrep.domain.segments import ApprovedMessage
from fieldrep.services.base import Store
from fieldrep.store.schema import approved_messages


def approved_message_ids(conn: Connection) -> frozenset[str]:
    return frozenset(conn.execute(select(approved_messages.c.id)).scalars())


class MessageCatalogue:
    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[ApprovedMessage]:
        with self._store.read() as conn:
            rows = conn.execute(select(approved_messages).order_by(approved_messages.c.id))
            return [
                ApprovedMessage(
                    id=r.id,
                    product=r.product,
                    title=r.title,
                    theme=r.theme,
                    specialties=tuple(r.specialties),
                    channels=tuple(r.channels),
                )
                for r in rows
            ]

    def for_product(self, product: str) -> list[ApprovedMessage]:
        return [m for m in self.all() if m.product == product]

    def products(self) -> list[str]:
        return sorted({m.product for m in self.all()})

    def replace_all(self, messages: Iterable[ApprovedMessage]) -> None:
        rows = [
            {
                "id": m.id,
                "product": m.product,
                "title": m.title,
                "theme": m.theme,
                "specialties": list(m.specialties),
                "channels": list(m.channels),
            }
            for m in messages
        ]
        with self._store.write() as conn:
            conn.execute(delete(approved_messages))
            if rows:
                conn.execute(insert(approved_messages), rows)
