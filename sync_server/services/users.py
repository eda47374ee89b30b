"""Users, roles, territories and teams (admin functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.errors import Invalid
from sync_server.models import Hcp, Territory, User, UserTerritory
from sync_server.security import hash_password
from sync_server.services.callers import MANAGER, REP, ROLES, utcnow
from sync_server.services.import_mapping import did_you_mean

MIN_PASSWORD_LENGTH = 8


def ensure_territories(session: Session, territory_ids: Sequence[str]) -> None:
    """Create any territory not yet known (territories are named by the CSVs that use them)."""
    wanted = {t for t in territory_ids if t}
    if not wanted:
        return
    known = set(session.scalars(select(Territory.id).where(Territory.id.in_(wanted))))
    session.add_all(Territory(id=t, name=t) for t in sorted(wanted - known))
    session.flush()


def create_territory(session: Session, *, territory_id: str, name: str = "") -> Territory:
    """A new territory (HCP files and users may only name territories that exist)."""
    territory_id = territory_id.strip()
    if not territory_id or len(territory_id) > 100 or any(c.isspace() for c in territory_id):
        raise Invalid("A territory id is 1-100 characters without spaces, e.g. BOS-NORTH.")
    if session.get(Territory, territory_id) is not None:
        raise Invalid(f"Territory '{territory_id}' already exists.")
    territory = Territory(id=territory_id, name=name.strip() or territory_id)
    session.add(territory)
    session.flush()
    return territory


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str,
    territories: Sequence[str] = (),
    manager: str | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a user; `password_hash` (already argon2) skips re-hashing a shared password."""
    username = username.strip()
    if not username:
        raise Invalid("A username cannot be empty.")
    if role not in ROLES:
        raise Invalid(f"Unknown role '{role}'. Use one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if session.get(User, username) is not None:
        raise Invalid(f"User '{username}' already exists.")
    if territories and role != REP:
        raise Invalid("Only reps have territories; a manager sees their team's territories.")
    if manager is not None:
        boss = session.get(User, manager)
        if boss is None or boss.role != MANAGER:
            managers = session.scalars(select(User.username).where(User.role == MANAGER))
            hint = did_you_mean(manager, list(managers)) if boss is None else ""
            raise Invalid(f"'{manager}' is not a manager{hint}; create the manager first.")
        if role != REP:
            raise Invalid("Only reps have a manager.")
    user = User(
        username=username,
        role=role,
        password_hash=password_hash or hash_password(password),
        manager_username=manager,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    ensure_territories(session, territories)
    session.add_all(UserTerritory(username=username, territory_id=t) for t in set(territories))
    session.flush()
    return user


def list_users(session: Session) -> list[tuple[User, list[str]]]:
    users = list(session.scalars(select(User).order_by(User.username)))
    links = session.execute(select(UserTerritory.username, UserTerritory.territory_id)).all()
    by_user: dict[str, list[str]] = {}
    for username, territory in links:
        by_user.setdefault(username, []).append(territory)
    return [(u, sorted(by_user.get(u.username, []))) for u in users]


@dataclass(frozen=True, slots=True)
class TerritoryRow:
    id: str
    name: str
    hcps: int
    reps: list[str]


def territory_rows(session: Session) -> list[TerritoryRow]:
    query = select(Hcp.territory_id, func.count()).group_by(Hcp.territory_id)
    counts: dict[str, int] = dict(session.execute(query).tuples().all())
    reps: dict[str, list[str]] = {}
    for username, territory in session.execute(
        select(UserTerritory.username, UserTerritory.territory_id).order_by(UserTerritory.username)
    ):
        reps.setdefault(territory, []).append(username)
    return [
        TerritoryRow(t.id, t.name, counts.get(t.id, 0), reps.get(t.id, []))
        for t in session.scalars(select(Territory).order_by(Territory.id))
    ]
