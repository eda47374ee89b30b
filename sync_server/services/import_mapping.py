"""Mapping files: how an admin's columns become Fieldrep fields (documented in
docs/server.md, "Mapping files").

A mapping is checked twice before any row is read: on load, that every target is a
field the import knows and appears once; against the file's header, that every source
column exists and every required field has a source. A mistake is refused with a
sentence (and a "did you mean"), never ignored, so a typo cannot blank a field.

    {"country": "US", "required": ["postcode"],
     "fields": {"external_id": "NPI",
                "name": {"join": ["First Name", "Last Name"], "case": "title"},
                "specialty": {"column": "Taxonomy", "values": {"207RC0000X": "Cardiology"}},
                "tier": {"value": "C"}}}

The older flat form `{"CSV column": "field"}` still loads, with the same checks.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync_server.errors import Invalid

CASES = ("title", "upper", "lower")
OTHERWISE = ("keep", "blank", "error")
RULE_KEYS = {"column", "join", "separator", "value", "case", "values", "otherwise"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One target field: from a column, several columns joined, or a constant."""

    target: str
    columns: tuple[str, ...] = ()
    separator: str = " "
    constant: str | None = None
    case: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    otherwise: str = "keep"

    @property
    def label(self) -> str:
        """How the admin knows this field: their column(s), or the constant."""
        if self.constant is not None:
            return f"{self.target} (constant '{self.constant}')"
        return " + ".join(self.columns)

    def value(self, cells: MappingType[str, str]) -> str:
        """The field's text for one row; ValueError when `otherwise` is "error"."""
        if self.constant is not None:
            return self.constant
        parts = [cells[c].strip() for c in self.columns]
        raw = self.separator.join(p for p in parts if p)
        if self.values:
            if raw in self.values:
                return self.values[raw]
            if self.otherwise == "blank":
                return ""
            if self.otherwise == "error" and raw:
                raise ValueError(f"{self.label}: '{raw}' is not one of the mapping's values")
        if self.case == "title":
            return raw.title()
        if self.case == "upper":
            return raw.upper()
        if self.case == "lower":
            return raw.lower()
        return raw


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    rules: dict[str, Rule]
    required: tuple[str, ...] = ()
    country: str | None = None

    def columns(self) -> set[str]:
        return {c for rule in self.rules.values() for c in rule.columns}

    def apply(self, cells: MappingType[str, str]) -> dict[str, str]:
        """Target -> text for one row (ValueError naming the admin's column)."""
        values = {target: rule.value(cells) for target, rule in self.rules.items()}
        for target in self.required:
            if not values.get(target):
                raise ValueError(f"{self.rules[target].label} is empty (the mapping requires it)")
        return values

    def label(self, target: str) -> str:
        rule = self.rules.get(target)
        return rule.label if rule else target


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """' (did you mean 'x'?)' for the nearest choice (case aside; ties: the first in
    sorted order), or '' when none is near."""
    best, best_score = "", 0.6
    for choice in sorted(choices):
        score = difflib.SequenceMatcher(None, word.lower(), choice.lower()).ratio()
        if score > best_score:
            best, best_score = choice, score
    return f" (did you mean '{best}'?)" if best else ""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise Invalid(f"The mapping names '{key}' twice; a field takes one source.")
        result[key] = value
    return result


def _unknown_target(
    where: str, target: str, targets: Collection[str], hints: MappingType[str, str]
) -> Invalid:
    if target in hints:
        return Invalid(f"{where}: '{target}' cannot be mapped here: {hints[target]}.")
    return Invalid(
        f"{where}: '{target}' is not a field Fieldrep knows{did_you_mean(target, targets)}. "
        f"Fields: {', '.join(sorted(targets))}."
    )


