"""Call-note checks on the device, from the rules and products the server last sent.

The checker is compiled once per catalogue version (a few milliseconds) and reused for
every keystroke; `check` itself is pure and safe to call from the UI thread.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, select

from fieldrep.compliance.checker import NoteChecker
from fieldrep.compliance.findings import Finding
from fieldrep.store.schema import catalogue_documents
from fieldrep.store.transactions import Store
from fieldrep.sync.protocol import CatalogueKind, ComplianceRules, ProductItem

_KINDS = (CatalogueKind.COMPLIANCE_RULES.value, CatalogueKind.PRODUCTS.value)


class ComplianceService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, ...], NoteChecker] | None = None

    def checker_in(self, conn: Connection) -> NoteChecker:
        """The checker for the catalogues stored now (rebuilt only when they change)."""
        rows = {
            r.kind: r
            for r in conn.execute(
                select(catalogue_documents).where(catalogue_documents.c.kind.in_(_KINDS))
            )
        }
        key = tuple(rows[k].version if k in rows else 0 for k in _KINDS)
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        rules_row = rows.get(CatalogueKind.COMPLIANCE_RULES.value)
        products_row = rows.get(CatalogueKind.PRODUCTS.value)
        rules = (
            ComplianceRules.model_validate(rules_row.data["rules"])
            if rules_row is not None and rules_row.data.get("rules") is not None
            else None
        )
        products = (
            [ProductItem.model_validate(i) for i in products_row.data.get("items", [])]
            if products_row is not None
            else []
        )
        checker = NoteChecker(rules, products)
        with self._lock:
            self._cached = (key, checker)
        return checker

    def checker(self) -> NoteChecker:
        with self._store.read() as conn:
            return self.checker_in(conn)

    def check_in(self, conn: Connection, text: str) -> list[Finding]:
        return self.checker_in(conn).check(text)

    def check(self, text: str) -> list[Finding]:
        """Findings in a note's text, by the company's rules as synced."""
        return self.checker().check(text)
