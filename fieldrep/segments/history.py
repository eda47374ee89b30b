"""Contact history per HCP as arrays, loaded with two set-wise queries (never per HCP).

Shared by the segment model (what channels and themes an HCP's contacts used) and the
next-best-action scorer (outcomes, recency, counts this month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import Connection

from fieldrep.segments.profiles import CHANNELS, THEMES, FloatArray

FATIGUE_WINDOW_DAYS = 14
NEVER = -1_000_000.0  # ordinal of "no contact on record"

# Numeric rows aggregated with numpy: no GROUP BY sort in SQLite and no per-row Python
# objects (on the encrypted file a GROUP BY cost ~5x more for a 2,000-HCP territory).
# Each call row comes back as (hcp rowid, channel, julian day, known outcome, positive).
_CHANNEL_CASE = (
    "CASE c.channel "
    + " ".join(f"WHEN '{ch.value}' THEN {j}" for j, ch in enumerate(CHANNELS))
    + " ELSE -1 END"
)
_THEME_CASE = (
    "CASE m.theme " + " ".join(f"WHEN '{t}' THEN {j}" for j, t in enumerate(THEMES)) + " ELSE 0 END"
)
# One scan of call_notes (each encrypted page is decrypted once): a row per (call,
# approved message), or one row with theme -1 for a call without a known message.
# Only submitted notes are contacts: a draft has not happened yet as far as the record
# goes, and a sync conflict copy repeats a call already counted.
_CALLS = (
    f"SELECT c.rowid, h.rowid, {_CHANNEL_CASE}, julianday(substr(c.started_at, 1, 10)), "
    "c.outcome IS NOT NULL, coalesce(c.outcome = 'positive', 0), "
    f"CASE WHEN m.id IS NULL THEN -1 ELSE {_THEME_CASE} END "
    "FROM call_notes c JOIN hcps h ON h.id = c.hcp_id "
    "LEFT JOIN json_each(c.key_messages) k LEFT JOIN approved_messages m ON m.id = k.value "
    "WHERE c.started_at < ? AND c.status = 'submitted' AND c.conflict_of IS NULL {only}"
)
_ROWIDS = "SELECT id, rowid FROM hcps"
JULIAN_TO_ORDINAL = 1721424.5  # julianday('0001-01-01') - 1: julian day -> date.toordinal()


@dataclass
class ContactHistory:
    """Per HCP (rows in `hcp_ids` order) and channel/theme (columns) counts."""

    contacts: FloatArray  # N x C: every contact
    channel_n: FloatArray  # N x C: contacts with a known outcome
    channel_pos: FloatArray  # N x C: positive outcomes (an opened email counts)
    theme_contacts: FloatArray  # N x T: messages used
    theme_n: FloatArray  # N x T
    theme_pos: FloatArray  # N x T
    last_ordinal: FloatArray  # N x C: date.toordinal() of the last contact, NEVER if none
    month_n: FloatArray  # N x C: contacts in today's calendar month
    recent_n: FloatArray  # N: contacts in the last FATIGUE_WINDOW_DAYS days
    data_as_of: date | None  # date of the newest contact

    @classmethod
    def empty(cls, n: int) -> ContactHistory:
        c, t = len(CHANNELS), len(THEMES)
        return cls(
            contacts=np.zeros((n, c)),
            channel_n=np.zeros((n, c)),
            channel_pos=np.zeros((n, c)),
            theme_contacts=np.zeros((n, t)),
            theme_n=np.zeros((n, t)),
            theme_pos=np.zeros((n, t)),
            last_ordinal=np.full((n, c), NEVER),
            month_n=np.zeros((n, c)),
            recent_n=np.zeros(n),
            data_as_of=None,
        )

    def take(self, rows: np.ndarray) -> ContactHistory:
        """The history of a subset of HCPs (row indices), same order as `rows`."""
        return ContactHistory(
            contacts=self.contacts[rows],
            channel_n=self.channel_n[rows],
            channel_pos=self.channel_pos[rows],
            theme_contacts=self.theme_contacts[rows],
            theme_n=self.theme_n[rows],
            theme_pos=self.theme_pos[rows],
            last_ordinal=self.last_ordinal[rows],
            month_n=self.month_n[rows],
            recent_n=self.recent_n[rows],
            data_as_of=self.data_as_of,
        )


def _fetch(conn: Connection, sql: str, params: tuple[str, ...]) -> np.ndarray:
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    return np.array(rows, dtype=np.float64).reshape(len(rows), 7)


def load_history(
    conn: Connection, hcp_ids: list[str], today: date, *, only: str | None = None
) -> ContactHistory:
    """Aggregate call notes up to `today` for the given HCPs (others are ignored).

    `only` restricts the query to one HCP (opening one HCP's page stays cheap).
    """
    history = ContactHistory.empty(len(hcp_ids))
    index = {hcp_id: i for i, hcp_id in enumerate(hcp_ids)}
    rowids = conn.exec_driver_sql(_ROWIDS).fetchall()
    lookup = np.full(max((r for _, r in rowids), default=0) + 1, -1, dtype=np.int64)
    for hcp_id, rowid in rowids:
        lookup[rowid] = index.get(hcp_id, -1)
    tomorrow = date.fromordinal(today.toordinal() + 1).isoformat()
    params: tuple[str, ...] = (tomorrow, only) if only else (tomorrow,)
    data = _fetch(conn, _CALLS.format(only="AND c.hcp_id = ?" if only else ""), params)
    data = data[(lookup[data[:, 1].astype(np.int64)] >= 0) & (data[:, 2] >= 0)]
    if data.size == 0:
        return history
    rows, themes = lookup[data[:, 1].astype(np.int64)], data[:, 6].astype(np.int64)
    with_theme = themes >= 0
    r, t = rows[with_theme], themes[with_theme]
    np.add.at(history.theme_contacts, (r, t), 1)
    np.add.at(history.theme_n, (r, t), data[with_theme, 4])
    np.add.at(history.theme_pos, (r, t), data[with_theme, 5])

    _, first = np.unique(data[:, 0], return_index=True)  # one row per call
    calls, rows = data[first], rows[first]
    cols = calls[:, 2].astype(np.int64)
    ordinal = calls[:, 3] - JULIAN_TO_ORDINAL
    np.add.at(history.contacts, (rows, cols), 1)
    np.add.at(history.channel_n, (rows, cols), calls[:, 4])
    np.add.at(history.channel_pos, (rows, cols), calls[:, 5])
    np.maximum.at(history.last_ordinal, (rows, cols), ordinal)
    first_of_month = today.replace(day=1).toordinal()
    np.add.at(history.month_n, (rows, cols), ordinal >= first_of_month)
    recent = ordinal > today.toordinal() - FATIGUE_WINDOW_DAYS
    history.recent_n[:] = np.bincount(rows, weights=recent, minlength=len(hcp_ids))
    history.data_as_of = date.fromordinal(int(round(ordinal.max())))
    return history
