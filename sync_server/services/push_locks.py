"""The rows a push changes, locked before it reads them (PostgreSQL).

Pushes from different devices run side by side (the change log's sequence lock is taken
only at the end, see `changelog`), so two of them could otherwise read the same call
note at version 3 and both write version 4. Each push first locks the existing rows its
mutations name, `SELECT ... FOR UPDATE`, kind by kind in one fixed order and by id
within a kind: two pushes that share rows take them in the same order, so one waits
for the other instead of deadlocking, and every version check then reads the latest
committed row. A create never changes a stored row (the same record again is answered
as it stands, another one under its id is refused), so only updates and deletes lock,
plus segment mixes, whose create may replace a stored mix. Rows that do not exist yet
cannot be locked: two devices creating the same id meet at the primary key, and the
second push is redone one savepoint per mutation (`sync._RedoSlowly`), where it finds
the first one's row.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldrep.sync.protocol import Entity, Mutation, Op
from sync_server.models import (
    AdverseEventReport,
    Base,
    CallNote,
    CoachingComment,
    Hcp,
    SegmentMix,
    SuggestionFeedback,
    VisitPlan,
)
from sync_server.services.prefetch import CHUNK
from sync_server.services.safe_text import unstorable

# One order for every push (never the batch's own order).
LOCK_ORDER: tuple[tuple[Entity, type[Base]], ...] = (
    (Entity.HCP, Hcp),
    (Entity.CALL_NOTE, CallNote),
    (Entity.VISIT_PLAN, VisitPlan),
    (Entity.SUGGESTION_FEEDBACK, SuggestionFeedback),
    (Entity.COACHING_COMMENT, CoachingComment),
    (Entity.ADVERSE_EVENT_REPORT, AdverseEventReport),
)

UPSERTS = frozenset({Entity.SEGMENT_MIX})  # a mix's create replaces the stored one


def lock_targets(session: Session, username: str, mutations: Sequence[Mutation]) -> None:
    """Lock the stored rows `mutations` will change, until this transaction ends."""
    if session.get_bind().dialect.name != "postgresql" or not mutations:
        return
    # An id the database cannot hold (a NUL byte) names no row; its mutation is rejected.
    mutations = [
        m
        for m in mutations
        if not unstorable(m.entity_id) and (m.op != Op.CREATE or m.entity in UPSERTS)
    ]
    for entity, model in LOCK_ORDER:
        ids = sorted({m.entity_id for m in mutations if m.entity == entity})
        key = model.__mapper__.primary_key[0]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            session.execute(select(key).where(key.in_(chunk)).order_by(key).with_for_update())
    mixes = sorted({m.entity_id for m in mutations if m.entity == Entity.SEGMENT_MIX})
    for start in range(0, len(mixes), CHUNK):
        chunk = mixes[start : start + CHUNK]
        query = (
            select(SegmentMix.hcp_id)
            .where(SegmentMix.owner == username, SegmentMix.hcp_id.in_(chunk))
            .order_by(SegmentMix.hcp_id)
            .with_for_update()
        )
        session.execute(query)
