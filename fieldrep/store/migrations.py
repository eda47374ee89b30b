"""Named, versioned, transactional schema migrations for the local database.

Each migration runs in one transaction together with its row in `schema_migrations`,
so a crash mid-upgrade leaves the previous version intact. Migrations only ever add or
reshape; they never drop the outbox, so pending changes survive every upgrade.
Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from fieldrep.store import name_search


@dataclass(frozen=True)
class Migration:
    name: str
    statements: Sequence[str] = ()
    run: Callable[[Connection], None] | None = None


INITIAL = Migration(
    "0001_initial",
    [
        """CREATE TABLE hcps (
            id TEXT PRIMARY KEY,
            external_id TEXT NOT NULL,
            npi TEXT,
            name TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            specialty TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '',
            postcode TEXT NOT NULL DEFAULT '',
            latitude REAL,
            longitude REAL,
            tier TEXT NOT NULL DEFAULT 'C',
            decile INTEGER NOT NULL DEFAULT 5,
            patient_volume INTEGER NOT NULL DEFAULT 0,
            consents TEXT NOT NULL DEFAULT '{}',
            preferred_channel TEXT,
            do_not_contact INTEGER NOT NULL DEFAULT 0,
            territory_id TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ix_hcps_name ON hcps(name)",
        """CREATE TABLE call_notes (
            id TEXT PRIMARY KEY,
            hcp_id TEXT NOT NULL,
            author TEXT NOT NULL,
            channel TEXT NOT NULL,
            started_at TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            products TEXT NOT NULL DEFAULT '[]',
            key_messages TEXT NOT NULL DEFAULT '[]',
            attendees TEXT NOT NULL DEFAULT '[]',
            outcome TEXT,
            sentiment TEXT,
            insights TEXT NOT NULL DEFAULT '',
            follow_ups TEXT NOT NULL DEFAULT '[]',
            suggestion_id TEXT,
            submitted_at TEXT,
            version INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ix_call_notes_hcp ON call_notes(hcp_id, started_at)",
        """CREATE TABLE approved_messages (
            id TEXT PRIMARY KEY,
            product TEXT NOT NULL,
            title TEXT NOT NULL,
            theme TEXT NOT NULL,
            specialties TEXT NOT NULL DEFAULT '[]',
            channels TEXT NOT NULL DEFAULT '[]'
        )""",
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            mutation_id TEXT NOT NULL UNIQUE,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            op TEXT NOT NULL,
            fields TEXT NOT NULL DEFAULT '{}',
            base_version INTEGER,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            reason TEXT
        )""",
        "CREATE INDEX ix_outbox_entity ON outbox(entity, entity_id, state)",
        "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
)

SEARCH = Migration(
    "0002_full_text_search",
    [
        """CREATE VIRTUAL TABLE hcp_fts USING fts5(
            name, specialty, organisation, city,
            content='hcps', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
        """CREATE TRIGGER hcps_ai AFTER INSERT ON hcps BEGIN
            INSERT INTO hcp_fts(rowid, name, specialty, organisation, city)
            VALUES (new.rowid, new.name, new.specialty, new.organisation, new.city);
        END""",
        """CREATE TRIGGER hcps_ad AFTER DELETE ON hcps BEGIN
            INSERT INTO hcp_fts(hcp_fts, rowid, name, specialty, organisation, city)
            VALUES ('delete', old.rowid, old.name, old.specialty, old.organisation, old.city);
        END""",
        """CREATE TRIGGER hcps_au AFTER UPDATE OF name, specialty, organisation, city ON hcps
        BEGIN
            INSERT INTO hcp_fts(hcp_fts, rowid, name, specialty, organisation, city)
            VALUES ('delete', old.rowid, old.name, old.specialty, old.organisation, old.city);
            INSERT INTO hcp_fts(rowid, name, specialty, organisation, city)
            VALUES (new.rowid, new.name, new.specialty, new.organisation, new.city);
        END""",
        """CREATE VIRTUAL TABLE note_fts USING fts5(
            insights, content='call_notes', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
        """CREATE TRIGGER call_notes_ai AFTER INSERT ON call_notes BEGIN
            INSERT INTO note_fts(rowid, insights) VALUES (new.rowid, new.insights);
        END""",
        """CREATE TRIGGER call_notes_ad AFTER DELETE ON call_notes BEGIN
            INSERT INTO note_fts(note_fts, rowid, insights)
            VALUES ('delete', old.rowid, old.insights);
        END""",
        """CREATE TRIGGER call_notes_au AFTER UPDATE OF insights ON call_notes BEGIN
            INSERT INTO note_fts(note_fts, rowid, insights)
            VALUES ('delete', old.rowid, old.insights);
            INSERT INTO note_fts(rowid, insights) VALUES (new.rowid, new.insights);
        END""",
        # Index whatever an earlier version already held.
        "INSERT INTO hcp_fts(hcp_fts) VALUES ('rebuild')",
        "INSERT INTO note_fts(note_fts) VALUES ('rebuild')",
    ],
)

PLANS_FEEDBACK_SEGMENTS = Migration(
    "0003_plans_feedback_segments",
    [
        """CREATE TABLE visit_plans (
            id TEXT PRIMARY KEY,
            hcp_id TEXT NOT NULL,
            planned_date TEXT NOT NULL,
            planned_time TEXT,
            duration_minutes INTEGER NOT NULL DEFAULT 30,
            channel TEXT NOT NULL DEFAULT 'visit',
            route_order INTEGER,
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'planned',
            suggestion_id TEXT,
            version INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ix_visit_plans_date ON visit_plans(planned_date)",
        """CREATE TABLE suggestion_feedback (
            id TEXT PRIMARY KEY,
            suggestion_id TEXT NOT NULL,
            hcp_id TEXT NOT NULL,
            action TEXT NOT NULL,
            created_at TEXT NOT NULL,
            channel TEXT,
            message_id TEXT,
            reason TEXT,
            snooze_until TEXT,
            comment TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX ix_feedback_hcp ON suggestion_feedback(hcp_id, created_at)",
        """CREATE TABLE segments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            tone TEXT NOT NULL DEFAULT '',
            evidence_type TEXT NOT NULL DEFAULT '',
            preferred_channels TEXT NOT NULL DEFAULT '[]',
            tips TEXT NOT NULL DEFAULT '[]'
        )""",
        """CREATE TABLE hcp_segment_mix (
            hcp_id TEXT PRIMARY KEY,
            weights TEXT NOT NULL,
            confidence REAL NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'estimate',
            evidence TEXT NOT NULL DEFAULT '[]',
            version INTEGER NOT NULL DEFAULT 0
        )""",
        "ALTER TABLE call_notes ADD COLUMN conflict_of TEXT",
    ],
)

COACHING_COMMENTS = Migration(
    "0004_coaching_comments",
    [
        """CREATE TABLE coaching_comments (
            id TEXT PRIMARY KEY,
            rep_username TEXT NOT NULL,
            call_note_id TEXT,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ix_coaching_comments_note ON coaching_comments(call_note_id)",
    ],
)

# Search by relevance: surnames, first names, alternate names, ids and postcodes apart;
# apostrophes and hyphens folded (the DDL is long, so it lives in its own module).
NAME_SEARCH = Migration("0005_search_by_relevance", name_search.STATEMENTS)

# The company's catalogues and rules come from the server: messages gain their validity
# and withdrawal; every kind is kept whole as the server sent it.
COMPANY_CATALOGUES = Migration(
    "0006_company_catalogues",
    [
        "ALTER TABLE approved_messages ADD COLUMN valid_from TEXT",
        "ALTER TABLE approved_messages ADD COLUMN valid_until TEXT",
        "ALTER TABLE approved_messages ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE catalogue_documents (
            kind TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            data TEXT NOT NULL
        )""",
    ],
)

# Adverse-event reports the rep writes from a call note (issue 13): drafts stay here;
# sent ones also go up through the outbox, ahead of everything else.
ADVERSE_EVENT_REPORTS = Migration(
    "0007_adverse_event_reports",
    [
        """CREATE TABLE adverse_event_reports (
            id TEXT PRIMARY KEY,
            hcp_id TEXT NOT NULL,
            call_note_id TEXT,
            reporter TEXT NOT NULL DEFAULT '',
            patient_initials TEXT NOT NULL DEFAULT '',
            patient_age TEXT NOT NULL DEFAULT '',
            patient_sex TEXT NOT NULL DEFAULT 'unknown',
            product TEXT NOT NULL DEFAULT '',
            event TEXT NOT NULL DEFAULT '',
            onset TEXT NOT NULL DEFAULT '',
            aware_at TEXT NOT NULL,
            deadline_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            submitted_at TEXT
        )""",
        "CREATE INDEX ix_adverse_event_reports_note ON adverse_event_reports(call_note_id)",
    ],
)

# Coaching (issue 12): comments on a week and field-coaching visits with rated skills;
# the rep's acknowledgement, synced back to the manager.
COACHING_ACKNOWLEDGED = Migration(
    "coaching_weeks_visits_and_acknowledgements",
    [
        "ALTER TABLE coaching_comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment'",
        "ALTER TABLE coaching_comments ADD COLUMN day TEXT",
        "ALTER TABLE coaching_comments ADD COLUMN skills TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE coaching_comments ADD COLUMN acknowledged_at TEXT",
        "CREATE INDEX ix_coaching_comments_rep ON coaching_comments(rep_username, created_at)",
    ],
)

# Team reports (issue 12): whose plan or suggestion decision a record is, as the feed now
# says (a manager's device holds the whole team's); "" on a rep's own unsynced records.
RECORD_OWNERS = Migration(
    "plan_and_feedback_owners",
    [
        "ALTER TABLE visit_plans ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE suggestion_feedback ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
    ],
)


def _carry_held_changes_over(conn: Connection) -> None:
    """Held changes were JSON under `held:<entity>:<id>` keys of `sync_state`: move them."""
    rows = conn.execute(text("SELECT key, value FROM sync_state WHERE key LIKE 'held:%'")).all()
    for key, value in rows:
        entity, _, entity_id = key.removeprefix("held:").partition(":")
        conn.execute(
            text("INSERT OR REPLACE INTO held_changes VALUES (:entity, :entity_id, :change)"),
            {"entity": entity, "entity_id": entity_id, "change": value},
        )
    conn.execute(text("DELETE FROM sync_state WHERE key LIKE 'held:%'"))


# Issue 11: pulled changes held back by pending local edits get a table of their own.
HELD_CHANGES = Migration(
    "held_changes_table",
    [
        """CREATE TABLE held_changes (
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            change TEXT NOT NULL,
            PRIMARY KEY (entity, entity_id)
        )""",
    ],
    run=_carry_held_changes_over,
)

# An HCP realigned out of the territory leaves the device, but the rep's notes about it
# stay (the server keeps them in the author's feed): its last known record is kept
# beside them, for the call log's name and the do-not-contact check of a late submit.
FORMER_HCPS = Migration(
    "former_hcps",
    [
        """CREATE TABLE former_hcps (
            id TEXT PRIMARY KEY,
            record TEXT NOT NULL,
            left_at TEXT
        )""",
    ],
)

# An HCP realigned into the territory comes with its calls by the former rep (their
# dates, channels, messages and outcomes; not their text), so its gaps and caps hold.
HCP_CONTACTS = Migration(
    "hcp_contacts",
    [
        """CREATE TABLE hcp_contacts (
            id TEXT PRIMARY KEY,
            hcp_id TEXT NOT NULL,
            author TEXT NOT NULL,
            channel TEXT NOT NULL,
            started_at TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            outcome TEXT,
            products TEXT NOT NULL,
            key_messages TEXT NOT NULL
        )""",
        "CREATE INDEX ix_hcp_contacts_hcp ON hcp_contacts (hcp_id)",
    ],
)

MIGRATIONS: list[Migration] = [
    INITIAL,
    SEARCH,
    PLANS_FEEDBACK_SEGMENTS,
    COACHING_COMMENTS,
    NAME_SEARCH,
    COMPANY_CATALOGUES,
    ADVERSE_EVENT_REPORTS,
    COACHING_ACKNOWLEDGED,
    RECORD_OWNERS,
    HELD_CHANGES,
    FORMER_HCPS,
    HCP_CONTACTS,
]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    exists = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'")
    ).first()
    if not exists:
        return 0
    return int(conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar_one())


def migrate(conn: Connection, *, applied_at: datetime, upto: int | None = None) -> list[str]:
    """Apply pending migrations (up to version `upto`); returns the names applied.
    `applied_at` (the workspace clock's now) is recorded with each one.

    The caller owns the transaction: all migrations applied here commit together.
    """
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    )
    version = current_version(conn)
    target = SCHEMA_VERSION if upto is None else upto
    if version > SCHEMA_VERSION:
        from fieldrep.store.engine import StoreError

        raise StoreError(
            f"This workspace was written by a newer Fieldrep (schema {version}); "
            "update the app to open it."
        )
    applied = []
    for number, migration in enumerate(MIGRATIONS[version:target], start=version + 1):
        for statement in migration.statements:
            conn.execute(text(statement))
        if migration.run is not None:
            migration.run(conn)
        conn.execute(
            text("INSERT INTO schema_migrations VALUES (:v, :n, :t)"),
            {"v": number, "n": migration.name, "t": applied_at.astimezone(UTC).isoformat()},
        )
        applied.append(migration.name)
    return applied
