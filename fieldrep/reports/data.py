"""The report's input: plain rows (wire-form dicts) made into typed DataFrames.

Both sides load the rows their own way (the manager's encrypted store in
`fieldrep.reports.local`, the server's tables in `sync_server.services.team_report`)
and hand them to `team_data`, so everything from here on is one code path. No Qt, no
store: this module imports pandas and the protocol only (the server imports it).

Dates: a call's day is the date its `started_at` carries (the rep's wall date when it
was logged, in the offset written with it), so the desktop and the server, in whatever
zone they run, put every call on the same day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from fieldrep.sync.protocol.goals import GoalCycle, GoalsDocument, TeamMember

CHANNELS = ("visit", "remote", "phone", "email", "event")
SENTIMENTS = ("positive", "neutral", "negative")
OUTCOMES = ("positive", "neutral", "negative", "not_reached")
DISMISS_REASONS = (
    "wrong_channel", "wrong_message", "wrong_timing", "already_planned", "hcp_unavailable",
    "not_relevant", "other",
)  # fmt: skip

Row = Mapping[str, Any]


@dataclass(frozen=True)
class TeamData:
    """Everything a team report reads, for one team (or one rep).

    - `team`: username, territory_id (one row per pair; a rep without territory has a
      row with territory_id "")
    - `hcps`: id, name, territory_id, tier, decile, segment ("" when none is confirmed)
    - `calls`: submitted notes only: id, hcp_id, rep, channel, day, outcome, sentiment,
      products (the JSON list as text)
    - `plans`: id, rep, hcp_id, day, channel, status
    - `feedback`: id, rep, suggestion_id, hcp_id, action, reason, day, snooze_until
    - `cycles`: the goal cycles that apply to anyone in `team`

    Days are `datetime64` (midnight) here, for speed over years of history; the report's
    frames give them back as `date`.
    """

    team: pd.DataFrame
    hcps: pd.DataFrame
    calls: pd.DataFrame
    plans: pd.DataFrame
    feedback: pd.DataFrame
    cycles: tuple[GoalCycle, ...]

    @property
    def reps(self) -> list[str]:
        return sorted(set(self.team["username"]))

    @cached_property
    def _territories(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for user, territory in zip(self.team["username"], self.team["territory_id"], strict=True):
            found.setdefault(user, set()).update([territory] if territory else [])
        return {user: frozenset(t) for user, t in found.items()}

    def territories_of(self, rep: str) -> frozenset[str]:
        return self._territories.get(rep, frozenset())

    # Worked out once per data set (reports over other filters reuse them).
    @cached_property
    def last_contacts(self) -> pd.DataFrame:
        """rep, hcp_id, day: each rep's latest call with each HCP, over all the history."""
        return self.calls.groupby(["rep", "hcp_id"])["day"].max().reset_index()

    @cached_property
    def last_decisions(self) -> pd.DataFrame:
        """The latest feedback per rep and suggestion (by day, then id)."""
        ordered = self.feedback.sort_values(["day", "id"])
        return ordered.groupby(["rep", "suggestion_id"], sort=False).tail(1)

    @cached_property
    def last_day(self) -> pd.Timestamp | None:
        days = self.calls["day"]
        return None if days.isna().all() else days.max()


Rows = Iterable[Row] | pd.DataFrame


def _table(rows: Rows, columns: Sequence[str]) -> pd.DataFrame:
    """Rows (dicts or a frame) with at least `columns` (missing ones empty)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    return frame


def _days(values: pd.Series) -> pd.Series:
    """ISO dates or date-times -> the date they carry (the wall date in their own offset),
    as datetime64; empty -> NaT."""
    days = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")  # the quick case
    missed = days.isna() & values.notna()
    if missed.any():  # date-times: their first ten characters are the date they carry
        text = values[missed].astype(str).str.slice(0, 10)
        days[missed] = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return days


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty")


def _str(values: pd.Series) -> pd.Series:
    """As text (ids from the database already are: then nothing is copied)."""
    return values if _is_text(values) else values.astype(str)


def _text(values: pd.Series, default: str = "") -> pd.Series:
    if _is_text(values):
        return values
    return values.where(values.notna(), default).astype(str)


def _products(values: pd.Series) -> pd.Series:
    """The products as JSON text (as the device stores them; the server's rows may hold
    lists)."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.fillna("[]")
    return pd.Series(
        [v if isinstance(v, str) else "[]" if v is None else json.dumps(list(v)) for v in values],
        index=values.index,
        dtype=object,
    )


