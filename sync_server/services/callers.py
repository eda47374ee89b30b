"""Who is calling: the user behind a device token, with what they may see and touch."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utcnow
from sync_server.models import User, UserTerritory

__all__ = ["utcnow"]  # services take the clock from here with the caller helpers

EVERYONE = "all"  # the change-log scope of what every user receives
REP = "rep"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (REP, MANAGER, ADMIN)


@dataclass(frozen=True, slots=True)
class Caller:
    username: str
    role: str
    device_id: str
    territories: frozenset[str]  # a rep's own; a manager's: their team's
    team: frozenset[str]  # the reps a manager manages (empty for a rep)

    def scopes(self) -> list[str] | None:
        """The change-log scopes this caller may pull now; None means everything (admin)."""
        if self.role == ADMIN:
            return None
        users = {self.username, *self.team}
        return sorted(
            [f"territory:{t}" for t in self.territories]
            + [f"user:{u}" for u in users]
            + [drafts_scope(self.username)]  # one's own drafts only, never a team's
            + [goals_scope(self.username)]  # one's own goals document (a manager's: the team's)
            + [EVERYONE]  # the company's catalogues and rules
        )


def territories_of(session: Session, usernames: list[str]) -> list[str]:
    query = select(UserTerritory.territory_id).where(UserTerritory.username.in_(usernames))
    return sorted(set(session.scalars(query)))


def team_of(session: Session, manager: str) -> list[str]:
    query = select(User.username).where(User.manager_username == manager)
    return sorted(session.scalars(query))


def load_caller(session: Session, *, user: User, device_id: str) -> Caller:
    team = team_of(session, user.username) if user.role == MANAGER else []
    return Caller(
        username=user.username,
        role=user.role,
        device_id=device_id,
        territories=frozenset(territories_of(session, [user.username, *team])),
        team=frozenset(team),
    )


def user_scope(username: str) -> str:
    return f"user:{username}"


def drafts_scope(username: str) -> str:
    """A rep's unsubmitted call notes: their own devices pull them, their manager does not
    (a draft is work in progress, and may still hold text the checks will make them
    remove before submitting)."""
    return f"drafts:{username}"


def goals_scope(username: str) -> str:
    """The cycle-plan goals document made for one user (`services/goals.py`)."""
    return f"goals:{username}"


def territory_scope(territory_id: str) -> str:
    return f"territory:{territory_id}"
