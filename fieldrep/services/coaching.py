"""Coaching comments: a manager's notes to one of their reps, synced both ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from fieldrep.domain.errors import ValidationError
from fieldrep.services.base import Store
from fieldrep.store import outbox
from fieldrep.store.schema import coaching_comments
from fieldrep.store.values import dt_to_text, new_id

ENTITY = "coaching_comment"
MAX_COMMENT_CHARS = 5000


@dataclass(frozen=True, slots=True)
class CoachingComment:
    id: str
    rep_username: str
    call_note_id: str | None
    author: str
    text: str
    created_at: str


def _comment(row: Any) -> CoachingComment:
    m = row._mapping
    return CoachingComment(
        id=m["id"],
        rep_username=m["rep_username"],
        call_note_id=m["call_note_id"],
        author=m["author"],
        text=m["text"],
        created_at=m["created_at"],
    )


class CoachingService:
    def __init__(self, store: Store, author: str) -> None:
        self._store = store
        self.author = author

    def leave(
        self, rep_username: str, text: str, call_note_id: str | None = None
    ) -> CoachingComment:
        """A manager's comment (on a call, or general); the server checks the team."""
        text = text.strip()
        if not text:
            raise ValidationError("Write the comment before sending it.")
        if len(text) > MAX_COMMENT_CHARS:
            raise ValidationError(f"Comments are limited to {MAX_COMMENT_CHARS:,} characters.")
        fields = {
            "rep_username": rep_username,
            "call_note_id": call_note_id,
            "author": self.author,
            "text": text,
            "created_at": dt_to_text(self._store.clock.now()),
        }
        comment_id = new_id()
        with self._store.write() as conn:
            conn.execute(insert(coaching_comments).values(id=comment_id, version=0, **fields))
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=comment_id,
                op="create",
                fields=fields,
            )
            row = conn.execute(
                select(coaching_comments).where(coaching_comments.c.id == comment_id)
            ).one()
        return _comment(row)

    def recent(self, limit: int = 50) -> list[CoachingComment]:
        query = (
            select(coaching_comments).order_by(coaching_comments.c.created_at.desc()).limit(limit)
        )
        with self._store.read() as conn:
            return [_comment(r) for r in conn.execute(query)]

    def for_call(self, call_note_id: str) -> list[CoachingComment]:
        query = (
            select(coaching_comments)
            .where(coaching_comments.c.call_note_id == call_note_id)
            .order_by(coaching_comments.c.created_at)
        )
        with self._store.read() as conn:
            return [_comment(r) for r in conn.execute(query)]
