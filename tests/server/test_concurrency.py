"""Correctness under concurrency (issue 18), against real PostgreSQL with four real
server processes on one database: the deployment the ordering lock, the exactly-once
ledger and the scoped feed were built for.

- a late-committing change is never skipped by a cursor, whether it comes from an
  exclusive writer (an import) or a push committing (and, without the lock, it would
  be: the same scenario run without it shows the skip, so the test can fail);
- a device's batch sent twice at once to two processes is applied once;
- pushes run side by side: one waiting for a row does not hold up another rep's, and
  two devices editing one note at once are ordered by the row lock (one edit applied,
  the other a conflict copy, never two "version 2");
- a realignment running during 50 pulls leaves every device with exactly its territory.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from sync_server import db
from sync_server.services import changelog
from sync_server.services.changelog import CHANGE_LOG_LOCK_KEY, LogRow
from sync_server.services.hcps import upsert_hcps
from tests.server.conftest import POSTGRES_ENV, _empty_postgres
from tests.server.processes import BIN, Server, servers
from tests.server.world import Api, Device, build_world, hcp_record, mutation, note_fields

# One worker runs the module, so its four servers start once (not once per xdist worker).
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("four-servers")]


@pytest.fixture(scope="module")
def four_servers(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[str, list[Server]]]:
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL to test against")
    url: str = request.getfixturevalue("postgres_database")
    workdir = tmp_path_factory.mktemp("four-servers")
    with servers(url, workdir, 4) as started:
        yield url, started


@pytest.fixture
def pg(four_servers: tuple[str, list[Server]]) -> tuple[str, list[Server]]:
    """The four servers over an emptied database holding the small world."""
    url, started = four_servers
    _empty_postgres(url)
    build_world(url)
    return url, started


def _clients(started: list[Server]) -> list[httpx.Client]:
    return [httpx.Client(base_url=s.url, timeout=60) for s in started]


def _pull_seqs(device: Device) -> list[int]:
    """Follow the device's cursor to the end; the seqs seen, in order."""
    seqs = []
    while True:
        page = device.pull_page(device.cursor, limit=5)
        seqs += [c["seq"] for c in page["changes"]]
        device.cursor = page["cursor"]
        if not page["has_more"]:
            return seqs


def _scope_seqs(url: str, scopes: list[str]) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT seq FROM change_log WHERE scope = ANY(:s) ORDER BY seq"), {"s": scopes}
        ).all()
    engine.dispose()
    return [r[0] for r in rows]


REP1_SCOPES = ["territory:T-NORTH", "user:rep1", "drafts:rep1", "all"]


def _slow_writer(url: str, *, locked: str) -> tuple[Any, Any]:
    """A writer that appends one change-log row and has not committed yet: an exclusive
    writer (an import: `lock_change_log`), a push at its end (the sequence lock alone),
    or one without the lock (what the lock prevents)."""
    engine = db.make_engine(url)
    session = db.session_factory(engine)()
    if locked == "exclusive":
        changelog.lock_change_log(session)
    elif locked == "sequence":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGE_LOG_LOCK_KEY})
    row = LogRow(changelog.Entity.HCP, "h-n1", changelog.Op.UPDATE, "territory:T-NORTH", 9,
                 {**hcp_record("h-n1", "T-NORTH"), "name": "Dr Late"})  # fmt: skip
    changelog.insert_rows(session, changelog.ChangeLogEntry, [_values(row)])

    def commit() -> None:
        session.commit()
        session.close()
        engine.dispose()

    return session, commit


def _values(row: LogRow) -> dict[str, Any]:
    from sync_server.services.callers import utcnow

    return {"entity": row.entity.value, "entity_id": row.entity_id, "op": row.op.value,
            "scope": row.scope, "version": row.version, "data": row.data,
            "created_at": utcnow()}  # fmt: skip


