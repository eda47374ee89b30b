"""The current local schema as SQLAlchemy Core tables, for queries.

The DDL lives in `migrations.py`; `tests/store/test_migrations.py` checks that the two
agree. JSON columns are TEXT holding JSON.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class JsonText(TypeDecorator[Any]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        del dialect
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        del dialect
        return None if value is None else json.loads(value)


metadata = MetaData()

hcps = Table(
    "hcps",
    metadata,
    Column("id", Text, primary_key=True),
    Column("external_id", Text, nullable=False),
    Column("npi", Text),
    Column("name", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("specialty", Text, nullable=False, default=""),
    Column("organisation", Text, nullable=False, default=""),
    Column("address", Text, nullable=False, default=""),
    Column("city", Text, nullable=False, default=""),
    Column("postcode", Text, nullable=False, default=""),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("tier", Text, nullable=False, default="C"),
    Column("decile", Integer, nullable=False, default=5),
    Column("patient_volume", Integer, nullable=False, default=0),
    Column("consents", JsonText, nullable=False, default=dict),
    Column("preferred_channel", Text),
    Column("do_not_contact", Integer, nullable=False, default=0),
    Column("territory_id", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False, default=0),
    Column("alternate_names", JsonText, nullable=False, default=list),
)

call_notes = Table(
    "call_notes",
    metadata,
    Column("id", Text, primary_key=True),
    Column("hcp_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("status", Text, nullable=False, default="draft"),
    Column("products", JsonText, nullable=False, default=list),
    Column("key_messages", JsonText, nullable=False, default=list),
    Column("attendees", JsonText, nullable=False, default=list),
    Column("outcome", Text),
    Column("sentiment", Text),
    Column("insights", Text, nullable=False, default=""),
    Column("follow_ups", JsonText, nullable=False, default=list),
    Column("suggestion_id", Text),
    Column("submitted_at", Text),
    Column("version", Integer, nullable=False, default=0),
    Column("conflict_of", Text),
)

approved_messages = Table(
    "approved_messages",
    metadata,
    Column("id", Text, primary_key=True),
    Column("product", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("theme", Text, nullable=False),
    Column("specialties", JsonText, nullable=False, default=list),
    Column("channels", JsonText, nullable=False, default=list),
    Column("valid_from", Text),
    Column("valid_until", Text),
    Column("withdrawn", Integer, nullable=False, default=0),
)

# The company's catalogues and rules as the server last sent them (one row per kind:
# products, messages, segments, contact_rules, specialty_map), `data` in wire form.
catalogue_documents = Table(
    "catalogue_documents",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", JsonText, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("mutation_id", Text, nullable=False, unique=True),
    Column("entity", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("op", Text, nullable=False),
    Column("fields", JsonText, nullable=False, default=dict),
    Column("base_version", Integer),
    Column("created_at", Text, nullable=False),
    Column("state", Text, nullable=False, default="pending"),
    Column("reason", Text),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# Pulled changes held back by pending local edits, one per record (`store.held_changes`).
held_changes = Table(
    "held_changes",
    metadata,
    Column("entity", Text, primary_key=True),
    Column("entity_id", Text, primary_key=True),
    Column("change", Text, nullable=False),  # the protocol's Change, as JSON
)

# HCPs that left the territory while call notes about them stay (`store.former_hcps`):
# the last known `hcps` row as JSON (its columns by name), and when the device saw it go.
former_hcps = Table(
    "former_hcps",
    metadata,
    Column("id", Text, primary_key=True),
    Column("record", JsonText, nullable=False),
    Column("left_at", Text),  # ISO 8601, the workspace clock; NULL when not known
)

# Calls with an HCP of this territory by a rep who does not hold it now (its former
# rep): pulled, read-only, without the note's text. They count as contacts for the
# contact rules and the engine (`segments.history`) like the rep's own submitted calls.
hcp_contacts = Table(
    "hcp_contacts",
    metadata,
    Column("id", Text, primary_key=True),  # the call note's id on the server
    Column("hcp_id", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False, default=0),
    Column("outcome", Text),
    Column("products", JsonText, nullable=False, default=list),
    Column("key_messages", JsonText, nullable=False, default=list),
)

visit_plans = Table(
    "visit_plans",
    metadata,
    Column("id", Text, primary_key=True),
    Column("hcp_id", Text, nullable=False),
    Column("planned_date", Text, nullable=False),
    Column("planned_time", Text),
    Column("duration_minutes", Integer, nullable=False, default=30),
    Column("channel", Text, nullable=False, default="visit"),
    Column("route_order", Integer),
    Column("notes", Text, nullable=False, default=""),
    Column("status", Text, nullable=False, default="planned"),
    Column("suggestion_id", Text),
    Column("version", Integer, nullable=False, default=0),
    Column("owner", Text, nullable=False, default=""),
)

suggestion_feedback = Table(
    "suggestion_feedback",
    metadata,
    Column("id", Text, primary_key=True),
    Column("suggestion_id", Text, nullable=False),
    Column("hcp_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("channel", Text),
    Column("message_id", Text),
    Column("reason", Text),
    Column("snooze_until", Text),
    Column("comment", Text, nullable=False, default=""),
    Column("owner", Text, nullable=False, default=""),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("tone", Text, nullable=False, default=""),
    Column("evidence_type", Text, nullable=False, default=""),
    Column("preferred_channels", JsonText, nullable=False, default=list),
    Column("tips", JsonText, nullable=False, default=list),
)

hcp_segment_mix = Table(
    "hcp_segment_mix",
    metadata,
    Column("hcp_id", Text, primary_key=True),
    Column("weights", JsonText, nullable=False),
    Column("confidence", Float, nullable=False, default=0.0),
    Column("source", Text, nullable=False, default="estimate"),
    Column("evidence", JsonText, nullable=False, default=list),
    Column("version", Integer, nullable=False, default=0),
)

coaching_comments = Table(
    "coaching_comments",
    metadata,
    Column("id", Text, primary_key=True),
    Column("rep_username", Text, nullable=False),
    Column("call_note_id", Text),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("version", Integer, nullable=False, default=0),
    Column("kind", Text, nullable=False, default="comment"),  # or "field_visit"
    Column("day", Text),  # a week's Monday, or a field visit's day
    Column("skills", JsonText, nullable=False, default=dict),  # field visit: skill -> 1..5
    Column("acknowledged_at", Text),  # when the rep acknowledged it
)

adverse_event_reports = Table(
    "adverse_event_reports",
    metadata,
    Column("id", Text, primary_key=True),
    Column("hcp_id", Text, nullable=False),
    Column("call_note_id", Text),
    Column("reporter", Text, nullable=False, default=""),
    Column("patient_initials", Text, nullable=False, default=""),
    Column("patient_age", Text, nullable=False, default=""),
    Column("patient_sex", Text, nullable=False, default="unknown"),
    Column("product", Text, nullable=False, default=""),
    Column("event", Text, nullable=False, default=""),
    Column("onset", Text, nullable=False, default=""),
    Column("aware_at", Text, nullable=False),
    Column("deadline_at", Text, nullable=False),
    Column("status", Text, nullable=False, default="draft"),
    Column("submitted_at", Text),
)
