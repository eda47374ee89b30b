"""Contact history per HCP as arrays, loaded with two set-wise queries (never per HCP).

Shared by the segment model (what channels and themes an HCP's contacts used) and the
next-best-action scorer (outcomes, recency, counts this month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import Connection, text

from fieldrep.segments.profiles import CHANNELS, THEMES, FloatArray

FATIGUE_WINDOW_DAYS = 14
NEVER = -1_000_000.0  # ordinal of "no contact on record"

_BY_CHANNEL = (
    "SELECT hcp_id, channel, count(*), "
    "sum(outcome = 'positive'), sum(outcome IS NOT NULL), "
    "max(substr(started_at, 1, 10)), "
    "sum(substr(started_at, 1, 7) = :month), "
    "sum(substr(started_at, 1, 10) > :recent) "
    "FROM call_notes WHERE substr(started_at, 1, 10) <= :today {only} "
    "GROUP BY hcp_id, channel"
)
_BY_THEME = (
    "SELECT c.hcp_id, m.theme, count(*), "
    "sum(c.outcome = 'positive'), sum(c.outcome IS NOT NULL) "
    "FROM call_notes c, json_each(c.key_messages) k "
    "JOIN approved_messages m ON m.id = k.value "
    "WHERE substr(c.started_at, 1, 10) <= :today {only} "
    "GROUP BY c.hcp_id, m.theme"
)


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


def load_history(
    conn: Connection, hcp_ids: list[str], today: date, *, only: str | None = None
) -> ContactHistory:
    """Aggregate call notes up to `today` for the given HCPs (others are ignored).

    `only` restricts both queries to one HCP (opening one HCP's page stays cheap).
    """
    index = {hcp_id: i for i, hcp_id in enumerate(hcp_ids)}
    channel_col = {c.value: j for j, c in enumerate(CHANNELS)}
    theme_col = {t: j for j, t in enumerate(THEMES)}
    history = ContactHistory.empty(len(hcp_ids))
    params = {
        "today": today.isoformat(),
        "month": today.isoformat()[:7],
        "recent": (today - timedelta(days=FATIGUE_WINDOW_DAYS)).isoformat(),
        "only": only,
    }
    by_channel = text(_BY_CHANNEL.format(only="AND hcp_id = :only" if only else ""))
    by_theme = text(_BY_THEME.format(only="AND c.hcp_id = :only" if only else ""))
    newest = ""
    for hcp_id, channel, count, pos, known, last, month, recent in conn.execute(by_channel, params):
        i, j = index.get(hcp_id), channel_col.get(channel)
        if i is None or j is None:
            continue
        history.contacts[i, j] = count
        history.channel_pos[i, j] = pos or 0
        history.channel_n[i, j] = known or 0
        history.last_ordinal[i, j] = date.fromisoformat(last).toordinal()
        history.month_n[i, j] = month or 0
        history.recent_n[i] += recent or 0
        newest = max(newest, last)
    for hcp_id, theme, count, pos, known in conn.execute(by_theme, params):
        i, j = index.get(hcp_id), theme_col.get(theme)
        if i is None or j is None:
            continue
        history.theme_contacts[i, j] = count
        history.theme_pos[i, j] = pos or 0
        history.theme_n[i, j] = known or 0
    history.data_as_of = date.fromisoformat(newest) if newest else None
    return history