def _late_commit_scenario(url: str, started: list[Server], *, locked: str) -> list[list[int]]:
    """Readers on all four processes follow their cursors while a slow writer holds an
    uncommitted seq and a push on another process commits after it; returns what each
    reader saw."""
    clients = _clients(started)
    try:
        readers = [Api(c).login("rep1", f"reader-{n}") for n, c in enumerate(clients)]
        writer = Api(clients[0]).login("rep1", "writer")
        seen = [_pull_seqs(r) for r in readers]
        _, commit = _slow_writer(url, locked=locked)
        answers: list[httpx.Response] = []
        pushing = threading.Thread(
            target=lambda: answers.append(
                writer.push_raw([mutation(1, "call_note", "n-late", **note_fields("h-n2"))])
            )
        )
        pushing.start()
        pushing.join(2.0)  # with the lock, the push waits for the slow writer
        for reader, seqs in zip(readers, seen, strict=True):
            seqs.extend(_pull_seqs(reader))  # a pull while the early seq is uncommitted
        commit()
        pushing.join(30)
        assert answers and answers[0].status_code == 200, answers
        for reader, seqs in zip(readers, seen, strict=True):
            seqs.extend(_pull_seqs(reader))
        return seen
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("locked", ["exclusive", "sequence"])
def test_a_cursor_never_skips_a_change_that_commits_late(
    pg: tuple[str, list[Server]], locked: str
) -> None:
    url, started = pg
    seen = _late_commit_scenario(url, started, locked=locked)
    expected = _scope_seqs(url, REP1_SCOPES)
    for seqs in seen:
        assert seqs == expected  # in order, none skipped, none twice


def test_without_the_ordering_lock_the_same_scenario_skips_the_late_change(
    pg: tuple[str, list[Server]],
) -> None:
    """The control: proves the scenario above can catch a skip."""
    url, started = pg
    seen = _late_commit_scenario(url, started, locked="none")
    expected = _scope_seqs(url, REP1_SCOPES)
    assert all(seqs != expected and set(seqs) < set(expected) for seqs in seen)


def test_one_batch_sent_to_two_processes_at_once_is_applied_exactly_once(
    pg: tuple[str, list[Server]],
) -> None:
    url, started = pg
    clients = _clients(started)
    try:
        token_holder = Api(clients[0]).login("rep1", "laptop")
        twins = [Device(c, "laptop", token_holder.token) for c in clients[:2]]
        total = 0
        for round_ in range(6):
            batch = [
                mutation(round_ * 40 + i + 1, "call_note", f"n-{round_}-{i}",
                         **note_fields(f"h-n{i % 3 + 1}"))
                for i in range(40)
            ]  # fmt: skip
            total += len(batch)
            barrier = threading.Barrier(2)
            answers: list[list[dict[str, Any]]] = [[], []]

            def send(
                n: int,
                batch: list[dict[str, Any]] = batch,
                barrier: threading.Barrier = barrier,
                answers: list[list[dict[str, Any]]] = answers,
            ) -> None:
                barrier.wait()
                answers[n] = twins[n].push(*batch)

            threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            for first, second in zip(*answers, strict=True):
                assert sorted([first["status"], second["status"]]) == ["applied", "duplicate"]
    finally:
        for client in clients:
            client.close()
    engine = create_engine(url)
    with engine.connect() as conn:
        notes = conn.execute(text("SELECT count(*) FROM call_notes")).scalar_one()
        logged = conn.execute(
            text("SELECT count(*), count(DISTINCT entity_id) FROM change_log "
                 "WHERE entity = 'call_note'")
        ).one()  # fmt: skip
        ledger = conn.execute(text("SELECT count(*) FROM mutation_outcomes")).scalar_one()
        device = conn.execute(
            text("SELECT mutations_applied, mutations_duplicate, last_applied_seq FROM devices "
                 "WHERE id = 'laptop'")
        ).one()  # fmt: skip
    engine.dispose()
    assert notes == total and tuple(logged) == (total, total) and ledger == total
    assert tuple(device) == (total, total, total)


def _hold_note_row(url: str, note_id: str) -> tuple[Any, Any]:
    """Another transaction holding a note's row lock (as a slow push editing it would)."""
    engine = create_engine(url)
    conn = engine.connect()
    conn.begin()
    conn.execute(text("SELECT id FROM call_notes WHERE id = :i FOR UPDATE"), {"i": note_id})

    def release() -> None:
        conn.rollback()
        conn.close()
        engine.dispose()

    return conn, release


def _push_in_thread(device: Device, *mutations: dict[str, Any]) -> tuple[threading.Thread, list]:
    answers: list[list[dict[str, Any]]] = []
    thread = threading.Thread(target=lambda: answers.append(device.push(*mutations)))
    thread.start()
    return thread, answers


