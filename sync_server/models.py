"""The server's tables (SQLAlchemy declarative). Alembic migrations create them.

Records keep a few key columns for filtering (owner, HCP, territory, status) and their
wire fields in `data` (JSON), exactly as the protocol carries them, so what a device
pushes and what another device pulls cannot drift apart.
`tests/server/test_migrations.py` checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JsonType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
SeqType = BigInteger().with_variant(Integer(), "sqlite")
Id = String(100)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(Id, primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    manager_username: Mapped[str | None] = mapped_column(
        Id, ForeignKey("users.username"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A disabled user cannot log in and every token of theirs is refused.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Territory(Base):
    __tablename__ = "territories"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class UserTerritory(Base):
    __tablename__ = "user_territories"
    username: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), primary_key=True)
    territory_id: Mapped[str] = mapped_column(Id, ForeignKey("territories.id"), primary_key=True)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The token's session: issued at login (the hard maximum counts from here), last
    # used (the idle lifetime slides from here: silent renewal while in use).
    token_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sync_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_ms: Mapped[int | None] = mapped_column(Integer)
    last_applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    mutations_applied: Mapped[int] = mapped_column(Integer, default=0)
    mutations_rejected: Mapped[int] = mapped_column(Integer, default=0)
    mutations_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    changes_pulled: Mapped[int] = mapped_column(BigInteger, default=0)
    # The newest cursor handed to this device, the cursor its current pass through the
    # log started from, and the prune mark then: any cursor between the two is its own
    # to resume from, though a new device's page-2 cursor may lie below `pruned_through`.
    resume_cursor: Mapped[int | None] = mapped_column(BigInteger)
    resume_since: Mapped[int | None] = mapped_column(BigInteger)
    resume_pruned_through: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    protocol_version: Mapped[int | None] = mapped_column(Integer)
    schema_version: Mapped[int | None] = mapped_column(Integer)
    client_version: Mapped[str] = mapped_column(String(50), default="")


class MutationOutcome(Base):
    """What became of each pushed mutation, so a replay can be answered truthfully."""

    __tablename__ = "mutation_outcomes"
    device_id: Mapped[str] = mapped_column(Id, ForeignKey("devices.id"), primary_key=True)
    mutation_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)
    conflict_copy_id: Mapped[str | None] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """Consecutive failed logins per known username; lives in the database so every
    process behind a load balancer applies the same delay. Unknown usernames get no row
    (the per-address limit covers them), so made-up names cannot grow this table."""

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(Id, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAddressFailure(Base):
    """Failed logins per client address in a fixed window (`services/login_throttle.py`):
    one row per failing address, reset when its window ends, swept by `prune`."""

    __tablename__ = "login_address_failures"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Hcp(Base):
    __tablename__ = "hcps"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    territory_id: Mapped[str] = mapped_column(Id, ForeignKey("territories.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HcpAssignment(Base):
    """Every territory an HCP has ever belonged to: notes about an HCP that has since
    moved away are still accepted from the reps of its former territory."""

    __tablename__ = "hcp_assignments"
    hcp_id: Mapped[str] = mapped_column(String(64), ForeignKey("hcps.id"), primary_key=True)
    territory_id: Mapped[str] = mapped_column(Id, ForeignKey("territories.id"), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CallNote(Base):
    __tablename__ = "call_notes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    author: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    hcp_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    conflict_of: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The record version at which each field last changed: the basis of conflict checks.
    field_versions: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    # The device that made each field's last change: a device never conflicts with itself.
    field_devices: Mapped[dict[str, str]] = mapped_column(JsonType, default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VisitPlan(Base):
    __tablename__ = "visit_plans"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    hcp_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuggestionFeedback(Base):
    __tablename__ = "suggestion_feedback"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    hcp_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SegmentMix(Base):
    """A rep's correction of an HCP's segment mix (entity id on the wire: the HCP id)."""

    __tablename__ = "segment_mixes"
    hcp_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CoachingComment(Base):
    __tablename__ = "coaching_comments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_username: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    author: Mapped[str] = mapped_column(Id, ForeignKey("users.username"))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChangeLogEntry(Base):
    """Every write, in commit order. `scope` says who may see it: `territory:<id>` or
    `user:<username>`. Deletes are tombstones (`data` NULL)."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_scope_seq", "scope", "seq"),
        {"sqlite_autoincrement": True},  # never reuse a seq, even after pruning
    )
    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ServerMeta(Base):
    """Small key/value facts, e.g. `pruned_through_seq` for tombstone retention."""

    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CatalogueDocument(Base):
    """One of the company's catalogues or rule sets (products, approved messages,
    segments, contact rules, specialty map), replaced whole when the admin loads a file;
    `version` counts the loads. Devices get it through the change log (scope `all`)."""

    __tablename__ = "catalogue_documents"
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[Any] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class AuditEvent(Base):
    """Who did what, when, from where: append-only (database triggers refuse UPDATE and
    DELETE), exported by `fieldrep-server audit --since`. Never secrets, never note text."""

    __tablename__ = "audit_events"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class AdverseEventReport(Base):
    """A possible adverse event a rep reported from a call: the safety queue
    (`fieldrep-server ae-reports`). Devices push these ahead of other changes; they are
    never sent back down the feed. `deadline_at` is the server's: awareness (the call)
    plus the compliance rules' reporting hours when it arrived."""

    __tablename__ = "adverse_event_reports"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    author: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), index=True)
    hcp_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GoalCycle(Base):
    """A cycle plan the admin loaded (`fieldrep-server load-goals`): its period, whom it
    applies to and its goal lines, in `content` as `protocol.goals.GoalCycle` writes it."""

    __tablename__ = "goal_cycles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class GoalDocument(Base):
    """The goals document last sent to one user (the cycles that apply to them or their
    team, and the team's roster), so a handshake sends a new one only when it changed."""

    __tablename__ = "goal_documents"
    username: Mapped[str] = mapped_column(Id, ForeignKey("users.username"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
