"""Filtering the HCP list: a plain dataclass and a pure function (no Qt), unit-tested.

The list holds every HCP's summary in memory (10,000 rows is a few MB), so filters run
in Python on the worker in a few milliseconds; full-text search narrows by id first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fieldrep.services.hcps import HcpSummary


@dataclass(frozen=True)
class HcpFilter:
    specialty: str = ""
    tier: str = ""
    segment: str = ""
    city: str = ""
    not_contacted_days: int = 0  # 0 = any
    open_follow_ups: bool = False

    @property
    def is_empty(self) -> bool:
        return self == HcpFilter()

    def describe(self) -> str:
        parts = [p for p in (self.specialty, self.city) if p]
        if self.tier:
            parts.append(f"tier {self.tier}")
        if self.segment:
            parts.append(f"segment {self.segment}")
        if self.not_contacted_days:
            parts.append(f"no contact for {self.not_contacted_days}+ days")
        if self.open_follow_ups:
            parts.append("open follow-ups")
        return ", ".join(parts) or "all HCPs"


def specialty_choices(specialties: Iterable[str]) -> list[str]:
    """One entry per specialty regardless of case (docs/admin.md: "CARDIOLOGY" is
    Cardiology), spelt as most rows spell it (ties: mixed case, then alphabetical)."""
    spellings: dict[str, Counter[str]] = {}
    for value in specialties:
        if value:
            spellings.setdefault(value.casefold(), Counter())[value] += 1
    return sorted(
        (
            min(counts, key=lambda s: (-counts[s], s.isupper() or s.islower(), s))
            for counts in spellings.values()
        ),
        key=str.casefold,
    )


def days_since(last_contact: str | None, today: date) -> int | None:
    if not last_contact:
        return None
    try:
        day = datetime.fromisoformat(last_contact).date()
    except ValueError:
        day = date.fromisoformat(last_contact[:10])
    return (today - day).days


def apply_filter(
    rows: Sequence[HcpSummary],
    hcp_filter: HcpFilter,
    *,
    today: date,
    segment_of: Mapping[str, str] | None = None,
    only_ids: Collection[str] | None = None,
) -> list[HcpSummary]:
    """The rows matching every set criterion, in their original order."""
    f = hcp_filter
    segment_of = segment_of or {}
    out = []
    for row in rows:
        if only_ids is not None and row.id not in only_ids:
            continue
        if f.specialty and row.specialty.casefold() != f.specialty.casefold():
            continue
        if f.tier and row.tier != f.tier:
            continue
        if f.city and row.city != f.city:
            continue
        if f.segment and segment_of.get(row.id) != f.segment:
            continue
        if f.open_follow_ups and not row.open_follow_ups:
            continue
        if f.not_contacted_days:
            since = days_since(row.last_contact, today)
            if since is not None and since < f.not_contacted_days:
                continue
        out.append(row)
    return out
