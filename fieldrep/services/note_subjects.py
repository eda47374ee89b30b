"""The HCPs call notes are about, including those realigned out of the territory.

A call note outlives its HCP on the device: when the server moves the HCP to another
territory, the HCP leaves and its last known record stays in `former_hcps` for as long
as a note is about it. Every screen and check that reaches an HCP through a note asks
here, never `HcpService.get` (which knows the territory only, as the HCP list, the
suggestions and the planner must).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from fieldrep.domain.hcp import Hcp
from fieldrep.domain.note_subject import NoteSubject
from fieldrep.services.hcps import HcpService, hcp_from_mapping
from fieldrep.store import former_hcps
from fieldrep.store.transactions import Store


def subjects_in(conn: Connection, hcp_ids: Iterable[str]) -> dict[str, NoteSubject]:
    """These HCPs by id, in two queries: each in the territory, or its last known record
    when it left. Ids this device never held (a fresh device pulled a note about an
    HCP that had left already) are left out."""
    wanted = sorted(set(hcp_ids))
    if not wanted:
        return {}
    found = {
        i: NoteSubject(h, in_territory=True) for i, h in HcpService.many_in(conn, wanted).items()
    }
    kept = former_hcps.records(conn, [i for i in wanted if i not in found])
    for hcp_id, record in kept.items():
        found[hcp_id] = NoteSubject(hcp_from_mapping(record), False)
    return found


def hcp_of_note_in(conn: Connection, hcp_id: str) -> Hcp | None:
    """The HCP a note is about, in the territory or not; None when never held here."""
    subject = subjects_in(conn, [hcp_id]).get(hcp_id)
    return subject.hcp if subject is not None else None


class NoteSubjects:
    """`subjects_in` in a read transaction of its own, for the use cases."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def of(self, hcp_ids: Iterable[str]) -> dict[str, NoteSubject]:
        with self._store.read() as conn:
            return subjects_in(conn, hcp_ids)

    def get(self, hcp_id: str) -> NoteSubject | None:
        return self.of([hcp_id]).get(hcp_id)
