"""Check call-note text against the company's compliance rules and products.

`NoteChecker` compiles the rules once (a few milliseconds) and then checks a note in
well under the 20 ms a keystroke allows (tests/perf/bench_compliance.py). Pure and
thread-safe: the device runs it as the rep types, the server on every pushed note.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fieldrep.compliance.findings import Family, Finding
from fieldrep.compliance.negation import hypothetical, negated
from fieldrep.compliance.phi import find_phi
from fieldrep.compliance.phrases import PhraseSet, Token, sentences, tokens
from fieldrep.sync.protocol import ComplianceRules, ProductItem

DOSE = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(mg|mcg|µg|ug|g|ml|mL|units?|IU)\b", re.IGNORECASE
)
# Words that tie a complaint term to a product in hand.
DEVICE_WORDS = PhraseSet.of(
    """pen pens inhaler inhalers injector auto-injector autoinjector device devices tablet
    tablets pill pills capsule capsules vial vials cartridge cartridges blister blisters
    pack packs packet package packaging canister needle needles bottle bottles box cap
    sample samples dose doses spacer""".split()
)
OFF_LABEL_FIX = (
    "Keep to the approved indications; if the HCP asked, record it as an unsolicited "
    "request for Medical Information instead."
)
AE_EXPLANATION = (
    "This reads like a possible adverse event or product complaint: it must be reported "
    "to Drug Safety within the reporting deadline, even if unsure."
)
AE_FIX = "Report it with the adverse-event form; keep patient details out of the note."


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def _dose_key(number: str, unit: str) -> str:
    unit = unit.lower().replace("µg", "mcg").replace("ug", "mcg")
    unit = "unit" if unit.startswith("unit") or unit == "iu" else unit
    return f"{float(number.replace(',', '.')):g} {unit}"


LABELLED_AGE = re.compile(r"(\d{1,2}) years? (?:and|or) (?:older|over)|aged (\d{1,2}) and over")
YOUNGER = re.compile(r"^\s*(?:under|below|younger than|less than|<)\s*(\d{1,2})\b", re.IGNORECASE)


def _below_labelled_age(after: str, products: Sequence[_Product]) -> bool:
    """'children under 12' when the label says '12 years and older': off-label although
    'children' is in the indication."""
    younger = YOUNGER.match(after)
    if younger is None:
        return False
    for product in products:
        for m in LABELLED_AGE.finditer(product.indications):
            if int(younger[1]) <= int(m[1] or m[2]):
                return True
    return False


def _doses(doses: Sequence[str]) -> frozenset[str]:
    keys = set()
    for dose in doses:
        m = DOSE.fullmatch(dose.strip())
        if m is not None:
            keys.add(_dose_key(m[1], m[2]))
    return frozenset(keys)


@dataclass(frozen=True)
class _Product:
    item: ProductItem
    indications: str  # folded, joined
    doses: frozenset[str]


def _product_pattern(products: Sequence[ProductItem]) -> re.Pattern[str] | None:
    # As the catalogue writes the name, or in capitals: "Balance" the product, not
    # "balance" the word (docs/compliance.md).
    names: dict[str, None] = {}
    for p in products:
        for name in (p.name, p.name.upper()):
            names[re.escape(name)] = None
    if not names:
        return None
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


class NoteChecker:
    def __init__(self, rules: ComplianceRules | None, products: Sequence[ProductItem] = ()) -> None:
        self.rules = rules or ComplianceRules()
        r = self.rules
        self._restricted = PhraseSet.of(p.phrase for p in r.restricted_phrases)
        self._restricted_items = {p.phrase.strip(): p for p in r.restricted_phrases}
        self._competitors = PhraseSet.of(r.competitors)
        self._disparaging = PhraseSet.of(r.disparaging_words)
        self._off_label = PhraseSet.of(r.off_label_terms)
        self._ae = PhraseSet.of(r.adverse_event_terms)
        self._complaints = PhraseSet.of(r.complaint_terms)
        # Off-label talk that is not a claim: the label's limits, or the HCP's question.
        extra = [
            "not approved", "not indicated", "isn't for", "is not for", "not for", "not in",
            "asked if", "asked whether", "wanted to know if", "wanted to know whether",
        ]  # fmt: skip
        self._negations = PhraseSet.of([*r.negations, *extra])
        self._products = {
            p.name: _Product(p, " | ".join(_fold(i) for i in p.indications), _doses(p.doses))
            for p in products
        }
        self._by_upper = {p.name.upper(): p.name for p in products}
        self.product_names = tuple(p.name for p in products)
        self._not_names = frozenset(
            w.lower() for name in (*self.product_names, *r.competitors) for w in name.split()
        )
        self._product_re = _product_pattern(products)

    def check(self, text: str) -> list[Finding]:
        """Every finding in `text`, in text order."""
        if not text.strip():
            return []
        words = tokens(text)
        found = find_phi(text, self.rules.phi_severity, self._not_names)
        found += self._restricted_findings(text, words)
        spans = sentences(text)
        starts = [s for s, _ in spans]

        def by_sentence(items: list[tuple[int, int, int]]) -> dict[int, list[tuple[int, int, int]]]:
            grouped: dict[int, list[tuple[int, int, int]]] = {}
            for item in items:
                grouped.setdefault(bisect.bisect_right(starts, item[0]) - 1, []).append(item)
            return grouped

        competitors = by_sentence(self._competitors.matches(text, words))
        disparaging = by_sentence(self._disparaging.matches(text, words))
        off_label = by_sentence(self._off_label.matches(text, words))
        events = by_sentence(self._ae.matches(text, words))
        complaints = by_sentence(self._complaints.matches(text, words))
        devices = by_sentence(DEVICE_WORDS.matches(text, words))
        for index, (start, end) in enumerate(spans):
            if index in competitors:
                found += self._disparagement(text, disparaging.get(index, []))
            products = self._mentioned(text, start, end)
            if products:
                found += self._off_label_findings(
                    text, start, end, products, off_label.get(index, [])
                )
            found += self._adverse_events(text, start, end, events.get(index, []))
            if index in complaints and (index in devices or products):
                found += self._complaints_in(text, start, end, complaints[index])
        found.sort(key=lambda f: (f.start, f.end))
        return _without_overlaps(found)

    # -- restricted wording ----------------------------------------------------------
    def _restricted_findings(self, text: str, words: list[Token]) -> list[Finding]:
        found = []
        for start, end, index in self._restricted.matches(text, words):
            item = self._restricted_items[self._restricted.phrases[index]]
            if item.category == "promise" and self._negated_in_sentence(text, start, end):
                continue  # "there is no guarantee of response" is the compliant thing to say
            found.append(
                Finding(
                    start,
                    end,
                    Family.RESTRICTED,
                    f"restricted.{item.category}",
                    item.severity,
                    item.explanation,
                    item.fix,
                    None,
                    text[start:end],
                )  # fmt: skip
            )
        return found

    def _negated_in_sentence(self, text: str, start: int, end: int) -> bool:
        for s_start, s_end in sentences(text):
            if s_start <= start < s_end:
                return negated(text, (start, end), (s_start, s_end), self._negations)
        return False

    def _disparagement(self, text: str, matches: list[tuple[int, int, int]]) -> list[Finding]:
        return [
            Finding(
                start,
                end,
                Family.RESTRICTED,
                "restricted.disparagement",
                "block",
                "Running down a competitor is not allowed; compare only with approved, "
                "fair-balanced data.",
                "Rephrase as an approved comparison, or leave the competitor out.",
                None,
                text[start:end],
            )  # fmt: skip
            for start, end, _ in matches
        ]

    # -- off-label ----------------------------------------------------------------------
    def _mentioned(self, text: str, start: int, end: int) -> list[_Product]:
        if self._product_re is None:
            return []
        names = {
            self._by_upper.get(m[0], m[0]) for m in self._product_re.finditer(text, start, end)
        }
        return [self._products[n] for n in names if n in self._products]

    def _off_label_findings(
        self, text: str, start: int, end: int, products: list[_Product],
        matches: list[tuple[int, int, int]],
    ) -> list[Finding]:  # fmt: skip
        names = ", ".join(sorted(p.item.name for p in products))
        severity = self.rules.off_label_severity
        found = []
        for m_start, m_end, _ in matches:
            term = _fold(text[m_start:m_end])
            if any(term in p.indications for p in products) and not _below_labelled_age(
                text[m_end:end], products
            ):
                continue
            if negated(text, (m_start, m_end), (start, end), self._negations):
                continue
            found.append(
                Finding(
                    m_start,
                    m_end,
                    Family.OFF_LABEL,
                    "off_label.indication",
                    severity,
                    f"'{text[m_start:m_end]}' is not among the approved indications of {names}.",
                    OFF_LABEL_FIX,
                    None,
                    text[m_start:m_end],
                )  # fmt: skip
            )
        dosed = [p for p in products if p.doses]
        if dosed:
            allowed = frozenset().union(*(p.doses for p in dosed))
            for m in DOSE.finditer(text, start, end):
                if _dose_key(m[1], m[2]) in allowed:
                    continue
                approved = ", ".join(sorted(p for prod in dosed for p in prod.item.doses))
                found.append(
                    Finding(
                        m.start(),
                        m.end(),
                        Family.OFF_LABEL,
                        "off_label.dose",
                        severity,
                        f"{m[0]} is not an approved dose of {names} ({approved}).",
                        OFF_LABEL_FIX,
                        None,
                        m[0],
                    )  # fmt: skip
                )
        return found

    # -- adverse events and product complaints ------------------------------------------
    def _adverse_events(
        self, text: str, start: int, end: int, matches: list[tuple[int, int, int]]
    ) -> list[Finding]:
        found = []
        for m_start, m_end, _ in matches:
            if negated(text, (m_start, m_end), (start, end), self._negations):
                continue
            if hypothetical(text, (m_start, m_end), (start, end)):
                continue
            found.append(self._ae_finding(text, m_start, m_end, "adverse_event.event"))
        return found

    def _complaints_in(
        self, text: str, start: int, end: int, matches: list[tuple[int, int, int]]
    ) -> list[Finding]:
        return [
            self._ae_finding(text, m_start, m_end, "adverse_event.complaint")
            for m_start, m_end, _ in matches
            if not negated(text, (m_start, m_end), (start, end), self._negations)
        ]

    def _ae_finding(self, text: str, start: int, end: int, rule: str) -> Finding:
        return Finding(start, end, Family.ADVERSE_EVENT, rule, self.rules.adverse_event_severity,
                       AE_EXPLANATION, AE_FIX, None, text[start:end])  # fmt: skip


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """One finding per stretch of text and family (the longest, then the first)."""
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if any(k.family == f.family and k.start < f.end and f.start < k.end for k in kept):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept
