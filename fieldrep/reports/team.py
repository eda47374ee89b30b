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

import numpy as np
import pandas as pd

from fieldrep.reports.data import CHANNELS, OUTCOMES, SENTIMENTS, TeamData
from fieldrep.reports.goals import attainment, line_mask, rep_hcps

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
    acceptance_rate: float | None  # accepted / (accepted + dismissed); None when neither
    top_tier_hcps: int
    top_tier_reached: int
    top_tier_coverage: float | None  # reached / A-tier HCPs; None without an A-tier HCP
    attainment: float  # counted / goal over every goal line in the report
    time_gone: float  # of the latest cycle in the report (0 without goals)


@dataclass(frozen=True)
class TeamReport:
    """Frames (all plain columns, JSON-friendly once dates are written as ISO text):

    - `weekly`: rep, week ("2026-W48"), week_start, calls, one column per channel,
      hcps_reached, top_tier_reached (of the A-tier HCPs in the rep's territories now:
      calls on an HCP realigned away count in calls and hcps_reached only),
      days_in_field, planned, completed, cancelled, accepted, dismissed, snoozed,
      expired, sentiment_<s>, outcome_<o>
    - `summary`: one row per rep, the same figures over the whole period, plus
      acceptance_rate (NaN: no decision), top_tier_hcps, top_tier_coverage (NaN: no
      A-tier HCP to cover, never 0; never above 1), attainment, time_gone
    - `attainment`: rep x cycle x goal line (`fieldrep.reports.goals`)
    - `reach`: rep x dimension ("tier"/"segment") x value: hcps, reached, reach, calls,
      frequency (calls per reached HCP)
    - `dismiss_reasons`: rep, reason, dismissed
    - `silent`: each rep's priority HCPs that nobody of the team has contacted for more
      than `silent_days`: rep, hcp_id, name, tier, decile, last_contact (the latest by
      anyone; None: never), last_contact_by (whose; None: never), days_since
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


def acceptance(accepted: int, dismissed: int) -> float | None:
    """accepted / (accepted + dismissed); None (no rate) without a decision."""
    decided = int(accepted) + int(dismissed)
    return int(accepted) / decided if decided else None


def stamp(day: date) -> pd.Timestamp:
    """A date as the frames hold days (datetime64 at midnight)."""
    return pd.Timestamp(day)


def _between(frame: pd.DataFrame, column: str, start: date, end: date) -> pd.DataFrame:
    days = frame[column]
    return frame[(days >= stamp(start)) & (days <= stamp(end))]


def _with_week(frame: pd.DataFrame, column: str = "day") -> pd.DataFrame:
    """The period's rows (small), with `day` and `week_start` as dates."""
    frame = frame.copy()
    days = frame[column]
    frame["week_start"] = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
    frame[column] = days.dt.date
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