def test_a_push_waiting_for_a_row_does_not_hold_up_another_reps_push(
    pg: tuple[str, list[Server]],
) -> None:
    """The change log's sequence lock is taken at a push's end: rep1's push, stuck on a
    row another transaction holds, leaves rep2's push (on another process) free to land.
    With the lock held from a push's start, rep2 would wait for rep1's row too."""
    url, started = pg
    clients = _clients(started)
    try:
        rep1 = Api(clients[0]).login("rep1", "rep1-laptop")
        rep2 = Api(clients[1]).login("rep2", "rep2-laptop")
        assert rep1.push(mutation(1, "call_note", "n-held", **note_fields("h-n1")))[0][
            "status"] == "applied"  # fmt: skip
        _, release = _hold_note_row(url, "n-held")
        try:
            stuck, stuck_answers = _push_in_thread(
                rep1, mutation(2, "call_note", "n-held", op="update", base_version=1,
                               insights="Edited while the row is held.")
            )  # fmt: skip
            time.sleep(1.0)  # rep1's push is now waiting for the row
            assert stuck.is_alive() and not stuck_answers
            began = time.monotonic()
            landed = rep2.push(mutation(1, "call_note", "n-south", **note_fields("h-s1")))
            took = time.monotonic() - began
            assert landed[0]["status"] == "applied"
            assert took < 5.0, f"rep2's push waited {took:.1f} s behind rep1's"
            assert stuck.is_alive()  # still waiting: rep2 did not get in by luck
        finally:
            release()
        stuck.join(30)
        assert stuck_answers and stuck_answers[0][0]["status"] == "applied"
    finally:
        for client in clients:
            client.close()


