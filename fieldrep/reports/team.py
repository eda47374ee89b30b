"""The team report: per rep and ISO week, what the team did against its goals.

`team_report(data, flt)` is the one code path behind the desktop's team view, the
server's `GET /reports/team` and `fieldrep-server report team`. Pure pandas over a
`TeamData` (see `fieldrep.reports.data`); definitions are in `fieldrep.reports`'s
docstring and docs/manager.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from fieldrep.reports.data import CHANNELS, OUTCOMES, SENTIMENTS, TeamData
from fieldrep.reports.goals import attainment, targets

TOP_TIER = "A"
DEFAULT_SILENT_DAYS = 30


@dataclass(frozen=True)
class TeamFilter:
    """What the report covers: the days from `start` to `end` (inclusive; `end` is also
    the as-of day for pace and silence), the reps (empty: all), and HCPs of one tier or
    segment, and calls naming one product (None: all)."""

    start: date
    end: date
    reps: tuple[str, ...] = ()
    tier: str | None = None
    segment: str | None = None
    product: str | None = None
    silent_days: int = DEFAULT_SILENT_DAYS

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"The period ends ({self.end}) before it starts ({self.start}).")


@dataclass(frozen=True)
class TeamTotals:
    calls: int
    hcps_reached: int
    days_in_field: int
    planned: int
    completed: int
    accepted: int
    dismissed: int
    snoozed: int
    expired: int
    acceptance_rate: float  # accepted / (accepted + dismissed); 0 when neither
    top_tier_hcps: int
    top_tier_reached: int
    top_tier_coverage: float
    attainment: float  # counted / goal over every goal line in the report
    time_gone: float  # of the latest cycle in the report (0 without goals)


@dataclass(frozen=True)
class TeamReport:
    """Frames (all plain columns, JSON-friendly once dates are written as ISO text):

    - `weekly`: rep, week ("2026-W48"), week_start, calls, one column per channel,
      hcps_reached, top_tier_reached, days_in_field, planned, completed, cancelled,
      accepted, dismissed, snoozed, expired, sentiment_<s>, outcome_<o>
    - `summary`: one row per rep, the same figures over the whole period, plus
      acceptance_rate, top_tier_hcps, top_tier_coverage, attainment, time_gone
    - `attainment`: rep x cycle x goal line (`fieldrep.reports.goals`)
    - `reach`: rep x dimension ("tier"/"segment") x value: hcps, reached, reach, calls,
      frequency (calls per reached HCP)
    - `dismiss_reasons`: rep, reason, dismissed
    - `silent`: priority HCPs without a contact for more than `silent_days`: rep,
      hcp_id, name, tier, decile, last_contact (None: never), days_since
    """

    filter: TeamFilter
    weekly: pd.DataFrame
    summary: pd.DataFrame
    attainment: pd.DataFrame
    reach: pd.DataFrame
    dismiss_reasons: pd.DataFrame
    silent: pd.DataFrame
    totals: TeamTotals
    reps: tuple[str, ...] = field(default=())

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            "weekly": self.weekly,
            "summary": self.summary,
            "attainment": self.attainment,
            "reach": self.reach,
            "dismiss_reasons": self.dismiss_reasons,
            "silent": self.silent,
        }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(start: date, end: date) -> list[date]:
    first, weeks = _monday(start), []
    while first <= end:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def _ratio(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def _between(frame: pd.DataFrame, column: str, start: date, end: date) -> pd.DataFrame:
    days = frame[column]
    return frame[days.notna() & (days >= start) & (days <= end)]


def _with_week(frame: pd.DataFrame, column: str = "day") -> pd.DataFrame:
    frame = frame.copy()
    frame["week_start"] = [_monday(d) for d in frame[column]]
    return frame


def _count(frame: pd.DataFrame, by: list[str], name: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype="int64", name=name)
    return frame.groupby(by).size().rename(name)


def _nunique(frame: pd.DataFrame, by: list[str], column: str, name: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype="int64", name=name)
    return frame.groupby(by)[column].nunique().rename(name)


def _pivot(frame: pd.DataFrame, by: list[str], column: str, values: tuple[str, ...],
           prefix: str) -> pd.DataFrame:  # fmt: skip
    names = [f"{prefix}{v}" for v in values]
    if frame.empty:
        return pd.DataFrame(columns=names)
    table = frame.groupby([*by, column]).size().unstack(column, fill_value=0)
    table = table.reindex(columns=list(values), fill_value=0)
    table.columns = pd.Index(names)
    return table


def expired_suggestions(feedback: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Snoozes that lapsed: the suggestion's last decision is a snooze whose date is
    before `as_of`. Their `day` becomes the day the snooze ended."""
    if feedback.empty:
        return feedback
    ordered = feedback.sort_values(["day", "id"])
    last = ordered.groupby(["rep", "suggestion_id"], sort=False).tail(1)
    lapsed = last[(last["action"] == "snoozed") & last["snooze_until"].notna()]
    ended = pd.Series([d < as_of for d in lapsed["snooze_until"]], index=lapsed.index, dtype=bool)
    lapsed = lapsed[ended].copy()
    lapsed["day"] = lapsed["snooze_until"]
    return lapsed