def expired_suggestions(last: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Snoozes that lapsed: of `last` (the latest decision per suggestion), those that are
    snoozes ending before `as_of`. Their `day` becomes the day the snooze ended."""
    lapsed = last[(last["action"] == "snoozed") & (last["snooze_until"] < stamp(as_of))].copy()
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
        self.pairs = rep_hcps(data, self.reps, hcps)  # each rep's HCPs
        ids = set(hcps["id"])
        end = stamp(flt.end)
        calls = _between(data.calls, "day", flt.start, flt.end)
        calls = calls[calls["rep"].isin(self.reps) & calls["hcp_id"].isin(ids)]
        if flt.product:
            calls = calls[calls["products"].str.contains(_json_string(flt.product), regex=False)]
        self.calls = _with_week(calls)
        # "Last contact" looks at all the history up to the as-of day.
        if flt.product or data.last_day is None or data.last_day > end:
            history = data.calls[data.calls["day"] <= end]
            if flt.product:
                needle = _json_string(flt.product)
                history = history[history["products"].str.contains(needle, regex=False)]
            self.last_contacts = history.groupby(["rep", "hcp_id"])["day"].max().reset_index()
        else:
            self.last_contacts = data.last_contacts
        plans = _between(data.plans, "day", flt.start, flt.end)
        plans = plans[plans["rep"].isin(self.reps) & plans["hcp_id"].isin(ids)]
        self.plans = _with_week(plans)
        feedback = _between(data.feedback, "day", flt.start, flt.end)
        feedback = feedback[feedback["rep"].isin(self.reps) & feedback["hcp_id"].isin(ids)]
        self.feedback = _with_week(feedback)
        if data.feedback["day"].max() > end:  # decisions after the as-of day do not count
            ordered = data.feedback[data.feedback["day"] <= end].sort_values(["day", "id"])
            last = ordered.groupby(["rep", "suggestion_id"], sort=False).tail(1)
        else:
            last = data.last_decisions
        lapsed = expired_suggestions(last, flt.end)
        lapsed = lapsed[lapsed["rep"].isin(self.reps) & lapsed["hcp_id"].isin(ids)]
        self.expired = _with_week(_between(lapsed, "day", flt.start, flt.end))
        # Coverage is of the A-tier HCPs a rep covers now: a call on one realigned to
        # another rep since still counts as a call, not as the old rep's coverage.
        top = self.pairs.loc[self.pairs["tier"] == TOP_TIER]
        self.top_calls = self.calls[_pair_in(self.calls, top, self.reps, hcps["id"])]


def _pair_in(calls: pd.DataFrame, pairs: pd.DataFrame, reps: list[str],
             hcp_ids: pd.Series) -> np.ndarray:  # fmt: skip
    """Which `calls` (rep, hcp_id) are among `pairs` (rep, id); every rep and HCP of
    either is in `reps` and `hcp_ids`. Integer keys: a third of a MultiIndex's time."""
    ids, people = pd.Index(pd.unique(hcp_ids)), pd.Index(reps)
    n = len(ids)

    def keys(rep: pd.Series, hcp: pd.Series) -> np.ndarray:
        return people.get_indexer(pd.Index(rep)) * n + ids.get_indexer(pd.Index(hcp))

    return np.isin(keys(calls["rep"], calls["hcp_id"]), keys(pairs["rep"], pairs["id"]))


def _json_string(value: str) -> str:
    return json.dumps(value)


def _activity(scope: _Scope, by: list[str]) -> pd.DataFrame:
    """The activity figures grouped by `by` (["rep"] or ["rep", "week_start"])."""
    calls, plans, feedback = scope.calls, scope.plans, scope.feedback
    visits = calls[calls["channel"] == "visit"]
    top_calls = scope.top_calls
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


def _reach(scope: _Scope) -> pd.DataFrame:
    """Per rep, tier and segment of their HCPs: how many, how many called, how often."""
    columns = ["rep", "dimension", "value", "hcps", "reached", "reach", "calls", "frequency"]
    per_hcp = scope.calls.groupby(["rep", "hcp_id"]).size().rename("calls").reset_index()
    pairs = scope.pairs.merge(per_hcp, left_on=["rep", "id"], right_on=["rep", "hcp_id"],
                              how="left")  # fmt: skip
    pairs["calls"] = pairs["calls"].fillna(0).astype("int64")
    pairs["reached"] = pairs["calls"] > 0
    pairs["segment"] = pairs["segment"].replace("", "(none)")
    tables = []
    for dimension in ("tier", "segment"):
        table = pairs.groupby(["rep", dimension]).agg(
            hcps=("id", "size"), reached=("reached", "sum"), calls=("calls", "sum")
        )
        tables.append(table.reset_index().rename(columns={dimension: "value"})
                      .assign(dimension=dimension))  # fmt: skip
    if not len(pairs):
        return pd.DataFrame(columns=columns)
    frame = pd.concat(tables, ignore_index=True)
    frame["reached"] = frame["reached"].astype("int64")
    frame["reach"] = [_ratio(r, h) for r, h in zip(frame["reached"], frame["hcps"], strict=True)]
    frame["frequency"] = [
        _ratio(c, r) for c, r in zip(frame["calls"], frame["reached"], strict=True)
    ]
    order = {rep: i for i, rep in enumerate(scope.reps)}
    frame["_order"] = frame["rep"].map(order)
    frame["_dim"] = frame["dimension"].map({"tier": 0, "segment": 1})
    frame = frame.sort_values(["_order", "_dim", "value"])
    return frame[columns].reset_index(drop=True)


def _latest_contacts(last: pd.DataFrame) -> pd.DataFrame:
    """hcp_id, by, day: each HCP's latest contact by anyone, from `last` (rep, hcp_id,
    day: each rep's latest). Two reps on the same day: the first username in order."""
    ordered = last.sort_values(["day", "rep"], ascending=[False, True])
    latest = ordered.drop_duplicates("hcp_id", keep="first")
    return latest.rename(columns={"rep": "by"})[["hcp_id", "by", "day"]]


def _silent(scope: _Scope, data: TeamData, flt: TeamFilter) -> pd.DataFrame:
    """Priority HCPs (top tier, or a target of a goal line of a cycle running on the
    as-of day) of each rep's territories that nobody of the team (in `data`, whatever
    the `reps` filter) has contacted for `silent_days`: an HCP realigned from one rep to
    another is not silent for the new rep when the old one saw it last week."""
    columns = [
        "rep", "hcp_id", "name", "tier", "decile", "last_contact", "last_contact_by",
        "days_since",
    ]  # fmt: skip
    pairs = scope.pairs
    priority = pairs["tier"] == TOP_TIER
    for cycle in (c for c in data.cycles if c.start <= flt.end <= c.end):
        applies = (
            pairs["rep"]
            .map({r: cycle.applies_to(r, data.territories_of(r)) for r in scope.reps})
            .astype(bool)
        )
        for line in cycle.goals:
            priority |= applies & line_mask(pairs, line)
    frame: pd.DataFrame = pairs.loc[priority].rename(columns={"id": "hcp_id"})
    if not len(frame):
        return pd.DataFrame(columns=columns)
    latest = _latest_contacts(scope.last_contacts)
    frame = frame.merge(latest.rename(columns={"day": "seen"}), on="hcp_id", how="left")
    since = (stamp(flt.end) - frame["seen"]).dt.days
    frame = frame[since.isna() | (since > flt.silent_days)].copy()
    frame["days_since"] = since[frame.index].astype("Int64")
    # A date or None (never contacted), whatever the mix: `where` on a column of only
    # missing days would turn it back into datetime64 and write "NaT".
    frame["last_contact"] = pd.Series(
        [None if pd.isna(seen) else seen.date() for seen in frame["seen"]],
        index=frame.index, dtype=object,
    )  # fmt: skip
    frame["last_contact_by"] = pd.Series(
        [None if pd.isna(by) else str(by) for by in frame["by"]], index=frame.index, dtype=object
    )
    order = {rep: i for i, rep in enumerate(scope.reps)}
    frame["_order"] = frame["rep"].map(order)
    frame = frame.sort_values(["_order", "days_since"], ascending=[True, False],
                              na_position="first")  # fmt: skip
    return frame[columns].reset_index(drop=True)


def team_report(data: TeamData, flt: TeamFilter) -> TeamReport:
    """The figures of `data` over `flt` (see `TeamReport`)."""
    scope = _Scope(data, flt)
    weekly = _weekly(scope, flt)
    goals = attainment(data, scope.reps, flt.end, scope.hcps)
    goals = goals[goals["end"] >= flt.start].reset_index(drop=True)
    summary = _activity(scope, ["rep"]).reindex(scope.reps, fill_value=0)
    summary.index.name = "rep"
    summary = summary.reset_index()
    summary["acceptance_rate"] = pd.Series(
        [acceptance(a, d) for a, d in zip(summary["accepted"], summary["dismissed"], strict=True)],
        index=summary.index, dtype="float64",
    )  # fmt: skip
    top_counts = scope.pairs[scope.pairs["tier"] == TOP_TIER].groupby("rep").size()
    top = [int(top_counts.get(r, 0)) for r in scope.reps]
    summary["top_tier_hcps"] = top
    summary["top_tier_coverage"] = pd.Series(
        [_ratio(r, t) if t else None for r, t in zip(summary["top_tier_reached"], top,
                                                      strict=True)],
        index=summary.index, dtype="float64",
    )  # fmt: skip
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
        reach=_reach(scope), dismiss_reasons=reasons, silent=_silent(scope, data, flt),
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
        acceptance_rate=acceptance(accepted, dismissed), top_tier_hcps=top_hcps,
        top_tier_reached=top_reached,
        top_tier_coverage=_ratio(top_reached, top_hcps) if top_hcps else None,
        attainment=_ratio(goals["counted"].sum(), goals["goal"].sum()) if len(goals) else 0.0,
        time_gone=float(goals["time_gone"].max()) if len(goals) else 0.0,
    )  # fmt: skip
