"""Call notes: owned by their author, locked once submitted, conflicts kept visibly.

Each note remembers, per field, the version at which that field last changed. An
update carries the `base_version` its device last saw. A field counts as a conflict
when the server changed it after that base and the incoming value differs: the
server's value stays, and the incoming values go into a *conflict copy* (a new draft
note with `conflict_of` = the original id) that both devices pull. Fields nobody else
touched merge normally.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from fieldrep.sync.protocol import CALL_NOTE_FIELDS, CallNoteData, Entity, Mutation, Op
from sync_server.errors import Rejected
from sync_server.models import CallNote, Hcp
from sync_server.services import call_checks, changelog, contacts, prefetch
from sync_server.services.callers import REP, Caller, drafts_scope, user_scope, utcnow
from sync_server.services.hcps import accessible_hcp
from sync_server.services.outcome import Outcome
from sync_server.services.wire import validated

SERVER_OWNED = {"author", "conflict_of"}
CONFLICT_NAMESPACE = uuid.UUID("5f0e2d1c-8a4b-4c3e-9d7f-1a2b3c4d5e6f")
SUBMITTED = "submitted"


def _not_found(note_id: str) -> Rejected:
    # The same words for "missing" and "someone else's": ids of other reps' notes leak nothing.
    return Rejected(
        f"Call note '{note_id}' is not on the server under your name; it may have been "
        "created on another device that has not synced yet."
    )


def _id_taken(note_id: str) -> Rejected:
    return Rejected(
        f"Call note '{note_id}' cannot be created: the id is already in use. Log the call "
        "again (it gets a new id)."
    )


def _log(session: Session, note: CallNote, op: Op = Op.UPDATE) -> None:
    submitted = note.status == "submitted"
    changelog.record(
        session, entity=Entity.CALL_NOTE, entity_id=note.id, op=op,
        scope=user_scope(note.author) if submitted else drafts_scope(note.author),
        version=note.version,
        data=None if op == Op.DELETE else note.data,
    )  # fmt: skip


def _share_if_elsewhere(session: Session, caller: Caller, note: CallNote) -> None:
    """A call submitted about an HCP its author no longer holds (a note finished offline
    after a realignment) also goes to the HCP's new territory as a contact."""
    if note.status != SUBMITTED or note.conflict_of is not None:
        return
    hcp = prefetch.lookup(session, Hcp, note.hcp_id)
    if hcp is not None and contacts.is_elsewhere(hcp.territory_id, caller.territories):
        changelog.record_row(session, contacts.contact_row(note.id, note.data, hcp.territory_id))