class _Scope:
    """The filtered inputs of one report."""

    def __init__(self, data: TeamData, flt: TeamFilter) -> None:
        self.reps = [r for r in data.reps if not flt.reps or r in flt.reps]
        hcps = data.hcps
        if flt.tier:
            hcps = hcps[hcps["tier"] == flt.tier]
        if flt.segment:
            hcps = hcps[hcps["segment"] == flt.segment]
        self.hcps = hcps
        ids = set(hcps["id"])
        calls = data.calls[data.calls["rep"].isin(self.reps) & data.calls["hcp_id"].isin(ids)]
        if flt.product:
            calls = calls[calls["products"].str.contains(_json_string(flt.product), regex=False)]
        self.history = calls[calls["day"] <= flt.end]  # for "last contact"
        self.calls = _with_week(_between(calls, "day", flt.start, flt.end))
        plans = data.plans[data.plans["rep"].isin(self.reps) & data.plans["hcp_id"].isin(ids)]
        self.plans = _with_week(_between(plans, "day", flt.start, flt.end))
        feedback = data.feedback[
            data.feedback["rep"].isin(self.reps) & data.feedback["hcp_id"].isin(ids)
        ]
        self.feedback = _with_week(_between(feedback, "day", flt.start, flt.end))
        lapsed = expired_suggestions(feedback[feedback["day"] <= flt.end], flt.end)
        self.expired = _with_week(_between(lapsed, "day", flt.start, flt.end))
        top = hcps[hcps["tier"] == TOP_TIER]
        self.top_ids = set(top["id"])


def _json_string(value: str) -> str:
    return json.dumps(value)


def _activity(scope: _Scope, by: list[str]) -> pd.DataFrame:
    """The activity figures grouped by `by` (["rep"] or ["rep", "week_start"])."""
    calls, plans, feedback = scope.calls, scope.plans, scope.feedback
    visits = calls[calls["channel"] == "visit"]
    top_calls = calls[calls["hcp_id"].isin(scope.top_ids)]
    parts: list[pd.Series | pd.DataFrame] = [
        _count(calls, by, "calls"),
        _pivot(calls, by, "channel", CHANNELS, ""),
        _nunique(calls, by, "hcp_id", "hcps_reached"),
        _nunique(top_calls, by, "hcp_id", "top_tier_reached"),
        _nunique(visits, by, "day", "days_in_field"),
        _count(plans, by, "planned"),
        _count(plans[plans["status"] == "done"], by, "completed"),
        _count(plans[plans["status"] == "cancelled"], by, "cancelled"),
        _count(feedback[feedback["action"] == "accepted"], by, "accepted"),
        _count(feedback[feedback["action"] == "dismissed"], by, "dismissed"),
        _count(feedback[feedback["action"] == "snoozed"], by, "snoozed"),
        _count(scope.expired, by, "expired"),
        _pivot(calls[calls["sentiment"] != ""], by, "sentiment", SENTIMENTS, "sentiment_"),
        _pivot(calls[calls["outcome"] != ""], by, "outcome", OUTCOMES, "outcome_"),
    ]
    frame = pd.concat([p for p in parts if len(p)], axis=1) if any(len(p) for p in parts) else None
    columns = [
        "calls", *CHANNELS, "hcps_reached", "top_tier_reached", "days_in_field", "planned",
        "completed", "cancelled", "accepted", "dismissed", "snoozed", "expired",
        *(f"sentiment_{s}" for s in SENTIMENTS), *(f"outcome_{o}" for o in OUTCOMES),
    ]  # fmt: skip
    if frame is None:
        return pd.DataFrame(columns=columns, index=pd.MultiIndex.from_tuples([], names=by))
    return frame.reindex(columns=columns).fillna(0).astype("int64")


def _weekly(scope: _Scope, flt: TeamFilter) -> pd.DataFrame:
    activity = _activity(scope, ["rep", "week_start"])
    index = pd.MultiIndex.from_product(
        [scope.reps, _weeks(flt.start, flt.end)], names=["rep", "week_start"]
    )
    table = activity.reindex(index, fill_value=0).reset_index()
    table.insert(1, "week", [iso_week(d) for d in table["week_start"]])
    return table


def _reach(scope: _Scope, data: TeamData) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for rep in scope.reps:
        mine = scope.hcps[scope.hcps["territory_id"].isin(data.territories_of(rep))]
        calls = scope.calls[scope.calls["rep"] == rep]
        per_hcp = calls.groupby("hcp_id").size()
        for dimension in ("tier", "segment"):
            for value, group in mine.groupby(dimension, sort=True):
                contacts = per_hcp.reindex(group["id"]).dropna()
                reached = int((contacts > 0).sum())
                rows.append({
                    "rep": rep, "dimension": dimension, "value": str(value) or "(none)",
                    "hcps": len(group), "reached": reached, "reach": _ratio(reached, len(group)),
                    "calls": int(contacts.sum()), "frequency": _ratio(contacts.sum(), reached),
                })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["rep", "dimension", "value", "hcps", "reached", "reach", "calls",
                       "frequency"],
    )  # fmt: skip


