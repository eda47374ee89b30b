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
from datetime import date, datetime
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

    def territories_of(self, rep: str) -> frozenset[str]:
        rows = self.team[self.team["username"] == rep]
        return frozenset(t for t in rows["territory_id"] if t)


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _products(value: Any) -> str:
    if value is None:
        return "[]"
    if isinstance(value, str):
        return value
    return json.dumps(list(value), separators=(",", ":"))


def team_data(
    *,
    team: Iterable[TeamMember],
    hcps: Iterable[Row],
    calls: Iterable[Row],
    plans: Iterable[Row] = (),
    feedback: Iterable[Row] = (),
    cycles: Iterable[GoalCycle] = (),
    segments: Mapping[str, str] | None = None,
) -> TeamData:
    """Frames from wire-form rows.

    `hcps` need `id` (or the wire's record id under `id`), `name`, `territory_id`,
    `tier`, `decile`; `calls` the call-note fields with `id` and `author` (drafts and
    conflict copies are left out here); `plans` and `feedback` their wire fields with
    `id` and `owner`; `segments` maps an HCP id to its confirmed segment id.
    """
    members = list(team)
    team_rows = [
        {"username": m.username, "territory_id": t}
        for m in members
        for t in (m.territories or ("",))
    ]
    usernames = {m.username for m in members}
    segment_of = segments or {}
    hcp_rows = [
        {
            "id": str(h["id"]),
            "name": str(h.get("name") or ""),
            "territory_id": str(h.get("territory_id") or ""),
            "tier": str(h.get("tier") or "C"),
            "decile": int(h.get("decile") or 5),
            "segment": segment_of.get(str(h["id"]), ""),
        }
        for h in hcps
    ]
    call_rows = [
        {
            "id": str(c["id"]),
            "hcp_id": str(c["hcp_id"]),
            "rep": str(c["author"]),
            "channel": str(c["channel"]),
            "day": _day(c["started_at"]),
            "outcome": c.get("outcome") or "",
            "sentiment": c.get("sentiment") or "",
            "products": _products(c.get("products")),
        }
        for c in calls
        if c.get("status") == "submitted" and not c.get("conflict_of") and c["author"] in usernames
    ]
    plan_rows = [
        {
            "id": str(p["id"]),
            "rep": str(p["owner"]),
            "hcp_id": str(p["hcp_id"]),
            "day": _day(p["planned_date"]),
            "channel": str(p.get("channel") or "visit"),
            "status": str(p.get("status") or "planned"),
        }
        for p in plans
        if p.get("owner") in usernames
    ]
    feedback_rows = [
        {
            "id": str(f["id"]),
            "rep": str(f["owner"]),
            "suggestion_id": str(f["suggestion_id"]),
            "hcp_id": str(f["hcp_id"]),
            "action": str(f["action"]),
            "reason": f.get("reason") or "",
            "day": _day(f["created_at"]),
            "snooze_until": _day(f.get("snooze_until")),
        }
        for f in feedback
        if f.get("owner") in usernames
    ]
    wanted = [
        c for c in cycles if any(c.applies_to(m.username, set(m.territories)) for m in members)
    ]
    return TeamData(
        team=_frame(team_rows, ("username", "territory_id")),
        hcps=_frame(hcp_rows, ("id", "name", "territory_id", "tier", "decile", "segment")),
        calls=_frame(
            call_rows,
            ("id", "hcp_id", "rep", "channel", "day", "outcome", "sentiment", "products"),
        ),
        plans=_frame(plan_rows, ("id", "rep", "hcp_id", "day", "channel", "status")),
        feedback=_frame(
            feedback_rows,
            ("id", "rep", "suggestion_id", "hcp_id", "action", "reason", "day", "snooze_until"),
        ),
        cycles=tuple(sorted(wanted, key=lambda c: (c.start, c.id))),
    )


def goals_from_document(data: Mapping[str, Any] | None) -> GoalsDocument | None:
    """A goals document as the feed carries it (None when none has arrived)."""
    return None if data is None else GoalsDocument.model_validate(data)
