"""Handshake, push and pull: the three sync calls, with the device's bookkeeping.

Push applies each mutation exactly once. The device's `last_applied_seq` and each
mutation's outcome are written in the same transaction as the mutation's effects, so a
crash either keeps all three or none; a replayed mutation (seq <= last applied) is
answered `duplicate` with its original outcome and is not applied again. A rejection
touches only its own mutation and never blocks the ones after it.

Pushes from different devices run side by side on PostgreSQL: each holds the writers'
gate shared, its device row and the rows it changes (`push_locks`), and takes the
change log's sequence lock only to write its log rows and commit (`changelog`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import insert, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import (
    MAX_CLIENT_SCHEMA,
    MIN_CLIENT_SCHEMA,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    Entity,
    Handshake,
    HandshakeResult,
    Mutation,
    MutationResult,
    MutationStatus,
    PushRequest,
    PushResponse,
    catalogue_data_for,
    catalogue_kind_known,
    entity_known,
)
from sync_server.clock import as_utc as _aware
from sync_server.errors import Forbidden, Invalid, Rejected, UpdateRequired
from sync_server.models import Device, MutationOutcome
from sync_server.services import (
    adverse_events,
    audit,
    call_notes,
    changelog,
    goals,
    hcps,
    personal,
    prefetch,
)
from sync_server.services.callers import MANAGER, Caller, utcnow
from sync_server.services.outcome import Outcome
from sync_server.services.push_locks import lock_targets
from sync_server.services.safe_text import bounded, printable, unstorable

log = logging.getLogger(__name__)

Applier = Callable[[Session, Caller, Mutation], Outcome]


def _apply_hcp(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    version = hcps.apply_rep_change(
        session, caller, mutation.entity_id, mutation.op, mutation.fields
    )
    return Outcome(version)


def _pulled_only(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    """Catalogues and contacts come from the server; a device pushing one is refused (it
    was a KeyError, so a 500, for a catalogue)."""
    del session, caller
    raise Rejected(f"A device cannot send {mutation.entity.value} records; the server sends them.")


APPLIERS: dict[Entity, Applier] = {
    Entity.CATALOGUE: _pulled_only,
    Entity.HCP_CONTACT: _pulled_only,
    Entity.HCP: _apply_hcp,
    Entity.CALL_NOTE: call_notes.apply,
    Entity.VISIT_PLAN: personal.apply_visit_plan,
    Entity.SUGGESTION_FEEDBACK: personal.apply_feedback,
    Entity.SEGMENT_MIX: personal.apply_segment_mix,
    Entity.COACHING_COMMENT: personal.apply_coaching_comment,
    Entity.ADVERSE_EVENT_REPORT: adverse_events.apply,
}


def check_versions(protocol_version: int, schema_version: int | None = None) -> None:
    """UpdateRequired when the client is outside what this server speaks."""
    if protocol_version < MIN_PROTOCOL_VERSION:
        raise UpdateRequired(
            f"This version of Fieldrep is too old for the server (protocol {protocol_version}, "
            f"needs {MIN_PROTOCOL_VERSION} or newer). Update the app; your unsynced changes "
            "are kept and will sync after the update."
        )
    if protocol_version > PROTOCOL_VERSION:
        raise UpdateRequired(
            f"The server is older than this app (protocol {protocol_version}, server speaks "
            f"up to {PROTOCOL_VERSION}). Ask your administrator to update the server."
        )
    if schema_version is not None and not MIN_CLIENT_SCHEMA <= schema_version <= MAX_CLIENT_SCHEMA:
        raise UpdateRequired(
            f"This app's database version ({schema_version}) is not supported by the server "
            f"({MIN_CLIENT_SCHEMA}-{MAX_CLIENT_SCHEMA}). Update the app; your unsynced "
            "changes are kept."
        )


def _device(session: Session, caller: Caller, device_id: str, *, lock: bool = False) -> Device:
    if device_id != caller.device_id:
        raise Forbidden("This token belongs to another device; log in again on this device.")
    device = session.get(Device, caller.device_id, with_for_update=lock)
    assert device is not None  # the token was just looked up through it
    return device


def handshake(session: Session, *, caller: Caller, request: Handshake) -> HandshakeResult:
    """Marks the start of a sync for this device (the `devices` report times it)."""
    check_versions(request.protocol_version, request.schema_version)
    if unstorable(request.client_version) or unstorable(request.device_id):
        raise Invalid(
            "Invalid request: client_version or device_id holds characters that cannot be "
            "stored (NUL or an unpaired surrogate)."
        )
    device = _device(session, caller, request.device_id)
    now = utcnow()
    device.protocol_version = request.protocol_version
    device.schema_version = request.schema_version
    device.client_version = request.client_version[:50]
    device.sync_started_at = now
    device.last_seen_at = now
    goals.publish_for(session, caller)  # the pull that follows carries it, if it changed
    session.commit()
    return HandshakeResult(
        protocol_version=PROTOCOL_VERSION,
        username=caller.username,
        role=caller.role,
        territories=sorted(caller.territories),
        last_applied_seq=device.last_applied_seq,
    )


def _prior_outcomes(
    session: Session, device_id: str, seqs: list[int]
) -> dict[int, MutationOutcome]:
    if not seqs:
        return {}
    query = select(MutationOutcome).where(
        MutationOutcome.device_id == device_id, MutationOutcome.mutation_seq.in_(seqs)
    )
    return {o.mutation_seq: o for o in session.scalars(query)}


def _replayed(prior: MutationOutcome, mutation: Mutation) -> MutationResult:
    return MutationResult(
        mutation_seq=mutation.mutation_seq,
        status=MutationStatus.DUPLICATE,
        reason=prior.reason,
        version=prior.version,
        conflict_copy_id=prior.conflict_copy_id,
        original_status=MutationStatus(prior.status),
    )


def _seq_reused(mutation: Mutation) -> MutationResult:
    return MutationResult(
        mutation_seq=mutation.mutation_seq,
        status=MutationStatus.REJECTED,
        reason=(
            f"This device already sent a different change numbered {mutation.mutation_seq} "
            "(was its data folder restored from a backup or copied?). The change was not "
            "applied; enter it again, or sign this folder in as a new device."
        ),
    )


def describe_refusal(error: IntegrityError | DataError) -> str:
    """The exception class and, where the driver says, the constraint: never values."""
    driver = error.orig
    parts = [type(error).__name__]
    if driver is not None:
        parts.append(type(driver).__name__)
    diag = getattr(driver, "diag", None)  # psycopg: names the constraint, not the values
    constraint = getattr(diag, "constraint_name", None)
    sqlstate = getattr(driver, "sqlstate", None)
    errorname = getattr(driver, "sqlite_errorname", None)  # sqlite3: SQLITE_CONSTRAINT_...
    for label, value in (("constraint", constraint), ("sqlstate", sqlstate), ("", errorname)):
        if value:
            parts.append(f"{label} {value}".strip())
    return ", ".join(parts)


UNSTORABLE = (
    "This change holds characters the server cannot store (a NUL byte or an unpaired "
    "surrogate) in an id, a field name or a value; it was not applied."
)


class _NotClean(Exception):
    """A rejected mutation left something in the session: redo the batch with savepoints."""


def _apply_one(
    session: Session, caller: Caller, mutation: Mutation, *, savepoint: bool
) -> MutationResult:
    """Apply one mutation. With `savepoint`, a database refusal rolls back this mutation
    alone; without (the fast path), the appliers check everything before they write, so
    a rejection has nothing to undo, and a database refusal aborts the fast path."""
    if unstorable(mutation.entity_id) or unstorable(mutation.fields):
        return MutationResult(
            mutation_seq=mutation.mutation_seq, status=MutationStatus.REJECTED, reason=UNSTORABLE
        )
    buffer: list[changelog.LogRow] = session.info[changelog.BUFFER_KEY]
    mark = len(buffer)
    pending = (len(session.new), len(session.deleted))
    try:
        if savepoint:
            with session.begin_nested():
                outcome = APPLIERS[mutation.entity](session, caller, mutation)
        else:
            outcome = APPLIERS[mutation.entity](session, caller, mutation)
    except Rejected as rejected:
        del buffer[mark:]  # the savepoint rolled back (or nothing was written); so do its rows
        if not savepoint and (len(session.new), len(session.deleted)) != pending:
            raise _NotClean from None
        return MutationResult(
            mutation_seq=mutation.mutation_seq,
            status=MutationStatus.REJECTED,
            reason=bounded(rejected.reason),
        )
    except (IntegrityError, DataError) as refused:
        if not savepoint:
            raise
        del buffer[mark:]
        # A value the database refuses (e.g. a reference to a user that does not exist).
        # Never log the exception itself: its text carries the statement's parameters,
        # i.e. field values such as call-note insights (health data).
        log.warning("%s %s (mutation %s of device %s) refused by the database: %s",
                    mutation.entity.value, printable(mutation.entity_id), mutation.mutation_seq,
                    printable(caller.device_id), describe_refusal(refused))  # fmt: skip
        return MutationResult(
            mutation_seq=mutation.mutation_seq,
            status=MutationStatus.REJECTED,
            reason="The server could not store this change (it refers to something unknown).",
        )
    return MutationResult(
        mutation_seq=mutation.mutation_seq,
        status=MutationStatus.APPLIED,
        reason=outcome.reason,
        version=outcome.version,
        conflict_copy_id=outcome.conflict_copy_id,
    )


class _RedoSlowly(Exception):
    """The fast path met a database refusal: redo the push one savepoint per mutation."""


def _apply_new(
    session: Session, caller: Caller, mutations: list[Mutation], *, fast: bool
) -> dict[int, MutationResult]:
    """Apply the batch's new mutations, in order; results by mutation seq.

    Fast path: what the batch looks at is read up front (`prefetch`, a query per kind of
    record), the mutations run without savepoints, and their rows are inserted together
    at the end (one flush, one change-log write). Only if the database refuses something
    (a constraint no check foresaw) does `push` roll the whole transaction back and apply
    the batch again one savepoint per mutation, so the refusal rejects that one alone.
    """
    changelog.start_buffer(session)
    if not fast:
        return {m.mutation_seq: _apply_one(session, caller, m, savepoint=True) for m in mutations}
    try:
        prefetch.load(session, caller.username, caller.territories, mutations)
        results = {
            m.mutation_seq: _apply_one(session, caller, m, savepoint=False) for m in mutations
        }
        session.flush()
    except (IntegrityError, DataError, _NotClean):
        raise _RedoSlowly from None
    finally:
        prefetch.done(session)
    return results


def push(session: Session, *, caller: Caller, request: PushRequest) -> PushResponse:
    """Apply a batch in order; one transaction for effects, ledger and device counters."""
    try:
        return _push(session, caller, request, fast=True)
    except _RedoSlowly:
        session.rollback()  # the ordering lock and the device row too: taken again below
        return _push(session, caller, request, fast=False)


def _push(session: Session, caller: Caller, request: PushRequest, *, fast: bool) -> PushResponse:
    changelog.enter_push(session)  # before any row lock: one lock order for all writers
    device = _device(session, caller, request.device_id, lock=True)
    lock_targets(session, caller.username, request.mutations)
    now = utcnow()
    last = device.last_applied_seq
    priors = _prior_outcomes(
        session, device.id, [m.mutation_seq for m in request.mutations if m.mutation_seq <= last]
    )
    # Sort the batch first: replays and reused numbers are answered from the ledger; the
    # rest is new, including a seq below the last applied one that the server never saw
    # (sent out of order): no outcome is on record for it, so it is applied like any other.
    answered: dict[int, MutationResult] = {}  # by position in the batch
    new: list[Mutation] = []
    seen: set[int] = set()
    for position, mutation in enumerate(request.mutations):
        prior = priors.get(mutation.mutation_seq) if mutation.mutation_seq <= last else None
        if mutation.mutation_seq in seen:  # the same seq twice in one batch
            answered[position] = _seq_reused(mutation)
        elif prior is not None and prior.mutation_id != _storable_id(mutation.mutation_id):
            # Not a replay: a restored or copied data folder numbering anew. Answering
            # `duplicate` would make the client drop a change the server never had.
            answered[position] = _seq_reused(mutation)
        elif prior is not None:
            answered[position] = _replayed(prior, mutation)
        else:
            new.append(mutation)
            seen.add(mutation.mutation_seq)
    applied = _apply_new(session, caller, new, fast=fast) if new else {}
    results: list[MutationResult] = []
    outcomes: list[dict[str, object]] = []
    for position, mutation in enumerate(request.mutations):
        if position in answered:
            result = answered[position]
            results.append(result)
            if result.status == MutationStatus.DUPLICATE:
                device.mutations_duplicate += 1
            else:
                device.mutations_rejected += 1
            continue
        result = applied[mutation.mutation_seq]
        results.append(result)
        last = max(last, mutation.mutation_seq)
        outcomes.append(
            {
                "device_id": device.id, "mutation_seq": mutation.mutation_seq,
                "mutation_id": _storable_id(mutation.mutation_id), "status": result.status.value,
                "reason": result.reason, "version": result.version,
                "conflict_copy_id": result.conflict_copy_id, "applied_at": now,
            }
        )  # fmt: skip
        if result.status == MutationStatus.REJECTED:
            device.mutations_rejected += 1
            device.last_error = f"mutation {mutation.mutation_seq} rejected: {result.reason}"
            audit.record(
                session, actor=caller.username, action="mutation_rejected",
                target=f"{mutation.entity.value} {mutation.entity_id}",
                detail=f"device {device.id}, seq {mutation.mutation_seq}: {result.reason}",
            )  # fmt: skip
        else:
            device.mutations_applied += 1
    if outcomes:
        session.execute(insert(MutationOutcome), outcomes)
    device.last_applied_seq = last
    device.last_seen_at = now
    session.flush()
    # Last, so the change log's sequence lock is held for this insert and the commit only.
    if not new:
        changelog.start_buffer(session)
    changelog.flush_buffer(session, now=now)
    session.commit()
    return PushResponse(results=results, last_applied_seq=last)


def pull(session: Session, *, caller: Caller, since: int, limit: int) -> changelog.Page:
    """One page; the device remembers the cursor it was handed (see `read_page`).

    The page is plain data shaped like `PullResponse` (`Page.as_json` sends it)."""
    device = session.get(Device, caller.device_id)
    assert device is not None
    issued = None
    if device.resume_cursor is not None and device.resume_pruned_through is not None:
        issued = changelog.IssuedCursor(
            device.resume_cursor, device.resume_since or 0, device.resume_pruned_through
        )
    # The prune mark is read with the page's first statement, before its rows: if a prune
    # lands in between, the mark is older and the next page resets (safe), never the
    # other way round.
    page = changelog.read_page(
        session, scopes=caller.scopes(), since=since, limit=limit, issued=issued
    )
    mark = page.pruned_through
    audited = _audit_team_access(session, caller, page)
    if not page.reset_required:
        # The pass goes on (same start) or starts here. Kept after the last page too: a
        # device that had not committed its last pages when it stopped resumes below it.
        resumed = issued is not None and issued.allows(since, mark)
        device.resume_cursor = page.cursor
        device.resume_since = issued.since if resumed and issued is not None else since
        device.resume_pruned_through = mark
    # Entities and catalogue kinds newer than the device's protocol would stop its sync:
    # leave them out.
    catalogue, version = Entity.CATALOGUE.value, device.protocol_version
    page.changes = [
        {**c, "data": catalogue_data_for(c["entity_id"], c["data"], version)}
        if c["entity"] == catalogue
        else c
        for c in page.changes
        if entity_known(c["entity"], version)
        and (c["entity"] != catalogue or catalogue_kind_known(c["entity_id"], version))
    ]
    now = utcnow()
    device.changes_pulled += len(page.changes)
    device.last_seen_at = now
    if not page.has_more:
        device.last_sync_at = now
        if device.sync_started_at is not None:
            started = _aware(device.sync_started_at)
            device.last_sync_ms = int((now - started).total_seconds() * 1000)
    if not audited:
        _bookkeeping_only(session)
    session.commit()
    return page


def _bookkeeping_only(session: Session) -> None:
    """A pull writes only the device's bookkeeping (counters, last sync, the resume
    cursor): on PostgreSQL its commit need not wait for the WAL flush. A crash can lose
    the last moment of it, never data: a lost resume cursor at worst makes a device that
    pulled across a prune resync. Not when the pull wrote an audit row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _storable_id(mutation_id: str) -> str:
    """The id as the ledger can hold it (an unstorable one is kept escaped, not lost)."""
    return printable(mutation_id, 64) if unstorable(mutation_id) else mutation_id


def _audit_team_access(session: Session, caller: Caller, page: changelog.Page) -> bool:
    """A manager reading their reps' call notes is audited (who, whose, how many);
    True when a row was written."""
    if caller.role != MANAGER:
        return False
    team_records = [
        c["data"] for c in page.changes
        if c["entity"] in TEAM_RECORDS and c["data"] is not None
        and _owner(c["data"]) in caller.team
    ]  # fmt: skip
    if team_records:
        reps = sorted({_owner(data) for data in team_records})
        audit.record(
            session, actor=caller.username, action="team_records_read",
            target=", ".join(reps),
            detail=f"{len(team_records)} note(s), device {caller.device_id}",
        )  # fmt: skip
    return bool(team_records)


TEAM_RECORDS = {Entity.CALL_NOTE.value}


def _owner(data: dict[str, object]) -> str:
    return str(data.get("author") or data.get("owner") or "")