def _rule(where: str, target: str, spec: Any) -> Rule:
    if isinstance(spec, str):
        return Rule(target, columns=(spec,))
    if not isinstance(spec, dict):
        raise Invalid(f"{where}: '{target}' must be a column name or an object.")
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise Invalid(
            f"{where}: '{target}' has unknown key(s) {', '.join(sorted(unknown))}; "
            f"use {', '.join(sorted(RULE_KEYS))}."
        )
    sources = [k for k in ("column", "join", "value") if k in spec]
    if len(sources) != 1:
        raise Invalid(f"{where}: '{target}' needs exactly one of column, join or value.")
    case, otherwise = spec.get("case"), spec.get("otherwise", "keep")
    if case is not None and case not in CASES:
        raise Invalid(f"{where}: case of '{target}' must be one of {', '.join(CASES)}.")
    if otherwise not in OTHERWISE:
        raise Invalid(f"{where}: otherwise of '{target}' must be one of {', '.join(OTHERWISE)}.")
    values = spec.get("values", {})
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        raise Invalid(f'{where}: values of \'{target}\' must be {{"from": "to", ...}}.')
    separator = spec.get("separator", " ")
    if not isinstance(separator, str):
        raise Invalid(f"{where}: separator of '{target}' must be text.")
    if "value" in spec:
        if not isinstance(spec["value"], str):
            raise Invalid(f"{where}: value of '{target}' must be text (write \"1\", not 1).")
        return Rule(target, constant=spec["value"])
    columns = [spec["column"]] if "column" in spec else spec["join"]
    if (
        not isinstance(columns, list)
        or not columns
        or not all(isinstance(c, str) and c for c in columns)
    ):
        raise Invalid(f"{where}: '{target}' must name its column(s) as text.")
    return Rule(target, tuple(columns), separator, None, case, values, otherwise)


def load_mapping(
    path: Path, *, targets: Collection[str], hints: MappingType[str, str] | None = None
) -> ColumnMapping:
    """Parse and check a mapping file against the fields an import knows; `hints` say
    what to do instead for names an admin may expect to map (e.g. territory_id)."""
    where = path.name
    try:
        spec = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)
    except OSError as error:
        raise Invalid(f"Cannot read the mapping file {path}: {error.strerror or error}.") from None
    except json.JSONDecodeError as error:
        raise Invalid(f"{where} is not valid JSON: {error}.") from None
    if not isinstance(spec, dict):
        raise Invalid(f"{where} must hold a JSON object.")
    if "fields" not in spec:  # the flat form: {"CSV column": "field"}
        if not all(isinstance(v, str) for v in spec.values()):
            raise Invalid(f'{where}: write {{"fields": {{"field": "CSV column"}}}} (see docs).')
        flat: dict[str, Any] = {}
        for column, target in spec.items():
            if target in flat:
                raise Invalid(
                    f"{where}: columns '{flat[target]}' and '{column}' both map to "
                    f"'{target}'; a field takes one source (use join to combine them)."
                )
            flat[target] = column
        spec = {"fields": flat}
    unknown_top = set(spec) - {"fields", "required", "country"}
    if unknown_top:
        raise Invalid(f"{where}: unknown key(s) {', '.join(sorted(unknown_top))}.")
    fields = spec["fields"]
    if not isinstance(fields, dict) or not fields:
        raise Invalid(f"{where}: 'fields' must be an object naming at least one field.")
    rules: dict[str, Rule] = {}
    for target, rule_spec in fields.items():
        if target not in targets:
            raise _unknown_target(where, target, targets, hints or {})
        rules[target] = _rule(where, target, rule_spec)
    required = spec.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise Invalid(f"{where}: 'required' must be a list of field names.")
    for target in required:
        if target not in targets:
            raise _unknown_target(where, target, targets, hints or {})
        if target not in rules:
            raise Invalid(f"{where}: '{target}' is required but the mapping gives it no source.")
    country = spec.get("country")
    if country is not None and not isinstance(country, str):
        raise Invalid(f"{where}: 'country' must be a code such as \"US\".")
    return ColumnMapping(rules, tuple(required), country.upper() if country else None)


def bind(
    mapping: ColumnMapping | None,
    header: list[str],
    *,
    file_name: str,
    targets: Collection[str],
    required: Collection[str],
) -> ColumnMapping:
    """The mapping checked against the header; without one, columns named like fields."""
    if mapping is None:
        mapping = ColumnMapping({c: Rule(c, columns=(c,)) for c in header if c in targets})
    missing = sorted(mapping.columns() - set(header))
    if missing:
        hints = "; ".join(f"'{c}'{did_you_mean(c, header)}" for c in missing)
        raise Invalid(
            f"{file_name} has no column {hints}, which the mapping reads. "
            f"Its columns: {', '.join(header)}."
        )
    absent = [t for t in required if t not in mapping.rules]
    if absent:
        raise Invalid(
            f"{file_name} has no column {', '.join(repr(t) for t in absent)} "
            f"(it has: {', '.join(header)}). Use --mapping to name them."
        )
    return mapping
