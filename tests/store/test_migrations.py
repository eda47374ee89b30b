"""Upgrades keep every record and the outbox; the DDL and the query tables agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from fieldrep.clock import Clock
from fieldrep.security import keys
from fieldrep.store import held_changes
from fieldrep.store.engine import create_encrypted_engine
from fieldrep.store.migrations import MIGRATIONS, SCHEMA_VERSION, current_version, migrate
from fieldrep.store.schema import metadata
from fieldrep.store.transactions import Store
from fieldrep.sync.apply import apply_page, release_held
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE

FIRST_RELEASE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def write_version_1_workspace(data_dir: Path) -> None:
    """A workspace as the first release wrote it: schema 1, an HCP, a note, a pending change."""
    data_dir.mkdir(parents=True)
    key = keys.new_key(data_dir, passphrase=PASSPHRASE)
    engine = create_encrypted_engine(Workspace.database_path(data_dir), key)
    clock = Clock.frozen(FIRST_RELEASE)
    with Store(engine, clock).write() as conn:
        migrate(conn, applied_at=clock.now(), upto=1)
        conn.execute(
            text(
                "INSERT INTO hcps (id, external_id, name, specialty, organisation, city) "
                "VALUES ('h1', 'E1', 'Grace Okafor', 'Cardiology', 'Salem Heart Center', 'Salem')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO call_notes (id, hcp_id, author, channel, started_at, "
                "duration_minutes, insights) VALUES ('n1', 'h1', 'rep1', 'visit', "
                ":t, 20, 'Wants the titration leaflet')"
            ),
            {"t": datetime(2026, 1, 5, 9, 30, tzinfo=UTC).isoformat()},
        )
        conn.execute(
            text(
                "INSERT INTO outbox (mutation_id, entity, entity_id, op, fields, created_at) "
                "VALUES ('m1', 'call_note', 'n1', 'create', '{\"insights\": \"x\"}', :t)"
            ),
            {"t": datetime(2026, 1, 5, tzinfo=UTC).isoformat()},
        )
    engine.dispose()


def test_opening_a_version_1_workspace_upgrades_it_and_keeps_data_and_outbox(
    data_dir: Path,
) -> None:
    write_version_1_workspace(data_dir)

    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        status = ws.status()
        assert status.schema_version == SCHEMA_VERSION
        assert status.hcps == 1
        assert status.call_notes == 1
        assert [m.mutation_id for m in ws.pending_mutations()] == ["m1"]
        # Data written before search existed is searchable after the upgrade.
        assert [h.id for h in ws.hcps.search("titra")] == ["h1"]
        assert [h.id for h in ws.hcps.search("okaf")] == ["h1"]
        assert ws.plans.for_week(datetime(2026, 1, 5).date()) == []


def test_new_outbox_rows_never_reuse_an_old_mutation_seq(data_dir: Path) -> None:
    write_version_1_workspace(data_dir)
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        old_seq = ws.pending_mutations()[0].seq
        ws.hcps.set_preferred_channel("h1", None)
        assert [m.seq for m in ws.pending_mutations()] == [old_seq, old_seq + 1]


def test_migrations_are_recorded_by_name(workspace: Workspace) -> None:
    with workspace.store.read() as conn:
        names = conn.execute(text("SELECT name FROM schema_migrations ORDER BY version")).scalars()
        assert list(names) == [m.name for m in MIGRATIONS]
        assert current_version(conn) == SCHEMA_VERSION


def test_query_tables_match_the_migrated_schema(workspace: Workspace) -> None:
    inspector = inspect(workspace.engine)
    for table in metadata.sorted_tables:
        on_disk = {c["name"] for c in inspector.get_columns(table.name)}
        assert on_disk == {c.name for c in table.columns}, table.name


def test_held_changes_written_the_old_way_are_carried_into_their_table(data_dir: Path) -> None:
    """Before `held_changes_table`, a pulled change held back by a pending local edit was
    JSON in `sync_state` under `held:<entity>:<id>`; an upgrade keeps it, and it still
    restores the server's state once the local edit is gone (rejected and discarded)."""
    held_at = next(i for i, m in enumerate(MIGRATIONS) if m.name == "held_changes_table")
    data_dir.mkdir(parents=True)
    key = keys.new_key(data_dir, passphrase=PASSPHRASE)
    engine = create_encrypted_engine(Workspace.database_path(data_dir), key)
    clock = Clock.frozen(FIRST_RELEASE)
    server_name = Change(
        seq=41, entity=Entity.HCP, entity_id="h:1", op=Op.UPDATE, version=3,
        data={"external_id": "E1", "name": "OKAFOR, GRACE", "territory_id": "T1"},
    )  # fmt: skip
    with Store(engine, clock).write() as conn:
        migrate(conn, applied_at=clock.now(), upto=held_at)
        conn.execute(
            text(
                "INSERT INTO hcps (id, external_id, name, territory_id, version) "
                "VALUES ('h:1', 'E1', 'Grace Okafor (my edit)', 'T1', 2)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO outbox (mutation_id, entity, entity_id, op, fields, created_at, "
                "state, reason) VALUES ('m1', 'hcp', 'h:1', 'update', '{\"name\": \"x\"}', :t, "
                "'rejected', 'master data is the server''s')"
            ),
            {"t": FIRST_RELEASE.isoformat()},
        )
        conn.execute(
            text("INSERT INTO sync_state VALUES (:k, :v), ('cursor', '41')"),
            {"k": "held:hcp:h:1", "v": server_name.model_dump_json()},
        )
    engine.dispose()

    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        with ws.store.read() as conn:
            assert held_changes.held(conn) == [server_name]
            keys_left = conn.execute(text("SELECT key FROM sync_state")).scalars().all()
        assert not [k for k in keys_left if k.startswith("held:")]
        assert ws.state("cursor") == "41"
        (rejected,) = ws.rejected_mutations()
        ws.discard_rejected(rejected.seq)
        with ws.store.write() as conn:
            assert release_held(conn) == 1
            assert held_changes.held(conn) == []
        assert ws.hcps.get("h:1").name == "OKAFOR, GRACE"


def test_a_workspace_from_before_former_hcps_keeps_its_notes_when_an_hcp_leaves(
    data_dir: Path,
) -> None:
    """The `former_hcps` upgrade: a version-1 workspace's note outlives its HCP's tombstone."""
    write_version_1_workspace(data_dir)
    with Workspace.open(data_dir, passphrase=PASSPHRASE) as ws:
        with ws.store.write() as conn:
            apply_page(conn, [Change(seq=1, entity=Entity.HCP, entity_id="h1", op=Op.DELETE,
                                     version=2, data=None)], now=FIRST_RELEASE)  # fmt: skip
        assert [n.id for n in ws.calls.all()] == ["n1"]
        subject = ws.note_subjects.get("h1")
        assert subject is not None and subject.hcp.name == "Grace Okafor"
        assert not subject.in_territory
