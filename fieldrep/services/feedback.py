"""Suggestion feedback: accept, dismiss with a reason, snooze. Append-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select

from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction
from fieldrep.domain.errors import ValidationError
from fieldrep.domain.plans import SuggestionFeedback, validate_feedback
from fieldrep.store import outbox
from fieldrep.store.schema import suggestion_feedback
from fieldrep.store.transactions import Store
from fieldrep.store.values import (
    date_to_text,
    dt_to_text,
    new_id,
    text_to_date,
    text_to_dt,
)
from fieldrep.sync.protocol import Entity, Op, SuggestionFeedbackData

ENTITY = Entity.SUGGESTION_FEEDBACK


def feedback_from_row(row: Any) -> SuggestionFeedback:
    m = row._mapping
    created = text_to_dt(m["created_at"])
    assert created is not None
    return SuggestionFeedback(
        id=m["id"],
        suggestion_id=m["suggestion_id"],
        hcp_id=m["hcp_id"],
        action=FeedbackAction(m["action"]),
        created_at=created,
        channel=Channel(m["channel"]) if m["channel"] else None,
        message_id=m["message_id"],
        reason=DismissReason(m["reason"]) if m["reason"] else None,
        snooze_until=text_to_date(m["snooze_until"]),
        comment=m["comment"],
    )


class FeedbackService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        *,
        suggestion_id: str,
        hcp_id: str,
        action: FeedbackAction,
        channel: Channel | None = None,
        message_id: str | None = None,
        reason: DismissReason | None = None,
        snooze_until: date | None = None,
        comment: str = "",
    ) -> SuggestionFeedback:
        feedback = SuggestionFeedback(
            id=new_id(),
            suggestion_id=suggestion_id,
            hcp_id=hcp_id,
            action=action,
            # The rep's wall time with its offset: "after today" and "hold for 7 days"
            # are the rep's calendar days, not UTC's (a US evening is tomorrow in UTC).
            created_at=self._store.clock.local_now(),
            channel=channel,
            message_id=message_id,
            reason=reason,
            snooze_until=snooze_until,
            comment=comment,
        )
        validate_feedback(feedback)
        fields = SuggestionFeedbackData.of(
            suggestion_id=suggestion_id,
            hcp_id=hcp_id,
            action=action,
            created_at=dt_to_text(feedback.created_at),
            channel=channel,
            message_id=message_id,
            reason=reason,
            snooze_until=date_to_text(snooze_until),
            comment=comment,
        ).wire()
        with self._store.write() as conn:
            conn.execute(insert(suggestion_feedback).values(id=feedback.id, **fields))
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=feedback.id,
                op=Op.CREATE,
                fields=fields,
            )
        return feedback

    def retract(self, feedback_id: str) -> None:
        """Undo feedback the server has not seen yet: the row and its pending outbox
        entry go together, so nothing about it is ever sent. Feedback is append-only on
        the server, so once sent it stays (a ValidationError says so)."""
        with self._store.write() as conn:
            if not outbox.has_pending(conn, ENTITY, feedback_id):
                raise ValidationError(
                    "This feedback was already sent to the server and cannot be undone."
                )
            outbox.drop_pending(conn, ENTITY, feedback_id)
            conn.execute(delete(suggestion_feedback).where(suggestion_feedback.c.id == feedback_id))

    def all(self) -> list[SuggestionFeedback]:
        query = select(suggestion_feedback).order_by(suggestion_feedback.c.created_at)
        with self._store.read() as conn:
            return [feedback_from_row(r) for r in conn.execute(query)]

    def for_hcp(self, hcp_id: str) -> list[SuggestionFeedback]:
        return [f for f in self.all() if f.hcp_id == hcp_id]
