"""The company's catalogues and rules on the device: what the server last sent.

Products, approved messages, segments, contact rules and the specialty map arrive as
documents in the change feed (`sync.apply` stores them with `store_document`); nothing
here reads the bundled demo files, which only the demo import loads. Messages and
segments are also kept as rows, for queries; a withdrawn or expired message stays (a
call that used it still shows its title) but is no longer usable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldrep.domain.segments import ApprovedMessage, Segment
from fieldrep.domain.specialties import fold
from fieldrep.store.schema import approved_messages, catalogue_documents, segments
from fieldrep.store.transactions import Store
from fieldrep.store.values import date_to_text, text_to_date
from fieldrep.sync.protocol import (
    CATALOGUE_RULES,
    CatalogueDocument,
    CatalogueKind,
    ComplianceRules,
    ContactRules,
    ProductItem,
)


def _message(r: Any) -> ApprovedMessage:
    return ApprovedMessage(
        id=r.id,
        product=r.product,
        title=r.title,
        theme=r.theme,
        specialties=tuple(r.specialties),
        channels=tuple(r.channels),
        valid_from=text_to_date(r.valid_from),
        valid_until=text_to_date(r.valid_until),
        withdrawn=bool(r.withdrawn),
    )


def usable_message_ids(conn: Connection, day: date) -> frozenset[str]:
    """The messages a call logged on `day` may use: approved, valid then, not withdrawn."""
    rows = conn.execute(select(approved_messages))
    return frozenset(m.id for m in map(_message, rows) if m.usable_on(day))


def catalogue_products(conn: Connection) -> list[ProductItem]:
    """The products catalogue the server last sent; [] before any (anything goes then)."""
    row = conn.execute(
        select(catalogue_documents.c.data).where(
            catalogue_documents.c.kind == CatalogueKind.PRODUCTS.value
        )
    ).first()
    if row is None:
        return []
    return [ProductItem.model_validate(i) for i in row[0].get("items") or []]


def replace_messages(conn: Connection, messages: Iterable[ApprovedMessage]) -> None:
    rows = [
        {
            "id": m.id,
            "product": m.product,
            "title": m.title,
            "theme": m.theme,
            "specialties": list(m.specialties),
            "channels": list(m.channels),
            "valid_from": date_to_text(m.valid_from),
            "valid_until": date_to_text(m.valid_until),
            "withdrawn": int(m.withdrawn),
        }
        for m in messages
    ]
    conn.execute(delete(approved_messages))
    if rows:
        conn.execute(insert(approved_messages), rows)


def replace_segments(conn: Connection, items: Iterable[Segment]) -> None:
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "description": s.description,
            "tone": s.tone,
            "evidence_type": s.evidence_type,
            "preferred_channels": list(s.preferred_channels),
            "tips": list(s.tips),
        }
        for s in items
    ]
    conn.execute(delete(segments))
    if rows:
        conn.execute(insert(segments), rows)


def store_document(conn: Connection, doc: CatalogueDocument) -> None:
    """Keep a catalogue as the server sent it, and its rows where it has a table."""
    if doc.kind is CatalogueKind.MESSAGES:
        replace_messages(conn, [message_from_item(i) for i in doc.items])
    elif doc.kind is CatalogueKind.SEGMENTS:
        replace_segments(conn, [segment_from_item(i) for i in doc.items])
    data = doc.model_dump(mode="json")
    statement = sqlite_insert(catalogue_documents).values(
        kind=doc.kind.value, version=doc.version, data=data
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["kind"], set_={"version": doc.version, "data": data}
        )
    )


def message_from_item(item: dict[str, Any]) -> ApprovedMessage:
    return ApprovedMessage(
        id=str(item["id"]),
        product=str(item["product"]),
        title=str(item["title"]),
        theme=str(item["theme"]),
        specialties=tuple(item.get("specialties", ())),
        channels=tuple(item.get("channels", ())),
        valid_from=text_to_date(item.get("valid_from")),
        valid_until=text_to_date(item.get("valid_until")),
        withdrawn=bool(item.get("withdrawn", False)),
    )


def segment_from_item(item: dict[str, Any]) -> Segment:
    return Segment(
        id=str(item["id"]),
        name=str(item["name"]),
        description=str(item.get("description", "")),
        tone=str(item.get("tone", "")),
        evidence_type=str(item.get("evidence_type", "")),
        preferred_channels=tuple(item.get("preferred_channels", ())),
        tips=tuple(item.get("tips", ())),
    )


class MessageCatalogue:
    """Approved messages and the rest of the company's catalogues, read side."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> list[ApprovedMessage]:
        """Every message the server sent, withdrawn and expired ones included."""
        with self._store.read() as conn:
            rows = conn.execute(select(approved_messages).order_by(approved_messages.c.id))
            return [_message(r) for r in rows]

    def usable(self, day: date | None = None) -> list[ApprovedMessage]:
        """The messages a rep may use on `day` (default: today)."""
        day = day or self._store.clock.today()
        return [m for m in self.all() if m.usable_on(day)]

    def replace_all(self, messages: Iterable[ApprovedMessage]) -> None:
        with self._store.write() as conn:
            replace_messages(conn, messages)

    def document(self, kind: CatalogueKind) -> CatalogueDocument | None:
        with self._store.read() as conn:
            row = conn.execute(
                select(catalogue_documents.c.data).where(catalogue_documents.c.kind == kind.value)
            ).first()
        return None if row is None else CatalogueDocument.model_validate(row[0])

    def store_documents(self, docs: Iterable[CatalogueDocument]) -> None:
        with self._store.write() as conn:
            for doc in docs:
                store_document(conn, doc)

    def has_catalogue(self) -> bool:
        """True once the server (or the demo import) has sent any catalogue."""
        with self._store.read() as conn:
            return conn.execute(select(catalogue_documents.c.kind).limit(1)).first() is not None

    def products(self) -> list[ProductItem]:
        doc = self.document(CatalogueKind.PRODUCTS)
        return [ProductItem.model_validate(i) for i in doc.items] if doc else []

    def contact_rules(self) -> ContactRules | None:
        doc = self.document(CatalogueKind.CONTACT_RULES)
        return ContactRules.model_validate(doc.rules) if doc and doc.rules is not None else None

    def compliance_rules(self) -> ComplianceRules | None:
        """The company's call-note checks; None before the server has sent any."""
        doc = self.document(CatalogueKind.COMPLIANCE_RULES)
        if doc is None or doc.rules is None:
            return None
        return ComplianceRules.model_validate(doc.rules)

    def specialty_map(self) -> dict[str, str]:
        """Folded source specialty -> catalogue specialty."""
        doc = self.document(CatalogueKind.SPECIALTY_MAP)
        return {fold(str(i["source"])): str(i["specialty"]) for i in doc.items} if doc else {}


def document_from_file(kind: CatalogueKind, version: int, text: str) -> CatalogueDocument:
    """A bundled catalogue file as a document (the demo import; never a company's data)."""
    raw = json.loads(text)
    if kind in CATALOGUE_RULES:
        rules = CATALOGUE_RULES[kind].model_validate(raw).model_dump(mode="json")
        return CatalogueDocument(kind=kind, version=version, rules=rules)
    return CatalogueDocument(kind=kind, version=version, items=raw)
