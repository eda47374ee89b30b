"""The company's catalogues and contact rules: loaded by the admin from JSON files,
versioned, and sent to every device through the change log (scope `all`).

A file is checked whole before anything is written: JSON syntax (line and column),
every item against the protocol's model (with the item's line in the file), unique ids,
messages naming a known product, dates in order. A refused file changes nothing.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import (
    CATALOGUE_ITEMS,
    CATALOGUE_RULES,
    CatalogueDocument,
    CatalogueKind,
    Entity,
    Op,
)
from sync_server.errors import Invalid
from sync_server.models import CatalogueDocument as StoredDocument
from sync_server.services import changelog
from sync_server.services.callers import EVERYONE, utcnow

Content = list[dict[str, Any]] | dict[str, Any]


@dataclass(frozen=True)
class LoadResult:
    kind: CatalogueKind
    version: int
    changed: bool
    summary: str


def parse_kind(value: str) -> CatalogueKind:
    try:
        return CatalogueKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in CatalogueKind)
        raise Invalid(f"Unknown catalogue '{value}'; the catalogues are {kinds}.") from None


def item_lines(text: str) -> list[int]:
    """The line each element of the file's top-level JSON array starts on."""
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    lines: list[int] = []
    while True:
        while text[position] in " \t\r\n,":
            position += 1
        if text[position] == "]":
            return lines
        lines.append(text.count("\n", 0, position) + 1)
        _, position = decoder.raw_decode(text, position)


def _pydantic_problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors()]


def parse_file(
    kind: CatalogueKind, text: str, *, products: Mapping[str, str] | None = None
) -> Content:
    """The validated content of a catalogue file (a JSON array; an object for the contact
    rules). Raises Invalid listing every problem with its line. `products`: the products
    catalogue's names by name and id (`product_names`), which messages must name (when it
    exists); a message naming a product by its id, or in another case, is stored with the
    product's name, so devices see one product, not two."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    if kind in CATALOGUE_RULES:
        if not isinstance(raw, dict):
            raise Invalid(f"The {kind.value} file holds one JSON object, {{...}}.")
        try:
            rules = CATALOGUE_RULES[kind].model_validate(raw)
        except ValidationError as exc:
            raise Invalid("\n".join(_pydantic_problems(exc))) from None
        bad = [q for q in getattr(rules, "quiet_periods", []) if q.end < q.start]
        if bad:
            raise Invalid(f"quiet period '{bad[0].label}' ends before it starts.")
        return rules.model_dump(mode="json")
    if not isinstance(raw, list):
        raise Invalid(f"The {kind.value} file holds a JSON array of items, [{{...}}, ...].")
    model = CATALOGUE_ITEMS[kind]
    lines = item_lines(text)
    problems: list[str] = []
    items: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for number, (line, item) in enumerate(zip(lines, raw, strict=True), start=1):
        where = f"line {line} (item {number})"
        try:
            parsed = model.model_validate(item).model_dump(mode="json")
        except ValidationError as exc:
            problems += [f"{where}: {p}" for p in _pydantic_problems(exc)]
            continue
        key = _key(kind, parsed)
        if key in first_line:
            problems.append(f"{where}: '{key}' is already on line {first_line[key]}")
            continue
        first_line[key] = line
        problems += [f"{where}: {p}" for p in _item_problems(kind, parsed, products or {})]
        items.append(parsed)
    if problems:
        raise Invalid("\n".join(problems))
    return items


def _key(kind: CatalogueKind, item: dict[str, Any]) -> str:
    if kind is CatalogueKind.SPECIALTY_MAP:
        return str(item["source"]).casefold()
    return str(item["id"])


def _item_problems(
    kind: CatalogueKind, item: dict[str, Any], products: Mapping[str, str]
) -> list[str]:
    """What is wrong with one item; a message's product is set to the product's name."""
    if kind is not CatalogueKind.MESSAGES:
        return []
    problems = []
    if products:
        name = products.get(str(item["product"]).casefold())
        if name is None:
            known = sorted(set(products.values()))
            near = difflib.get_close_matches(item["product"], known, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(f"product '{item['product']}' is not in the products catalogue{hint}")
        else:
            item["product"] = name
    start, end = item.get("valid_from"), item.get("valid_until")
    if start and end and end < start:
        problems.append(f"valid_until {end} is before valid_from {start}")
    return problems


def stored(session: Session, kind: CatalogueKind) -> StoredDocument | None:
    return session.get(StoredDocument, kind.value)


def product_names(session: Session) -> dict[str, str]:
    """Each product's name by its id and its name, case folded (empty: no products)."""
    doc = stored(session, CatalogueKind.PRODUCTS)
    if doc is None:
        return {}
    return {str(p[k]).casefold(): str(p["name"]) for p in doc.content for k in ("id", "name")}


