"""HCPs: master data (server-owned), search, and the rep-owned preferred channel."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, select, text, update

from fieldrep.domain.enums import Channel
from fieldrep.domain.errors import NotFoundError
from fieldrep.domain.hcp import Hcp, SearchHit, sort_name, validate_hcp
from fieldrep.domain.hcp import HcpSummary as HcpSummary  # noqa: PLC0414 (the UI's import)
from fieldrep.services.hcp_search import rank_hcps
from fieldrep.store import outbox
from fieldrep.store.schema import hcps
from fieldrep.store.transactions import Store
from fieldrep.sync.protocol import Entity, HcpData, Op

ENTITY = Entity.HCP


def hcp_from_row(row: Any) -> Hcp:
    return hcp_from_mapping(row._mapping)


def hcp_from_mapping(m: Mapping[str, Any]) -> Hcp:
    """An `hcps` row by column name (a stored row, or a kept record: `former_hcps`)."""
    return Hcp(
        id=m["id"],
        external_id=m["external_id"],
        npi=m["npi"],
        name=m["name"],
        title=m["title"],
        specialty=m["specialty"],
        organisation=m["organisation"],
        address=m["address"],
        city=m["city"],
        postcode=m["postcode"],
        latitude=m["latitude"],
        longitude=m["longitude"],
        tier=m["tier"],
        decile=m["decile"],
        patient_volume=m["patient_volume"],
        alternate_names=tuple(m["alternate_names"] or ()),
        consents=dict(m["consents"] or {}),
        preferred_channel=Channel(m["preferred_channel"]) if m["preferred_channel"] else None,
        do_not_contact=bool(m["do_not_contact"]),
        territory_id=m["territory_id"],
        version=m["version"],
    )


_COLUMNS = tuple(c.name for c in hcps.columns)
_UPSERT_SQL = (
    f"INSERT INTO hcps ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "id")
)


def hcp_to_row(hcp: Hcp) -> dict[str, Any]:
    row = {name: getattr(hcp, name) for name in _COLUMNS}
    row["preferred_channel"] = hcp.preferred_channel.value if hcp.preferred_channel else None
    row["do_not_contact"] = int(hcp.do_not_contact)
    row["alternate_names"] = list(hcp.alternate_names)
    return row


def _row_values(hcp: Hcp) -> tuple[Any, ...]:
    """The row as the driver takes it, in column order (the bulk-load fast path)."""
    row = hcp_to_row(hcp)
    row["consents"] = json.dumps(hcp.consents, separators=(",", ":"))
    row["alternate_names"] = json.dumps(row["alternate_names"], separators=(",", ":"))
    return tuple(row[name] for name in _COLUMNS)


class HcpService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, hcp_id: str) -> Hcp:
        with self._store.read() as conn:
            return self.get_in(conn, hcp_id)

    @staticmethod
    def get_in(conn: Connection, hcp_id: str) -> Hcp:
        row = conn.execute(select(hcps).where(hcps.c.id == hcp_id)).first()
        if row is None:
            raise NotFoundError(f"No HCP with id '{hcp_id}' in this workspace.")
        return hcp_from_row(row)

    def many(self, hcp_ids: Iterable[str]) -> dict[str, Hcp]:
        """The HCPs with these ids by id, in one query (ids not on the device are left out)."""
        with self._store.read() as conn:
            return self.many_in(conn, hcp_ids)

    @staticmethod
    def many_in(conn: Connection, hcp_ids: Iterable[str]) -> dict[str, Hcp]:
        wanted = sorted(set(hcp_ids))
        if not wanted:
            return {}
        rows = conn.execute(select(hcps).where(hcps.c.id.in_(wanted)))
        return {hcp.id: hcp for hcp in map(hcp_from_row, rows)}

    def exists(self, conn: Connection, hcp_id: str) -> bool:
        return conn.execute(select(hcps.c.id).where(hcps.c.id == hcp_id)).first() is not None

    def count(self) -> int:
        with self._store.read() as conn:
            return int(conn.execute(select(func.count()).select_from(hcps)).scalar_one())

    def all(self) -> list[Hcp]:
        with self._store.read() as conn:
            found = [hcp_from_row(r) for r in conn.execute(select(hcps))]
        return sorted(found, key=lambda h: sort_name(h.name))

    def summaries(self) -> list[HcpSummary]:
        """Every HCP with its last contact and open follow-ups, in one query."""
        sql = (
            # Last contact: submitted calls only (a draft, possibly mis-dated, is no contact).
            "WITH contact AS (SELECT hcp_id, "
            "max(CASE WHEN status = 'submitted' THEN started_at END) AS last_contact, "
            "sum((SELECT count(*) FROM json_each(c.follow_ups) f "
            "WHERE json_extract(f.value, '$.done') = 0)) AS open_follow_ups "
            "FROM call_notes c GROUP BY hcp_id), "
            # and the former rep's calls of an HCP realigned here (`hcp_contacts`)
            "theirs AS (SELECT hcp_id, max(started_at) AS last_contact FROM hcp_contacts "
            "GROUP BY hcp_id) "
            "SELECT h.id, h.name, h.title, h.specialty, h.organisation, h.city, h.tier, "
            "h.decile, CASE WHEN theirs.last_contact > coalesce(contact.last_contact, '') "
            "THEN theirs.last_contact ELSE contact.last_contact END, "
            "coalesce(contact.open_follow_ups, 0) "
            "FROM hcps h LEFT JOIN contact ON contact.hcp_id = h.id "
            "LEFT JOIN theirs ON theirs.hcp_id = h.id"
        )
        with self._store.read() as conn:
            found = [HcpSummary(*row) for row in conn.execute(text(sql))]
        return sorted(found, key=lambda h: sort_name(h.name))

    def search(self, user_text: str, *, limit: int = 50) -> list[HcpSummary]:
        """Search as you type, best match first (see `hcp_search` for the order)."""
        return [hit.hcp for hit in self.search_hits(user_text, limit=limit)]

    def search_ids(self, user_text: str, *, limit: int = 50) -> list[str]:
        """Only the ids, best first: for a list that already holds every summary."""
        with self._store.read() as conn:
            return [hcp_id for hcp_id, _ in rank_hcps(conn, user_text, limit=limit)]

    def search_ranked(self, user_text: str, *, limit: int = 50) -> list[tuple[str, str]]:
        """(id, what matched) best first: the list marks HCPs found only in call notes
        or by a similar spelling, so the rep sees why they are there."""
        with self._store.read() as conn:
            return rank_hcps(conn, user_text, limit=limit)

    def search_hits(self, user_text: str, *, limit: int = 50) -> list[SearchHit]:
        """Like `search`, with what matched for each HCP ("surname", "notes", ...)."""
        with self._store.read() as conn:
            ranked = rank_hcps(conn, user_text, limit=limit)
            summaries = self._summaries_in_order(conn, [hcp_id for hcp_id, _ in ranked])
        matched = dict(ranked)
        return [SearchHit(s, matched[s.id]) for s in summaries]

    @staticmethod
    def _summaries_in_order(conn: Connection, ids: list[str]) -> list[HcpSummary]:
        if not ids:
            return []
        rows = conn.execute(
            text(
                "SELECT h.id, h.name, h.title, h.specialty, h.organisation, h.city, h.tier, "
                # last contact: the rep's own submitted calls or a former rep's
                "h.decile, (SELECT max(t) FROM (SELECT max(c.started_at) AS t FROM call_notes c "
                "WHERE c.hcp_id = h.id AND c.status = 'submitted' "
                "UNION ALL SELECT max(k.started_at) FROM hcp_contacts k WHERE k.hcp_id = h.id)), "
                "(SELECT count(*) FROM call_notes c, json_each(c.follow_ups) f "
                " WHERE c.hcp_id = h.id AND c.follow_ups <> '[]' "
                " AND json_extract(f.value, '$.done') = 0) "
                "FROM hcps h WHERE h.id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(ids)},
        )
        by_id = {row[0]: HcpSummary(*row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def upsert_many(self, items: Iterable[Hcp], *, conn: Connection | None = None) -> int:
        """Load server-owned master data (import, sync): no outbox rows.

        Goes straight to the driver's executemany: at 100,000 rows the per-row cost of
        SQLAlchemy's parameter processing would double the load time.
        """
        rows = []
        for hcp in items:
            validate_hcp(hcp)
            rows.append(_row_values(hcp))
        if not rows:
            return 0
        if conn is not None:
            conn.exec_driver_sql(_UPSERT_SQL, rows)
        else:
            with self._store.write() as write_conn:
                write_conn.exec_driver_sql(_UPSERT_SQL, rows)
        return len(rows)

    def set_preferred_channel(self, hcp_id: str, channel: Channel | None) -> Hcp:
        """The one HCP field a rep owns; syncs as a mutation."""
        with self._store.write() as conn:
            current = self.get_in(conn, hcp_id)
            changed = HcpData.partial(preferred_channel=channel)
            conn.execute(update(hcps).where(hcps.c.id == hcp_id).values(**changed))
            outbox.record_mutation(
                conn,
                created_at=self._store.clock.now(),
                entity=ENTITY,
                entity_id=hcp_id,
                op=Op.UPDATE,
                fields=changed,
                base_version=current.version,
            )
            return self.get_in(conn, hcp_id)
