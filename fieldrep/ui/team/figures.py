"""The team view's tables: rows made from the report's frames (on the worker), thin
models over them (column constants, no computing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt

from fieldrep.ui.models import Column, RowTableModel


def _pct(value: float | None) -> str:
    """A share as "62%"; "–" when there is none (no decisions: no acceptance rate; no
    A-tier HCP: no coverage)."""
    return "–" if value is None else f"{value:.0%}"


def _rate(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class RepFigures:
    """One rep's line of the report's `summary`."""

    rep: str
    calls: int
    visits: int
    remote: int
    hcps_reached: int
    top_tier_coverage: float | None  # None: no A-tier HCP to cover
    attainment: float
    time_gone: float
    acceptance_rate: float | None  # None: nothing accepted or dismissed
    accepted: int
    dismissed: int
    days_in_field: int
    planned: int
    completed: int

    @property
    def pace(self) -> str:
        if not self.time_gone:
            return "no goals"
        return "on pace" if self.attainment >= self.time_gone else "behind"

    @classmethod
    def from_summary(cls, summary: pd.DataFrame) -> list[RepFigures]:
        return [
            cls(
                rep=str(r["rep"]),
                calls=int(r["calls"]),
                visits=int(r["visit"]),
                remote=int(r["remote"]),
                hcps_reached=int(r["hcps_reached"]),
                top_tier_coverage=_rate(r["top_tier_coverage"]),
                attainment=float(r["attainment"]),
                time_gone=float(r["time_gone"]),
                acceptance_rate=_rate(r["acceptance_rate"]),
                accepted=int(r["accepted"]),
                dismissed=int(r["dismissed"]),
                days_in_field=int(r["days_in_field"]),
                planned=int(r["planned"]),
                completed=int(r["completed"]),
            )  # fmt: skip
            for r in summary.to_dict(orient="records")
        ]


class RepFiguresModel(RowTableModel[RepFigures]):
    REP = 0
    COLUMNS = (
        Column("Rep", lambda r: r.rep),
        Column("Calls", lambda r: r.calls, align_right=True),
        Column("Visits", lambda r: r.visits, align_right=True),
        Column("Remote", lambda r: r.remote, align_right=True),
        Column("HCPs reached", lambda r: r.hcps_reached, align_right=True),
        Column("A-tier coverage", lambda r: _pct(r.top_tier_coverage), align_right=True,
               tooltip=lambda r: "no A-tier HCPs" if r.top_tier_coverage is None else ""),
        Column("Cycle done", lambda r: _pct(r.attainment) if r.time_gone else "–",
               align_right=True),
        Column("Time gone", lambda r: _pct(r.time_gone) if r.time_gone else "–",
               align_right=True),
        Column("Pace", lambda r: r.pace),
        Column("Accepted", lambda r: r.accepted, align_right=True),
        Column("Dismissed", lambda r: r.dismissed, align_right=True),
        Column("Accepted %", lambda r: _pct(r.acceptance_rate), align_right=True,
               tooltip=lambda _r: "accepted / (accepted + dismissed); – with no decision"),
        Column("Field days", lambda r: r.days_in_field, align_right=True),
        Column("Done / planned", lambda r: f"{r.completed} / {r.planned}", align_right=True,
               tooltip=lambda r: f"{r.completed} of {r.planned} planned visits done"),
    )  # fmt: skip

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Two-line headings: fifteen one-line ones scrolled the table sideways at 1024 px,
        # though every figure in it is a few characters wide.
        title = super().headerData(section, orientation, role)
        return _two_lines(title) if isinstance(title, str) else title


def _two_lines(title: str) -> str:
    """A heading of two words or more split at the space nearest its middle."""
    spaces = [i for i, c in enumerate(title) if c == " "]
    if not spaces:
        return title
    cut = min(spaces, key=lambda i: abs(len(title) - 2 * i))
    return f"{title[:cut]}\n{title[cut + 1 :]}"


# What the Reps tab exports: the report's own summary columns (not the on-screen text).
REP_COLUMNS = tuple(c.title for c in RepFiguresModel.COLUMNS)


@dataclass(frozen=True)
class SilentRow:
    rep: str
    hcp_id: str
    name: str
    tier: str
    decile: int
    last_contact: date | None  # the team's latest call with the HCP, whoever made it
    last_contact_by: str | None  # whose call that was (None: never contacted)
    days_since: int | None

    @property
    def seen_by_other(self) -> bool:
        """Last seen by someone else on the team (the HCP was theirs, or is shared)."""
        return self.last_contact_by is not None and self.last_contact_by != self.rep

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> list[SilentRow]:
        rows = []
        for r in frame.astype(object).to_dict(orient="records"):
            since: Any = r["days_since"]
            last: Any = r["last_contact"]
            by: Any = r["last_contact_by"]
            rows.append(
                cls(
                    rep=str(r["rep"]),
                    hcp_id=str(r["hcp_id"]),
                    name=str(r["name"]),
                    tier=str(r["tier"]),
                    decile=int(r["decile"]),
                    last_contact=None if last is None or pd.isna(last) else last,
                    last_contact_by=None if by is None or pd.isna(by) else str(by),
                    days_since=None if since is None or pd.isna(since) else int(since),
                )  # fmt: skip
            )
        return rows


class SilentModel(RowTableModel[SilentRow]):
    NAME = 1
    COLUMNS = (
        Column("Rep", lambda r: r.rep),
        Column("HCP", lambda r: r.name),
        Column("Tier", lambda r: r.tier),
        Column("Decile", lambda r: r.decile, align_right=True),
        Column("Last contact", lambda r: r.last_contact or "never"),
        Column("By", lambda r: r.last_contact_by or "",
               tooltip=lambda r: (f"The team's latest call with this HCP was {r.last_contact_by}'s"
                                  if r.seen_by_other else "")),
        Column("Days since", lambda r: "—" if r.days_since is None else r.days_since,
               align_right=True),
    )  # fmt: skip