def document(kind: CatalogueKind, version: int, content: Content) -> dict[str, Any]:
    """The wire form a device receives (`Change.data`)."""
    if kind in CATALOGUE_RULES:
        assert isinstance(content, dict)
        doc = CatalogueDocument(kind=kind, version=version, rules=content)
    else:
        assert isinstance(content, list)
        doc = CatalogueDocument(kind=kind, version=version, items=content)
    return doc.model_dump(mode="json")


def load(session: Session, kind: CatalogueKind, content: Content, *, by: str) -> LoadResult:
    """Replace a catalogue with validated content (a new version), in the caller's
    transaction; loading the same content again changes nothing."""
    changelog.lock_change_log(session)  # before any row lock, like every writer
    current = stored(session, kind)
    summary = _summary(kind, current.content if current else None, content)
    if current is not None and current.content == content:
        return LoadResult(kind, current.version, False, f"unchanged: {summary}")
    version = (current.version if current else 0) + 1
    if current is None:
        session.add(
            StoredDocument(
                kind=kind.value, version=version, content=content, updated_at=utcnow(),
                updated_by=by,
            )
        )  # fmt: skip
    else:
        current.version, current.content = version, content
        current.updated_at, current.updated_by = utcnow(), by
    session.flush()
    changelog.record(
        session, entity=Entity.CATALOGUE, entity_id=kind.value,
        op=Op.CREATE if current is None else Op.UPDATE, scope=EVERYONE, version=version,
        data=document(kind, version, content),
    )  # fmt: skip
    return LoadResult(kind, version, True, summary)


def _summary(kind: CatalogueKind, before: Content | None, after: Content) -> str:
    if isinstance(after, dict) and kind is CatalogueKind.COMPLIANCE_RULES:
        counts = ", ".join(
            f"{len(after.get(key, []))} {key.replace('_', ' ')}"
            for key in ("restricted_phrases", "off_label_terms", "adverse_event_terms")
        )
        return f"compliance rules ({counts})"
    if isinstance(after, dict):
        periods = len(after.get("quiet_periods", []))
        return f"contact rules (monthly cap {after.get('monthly_cap')}, {periods} quiet period(s))"
    old = {_key(kind, i): i for i in (before or []) if isinstance(i, dict)}
    new = {_key(kind, i): i for i in after}
    added = len(new.keys() - old.keys())
    changed = sum(1 for k in new.keys() & old.keys() if new[k] != old[k])
    removed = len(old.keys() - new.keys())
    parts = [f"{len(new)} {kind.value.replace('_', ' ')}", f"{added} new", f"{changed} changed"]
    if removed:
        parts.append(f"{removed} removed")
    if kind is CatalogueKind.MESSAGES:
        parts.append(f"{sum(1 for i in after if i.get('withdrawn'))} withdrawn")
    return ", ".join(parts)


def export(session: Session, kind: CatalogueKind) -> str:
    """The catalogue as the file `load` reads (an empty one if never loaded)."""
    doc = stored(session, kind)
    empty: Content = {} if kind in CATALOGUE_RULES else []
    return json.dumps(doc.content if doc else empty, indent=2, ensure_ascii=False) + "\n"


def versions(session: Session) -> list[tuple[str, int, str]]:
    """(kind, version, 'updated <when> by <who>') of every catalogue loaded so far."""
    rows = session.scalars(select(StoredDocument).order_by(StoredDocument.kind))
    return [(d.kind, d.version, f"{d.updated_at:%Y-%m-%d %H:%M} by {d.updated_by}") for d in rows]


def withdraw_message(session: Session, message_id: str, *, by: str) -> LoadResult:
    """Mark one approved message withdrawn (Legal pulled it): gone from every device's
    suggestions and call log at its next sync; calls that used it keep it."""
    doc = stored(session, CatalogueKind.MESSAGES)
    items: list[dict[str, Any]] = list(doc.content) if doc else []
    ids = [str(i["id"]) for i in items]
    if message_id not in ids:
        near = difflib.get_close_matches(message_id, ids, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise Invalid(f"No approved message '{message_id}'{hint}.")
    content = [{**i, "withdrawn": True} if i["id"] == message_id else i for i in items]
    return load(session, CatalogueKind.MESSAGES, content, by=by)