def _create(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    fields = {**mutation.fields}
    fields.setdefault("author", caller.username)
    if fields["author"] != caller.username:
        raise Rejected("You can only log calls under your own name.")
    data = validated(CallNoteData, fields, "call note")
    data["products"] = call_checks.catalogue_products(session, data["products"])
    existing = prefetch.lookup(session, CallNote, mutation.entity_id)
    if existing is not None:
        if existing.author == caller.username and existing.data == data:
            return Outcome(existing.version)  # the same note arriving from a second device
        # The same words whoever holds the id: a create tells nothing of other reps' notes.
        raise _id_taken(mutation.entity_id)
    if data["conflict_of"] is not None:
        original = prefetch.lookup(session, CallNote, data["conflict_of"])
        if original is None or original.author != caller.username:
            raise _not_found(data["conflict_of"])
    accessible_hcp(session, caller, data["hcp_id"])
    if data["status"] == SUBMITTED:  # the record as it will stay: re-check it
        call_checks.check_submission(session, caller, data)
    note = CallNote(
        id=mutation.entity_id,
        author=caller.username,
        hcp_id=data["hcp_id"],
        status=data["status"],
        conflict_of=data["conflict_of"],
        version=1,
        field_versions=dict.fromkeys(CALL_NOTE_FIELDS, 1),
        field_devices=dict.fromkeys(CALL_NOTE_FIELDS, caller.device_id),
        data=data,
        updated_at=utcnow(),
    )
    prefetch.added(session, note, note.id)  # inserted with the rest of the push
    _log(session, note, Op.CREATE)
    _share_if_elsewhere(session, caller, note)
    return Outcome(note.version)


def _conflict_copy(
    session: Session, caller: Caller, mutation: Mutation, note: CallNote, theirs: dict[str, Any]
) -> str:
    """A new draft holding the incoming values; its id is stable for a given mutation."""
    copy_id = str(uuid.uuid5(CONFLICT_NAMESPACE, f"{caller.device_id}:{mutation.mutation_seq}"))
    data = {
        **note.data,
        **theirs,
        "status": "draft",
        "submitted_at": None,
        "conflict_of": note.id,
    }
    if data["hcp_id"] != note.hcp_id:  # the copy is a new note: same territory rule
        accessible_hcp(session, caller, str(data["hcp_id"]))
    copy = CallNote(
        id=copy_id,
        author=note.author,
        hcp_id=data["hcp_id"],
        status="draft",
        conflict_of=note.id,
        version=1,
        field_versions=dict.fromkeys(CALL_NOTE_FIELDS, 1),
        field_devices={},
        data=validated(CallNoteData, data, "call note"),
        updated_at=utcnow(),
    )
    prefetch.added(session, copy, copy_id)
    _log(session, copy, Op.CREATE)
    return copy_id


def _only_follow_ups_ticked(data: dict[str, Any], changed: dict[str, Any]) -> bool:
    """A submitted note stays locked except for ticking its follow-ups done (or undone):
    same descriptions and due dates, only `done` flags differ."""
    if set(changed) != {"follow_ups"}:
        return False
    old, new = data.get("follow_ups") or [], changed["follow_ups"] or []
    if not isinstance(new, list) or len(old) != len(new):
        return False

    def fixed(items: list[Any]) -> list[tuple[Any, Any]]:
        return [(i.get("description"), i.get("due")) for i in items if isinstance(i, dict)]

    return fixed(old) == fixed(new) and len(fixed(new)) == len(new)


def _update(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    note = prefetch.lookup(session, CallNote, mutation.entity_id)
    if note is None or note.author != caller.username:
        raise _not_found(mutation.entity_id)
    fixed = SERVER_OWNED & set(mutation.fields)
    if fixed:
        raise Rejected(f"{', '.join(sorted(fixed))} of a call note cannot be changed.")
    incoming = {**mutation.fields}
    if "products" in incoming:
        incoming["products"] = call_checks.catalogue_products(session, incoming["products"])
    changed = {k: v for k, v in incoming.items() if note.data.get(k) != v}
    if not changed:
        return Outcome(note.version)  # nothing new (e.g. both devices made the same edit)
    if note.status == SUBMITTED and not _only_follow_ups_ticked(note.data, changed):
        raise Rejected(
            "This call note was already submitted and is locked; record a new call note "
            "to add to it."
        )
    base = mutation.base_version
    conflicts = {
        k: v
        for k, v in changed.items()
        if base is not None
        and base < note.version
        and note.field_versions.get(k, 0) > base
        and note.field_devices.get(k) != caller.device_id
    }
    merged = {k: v for k, v in changed.items() if k not in conflicts}
    # Every check before any write: a push applies its batch without a savepoint per
    # mutation, so a rejection must leave nothing behind.
    data = None
    if merged:
        if "hcp_id" in merged:
            accessible_hcp(session, caller, str(merged["hcp_id"]))
        data = validated(CallNoteData, {**note.data, **merged}, "call note")
        if data["status"] == SUBMITTED and note.status != SUBMITTED:
            call_checks.check_submission(session, caller, data)
    copy_id = None
    if conflicts:
        copy_id = _conflict_copy(session, caller, mutation, note, {**merged, **conflicts})
    if data is not None:
        version = note.version + 1
        submitting = data["status"] == SUBMITTED and note.status != SUBMITTED
        note.data = data
        note.version = version
        note.status = data["status"]
        note.hcp_id = data["hcp_id"]
        note.field_versions = {**note.field_versions, **dict.fromkeys(merged, version)}
        note.field_devices = {**note.field_devices, **dict.fromkeys(merged, caller.device_id)}
        note.updated_at = utcnow()
        _log(session, note)
        if submitting:
            _share_if_elsewhere(session, caller, note)
    if not conflicts:
        return Outcome(note.version)
    names = ", ".join(sorted(conflicts))
    return Outcome(
        note.version,
        conflict_copy_id=copy_id,
        reason=(
            f"This note's {names} had been changed on another device first. The server kept "
            "that version; yours is saved beside it as a conflict copy."
        ),
    )


def _delete(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    note = prefetch.lookup(session, CallNote, mutation.entity_id)
    if note is None or note.author != caller.username:
        raise _not_found(mutation.entity_id)
    if note.status == SUBMITTED:
        raise Rejected("A submitted call note is part of the record and cannot be deleted.")
    note.version += 1
    _log(session, note, Op.DELETE)
    prefetch.removed(session, note, note.id)
    return Outcome(note.version)


def apply(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    if caller.role != REP:
        raise Rejected("Only reps log call notes.")
    if mutation.op == Op.CREATE:
        return _create(session, caller, mutation)
    if mutation.op == Op.UPDATE:
        return _update(session, caller, mutation)
    return _delete(session, caller, mutation)
