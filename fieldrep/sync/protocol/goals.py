"""Cycle-plan goals on the wire (server data; `Entity.CATALOGUE`, id `GOALS_DOCUMENT`).

Unlike the company's catalogues, goals are per user: each rep receives the cycles that
apply to them, each manager those that apply to any of their reps, with the team's
roster (change-log scope `goals:<username>`). A device that predates goals skips the
unknown catalogue id, so no protocol bump was needed.

Attainment as the leading CRMs compute it for cycle plans: per target HCP and goal line,
at most `cap` contacts count (the "activity max"); attainment = counted / goal.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldrep.sync.protocol import GOALS_DOCUMENT, ChannelName

__all__ = ["GOALS_DOCUMENT", "GoalCycle", "GoalLine", "GoalsDocument", "TeamMember", "Tier"]

Tier = Literal["A", "B", "C", "D"]
_Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
_Username = Annotated[str, Field(min_length=1, max_length=100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoalLine(_Model):
    """Per target HCP in the cycle: `contacts` on `channel` (None: any channel). The HCPs
    targeted are those of the rep's territories matching tier, decile range and segment
    (None: any). At most `cap` contacts per HCP count towards attainment (None: all)."""

    tier: Tier | None = None
    decile_min: int | None = Field(default=None, ge=1, le=10)
    decile_max: int | None = Field(default=None, ge=1, le=10)
    segment: _Id | None = None
    channel: ChannelName | None = None
    contacts: int = Field(ge=1, le=1000)
    cap: int | None = Field(default=None, ge=1, le=1000)

    def label(self) -> str:
        """'A-tier', 'deciles 8-10', 'segment evidence_seeker', 'all HCPs' (+ channel)."""
        parts = []
        if self.tier:
            parts.append(f"{self.tier}-tier")
        if self.decile_min is not None or self.decile_max is not None:
            low, high = self.decile_min or 1, self.decile_max or 10
            parts.append(f"decile {low}" if low == high else f"deciles {low}-{high}")
        if self.segment:
            parts.append(f"segment {self.segment}")
        return ", ".join(parts) or "all HCPs"


class GoalCycle(_Model):
    """A cycle plan from `start` to `end` (inclusive) for the reps named, or the reps of
    the territories named (both empty: every rep)."""

    id: _Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    start: date
    end: date
    reps: tuple[_Username, ...] = Field(default=(), max_length=1000)
    territories: tuple[_Username, ...] = Field(default=(), max_length=1000)
    goals: tuple[GoalLine, ...] = Field(min_length=1, max_length=500)

    def applies_to(self, username: str, territories: frozenset[str] | set[str]) -> bool:
        if not self.reps and not self.territories:
            return True
        return username in self.reps or bool(territories & set(self.territories))


class TeamMember(_Model):
    username: _Username
    territories: tuple[str, ...] = ()


class GoalsDocument(_Model):
    """The `data` of a goals change: the cycles that apply to the user (a manager: to any
    of their reps) and whom they apply to (a rep: themselves; a manager: the team)."""

    kind: Literal["goals"] = "goals"
    version: int = Field(ge=1)
    cycles: tuple[GoalCycle, ...] = ()
    team: tuple[TeamMember, ...] = ()
