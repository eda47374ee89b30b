"""The server's re-check of a call note as it becomes submitted (and locked for good).

A device checks the same things before it lets a rep submit; the server checks again,
because a device may be old, modified or buggy. The rules are the shared ones
(`fieldrep.compliance`), so device and server cannot disagree: a complete record
(products for a detailing channel, an outcome, a start not in the future nor before the
HCP came into the rep's territory, 1-240 minutes) and a note with no blocking finding.
Drafts are the rep's unfinished work and are not checked here.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldrep.compliance.call_record import ProductNames, UnknownProductError, record_problems
from fieldrep.compliance.checker import NoteChecker
from fieldrep.compliance.findings import Finding, blocking_reason
from fieldrep.sync.protocol import CatalogueKind, ComplianceRules, ProductItem
from sync_server.clock import as_utc
from sync_server.errors import Rejected
from sync_server.models import CatalogueDocument
from sync_server.services import prefetch
from sync_server.services.callers import Caller, utcnow

_lock = threading.Lock()
_cache: dict[tuple[int, int], NoteChecker] = {}
_names: dict[int, ProductNames] = {}


def note_checker(session: Session) -> NoteChecker:
    """The checker for the compliance rules and products loaded now (compiled once per
    pair of versions, shared by every request)."""
    rules_doc = prefetch.lookup(session, CatalogueDocument, CatalogueKind.COMPLIANCE_RULES.value)
    products_doc = prefetch.lookup(session, CatalogueDocument, CatalogueKind.PRODUCTS.value)
    key = (rules_doc.version if rules_doc else 0, products_doc.version if products_doc else 0)
    with _lock:
        checker = _cache.get(key)
    if checker is None:
        rules = ComplianceRules.model_validate(rules_doc.content) if rules_doc else None
        products = (
            [ProductItem.model_validate(p) for p in products_doc.content] if products_doc else []
        )
        checker = NoteChecker(rules, products)
        with _lock:
            _cache.clear()  # only the newest versions are ever asked for again
            _cache[key] = checker
    return checker


def catalogue_products(session: Session, products: Any) -> Any:
    """A call's products as the products catalogue names them (any case, or a product's
    id, stands for the product); Rejected naming an unknown one, with "did you mean".
    With no products loaded, anything goes; a value that is not a list of text is
    returned as it is, for the record's validation to refuse."""
    if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
        return products
    doc = prefetch.lookup(session, CatalogueDocument, CatalogueKind.PRODUCTS.value)
    if doc is None:
        return products
    with _lock:
        names = _names.get(doc.version)
    if names is None:
        names = ProductNames.of(ProductItem.model_validate(p) for p in doc.content)
        with _lock:
            _names.clear()  # only the newest version is ever asked for again
            _names[doc.version] = names
    try:
        return list(names.canonical(products))
    except UnknownProductError as error:
        raise Rejected(f"This call note was not accepted: {error}") from None


def in_territory_since(session: Session, caller: Caller, hcp_id: str) -> datetime | None:
    """When the HCP came into one of the caller's territories, when it came from another
    territory (a realignment). None when it has only ever been in the caller's: the HCP
    then predates its first load into Fieldrep, and calls before the load are real."""
    rows = prefetch.assignments(session, hcp_id)
    mine = [as_utc(at) for territory, at in rows if territory in caller.territories]
    others = [as_utc(at) for territory, at in rows if territory not in caller.territories]
    if not mine or not others or min(others) >= min(mine):
        return None
    return min(mine)


def note_findings(session: Session, text: str) -> list[Finding]:
    return note_checker(session).check(text)


def check_submission(session: Session, caller: Caller, data: dict[str, Any]) -> None:
    """Rejected, with what to fix, when a note being submitted breaks a rule."""
    started = as_utc(datetime.fromisoformat(str(data["started_at"])))
    problems = record_problems(
        channel=str(data["channel"]),
        products=list(data.get("products") or []),
        outcome=data.get("outcome"),
        started_at=started,
        duration_minutes=int(data["duration_minutes"]),
        now=utcnow(),
        in_territory_since=in_territory_since(session, caller, str(data["hcp_id"])),
    )
    if problems:
        fixes = " ".join(p.message for p in problems)
        raise Rejected(f"This call cannot be submitted: {fixes}")
    reason = blocking_reason(note_findings(session, str(data.get("insights") or "")))
    if reason is not None:
        raise Rejected(f"This call note was not accepted by the compliance check: {reason}")
