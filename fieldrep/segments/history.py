"""Contact history per HCP as arrays, loaded with two set-wise queries (never per HCP).

Shared by the segment model (what channels and themes an HCP's contacts used) and the
next-best-action scorer (outcomes, recency, counts this month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import Connection

from fieldrep.segments.profiles import CHANNELS, THEMES, FloatArray

FATIGUE_WINDOW_DAYS = 14
CHANNEL_WINDOW_DAYS = 30  # contacts on the same channel this recent (e-mail fatigue, say)
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
# The HCPs' calls: the rep's own submitted call notes and the contacts by a former rep
# (`hcp_contacts`, submitted by definition; one the device also holds as a note, say a
# manager's team note, counts once). Contacts get negative ids: one id per call.
_CONTACTS = (
    "(SELECT rowid AS rid, hcp_id, channel, started_at, outcome, key_messages, "
    "suggestion_id, status, conflict_of FROM call_notes "
    "UNION ALL SELECT -rowid, hcp_id, channel, started_at, outcome, key_messages, NULL, "
    "'submitted', NULL FROM hcp_contacts WHERE id NOT IN (SELECT id FROM call_notes))"
)
# One scan of the calls (each encrypted page is decrypted once): a row per (call,
# approved message), or one row with theme -1 for a call without a known message.
# Only submitted notes are contacts: a draft has not happened yet as far as the record
# goes, and a sync conflict copy repeats a call already counted.
_CALLS = (
    # the call's day where the rep is now: a start stored with another offset (the
    # laptop was in another zone, or the call is a former rep's) is moved to the local
    # day first, or a call made this morning in Auckland counted as "yesterday"
    f"SELECT c.rid, h.rowid, {_CHANNEL_CASE}, julianday(date(c.started_at, ?)), "
    "c.outcome IS NOT NULL, coalesce(c.outcome = 'positive', 0), "
    f"CASE WHEN m.id IS NULL THEN -1 ELSE {_THEME_CASE} END, coalesce(m.rowid, -1), "
    "c.suggestion_id IS NOT NULL, "
    # the chance the engine gave a suggestion ends its id as ~pNNN (nba.ids)
    "CASE WHEN c.suggestion_id GLOB '*~p[0-9][0-9][0-9]' "
    "THEN CAST(substr(c.suggestion_id, -3) AS REAL) / 1000 ELSE -1 END "
    f"FROM {_CONTACTS} c JOIN hcps h ON h.id = c.hcp_id "
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
    # Known outcomes by weekday (Mon-Fri) and channel, discounted like channel_n: N x C x 5
    weekday_n: FloatArray = field(default_factory=lambda: np.zeros((0, len(CHANNELS), 5)))
    # N x C: contacts on each channel in the last CHANNEL_WINDOW_DAYS days (not discounted)
    channel_recent: FloatArray = field(default_factory=lambda: np.zeros((0, len(CHANNELS))))
    weekday_pos: FloatArray = field(default_factory=lambda: np.zeros((0, len(CHANNELS), 5)))
    # One row per (call, approved message): HCP row, message rowid in approved_messages,
    # date.toordinal(), known outcome (discounted weight), positive (discounted weight)
    message_rows: FloatArray = field(default_factory=lambda: np.zeros((0, 5)))
    # One row per call: HCP row, channel, date.toordinal(), known outcome, positive
    # (both discounted weights), 1 if the call acted on a suggestion, the rowid of its
    # first approved message (-1: none), the chance the engine gave that suggestion (-1:
    # none known): what the calibration of stated chances and the learned recency are
    # fitted on
    call_rows: FloatArray = field(default_factory=lambda: np.zeros((0, 8)))

    def __post_init__(self) -> None:
        n = self.contacts.shape[0]
        if self.weekday_n.shape[0] != n:
            self.weekday_n = np.zeros((n, len(CHANNELS), 5))
            self.weekday_pos = np.zeros((n, len(CHANNELS), 5))
        if self.channel_recent.shape[0] != n:
            self.channel_recent = np.zeros((n, len(CHANNELS)))

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
            weekday_n=self.weekday_n[rows],
            weekday_pos=self.weekday_pos[rows],
            channel_recent=self.channel_recent[rows],
        )


def _fetch(conn: Connection, sql: str, params: tuple[str, ...]) -> np.ndarray:
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    return np.array(rows, dtype=np.float64).reshape(len(rows), 10)


def evidence_weight(age_days: FloatArray, half_life_days: float | None) -> FloatArray:
    """How much an outcome `age_days` old still counts: halves every `half_life_days`
    (None: every outcome counts fully, forever)."""
    if half_life_days is None:
        return np.ones_like(age_days)
    return np.asarray(0.5 ** (np.maximum(age_days, 0.0) / half_life_days))


def load_history(
    conn: Connection,
    hcp_ids: list[str],
    today: date,
    *,
    only: str | None = None,
    half_life_days: float | None = None,
    utc_offset: timedelta | None = None,
) -> ContactHistory:
    """Aggregate call notes up to `today` for the given HCPs (others are ignored).

    `utc_offset` is the workspace clock's offset now (`Clock.local_now().utcoffset()`):
    each call counts on its day there, whatever offset its start was stored with.
    `only` restricts the query to one HCP (opening one HCP's page stays cheap). With
    `half_life_days`, known outcomes (channel_n/pos, theme_n/pos, weekday and message
    rows) are discounted by age, so the learning forgets; counts the rules use
    (contacts, month_n, recent_n, last_ordinal) are never discounted.
    """
    history = ContactHistory.empty(len(hcp_ids))
    index = {hcp_id: i for i, hcp_id in enumerate(hcp_ids)}
    rowids = conn.exec_driver_sql(_ROWIDS).fetchall()
    lookup = np.full(max((r for _, r in rowids), default=0) + 1, -1, dtype=np.int64)
    for hcp_id, rowid in rowids:
        lookup[rowid] = index.get(hcp_id, -1)
    tomorrow = date.fromordinal(today.toordinal() + 1).isoformat()
    minutes = round((utc_offset or timedelta(0)).total_seconds() / 60)
    params: tuple[str, ...] = (f"{minutes:+d} minutes", tomorrow)
    params += (only,) if only else ()
    data = _fetch(conn, _CALLS.format(only="AND c.hcp_id = ?" if only else ""), params)
    data = data[(lookup[data[:, 1].astype(np.int64)] >= 0) & (data[:, 2] >= 0)]
    if data.size == 0:
        return history
    rows, themes = lookup[data[:, 1].astype(np.int64)], data[:, 6].astype(np.int64)
    weight = evidence_weight(today.toordinal() - (data[:, 3] - JULIAN_TO_ORDINAL), half_life_days)
    data[:, 4] *= weight
    data[:, 5] *= weight
    with_theme = themes >= 0
    r, t = rows[with_theme], themes[with_theme]
    np.add.at(history.theme_contacts, (r, t), 1)
    np.add.at(history.theme_n, (r, t), data[with_theme, 4])
    np.add.at(history.theme_pos, (r, t), data[with_theme, 5])
    with_message = data[:, 7] >= 0
    history.message_rows = np.column_stack(
        [rows, data[:, 7], data[:, 3] - JULIAN_TO_ORDINAL, data[:, 4], data[:, 5]]
    )[with_message]

    _, first = np.unique(data[:, 0], return_index=True)  # one row per call
    calls, rows = data[first], rows[first]
    cols = calls[:, 2].astype(np.int64)
    ordinal = calls[:, 3] - JULIAN_TO_ORDINAL
    np.add.at(history.contacts, (rows, cols), 1)
    np.add.at(history.channel_n, (rows, cols), calls[:, 4])
    np.add.at(history.channel_pos, (rows, cols), calls[:, 5])
    np.maximum.at(history.last_ordinal, (rows, cols), ordinal)
    history.call_rows = np.column_stack(
        [rows, cols, ordinal, calls[:, 4], calls[:, 5], calls[:, 8], calls[:, 7], calls[:, 9]]
    )
    weekday = (np.round(ordinal).astype(np.int64) - 1) % 7  # date.fromordinal(1) is a Monday
    workday = weekday < 5
    at = (rows[workday], cols[workday], weekday[workday])
    np.add.at(history.weekday_n, at, calls[workday, 4])
    np.add.at(history.weekday_pos, at, calls[workday, 5])
    first_of_month = today.replace(day=1).toordinal()
    np.add.at(history.month_n, (rows, cols), ordinal >= first_of_month)
    np.add.at(
        history.channel_recent, (rows, cols), ordinal > today.toordinal() - CHANNEL_WINDOW_DAYS
    )
    recent = ordinal > today.toordinal() - FATIGUE_WINDOW_DAYS
    history.recent_n[:] = np.bincount(rows, weights=recent, minlength=len(hcp_ids))
    history.data_as_of = date.fromordinal(int(round(ordinal.max())))
    return history
