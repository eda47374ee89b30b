"""Coaching: a manager's comments to one of their reps (on a call note, on a week, or in
general) and field-coaching visit records with rated skills; the rep acknowledges them.

Both directions sync: a comment goes up from the manager's device and down to the rep's
(the server checks that the rep is in the manager's team); an acknowledgement goes up from
the rep's device (only the rep a comment is addressed to may acknowledge it) and back down
to the manager's, who sees which comments were read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.coaching import COMMENT as COMMENT  # noqa: PLC0414 (re-exported)
from fieldrep.domain.coaching import FIELD_VISIT as FIELD_VISIT  # noqa: PLC0414
from fieldrep.domain.coaching import CoachingComment as CoachingComment  # noqa: PLC0414
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.store import outbox
from fieldrep.store.schema import coaching_comments
from fieldrep.store.transactions import Store
from fieldrep.store.values import dt_to_text, new_id
from fieldrep.sync.protocol import CoachingCommentData, Entity, Op

ENTITY = Entity.COACHING_COMMENT
MAX_COMMENT_CHARS = 5000
# The skills a field-coaching visit rates, 1 (needs work) to 5 (role model): the usual
# ride-along form of pharmaceutical sales managers.
SKILLS = (
    "Pre-call planning",
    "Opening",
    "Needs discovery",
    "Message delivery",
    "Handling objections",
    "Gaining commitment",
    "Compliance",
)
RATINGS = range(1, 6)
MAX_SKILLS = 12
COACHING_CHANGED = Changes(coaching=True, outbox=True)  # what every coaching write changes


def _skills(value: Any) -> dict[str, int]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    if not isinstance(value, dict):  # a record synced before skills existed
        return {}
    return {str(k): int(v) for k, v in value.items()}


def _comment(row: Any) -> CoachingComment:
    m = row._mapping
    return CoachingComment(
        id=m["id"],
        rep_username=m["rep_username"],
        call_note_id=m["call_note_id"],
        author=m["author"],
        text=m["text"],
        created_at=m["created_at"],
        kind=m["kind"] or COMMENT,
        day=date.fromisoformat(m["day"]) if m["day"] else None,
        skills=_skills(m["skills"]),
        acknowledged_at=m["acknowledged_at"],
    )


def _checked_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError("Write the comment before sending it.")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError(f"Comments are limited to {MAX_COMMENT_CHARS:,} characters.")
    return text


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class CoachingService:
    def __init__(self, store: Store, author: str) -> None:
        self._store = store
        self.author = author  # the signed-in user: the manager writing, or the rep reading

    # -- the manager's side ---------------------------------------------------------------
    def leave(
        self,
        rep_username: str,
        text: str,
        call_note_id: str | None = None,
        *,
        week: date | None = None,
    ) -> Changed[CoachingComment]:
        """A comment on a call note, on the week containing `week`, or general (neither).
        The server checks that the rep is in the author's team."""
        if call_note_id is not None and week is not None:
            raise ValidationError("A comment is about a call note or a week, not both.")
        return self._create(
            rep_username,
            _checked_text(text),
            call_note_id=call_note_id,
            day=week_start(week) if week is not None else None,
        )

    def record_field_visit(
        self, rep_username: str, day: date, skills: Mapping[str, int], text: str
    ) -> Changed[CoachingComment]:
        """A field-coaching visit (a day riding along with the rep): each skill rated 1-5,
        and what to work on."""
        if not skills:
            raise ValidationError("Rate at least one skill (1 to 5) for the field visit.")
        if len(skills) > MAX_SKILLS:
            raise ValidationError(f"Rate at most {MAX_SKILLS} skills per visit.")
        for name, rating in skills.items():
            if not name.strip() or len(name) > 200:
                raise ValidationError("Each rated skill needs a name (200 characters at most).")
            if rating not in RATINGS:
                raise ValidationError(f"Rate '{name}' from 1 to 5 (got {rating}).")
        return self._create(
            rep_username,
            _checked_text(text),
            kind=FIELD_VISIT,
            day=day,
            skills={k.strip(): int(v) for k, v in skills.items()},
        )

    def _create(
        self,
        rep_username: str,
        text: str,
        *,
        call_note_id: str | None = None,
        kind: str = COMMENT,
        day: date | None = None,
        skills: Mapping[str, int] | None = None,
    ) -> Changed[CoachingComment]:
        fields = CoachingCommentData.of(
            rep_username=rep_username,
            call_note_id=call_note_id,
            author=self.author,
            text=text,
            created_at=dt_to_text(self._store.clock.now()),
            kind=kind,
            day=day.isoformat() if day else None,
            skills=dict(skills or {}),
        ).wire()
        comment_id = new_id()
        row = {**fields, "skills": json.dumps(fields["skills"])}
        with self._store.write() as conn:
            conn.execute(insert(coaching_comments).values(id=comment_id, version=0, **row))
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=comment_id,
                op=Op.CREATE,
                fields=fields,
            )
            saved = conn.execute(
                select(coaching_comments).where(coaching_comments.c.id == comment_id)
            ).one()
        return Changed(_comment(saved), COACHING_CHANGED)

    def written(self) -> list[CoachingComment]:
        """Everything the signed-in manager has sent, newest first, acknowledged or not."""
        query = (
            select(coaching_comments)
            .where(coaching_comments.c.author == self.author)
            .order_by(coaching_comments.c.created_at.desc())
        )
        with self._store.read() as conn:
            return [_comment(r) for r in conn.execute(query)]

    # -- the rep's side ---------------------------------------------------------------------
    def acknowledge(self, comment_id: str) -> Changed[CoachingComment]:
        """The rep has read it: one action, synced to the manager. Acknowledging twice
        keeps the first time."""
        with self._store.write() as conn:
            row = conn.execute(
                select(coaching_comments).where(coaching_comments.c.id == comment_id)
            ).first()
            if row is None:
                raise NotFoundError(f"There is no coaching comment '{comment_id}' here.")
            comment = _comment(row)
            if comment.rep_username != self.author:
                raise ValidationError(
                    f"This comment is addressed to {comment.rep_username}; only they can "
                    "acknowledge it."
                )
            if comment.acknowledged:
                return Changed(comment, Changes())
            at = dt_to_text(self._store.clock.now())
            conn.execute(
                update(coaching_comments)
                .where(coaching_comments.c.id == comment_id)
                .values(acknowledged_at=at)
            )
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=comment_id,
                op=Op.UPDATE,
                fields=CoachingCommentData.partial(acknowledged_at=at),
                base_version=row._mapping["version"],
            )
        return Changed(replace(comment, acknowledged_at=at), COACHING_CHANGED)

    def to_acknowledge(self) -> list[CoachingComment]:
        """Comments addressed to the signed-in rep that they have not acknowledged yet."""
        query = (
            select(coaching_comments)
            .where(
                coaching_comments.c.rep_username == self.author,
                coaching_comments.c.acknowledged_at.is_(None),
            )
            .order_by(coaching_comments.c.created_at.desc())
        )
        with self._store.read() as conn:
            return [_comment(r) for r in conn.execute(query)]

    # -- either side -------------------------------------------------------------------------
    def get(self, comment_id: str) -> CoachingComment:
        with self._store.read() as conn:
            row = conn.execute(
                select(coaching_comments).where(coaching_comments.c.id == comment_id)
            ).first()
        if row is None:
            raise NotFoundError(f"There is no coaching comment '{comment_id}' here.")
        return _comment(row)

    def for_rep(self, rep_username: str) -> list[CoachingComment]:
        """One rep's comments and visit records, newest first."""
        query = (
            select(coaching_comments)
            .where(coaching_comments.c.rep_username == rep_username)
            .order_by(coaching_comments.c.created_at.desc())
        )
        with self._store.read() as conn:
            return [_comment(r) for r in conn.execute(query)]

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

    def for_calls(self, call_note_ids: list[str]) -> dict[str, list[CoachingComment]]:
        """Comments per call note, oldest first, for a page that lists many notes."""
        found: dict[str, list[CoachingComment]] = {}
        if not call_note_ids:
            return found
        query = (
            select(coaching_comments)
            .where(coaching_comments.c.call_note_id.in_(call_note_ids))
            .order_by(coaching_comments.c.created_at)
        )
        with self._store.read() as conn:
            for r in conn.execute(query):
                comment = _comment(r)
                found.setdefault(comment.call_note_id or "", []).append(comment)
        return found