def team_data(
    *,
    team: Iterable[TeamMember],
    hcps: Rows,
    calls: Rows,
    plans: Rows = (),
    feedback: Rows = (),
    cycles: Iterable[GoalCycle] = (),
    segments: Mapping[str, str] | None = None,
) -> TeamData:
    """Frames from wire-form rows (dicts, or frames with the same column names).

    `hcps` need `id`, `name`, `territory_id`, `tier`, `decile` (and may carry `title`,
    shown before the name); `calls` the call-note
    fields with `id` and `author` (drafts and conflict copies are left out here);
    `plans` and `feedback` their wire fields with `id` and `owner`; `segments` maps an
    HCP id to its confirmed segment id.
    """
    members = list(team)
    team_rows = [
        {"username": m.username, "territory_id": t}
        for m in members
        for t in (m.territories or ("",))
    ]
    usernames = sorted({m.username for m in members})
    h = _table(hcps, ("id", "name", "title", "territory_id", "tier", "decile"))
    # The name as the rep's screens show it: with its title ("PROF JAMES VAN DYKE").
    names = (_text(h["title"]) + " " + _text(h["name"])).str.strip()
    hcp_frame = pd.DataFrame({
        "id": _str(h["id"]), "name": names,
        "territory_id": _text(h["territory_id"]), "tier": _text(h["tier"], "C"),
        "decile": pd.to_numeric(h["decile"], errors="coerce").fillna(5).astype("int64"),
    })  # fmt: skip
    segment_of = dict(segments or {})
    hcp_frame["segment"] = [segment_of.get(i, "") for i in hcp_frame["id"]]
    c = _table(calls, ("id", "hcp_id", "author", "channel", "started_at", "status", "outcome",
                       "sentiment", "products", "conflict_of"))  # fmt: skip
    conflict = c["conflict_of"]
    keep = (
        (c["status"] == "submitted")
        & (conflict.isna() | (conflict == ""))
        & c["author"].isin(usernames)
    )
    c = c[keep]
    call_frame = pd.DataFrame({
        "id": _str(c["id"]), "hcp_id": _str(c["hcp_id"]), "rep": c["author"],
        "channel": _str(c["channel"]), "day": _days(c["started_at"]),
        "outcome": _text(c["outcome"]), "sentiment": _text(c["sentiment"]),
        "products": _products(c["products"]),
    })  # fmt: skip
    p = _table(plans, ("id", "owner", "hcp_id", "planned_date", "channel", "status"))
    p = p[p["owner"].isin(usernames)]
    plan_frame = pd.DataFrame({
        "id": _str(p["id"]), "rep": p["owner"], "hcp_id": _str(p["hcp_id"]),
        "day": _days(p["planned_date"]), "channel": _text(p["channel"], "visit"),
        "status": _text(p["status"], "planned"),
    })  # fmt: skip
    f = _table(feedback, ("id", "owner", "suggestion_id", "hcp_id", "action", "reason",
                          "created_at", "snooze_until"))  # fmt: skip
    f = f[f["owner"].isin(usernames)]
    feedback_frame = pd.DataFrame({
        "id": _str(f["id"]), "rep": f["owner"],
        "suggestion_id": _str(f["suggestion_id"]), "hcp_id": _str(f["hcp_id"]),
        "action": _str(f["action"]), "reason": _text(f["reason"]),
        "day": _days(f["created_at"]), "snooze_until": _days(f["snooze_until"]),
    })  # fmt: skip
    wanted = [
        c for c in cycles if any(c.applies_to(m.username, set(m.territories)) for m in members)
    ]
    return TeamData(
        team=pd.DataFrame(team_rows, columns=["username", "territory_id"]),
        hcps=hcp_frame.reset_index(drop=True),
        calls=call_frame.reset_index(drop=True),
        plans=plan_frame.reset_index(drop=True),
        feedback=feedback_frame.reset_index(drop=True),
        cycles=tuple(sorted(wanted, key=lambda c: (c.start, c.id))),
    )


def goals_from_document(data: Mapping[str, Any] | None) -> GoalsDocument | None:
    """A goals document as the feed carries it (None when none has arrived)."""
    return None if data is None else GoalsDocument.model_validate(data)
