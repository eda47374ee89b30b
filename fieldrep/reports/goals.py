"""Cycle-plan attainment: each goal line against the calls a rep made to its targets.

For a rep, a cycle and a goal line: the targets are the HCPs of the rep's territories
matching the line's tier, decile range and segment; the goal is `contacts` per target;
each target's contacts on the line's channel (any channel when None) from the cycle's
start to the as-of day count up to the line's `cap` (the CRMs' "activity max").
Attainment = counted / goal; the pace compares it with the share of the cycle's days
gone (the as-of day included). Pure pandas: no store, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from fieldrep.reports.data import TeamData
from fieldrep.sync.protocol.goals import GoalCycle, GoalLine

ATTAINMENT_COLUMNS = (
    "rep", "cycle", "cycle_name", "start", "end", "line", "channel", "contacts_per_hcp",
    "cap", "targets", "goal", "contacts", "counted", "attainment", "reached", "reach",
    "frequency", "time_gone",
)  # fmt: skip


def time_gone(cycle: GoalCycle, day: date) -> float:
    """The share of the cycle's days gone on `day` (that day counted), 0 to 1."""
    total = (cycle.end - cycle.start).days + 1
    gone = (min(day, cycle.end) - cycle.start).days + 1
    return max(0.0, min(1.0, gone / total))


def targets(hcps: pd.DataFrame, territories: frozenset[str], line: GoalLine) -> pd.DataFrame:
    """The HCPs of these territories that the goal line targets."""
    mask = hcps["territory_id"].isin(territories)
    if line.tier:
        mask &= hcps["tier"] == line.tier
    if line.decile_min is not None:
        mask &= hcps["decile"] >= line.decile_min
    if line.decile_max is not None:
        mask &= hcps["decile"] <= line.decile_max
    if line.segment:
        mask &= hcps["segment"] == line.segment
    return hcps[mask]


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def attainment(data: TeamData, reps: list[str], until: date, hcps: pd.DataFrame) -> pd.DataFrame:
    """One row per rep, cycle that has started by `until`, and goal line (see module doc).

    `hcps` is the HCP universe after the report's filters (tier, segment).
    """
    rows = []
    calls = data.calls
    for cycle in data.cycles:
        if cycle.start > until:
            continue
        window_end = min(cycle.end, until)
        in_cycle = calls[(calls["day"] >= cycle.start) & (calls["day"] <= window_end)]
        for rep in reps:
            territories = data.territories_of(rep)
            if not cycle.applies_to(rep, territories):
                continue
            mine = in_cycle[in_cycle["rep"] == rep]
            for line in cycle.goals:
                rows.append(_line_row(rep, cycle, line, mine, targets(hcps, territories, line)))
                rows[-1]["time_gone"] = time_gone(cycle, until)
    return pd.DataFrame(rows, columns=list(ATTAINMENT_COLUMNS))


def _line_row(
    rep: str, cycle: GoalCycle, line: GoalLine, calls: pd.DataFrame, aimed: pd.DataFrame
) -> dict[str, object]:
    relevant = calls[calls["hcp_id"].isin(aimed["id"])]
    if line.channel:
        relevant = relevant[relevant["channel"] == line.channel]
    per_hcp = relevant.groupby("hcp_id").size()
    counted = per_hcp.clip(upper=line.cap) if line.cap else per_hcp
    goal = line.contacts * len(aimed)
    reached = int((per_hcp > 0).sum())
    return {
        "rep": rep,
        "cycle": cycle.id,
        "cycle_name": cycle.name,
        "start": cycle.start,
        "end": cycle.end,
        "line": line.label(),
        "channel": line.channel or "any",
        "contacts_per_hcp": line.contacts,
        "cap": line.cap,
        "targets": len(aimed),
        "goal": goal,
        "contacts": int(per_hcp.sum()),
        "counted": int(counted.sum()),
        "attainment": _ratio(float(counted.sum()), goal),
        "reached": reached,
        "reach": _ratio(reached, len(aimed)),
        "frequency": _ratio(float(per_hcp.sum()), reached),
    }


@dataclass(frozen=True)
class AttainmentLine:
    """A rep's progress on one group of targets of a cycle (all its channels together)."""

    cycle: str
    cycle_name: str
    label: str  # "A-tier", "deciles 8-10", "all HCPs"
    goal: int
    counted: int
    done: float  # counted / goal, 0 to 1 and beyond
    time_gone: float  # share of the cycle's days gone

    @property
    def on_pace(self) -> bool:
        return self.done >= self.time_gone

    def sentence(self) -> str:
        """'A-tier: 62 % of the cycle done, 55 % of the time gone'."""
        return (
            f"{self.label}: {self.done * 100:.0f} % of the cycle done, "
            f"{self.time_gone * 100:.0f} % of the time gone"
        )


def rep_attainment(data: TeamData, rep: str, day: date) -> tuple[AttainmentLine, ...]:
    """The rep's progress on every cycle running on `day`, one line per target group."""
    running = TeamData(
        data.team, data.hcps, data.calls, data.plans, data.feedback,
        tuple(c for c in data.cycles if c.start <= day <= c.end),
    )  # fmt: skip
    table = attainment(running, [rep], day, data.hcps)
    lines = []
    for (cycle, label), group in table.groupby(["cycle", "line"], sort=False):
        goal = int(group["goal"].sum())
        counted = int(group["counted"].sum())
        lines.append(
            AttainmentLine(
                cycle=str(cycle),
                cycle_name=str(group["cycle_name"].iloc[0]),
                label=str(label),
                goal=goal,
                counted=counted,
                done=_ratio(counted, goal),
                time_gone=float(group["time_gone"].iloc[0]),
            )
        )
    return tuple(lines)
