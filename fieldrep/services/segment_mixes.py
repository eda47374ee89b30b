"""The segment catalogue and each HCP's stored mix (estimate, server value or rep's correction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldrep.domain.segments import Segment, SegmentMix, validate_weights
from fieldrep.services.catalogue import replace_segments
from fieldrep.store import outbox
from fieldrep.store.schema import hcp_segment_mix, segments
from fieldrep.store.transactions import Store
from fieldrep.sync.protocol import Entity, Op, SegmentMixData

ENTITY = Entity.SEGMENT_MIX
REP = "rep"


def mix_from_row(row: Any) -> SegmentMix:
    return SegmentMix(
        hcp_id=row.hcp_id,
        weights=dict(row.weights),
        confidence=row.confidence,
        source=row.source,
        evidence=tuple(row.evidence),
    )


class SegmentStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def catalogue(self) -> list[Segment]:
        with self._store.read() as conn:
            return [
                Segment(
                    id=r.id,
                    name=r.name,
                    description=r.description,
                    tone=r.tone,
                    evidence_type=r.evidence_type,
                    preferred_channels=tuple(r.preferred_channels),
                    tips=tuple(r.tips),
                )
                for r in conn.execute(select(segments).order_by(segments.c.id))
            ]

    def replace_catalogue(self, items: Iterable[Segment]) -> None:
        """Replace the segment catalogue (the server's arrives through the feed instead)."""
        with self._store.write() as conn:
            replace_segments(conn, items)

    def mix(self, hcp_id: str) -> SegmentMix | None:
        with self._store.read() as conn:
            row = conn.execute(
                select(hcp_segment_mix).where(hcp_segment_mix.c.hcp_id == hcp_id)
            ).first()
            return mix_from_row(row) if row else None

    def all_mixes(self) -> dict[str, SegmentMix]:
        with self._store.read() as conn:
            return {r.hcp_id: mix_from_row(r) for r in conn.execute(select(hcp_segment_mix))}

    def save_estimates(self, mixes: Iterable[SegmentMix], conn: Connection | None = None) -> None:
        """Store model estimates; never over a server-shipped mix or a rep's correction."""
        rows = [
            {
                "hcp_id": m.hcp_id,
                "weights": m.weights,
                "confidence": m.confidence,
                "source": m.source,
                "evidence": list(m.evidence),
            }
            for m in mixes
        ]
        if not rows:
            return
        statement = sqlite_insert(hcp_segment_mix)
        statement = statement.on_conflict_do_update(
            index_elements=["hcp_id"],
            set_={
                k: statement.excluded[k] for k in ("weights", "confidence", "source", "evidence")
            },
            where=hcp_segment_mix.c.source == "estimate",
        )
        if conn is not None:
            conn.execute(statement, rows)
            return
        with self._store.write() as write_conn:
            write_conn.execute(statement, rows)

    def correct(self, hcp_id: str, weights: dict[str, float]) -> SegmentMix:
        """The rep's correction wins locally and syncs."""
        known = {s.id for s in self.catalogue()}
        normalised = validate_weights(weights, known)
        fields = SegmentMixData.of(
            hcp_id=hcp_id,
            weights=normalised,
            confidence=1.0,
            source=REP,
            evidence=["Corrected by the rep"],
        ).wire()
        with self._store.write() as conn:
            statement = sqlite_insert(hcp_segment_mix).values(**fields)
            statement = statement.on_conflict_do_update(
                index_elements=["hcp_id"],
                set_={k: statement.excluded[k] for k in fields if k != "hcp_id"},
            )
            conn.execute(statement)
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=hcp_id,
                op=Op.UPDATE,
                fields=fields,
            )
        return SegmentMix(hcp_id, normalised, 1.0, REP, ("Corrected by the rep",))