def _silent(scope: _Scope, data: TeamData, flt: TeamFilter) -> pd.DataFrame:
    """Priority HCPs (top tier, or a target of a goal line of a cycle running on the
    as-of day) of each rep's territories not contacted by that rep for `silent_days`."""
    running = [c for c in data.cycles if c.start <= flt.end <= c.end]
    last = scope.history.groupby(["rep", "hcp_id"])["day"].max() if len(scope.history) else None
    rows: list[dict[str, Any]] = []
    for rep in scope.reps:
        territories = data.territories_of(rep)
        mine = scope.hcps[scope.hcps["territory_id"].isin(territories)]
        priority = set(mine.loc[mine["tier"] == TOP_TIER, "id"])
        for cycle in running:
            if cycle.applies_to(rep, territories):
                for line in cycle.goals:
                    priority |= set(targets(mine, territories, line)["id"])
        for hcp in mine[mine["id"].isin(priority)].itertuples(index=False):
            seen = None if last is None else last.get((rep, hcp.id))
            since = None if seen is None else (flt.end - seen).days
            if since is None or since > flt.silent_days:
                rows.append({
                    "rep": rep, "hcp_id": hcp.id, "name": hcp.name, "tier": hcp.tier,
                    "decile": hcp.decile, "last_contact": seen, "days_since": since,
                })  # fmt: skip
    columns = ["rep", "hcp_id", "name", "tier", "decile", "last_contact", "days_since"]
    frame = pd.DataFrame(rows, columns=columns)
    never = frame["days_since"].isna()
    frame = pd.concat([frame[never], frame[~never].sort_values("days_since", ascending=False)])
    return frame.sort_values("rep", kind="stable").reset_index(drop=True)


def team_report(data: TeamData, flt: TeamFilter) -> TeamReport:
    """The figures of `data` over `flt` (see `TeamReport`)."""
    scope = _Scope(data, flt)
    weekly = _weekly(scope, flt)
    goals = attainment(data, scope.reps, flt.end, scope.hcps)
    goals = goals[goals["end"] >= flt.start].reset_index(drop=True)
    summary = _activity(scope, ["rep"]).reindex(scope.reps, fill_value=0)
    summary.index.name = "rep"
    summary = summary.reset_index()
    summary["acceptance_rate"] = [
        _ratio(a, a + d) for a, d in zip(summary["accepted"], summary["dismissed"], strict=True)
    ]
    top = [
        int(scope.hcps["territory_id"].isin(data.territories_of(r)).mul(
            scope.hcps["tier"] == TOP_TIER).sum())
        for r in scope.reps
    ]  # fmt: skip
    summary["top_tier_hcps"] = top
    summary["top_tier_coverage"] = [
        _ratio(r, t) for r, t in zip(summary["top_tier_reached"], top, strict=True)
    ]
    counted = goals.groupby("rep")["counted"].sum().to_dict() if len(goals) else {}
    goal = goals.groupby("rep")["goal"].sum().to_dict() if len(goals) else {}
    summary["attainment"] = [_ratio(counted.get(r, 0), goal.get(r, 0)) for r in scope.reps]
    summary["time_gone"] = [
        float(goals.loc[goals["rep"] == r, "time_gone"].max()) if (goals["rep"] == r).any()
        else 0.0
        for r in scope.reps
    ]  # fmt: skip
    dismissed = scope.feedback[scope.feedback["action"] == "dismissed"]
    reasons = (
        dismissed.assign(reason=dismissed["reason"].replace("", "(none)"))
        .groupby(["rep", "reason"]).size().rename("dismissed").reset_index()
        if len(dismissed) else pd.DataFrame(columns=["rep", "reason", "dismissed"])
    )  # fmt: skip
    totals = _totals(summary, goals)
    return TeamReport(
        filter=flt, weekly=weekly, summary=summary, attainment=goals,
        reach=_reach(scope, data), dismiss_reasons=reasons, silent=_silent(scope, data, flt),
        totals=totals, reps=tuple(scope.reps),
    )  # fmt: skip


def _totals(summary: pd.DataFrame, goals: pd.DataFrame) -> TeamTotals:
    def total(column: str) -> int:
        return int(summary[column].sum()) if len(summary) else 0

    accepted, dismissed = total("accepted"), total("dismissed")
    top_hcps, top_reached = total("top_tier_hcps"), total("top_tier_reached")
    return TeamTotals(
        calls=total("calls"), hcps_reached=total("hcps_reached"),
        days_in_field=total("days_in_field"), planned=total("planned"),
        completed=total("completed"), accepted=accepted, dismissed=dismissed,
        snoozed=total("snoozed"), expired=total("expired"),
        acceptance_rate=_ratio(accepted, accepted + dismissed), top_tier_hcps=top_hcps,
        top_tier_reached=top_reached, top_tier_coverage=_ratio(top_reached, top_hcps),
        attainment=_ratio(goals["counted"].sum(), goals["goal"].sum()) if len(goals) else 0.0,
        time_gone=float(goals["time_gone"].max()) if len(goals) else 0.0,
    )  # fmt: skip
