"""What a call record must hold before it is submitted (and locked for good).

Defined once, over plain values, so the device (`fieldrep.domain.calls`) and the server
(`sync_server.services.call_checks`) apply exactly the same rules. Drafts may be
incomplete: only the duration is checked on every save; the rest when submitting.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldrep.sync.protocol import ProductItem

# Channels where the rep presents a product: the call must say which.
DETAILING_CHANNELS = frozenset({"visit", "remote"})
MIN_DURATION_MINUTES = 1
MAX_DURATION_MINUTES = 240
# A laptop's clock may run a little ahead of the server's; a call "starting" up to this
# far in the future is taken as now.
CLOCK_SKEW_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """One thing to fix, next to the field it is about (`field` is the wire name)."""

    field: str
    message: str


def duration_problem(duration_minutes: int) -> RecordProblem | None:
    if MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        return None
    return RecordProblem(
        "duration_minutes",
        f"Duration must be {MIN_DURATION_MINUTES}-{MAX_DURATION_MINUTES} minutes "
        f"(got {duration_minutes}).",
    )


def record_problems(
    *,
    channel: str,
    products: Sequence[str],
    outcome: str | None,
    started_at: datetime,
    duration_minutes: int,
    now: datetime,
    in_territory_since: datetime | None = None,
) -> list[RecordProblem]:
    """Everything that stops a call from being submitted, in form order; [] when none.

    `now` and `started_at` are aware datetimes. `in_territory_since`: when the HCP came
    into the rep's territory, if known (the server knows; see docs/compliance.md).
    """
    problems: list[RecordProblem] = []
    if started_at > now + CLOCK_SKEW_TOLERANCE:
        problems.append(
            RecordProblem(
                "started_at",
                f"The call starts {started_at:%d %b %Y %H:%M}, in the future; "
                "log a call once it has happened (plan future visits in the planner).",
            )
        )
    elif in_territory_since is not None and started_at < in_territory_since:
        problems.append(
            RecordProblem(
                "started_at",
                f"The call is dated before the HCP came into your territory "
                f"({in_territory_since:%d %b %Y}); check the date.",
            )
        )
    duration = duration_problem(duration_minutes)
    if duration is not None:
        problems.append(duration)
    if channel in DETAILING_CHANNELS and not products:
        problems.append(
            RecordProblem("products", "Tick at least one product discussed on this call.")
        )
    if not outcome:
        problems.append(RecordProblem("outcome", "Choose an outcome."))
    return problems


def overlaps(start_a: datetime, minutes_a: int, start_b: datetime, minutes_b: int) -> bool:
    """True when two calls share at least one minute."""
    end_a = start_a + timedelta(minutes=minutes_a)
    end_b = start_b + timedelta(minutes=minutes_b)
    return start_a < end_b and start_b < end_a


class UnknownProductError(ValueError):
    """A call names a product that is not in the company's products catalogue."""


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class ProductNames:
    """The products a call may name: a product's id or name, whatever the case, stands
    for the product, and a call stores the catalogue's name (as the approved messages,
    the call log's product list and the call history do), so "nephrix" and "Nephrix" are
    one product. With no products catalogue loaded, any product goes (as before
    companies had catalogues)."""

    names: Mapping[str, str]  # folded id or name -> the catalogue's name

    @classmethod
    def of(cls, items: Iterable[ProductItem]) -> ProductNames:
        names: dict[str, str] = {}
        for item in items:
            names.setdefault(_fold(item.name), item.name)
            names.setdefault(_fold(item.id), item.name)
        return cls(names)

    def canonical(self, products: Sequence[str]) -> tuple[str, ...]:
        """`products` as the catalogue names them (each once, in order); raises
        UnknownProductError naming each unknown one, with "did you mean" when close."""
        if not self.names:
            return tuple(products)
        found: dict[str, None] = {}
        unknown: list[str] = []
        for product in products:
            name = self.names.get(_fold(product))
            if name is None:
                near = difflib.get_close_matches(_fold(product), list(self.names), n=1)
                hint = f" (did you mean '{self.names[near[0]]}'?)" if near else ""
                unknown.append(f"'{product}'{hint}")
            else:
                found[name] = None
        if unknown:
            choices = sorted(set(self.names.values()))
            listed = f" Products: {', '.join(choices)}." if len(choices) <= 12 else ""
            raise UnknownProductError(
                f"Not in the company's product catalogue: {', '.join(unknown)}.{listed}"
            )
        return tuple(found)