def test_two_devices_editing_one_note_at_once_are_ordered_by_the_row_lock(
    pg: tuple[str, list[Server]],
) -> None:
    """Both edits start from version 1 and reach two processes together: one becomes
    version 2, the other is kept as a conflict copy (never two version 2s, nothing lost)."""
    url, started = pg
    clients = _clients(started)
    try:
        laptop = Api(clients[0]).login("rep1", "rep1-laptop")
        tablet = Api(clients[1]).login("rep1", "rep1-tablet")
        laptop.push(mutation(1, "call_note", "n-shared", **note_fields("h-n1")))
        _, release = _hold_note_row(url, "n-shared")
        try:
            edits = [
                _push_in_thread(device, mutation(seq, "call_note", "n-shared", op="update",
                                                 base_version=1, insights=f"From the {name}."))
                for device, seq, name in ((laptop, 2, "laptop"), (tablet, 1, "tablet"))
            ]  # fmt: skip
            time.sleep(1.0)  # both are waiting for the row
        finally:
            release()
        for thread, _ in edits:
            thread.join(30)
        results = [answers[0][0] for _, answers in edits]
    finally:
        for client in clients:
            client.close()
    assert [r["status"] for r in results] == ["applied", "applied"]
    copies = [r["conflict_copy_id"] for r in results if r["conflict_copy_id"]]
    assert len(copies) == 1, results
    assert sorted(r["version"] for r in results) == [2, 2]  # the copy answers the version kept
    engine = create_engine(url)
    with engine.connect() as conn:
        version, insights = conn.execute(
            text("SELECT version, data->>'insights' FROM call_notes WHERE id = 'n-shared'")
        ).one()
        copy = conn.execute(
            text("SELECT data->>'insights' FROM call_notes WHERE id = :c"), {"c": copies[0]}
        ).scalar_one()
        logged = (
            conn.execute(
                text("SELECT version FROM change_log WHERE entity_id = 'n-shared' ORDER BY seq")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert version == 2 and logged == [1, 2]
    assert {insights, copy} == {"From the laptop.", "From the tablet."}


@pytest.mark.parametrize("same", [True, False], ids=["same-note", "different-notes"])
def test_two_devices_creating_one_id_at_once_store_one_record(
    pg: tuple[str, list[Server]], same: bool
) -> None:
    """A create locks nothing (there is no row yet): the second insert meets the first at
    the primary key and its push is redone one savepoint per mutation. The same note from
    both devices is stored once and both are told it is applied; two different notes
    under one id keep the first and refuse the second, by name."""
    url, started = pg
    clients = _clients(started)
    try:
        laptop = Api(clients[0]).login("rep1", "rep1-laptop")
        tablet = Api(clients[1]).login("rep1", "rep1-tablet")
        results: list[dict[str, Any]] = []
        for round_ in range(5):
            barrier = threading.Barrier(2)
            answers: list[list[dict[str, Any]]] = [[], []]

            def send(
                n: int,
                device: Device,
                barrier: threading.Barrier = barrier,
                answers: list[list[dict[str, Any]]] = answers,
                round_: int = round_,
            ) -> None:
                words = "Both wrote this." if same else f"Device {n} wrote this."
                create = mutation(round_ + 1, "call_note", f"n-twice-{round_}",
                                  **note_fields("h-n1", insights=words))  # fmt: skip
                barrier.wait()
                answers[n] = device.push(create)

            threads = [threading.Thread(target=send, args=(n, d))
                       for n, d in enumerate((laptop, tablet))]  # fmt: skip
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            results += [answers[0][0], answers[1][0]]
    finally:
        for client in clients:
            client.close()
    statuses = sorted(r["status"] for r in results)
    if same:
        assert statuses == ["applied"] * 10
    else:
        assert statuses == ["applied"] * 5 + ["rejected"] * 5
        assert all("in use" in r["reason"] for r in results if r["status"] == "rejected")
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM call_notes WHERE id LIKE 'n-twice-%'")
        ).scalar_one()
        logged = conn.execute(
            text("SELECT count(*) FROM change_log WHERE entity_id LIKE 'n-twice-%'")
        ).scalar_one()
    engine.dispose()
    assert stored == 5 and logged == 5


NORTH = [f"hn-{i:03d}" for i in range(120)]
SOUTH = [f"hs-{i:03d}" for i in range(120)]


def _territory_hcps(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT territory_id, id FROM hcps")).all()
    engine.dispose()
    found: dict[str, set[str]] = {}
    for territory, hcp in rows:
        found.setdefault(territory, set()).add(hcp)
    return found


def test_a_realignment_during_fifty_pulls_leaves_every_device_with_exactly_its_territory(
    pg: tuple[str, list[Server]], tmp_path: Path
) -> None:
    url, started = pg
    engine = db.make_engine(url)
    with db.transaction(db.session_factory(engine)) as session:
        upsert_hcps(session, [hcp_record(h, "T-NORTH") for h in NORTH]
                    + [hcp_record(h, "T-SOUTH") for h in SOUTH])  # fmt: skip
    engine.dispose()
    # Move 60 north HCPs south and 30 south ones north, in one alignment file.
    moves = [(h, "T-SOUTH") for h in NORTH[::2]] + [(h, "T-NORTH") for h in SOUTH[::4]]
    alignment = tmp_path / "alignment.csv"
    alignment.write_text("hcp_id,territory_id\n" + "".join(f"{h},{t}\n" for h, t in moves))
    clients = _clients(started)
    try:
        devices = [
            Api(clients[n % 4]).login(rep, f"{rep}-device-{n}")
            for n, rep in enumerate(["rep1", "rep2"] * 4)
        ]
        for device in devices:
            device.sync_down(limit=50)
        pulls = 0
        lock = threading.Lock()
        errors: list[BaseException] = []
        realigned = threading.Event()

        def pull_while_realigning(device: Device) -> None:
            nonlocal pulls
            try:
                while True:
                    with lock:
                        if pulls >= 50 and realigned.is_set():
                            return
                        pulls += 1
                    page = device.pull_page(device.cursor, limit=40)
                    for change in page["changes"]:
                        key = (change["entity"], change["entity_id"])
                        if change["op"] == "delete":
                            device.records.pop(key, None)
                        else:
                            device.records[key] = change["data"]
                    device.cursor = page["cursor"]
                    time.sleep(0.05)  # a rep's pace, and CPU left for the realignment
            except BaseException as error:  # surfaced below
                errors.append(error)

        threads = [threading.Thread(target=pull_while_realigning, args=(d,)) for d in devices]
        for thread in threads:
            thread.start()
        done = subprocess.run(
            [BIN, "--database-url", url, "assign", str(alignment)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        realigned.set()
        for thread in threads:
            thread.join(120)
        assert done.returncode == 0, done.stderr
        assert not errors, errors
        assert pulls >= 50
        for device in devices:
            device.sync_down(limit=40)  # the rest of the feed
    finally:
        for client in clients:
            client.close()
    now = _territory_hcps(url)
    assert len(now["T-SOUTH"] & set(NORTH)) == 60
    territory = {"rep1": "T-NORTH", "rep2": "T-SOUTH"}
    for device in devices:
        rep = device.device_id.split("-")[0]
        assert device.ids("hcp") == now[territory[rep]], device.device_id
