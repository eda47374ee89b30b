"""The sync inbox in one call: changes the server refused (with its reason) and conflict
copies still to read, each named in the rep's words; and letting go of one of them.

What it lists is exactly what the status bar's badge counts (`ws.sync_status()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldrep.domain.changes import NOTHING, Changes
from fieldrep.domain.errors import FieldrepError
from fieldrep.services.calls import CallService
from fieldrep.services.note_subjects import NoteSubjects
from fieldrep.services.plans import PlanService
from fieldrep.store import outbox
from fieldrep.store.outbox import OutboxEntry
from fieldrep.store.transactions import Store
from fieldrep.sync.protocol import Entity

REJECTED, CONFLICT = "rejected", "conflict"
# True on both devices: the one whose edit the server kept receives the other's as the
# copy, and the other one gets its own edit back as the copy.
CONFLICT_DETAIL = (
    "Edited on two of your devices at the same time: the server kept one version as the "
    "note and saved the other beside it as this copy. Open both, copy what matters into "
    "the note, then discard this copy."
)
_RECORD_WORDS = {
    "call_note": "Call note",
    "visit_plan": "Planned visit",
    "suggestion_feedback": "Suggestion feedback",
    "hcp": "HCP details",
}
_OP_WORDS = {"create": "new", "update": "change", "delete": "deletion"}


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One thing the rep must look at after a sync: a rejected change or a conflict copy."""

    kind: str  # REJECTED | CONFLICT
    title: str
    detail: str
    when: str
    seq: int | None = None  # the outbox entry of a rejected change
    note_id: str | None = None  # the conflict copy


def rejected_item(entry: OutboxEntry, subject: str = "") -> InboxItem:
    """ "Call note (new) — Dr Maria Lopez": what was refused, in the rep's words."""
    entity, op = str(entry.entity), str(entry.op)
    what = _RECORD_WORDS.get(entity, entity.replace("_", " ").capitalize())
    title = f"{what} ({_OP_WORDS.get(op, op)})"
    if subject:
        title += f" — {subject}"
    return InboxItem(
        kind=REJECTED,
        title=title,
        detail=entry.reason or "Rejected by the server",
        when=entry.created_at,
        seq=entry.seq,
    )


class SyncInbox:
    def __init__(
        self, store: Store, calls: CallService, plans: PlanService, subjects: NoteSubjects
    ) -> None:
        self._store = store
        self._calls = calls
        self._plans = plans
        self._subjects = subjects  # an HCP realigned away still names its notes

    def items(self) -> tuple[InboxItem, ...]:
        with self._store.read() as conn:
            rejected = outbox.rejected(conn)
        copies = self._calls.conflict_copies()
        about = {e.seq: self._hcp_of(e) for e in rejected}
        names = {
            hcp_id: subject.label
            for hcp_id, subject in self._subjects.of(
                [i for i in about.values() if i] + [n.hcp_id for n in copies]
            ).items()
        }
        items = [rejected_item(e, names.get(about[e.seq] or "", "")) for e in rejected]
        for note in copies:
            when = self._store.clock.local(note.started_at)
            items.append(
                InboxItem(
                    kind=CONFLICT,
                    title=f"Call with {names.get(note.hcp_id, '')} on {when:%d %b %H:%M}",
                    detail=CONFLICT_DETAIL,
                    when=note.started_at.isoformat(),
                    note_id=note.id,
                )
            )
        return tuple(items)

    def _hcp_of(self, entry: OutboxEntry) -> str | None:
        """Whom a rejected change was about, where the record names an HCP."""
        hcp_id = entry.fields.get("hcp_id")
        if hcp_id:
            return str(hcp_id)
        try:
            if entry.entity == Entity.CALL_NOTE:
                return self._calls.get(entry.entity_id).hcp_id
            if entry.entity == Entity.VISIT_PLAN:
                return self._plans.get(entry.entity_id).hcp_id
        except FieldrepError:  # the record is gone (a refused create, a discarded copy)
            return None
        return None

    def discard(self, item: InboxItem) -> Changes:
        """Let go of what the rep has read: a rejected change, or a conflict copy."""
        if item.seq is not None:
            with self._store.write() as conn:
                outbox.discard(conn, item.seq)
            return Changes(outbox=True)
        if item.kind == CONFLICT and item.note_id:
            return self._calls.discard_draft(item.note_id)
        return NOTHING
