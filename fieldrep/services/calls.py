"""Call notes: drafts the rep edits freely, then submits; submitted notes are locked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, true, update

from fieldrep.compliance.call_record import ProductNames, UnknownProductError, overlaps
from fieldrep.compliance.findings import blocking_reason
from fieldrep.domain.calls import (
    CallDraft,
    CallNote,
    Contact,
    FollowUp,
    OpenFollowUp,
    ensure_editable,
    validate_call,
)
from fieldrep.domain.changes import NOTHING, Changed, Changes
from fieldrep.domain.enums import CallStatus, Channel, Outcome, Sentiment
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.domain.storable_text import storable
from fieldrep.services.catalogue import catalogue_products, usable_message_ids
from fieldrep.services.compliance import ComplianceService
from fieldrep.services.contact_rules import contact_refusal
from fieldrep.services.note_subjects import hcp_of_note_in
from fieldrep.services.plans import PlanService
from fieldrep.store import former_hcps, outbox
from fieldrep.store.contacts import contacts_about
from fieldrep.store.schema import call_notes, hcps
from fieldrep.store.transactions import Store
from fieldrep.store.values import dt_to_text, new_id, text_to_dt
from fieldrep.sync.protocol import CallNoteData, Entity, Op

ENTITY = Entity.CALL_NOTE
CALLS_CHANGED = Changes(calls=True, outbox=True)
# Submitting may also complete the visit it fulfils (PlanService.complete_for_call).
SUBMIT_CHANGED = Changes(calls=True, plans=True, outbox=True)
CONFLICT_COPY_NOT_SUBMITTED = (
    "Not submitted: this is a conflict copy (two of your devices changed the note at the "
    "same time). Copy what matters into the original note, or into a new call note if "
    "the original is already submitted, then discard this copy in the Sync inbox."
)
# A draft about an HCP realigned away before this device ever held it (a fresh laptop
# pulled the note): nothing to check do-not-contact and consents against.
NO_HCP_RECORD = (
    "HCP '{hcp_id}' is no longer in your territory and this computer has no record of "
    "them, so their do-not-contact flag and consents cannot be checked: submit this call "
    "from the computer you wrote it on, or discard the draft."
)
NO_RECORD_NOT_SUBMITTED = "Not submitted: " + NO_HCP_RECORD
# A copy the server made of the rep's version when two devices changed the same field,
# still to be read (discarding it deletes it).
_CONFLICT_COPY = (
    call_notes.c.conflict_of.is_not(None),
    call_notes.c.status == CallStatus.DRAFT.value,
)


def _follow_ups_to_json(items: Iterable[FollowUp]) -> list[dict[str, Any]]:
    return [{"description": f.description, "due": f.due.isoformat(), "done": f.done} for f in items]


def _follow_ups_from_json(items: Iterable[dict[str, Any]]) -> tuple[FollowUp, ...]:
    return tuple(
        FollowUp(str(i["description"]), date.fromisoformat(i["due"]), bool(i.get("done", False)))
        for i in items
    )


def note_from_row(row: Any) -> CallNote:
    m = row._mapping
    started = text_to_dt(m["started_at"])
    assert started is not None
    return CallNote(
        id=m["id"],
        hcp_id=m["hcp_id"],
        author=m["author"],
        channel=Channel(m["channel"]),
        started_at=started,
        duration_minutes=m["duration_minutes"],
        status=CallStatus(m["status"]),
        products=tuple(m["products"]),
        key_messages=tuple(m["key_messages"]),
        attendees=tuple(m["attendees"]),
        outcome=Outcome(m["outcome"]) if m["outcome"] else None,
        sentiment=Sentiment(m["sentiment"]) if m["sentiment"] else None,
        insights=m["insights"],
        follow_ups=_follow_ups_from_json(m["follow_ups"]),
        suggestion_id=m["suggestion_id"],
        submitted_at=text_to_dt(m["submitted_at"]),
        conflict_of=m["conflict_of"],
        version=m["version"],
    )


def draft_fields(draft: CallDraft) -> dict[str, Any]:
    """The stored (and wire) form of what a rep can edit on a call."""
    return CallNoteData.partial(
        hcp_id=draft.hcp_id,
        channel=draft.channel,
        started_at=dt_to_text(draft.started_at),
        duration_minutes=draft.duration_minutes,
        products=list(draft.products),
        key_messages=list(draft.key_messages),
        attendees=list(draft.attendees),
        outcome=draft.outcome,
        sentiment=draft.sentiment,
        insights=draft.insights,
        follow_ups=_follow_ups_to_json(draft.follow_ups),
        suggestion_id=draft.suggestion_id,
    )


def draft_of(note: CallNote) -> CallDraft:
    return CallDraft(
        hcp_id=note.hcp_id,
        channel=note.channel,
        started_at=note.started_at,
        duration_minutes=note.duration_minutes,
        products=note.products,
        key_messages=note.key_messages,
        attendees=note.attendees,
        outcome=note.outcome,
        sentiment=note.sentiment,
        insights=note.insights,
        follow_ups=note.follow_ups,
        suggestion_id=note.suggestion_id,
    )


class CallService:
    def __init__(
        self,
        store: Store,
        author: str,
        compliance: ComplianceService | None = None,
        plans: PlanService | None = None,
    ) -> None:
        self._store = store
        self.author = author
        self._compliance = compliance
        self._plans = plans

    def _submitted(self, conn: Connection, note: CallNote) -> Changed[CallNote]:
        """A note just became submitted: it completes the planned visit it fulfils."""
        if self._plans is None:
            return Changed(note, CALLS_CHANGED)
        day = self._store.clock.local(note.started_at).date()
        done = self._plans.complete_for_call(conn, note.hcp_id, note.channel, day)
        return Changed(note, SUBMIT_CHANGED if done else CALLS_CHANGED)

    def _validate(
        self, conn: Connection, draft: CallDraft, *, submit: bool = False, noted: str | None = None
    ) -> CallDraft:
        """`draft` with its products as the catalogue names them, or ValidationError.

        A product not in the catalogue, a message Legal withdrew, or one not valid on the
        call's day, cannot be used. Submitting also needs a complete call and a note with
        no blocking finding. The HCP may have left the territory (its last known record
        is checked); `noted`, the HCP a stored note is already about, may be one this
        device never held: its draft can be edited but not submitted."""
        try:
            products = ProductNames.of(catalogue_products(conn)).canonical(draft.products)
        except UnknownProductError as error:
            raise ValidationError(str(error)) from None
        draft = replace(
            draft,
            products=products,
            insights=storable(draft.insights),
            attendees=tuple(storable(a) for a in draft.attendees),
            follow_ups=tuple(
                replace(f, description=storable(f.description)) for f in draft.follow_ups
            ),
        )
        day = self._store.clock.local(draft.started_at).date()
        now = self._store.clock.now() if submit else None
        validate_call(draft, usable_message_ids(conn, day), submit_at=now)
        hcp = hcp_of_note_in(conn, draft.hcp_id)
        if hcp is None and draft.hcp_id != noted:
            raise NotFoundError(f"No HCP with id '{draft.hcp_id}' in this workspace.")
        if submit and hcp is None:
            raise ValidationError(NO_RECORD_NOT_SUBMITTED.format(hcp_id=draft.hcp_id))
        if submit and hcp is not None:  # do-not-contact, a withdrawn consent (compliance.md)
            refusal = contact_refusal(hcp, draft.channel)
            if refusal is not None:
                raise ValidationError(f"Not submitted: {refusal}")
        if submit and self._compliance is not None:
            reason = blocking_reason(self._compliance.check_in(conn, draft.insights))
            if reason is not None:
                raise ValidationError(f"Not submitted: {reason}")
        return draft

    def overlapping(self, draft: CallDraft, exclude_id: str | None = None) -> list[CallNote]:
        """This rep's other calls that share time with `draft` (a warning, not an error:
        two calls can overlap by a minute when one ran over)."""
        start = draft.started_at
        # Stored starts keep the offset they were written with, so text compares only
        # roughly: take two days either side, then compare instants.
        query = select(call_notes).where(
            call_notes.c.author == self.author,
            call_notes.c.conflict_of.is_(None),
            call_notes.c.started_at >= (start - timedelta(days=2)).date().isoformat(),
            call_notes.c.started_at < (start + timedelta(days=2)).date().isoformat(),
        )
        with self._store.read() as conn:
            notes = [note_from_row(r) for r in conn.execute(query)]
        return [
            n
            for n in notes
            if n.id != exclude_id
            and overlaps(start, draft.duration_minutes, n.started_at, n.duration_minutes)
        ]

    def log(self, draft: CallDraft, *, submit: bool = False) -> CallNote:
        """Create a call note (a draft, or submitted at once) with its outbox row."""
        with self._store.write() as conn:
            note = self._create_in(conn, new_id(), draft, submit=submit)
            return self._submitted(conn, note).value if submit else note

    def _create_in(
        self, conn: Connection, note_id: str, draft: CallDraft, *, submit: bool
    ) -> CallNote:
        draft = self._validate(conn, draft, submit=submit)
        fields = CallNoteData.of(
            **draft_fields(draft),
            author=self.author,
            status=CallStatus.SUBMITTED if submit else CallStatus.DRAFT,
            submitted_at=dt_to_text(self._store.clock.now()) if submit else None,
        ).wire()
        del fields["conflict_of"]  # a server-made conflict copy's; never the rep's
        conn.execute(insert(call_notes).values(id=note_id, version=0, **fields))
        outbox.record_mutation(
            conn,
            created_at=self._store.clock.now(),
            entity=ENTITY,
            entity_id=note_id,
            op=Op.CREATE,
            fields=fields,
        )
        return self.get_in(conn, note_id)

    def update_draft(self, note_id: str, draft: CallDraft) -> CallNote:
        """Save the rep's edits to a draft; only changed fields go in the outbox row."""
        with self._store.write() as conn:
            return self._update_in(conn, self.get_in(conn, note_id), draft)

    def _update_in(self, conn: Connection, current: CallNote, draft: CallDraft) -> CallNote:
        """`current` itself when nothing changed."""
        ensure_editable(current)
        draft = self._validate(conn, draft, noted=current.hcp_id)
        before = draft_fields(draft_of(current))
        after = draft_fields(draft)
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return current
        self._write_update(conn, current, changed)
        return self.get_in(conn, current.id)

    def save_draft(self, note_id: str, draft: CallDraft) -> Changed[CallNote]:
        """The call log's autosave: one transaction that creates the draft under the
        client-minted `note_id` the first time and saves the changed fields after that
        (an upsert, so a save queued behind another never creates a second note)."""
        with self._store.write() as conn:
            current = self._find_in(conn, note_id)
            if current is None:
                return Changed(self._create_in(conn, note_id, draft, submit=False), CALLS_CHANGED)
            note = self._update_in(conn, current, draft)
            return Changed(note, NOTHING if note is current else CALLS_CHANGED)

    def _write_update(self, conn: Connection, current: CallNote, changed: dict[str, Any]) -> None:
        """Change these fields of a stored note, with its outbox row, in `conn`'s transaction."""
        conn.execute(update(call_notes).where(call_notes.c.id == current.id).values(**changed))
        outbox.record_mutation(
            conn,
            created_at=self._store.clock.now(),
            entity=ENTITY,
            entity_id=current.id,
            op=Op.UPDATE,
            fields=changed,
            base_version=current.version,
        )

    def submit(self, note_id: str, draft: CallDraft | None = None) -> Changed[CallNote]:
        """Lock the note: from now on it is the record of what happened.

        With `draft` (the call log's Submit), the rep's last edits are saved first in the
        same transaction, and a note not saved yet is created under `note_id` already
        submitted: the call is either submitted as shown or not at all."""
        with self._store.write() as conn:
            current = self._find_in(conn, note_id)
            if current is None:
                if draft is None:
                    raise NotFoundError(f"No call note with id '{note_id}'.")
                return self._submitted(conn, self._create_in(conn, note_id, draft, submit=True))
            if current.conflict_of is not None and not current.is_locked:
                # Submitting the copy too would put one visit on record twice.
                raise ValidationError(CONFLICT_COPY_NOT_SUBMITTED)
            if draft is not None:
                current = self._update_in(conn, current, draft)
            ensure_editable(current)
            self._validate(conn, draft_of(current), submit=True, noted=current.hcp_id)
            changed = CallNoteData.partial(
                status=CallStatus.SUBMITTED, submitted_at=dt_to_text(self._store.clock.now())
            )
            self._write_update(conn, current, changed)
            return self._submitted(conn, self.get_in(conn, note_id))

    def set_follow_up_done(self, note_id: str, index: int, done: bool = True) -> Changed[CallNote]:
        """Tick a follow-up off (or back on). The one change a submitted note accepts:
        the record of the call stays locked, only the follow-up's `done` flag moves, and
        the server takes exactly this change on a submitted note."""
        with self._store.write() as conn:
            current = self.get_in(conn, note_id)
            if not 0 <= index < len(current.follow_ups):
                raise NotFoundError(f"This call note has no follow-up number {index + 1}.")
            items = list(current.follow_ups)
            if items[index].done == done:
                return Changed(current, NOTHING)
            items[index] = replace(items[index], done=done)
            changed = CallNoteData.partial(follow_ups=_follow_ups_to_json(items))
            self._write_update(conn, current, changed)
            return Changed(self.get_in(conn, note_id), CALLS_CHANGED)

    def discard_draft(self, note_id: str) -> Changes:
        """Delete a draft (a conflict copy the rep has read, say); submitted notes stay."""
        with self._store.write() as conn:
            current = self.get_in(conn, note_id)
            ensure_editable(current)
            conn.execute(delete(call_notes).where(call_notes.c.id == note_id))
            former_hcps.prune(conn, [current.hcp_id])  # its last note about a former HCP?
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=note_id,
                op=Op.DELETE,
                fields={},
                base_version=current.version,
            )
        return CALLS_CHANGED

    def conflict_copies(self) -> list[CallNote]:
        """Drafts the server made when two devices changed the same field: to review."""
        query = select(call_notes).where(*_CONFLICT_COPY).order_by(call_notes.c.started_at.desc())
        with self._store.read() as conn:
            return [note_from_row(r) for r in conn.execute(query)]

    def count_conflict_copies(self) -> int:
        """How many `conflict_copies` there are (the inbox badge counts what the inbox lists)."""
        query = select(func.count()).select_from(call_notes).where(*_CONFLICT_COPY)
        with self._store.read() as conn:
            return int(conn.execute(query).scalar_one())

    def follow_ups_due(self, until: date, *, limit: int = 50) -> list[OpenFollowUp]:
        """Follow-ups not done and due by `until` (overdue ones included), soonest first.

        One query over the notes' follow-up lists (SQLite's json_each), not a scan of
        every note in Python."""
        item = func.json_each(call_notes.c.follow_ups).table_valued("key", "value")
        due = func.json_extract(item.c.value, "$.due")
        query = (
            select(
                call_notes.c.id,
                call_notes.c.hcp_id,
                item.c.key,
                func.json_extract(item.c.value, "$.description"),
                due,
            )
            .select_from(call_notes)
            .join(item, true())
            .where(
                func.coalesce(func.json_extract(item.c.value, "$.done"), 0) == 0,
                due <= until.isoformat(),
            )
            .order_by(due, call_notes.c.started_at, item.c.key)
            .limit(limit)
        )
        with self._store.read() as conn:
            rows = conn.execute(query).all()
        return [
            OpenFollowUp(note_id, hcp_id, int(index), FollowUp(str(text), date.fromisoformat(day)))
            for note_id, hcp_id, index, text, day in rows
        ]

    @staticmethod
    def _find_in(conn: Connection, note_id: str) -> CallNote | None:
        row = conn.execute(select(call_notes).where(call_notes.c.id == note_id)).first()
        return note_from_row(row) if row is not None else None

    @staticmethod
    def get_in(conn: Connection, note_id: str) -> CallNote:
        row = conn.execute(select(call_notes).where(call_notes.c.id == note_id)).first()
        if row is None:
            raise NotFoundError(f"No call note with id '{note_id}'.")
        return note_from_row(row)

    def get(self, note_id: str) -> CallNote:
        with self._store.read() as conn:
            return self.get_in(conn, note_id)

    def for_hcp(self, hcp_id: str) -> list[CallNote]:
        """The HCP's history, newest first."""
        query = (
            select(call_notes)
            .where(call_notes.c.hcp_id == hcp_id)
            .order_by(call_notes.c.started_at.desc())
        )
        with self._store.read() as conn:
            return [note_from_row(r) for r in conn.execute(query)]

    def about_former_hcps(self) -> list[CallNote]:
        """Notes about HCPs no longer in the territory (realigned away), newest first:
        the HCP list cannot lead to them, so its page offers them apart."""
        query = (
            select(call_notes)
            .where(call_notes.c.hcp_id.not_in(select(hcps.c.id)))
            .order_by(call_notes.c.started_at.desc())
        )
        with self._store.read() as conn:
            return [note_from_row(r) for r in conn.execute(query)]

    def others_for_hcp(self, hcp_id: str) -> list[Contact]:
        """The HCP's calls by its former rep (realigned here), newest first."""
        with self._store.read() as conn:
            return contacts_about(conn, hcp_id)

    def drafts(self) -> list[CallNote]:
        query = (
            select(call_notes)
            .where(call_notes.c.status == CallStatus.DRAFT.value)
            .order_by(call_notes.c.started_at.desc())
        )
        with self._store.read() as conn:
            return [note_from_row(r) for r in conn.execute(query)]

    def all(self) -> list[CallNote]:
        with self._store.read() as conn:
            query = select(call_notes).order_by(call_notes.c.started_at)
            return [note_from_row(r) for r in conn.execute(query)]

    def count(self) -> int:
        with self._store.read() as conn:
            return int(conn.execute(select(func.count()).select_from(call_notes)).scalar_one())

    def import_history(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Load already-synced history (demo, first sync): no outbox rows."""
        if rows:
            conn.execute(insert(call_notes), rows)
