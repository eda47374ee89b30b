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


def line_mask(hcps: pd.DataFrame, line: GoalLine) -> pd.Series:
    """Which of these HCPs the goal line targets (by tier, decile range and segment)."""
    mask = pd.Series(True, index=hcps.index)
    if line.tier:
        mask &= hcps["tier"] == line.tier
    if line.decile_min is not None:
        mask &= hcps["decile"] >= line.decile_min
    if line.decile_max is not None:
        mask &= hcps["decile"] <= line.decile_max
    if line.segment:
        mask &= hcps["segment"] == line.segment
    return mask


def targets(hcps: pd.DataFrame, territories: frozenset[str], line: GoalLine) -> pd.DataFrame:
    """The HCPs of these territories that the goal line targets."""
    mine = hcps[hcps["territory_id"].isin(territories)]
    return mine[line_mask(mine, line)]


def rep_hcps(data: TeamData, reps: list[str], hcps: pd.DataFrame) -> pd.DataFrame:
    """Each rep's HCPs (those of the rep's territories): `rep` plus the HCP's columns."""
    team = data.team[data.team["username"].isin(reps) & (data.team["territory_id"] != "")]
    pairs = team.rename(columns={"username": "rep"}).merge(hcps, on="territory_id")
    return pairs.drop_duplicates(["rep", "id"]).reset_index(drop=True)


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def attainment(data: TeamData, reps: list[str], until: date, hcps: pd.DataFrame) -> pd.DataFrame:
    """One row per rep, cycle that has started by `until`, and goal line (see module doc).

    `hcps` is the HCP universe after the report's filters (tier, segment).
    """
    pairs = rep_hcps(data, reps, hcps)
    calls = data.calls
    frames = []
    for cycle in data.cycles:
        if cycle.start > until:
            continue
        applies = [r for r in reps if cycle.applies_to(r, data.territories_of(r))]
        if not applies:
            continue
        days = calls["day"]
        in_cycle = calls[
            (days >= pd.Timestamp(cycle.start)) & (days <= pd.Timestamp(min(cycle.end, until)))
            & calls["rep"].isin(applies)
        ]  # fmt: skip
        # Contacts per rep, HCP and channel once per cycle; each line sums what it needs.
        counts = in_cycle.groupby(["rep", "hcp_id", "channel"]).size().rename("n").reset_index()
        mine = pairs[pairs["rep"].isin(applies)]
        for line in cycle.goals:
            frame = _line_frame(line, mine[line_mask(mine, line)], counts, applies)
            frame.insert(1, "cycle", cycle.id)
            frame.insert(2, "cycle_name", cycle.name)
            frame.insert(3, "start", cycle.start)
            frame.insert(4, "end", cycle.end)
            frame["time_gone"] = time_gone(cycle, until)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(ATTAINMENT_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    order = {rep: i for i, rep in enumerate(reps)}
    table = table.sort_values("rep", key=lambda s: s.map(order), kind="stable")
    return table[list(ATTAINMENT_COLUMNS)].reset_index(drop=True)


def _line_frame(
    line: GoalLine, aimed: pd.DataFrame, counts: pd.DataFrame, reps: list[str]
) -> pd.DataFrame:
    """One row per rep: the line's targets among `aimed` (rep, id) and their contacts
    (`counts`: rep, hcp_id, channel, n), capped per HCP."""
    relevant = counts if not line.channel else counts[counts["channel"] == line.channel]
    per_hcp = relevant.groupby(["rep", "hcp_id"], as_index=False)["n"].sum()
    merged = aimed[["rep", "id"]].merge(
        per_hcp, left_on=["rep", "id"], right_on=["rep", "hcp_id"], how="left"
    )
    n = merged["n"].fillna(0)
    merged = merged.assign(
        n=n, counted=n.clip(upper=line.cap) if line.cap else n, reached=n > 0, targets=1
    )
    sums = merged.groupby("rep")[["targets", "n", "counted", "reached"]].sum()
    sums = sums.reindex(reps, fill_value=0).astype("int64")
    goal = sums["targets"] * line.contacts
    return pd.DataFrame({
        "rep": reps, "line": line.label(), "channel": line.channel or "any",
        "contacts_per_hcp": line.contacts, "cap": line.cap,
        "targets": sums["targets"].to_numpy(), "goal": goal.to_numpy(),
        "contacts": sums["n"].to_numpy(), "counted": sums["counted"].to_numpy(),
        "attainment": [_ratio(c, g) for c, g in zip(sums["counted"], goal, strict=True)],
        "reached": sums["reached"].to_numpy(),
        "reach": [_ratio(r, t) for r, t in zip(sums["reached"], sums["targets"], strict=True)],
        "frequency": [_ratio(n, r) for n, r in zip(sums["n"], sums["reached"], strict=True)],
    })  # fmt: skip


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
