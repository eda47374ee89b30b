"""An HCP realigned from one rep's territory to another's (both on the team): coverage
counts only the A-tier HCPs a rep covers now (never above 100 %), and the new rep's
"priority HCPs not seen" knows the old rep's visits. Figures worked out by hand.

REP-A covers T-NORTH (H1, H2: tier A; H3: tier B), REP-B T-SOUTH (H5 and, since the
realignment, HM, HM2 and HN: all tier A, all visited by REP-A while they were his).
Period 16-25 November 2026 (ISO weeks 47 and 48), as of the 25th, silent after 30 days:

- a1 REP-A H1 visit 17 Nov, a2 REP-A HM visit 18 Nov, a3 REP-A HM2 phone 24 Nov;
  a4 REP-A HN visit 1 Oct (55 days before the as-of day; names CARDIOVEX);
- b1 REP-B H5 visit 20 Nov.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fieldrep.reports.data import TeamData, team_data
from fieldrep.reports.export import as_json
from fieldrep.reports.team import TeamFilter, team_report
from fieldrep.sync.protocol.goals import TeamMember

REP_A, REP_B = "REP-A", "REP-B"
START, END = date(2026, 11, 16), date(2026, 11, 25)
TEAM = (
    TeamMember(username=REP_A, territories=("T-NORTH",)),
    TeamMember(username=REP_B, territories=("T-SOUTH",)),
)
HCPS = [
    {"id": "H1", "name": "DR. ADA QUIST", "territory_id": "T-NORTH", "tier": "A", "decile": 9},
    {"id": "H2", "name": "DR. BEN ROTH", "territory_id": "T-NORTH", "tier": "A", "decile": 8},
    {"id": "H3", "name": "DR. CY SOTO", "territory_id": "T-NORTH", "tier": "B", "decile": 6},
    {"id": "H5", "name": "DR. EVE UNGER", "territory_id": "T-SOUTH", "tier": "A", "decile": 10},
    # Realigned from T-NORTH to T-SOUTH by the admin after REP-A's visits.
    {"id": "HM", "name": "DR. MO MOVED", "territory_id": "T-SOUTH", "tier": "A", "decile": 9},
    {"id": "HM2", "name": "DR. NED MOVED", "territory_id": "T-SOUTH", "tier": "A", "decile": 9},
    {"id": "HN", "name": "DR. OLA OLDER", "territory_id": "T-SOUTH", "tier": "A", "decile": 9},
]


def _call(call_id: str, author: str, hcp: str, channel: str, day: str, *,
          product: str = "BRONZIX") -> dict[str, Any]:  # fmt: skip
    return {
        "id": call_id, "hcp_id": hcp, "author": author, "channel": channel,
        "started_at": f"{day}T10:00:00-05:00", "status": "submitted", "outcome": "neutral",
        "sentiment": None, "products": [product], "conflict_of": None,
    }  # fmt: skip


CALLS = [
    _call("a1", REP_A, "H1", "visit", "2026-11-17"),
    _call("a2", REP_A, "HM", "visit", "2026-11-18"),
    _call("a3", REP_A, "HM2", "phone", "2026-11-24"),
    _call("a4", REP_A, "HN", "visit", "2026-10-01", product="CARDIOVEX"),
    _call("b1", REP_B, "H5", "visit", "2026-11-20"),
]


def realigned_team() -> TeamData:
    return team_data(team=TEAM, hcps=HCPS, calls=CALLS)


def _report(**options: Any) -> dict[str, Any]:
    return as_json(team_report(realigned_team(), TeamFilter(START, END, **options)))


def _row(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    [found] = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return found


def _silent(report: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
    return {
        (r["rep"], r["hcp_id"]): (r["last_contact"], r["last_contact_by"], r["days_since"])
        for r in report["silent"]
    }


def test_coverage_counts_only_the_a_tier_hcps_a_rep_covers_now() -> None:
    report = _report()
    a = _row(report["summary"], rep=REP_A)
    # The calls on HM and HM2 happened: they count as calls and HCPs reached...
    assert (a["calls"], a["visit"], a["phone"], a["hcps_reached"]) == (3, 2, 1, 3)
    # ...but of REP-A's A-tier HCPs now (H1, H2) only H1 was reached (was 3 of 2: 150 %).
    assert (a["top_tier_reached"], a["top_tier_hcps"]) == (1, 2)
    assert a["top_tier_coverage"] == pytest.approx(1 / 2)
    b = _row(report["summary"], rep=REP_B)  # H5, HM, HM2, HN: only H5 by REP-B
    assert (b["top_tier_reached"], b["top_tier_hcps"]) == (1, 4)
    assert b["top_tier_coverage"] == pytest.approx(1 / 4)
    assert all(r["top_tier_coverage"] <= 1 for r in report["summary"])

    w47, w48 = (
        _row(report["weekly"], rep=REP_A, week="2026-W47"),
        _row(report["weekly"], rep=REP_A, week="2026-W48"),
    )
    assert (w47["calls"], w47["hcps_reached"], w47["top_tier_reached"]) == (2, 2, 1)
    assert (w48["calls"], w48["hcps_reached"], w48["top_tier_reached"]) == (1, 1, 0)

    totals = report["totals"]
    assert (totals["calls"], totals["top_tier_reached"], totals["top_tier_hcps"]) == (4, 2, 6)
    assert totals["top_tier_coverage"] == pytest.approx(2 / 6)


def test_an_hcp_the_old_rep_saw_within_the_window_is_not_silent_for_the_new_rep() -> None:
    silent = _silent(_report())
    # HM (18 Nov) and HM2 (24 Nov) were seen by REP-A within 30 days: not silent for
    # REP-B. HN's visit is 55 days old: silent, and the manager reads who saw it last.
    assert silent == {
        (REP_A, "H2"): (None, None, None),
        (REP_B, "HN"): ("2026-10-01", REP_A, 55),
    }


def test_the_old_reps_visit_counts_when_the_report_shows_the_new_rep_alone() -> None:
    silent = _silent(_report(reps=(REP_B,)))
    assert silent == {(REP_B, "HN"): ("2026-10-01", REP_A, 55)}


def test_an_older_visit_by_the_old_rep_names_them_as_the_last_contact() -> None:
    # Silent after 6 days: HM's visit by REP-A (18 Nov) is 7 days old, so HM is silent
    # for REP-B, seen last by REP-A; HM2 (1 day) and H5 (5 days) are not; H1 is
    # REP-A's own (8 days).
    assert _silent(_report(silent_days=6)) == {
        (REP_A, "H2"): (None, None, None),
        (REP_A, "H1"): ("2026-11-17", REP_A, 8),
        (REP_B, "HM"): ("2026-11-18", REP_A, 7),
        (REP_B, "HN"): ("2026-10-01", REP_A, 55),
    }


def test_the_last_contact_by_anyone_names_the_filtered_product() -> None:
    # Only a4 (HN) names CARDIOVEX: every other priority HCP reads "never" for it.
    silent = _silent(_report(product="CARDIOVEX"))
    assert silent[(REP_B, "HN")] == ("2026-10-01", REP_A, 55)
    assert silent[(REP_B, "HM")] == (None, None, None)
    assert set(silent) == {(REP_A, "H1"), (REP_A, "H2"), (REP_B, "H5"), (REP_B, "HM"),
                           (REP_B, "HM2"), (REP_B, "HN")}  # fmt: skip


def test_hcp_names_carry_their_title_as_the_reps_screens_show_them() -> None:
    """A company whose master data keeps the title apart ("PROF" + "JAMES VAN DYKE"):
    the manager's tables named the HCP without it, the rep's screens with it."""
    titled = [{**h, "title": "PROF" if h["id"] == "H2" else ""} for h in HCPS]
    data = team_data(team=TEAM, hcps=titled, calls=CALLS, plans=[], feedback=[])
    names = dict(zip(data.hcps["id"], data.hcps["name"], strict=True))
    assert names["H2"] == "PROF DR. BEN ROTH" and names["H1"] == "DR. ADA QUIST"
    untitled = team_data(team=TEAM, hcps=HCPS, calls=CALLS, plans=[], feedback=[])
    assert list(untitled.hcps["name"]) == [h["name"] for h in HCPS]  # no title column
