"""The fixture team's figures, worked out by hand, match the report exactly (the core).

The same expectations are checked through the server's endpoint and CLI
(tests/server/test_team_report.py) and the manager's synced workspace
(tests/reports/test_team_report_workspace.py): `assert_known_answers` is shared.
"""

from __future__ import annotations

from typing import Any

import pytest

from fieldrep.reports.data import team_data
from fieldrep.reports.export import as_json
from fieldrep.reports.goals import rep_attainment
from fieldrep.reports.team import TeamFilter, team_report
from tests.reports import team_fixture as fx


def _row(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def assert_known_answers(report: dict[str, Any]) -> None:
    """`report` is the JSON form (`export.as_json`): what the endpoint and CLI return."""
    assert report["reps"] == [fx.ALVAREZ, fx.BRANDT]  # never REP-ZED of the other team
    weekly = report["weekly"]
    assert len(weekly) == 4  # two reps x ISO weeks 47 and 48
    w47 = _row(weekly, rep=fx.ALVAREZ, week="2026-W47")
    # c2 c3 visits, c6 c7 e-mails, c8 phone, c9 remote (Sunday 23:30 New York time).
    assert (w47["calls"], w47["visit"], w47["email"], w47["phone"], w47["remote"]) == (
        6, 2, 2, 1, 1,
    )  # fmt: skip
    assert (w47["hcps_reached"], w47["top_tier_reached"], w47["days_in_field"]) == (2, 1, 2)
    assert (w47["planned"], w47["completed"], w47["cancelled"]) == (2, 1, 1)
    assert (w47["accepted"], w47["dismissed"], w47["snoozed"], w47["expired"]) == (1, 2, 1, 1)
    assert (w47["sentiment_positive"], w47["sentiment_neutral"], w47["sentiment_negative"]) == (
        1, 1, 1,
    )  # fmt: skip
    w48 = _row(weekly, rep=fx.ALVAREZ, week="2026-W48")
    assert (w48["calls"], w48["visit"], w48["days_in_field"]) == (2, 2, 2)  # no draft, no copy
    b47 = _row(weekly, rep=fx.BRANDT, week="2026-W47")
    b48 = _row(weekly, rep=fx.BRANDT, week="2026-W48")
    assert (b47["calls"], b48["calls"], b48["phone"], b48["accepted"]) == (1, 2, 1, 2)

    alvarez = _row(report["summary"], rep=fx.ALVAREZ)
    assert (alvarez["calls"], alvarez["visit"], alvarez["email"]) == (8, 4, 2)
    assert alvarez["acceptance_rate"] == pytest.approx(1 / 4)  # 1 accepted, 3 dismissed
    assert alvarez["top_tier_coverage"] == pytest.approx(1 / 2)  # H1 of H1, H2
    assert alvarez["attainment"] == pytest.approx(7 / 10)  # (4 + 1 + 2) / (6 + 2 + 2)
    brandt = _row(report["summary"], rep=fx.BRANDT)
    assert brandt["acceptance_rate"] == pytest.approx(2 / 3)
    assert brandt["attainment"] == pytest.approx(3 / 8)  # (2 + 0 + 1) / (3 + 1 + 4)

    goals = report["attainment"]
    visits = _row(goals, rep=fx.ALVAREZ, line="A-tier", channel="visit")
    # H1: five visits in the cycle (c1 on 5 October included), the cap counts four.
    assert (visits["targets"], visits["goal"], visits["contacts"], visits["counted"]) == (
        2, 6, 5, 4,
    )  # fmt: skip
    assert visits["attainment"] == pytest.approx(4 / 6)
    assert (visits["reached"], visits["reach"], visits["frequency"]) == (1, 0.5, 5.0)
    assert visits["time_gone"] == pytest.approx(56 / 92)  # 1 Oct..25 Nov of 92 days
    emails = _row(goals, rep=fx.ALVAREZ, line="A-tier", channel="email")
    assert (emails["contacts"], emails["counted"], emails["attainment"]) == (2, 1, 0.5)
    b_tier = _row(goals, rep=fx.BRANDT, line="B-tier", channel="any")
    assert (b_tier["targets"], b_tier["goal"], b_tier["counted"]) == (2, 4, 1)  # b4, b5 early

    reasons = {(r["rep"], r["reason"]): r["dismissed"] for r in report["dismiss_reasons"]}
    assert reasons == {
        (fx.ALVAREZ, "wrong_timing"): 2,
        (fx.ALVAREZ, "wrong_channel"): 1,
        (fx.BRANDT, "not_relevant"): 1,
    }
    silent = {
        (r["rep"], r["hcp_id"]): (r["last_contact"], r["last_contact_by"], r["days_since"])
        for r in report["silent"]
    }
    assert silent == {
        (fx.ALVAREZ, "H2"): (None, None, None),
        (fx.BRANDT, "H8"): ("2026-09-10", fx.BRANDT, 76),
    }

    reach = _row(report["reach"], rep=fx.ALVAREZ, dimension="tier", value="A")
    assert (reach["hcps"], reach["reached"], reach["calls"], reach["frequency"]) == (2, 1, 6, 6.0)
    seeker = _row(report["reach"], rep=fx.ALVAREZ, dimension="segment", value="evidence_seeker")
    assert (seeker["hcps"], seeker["calls"]) == (1, 6)

    totals = report["totals"]
    assert (totals["calls"], totals["accepted"], totals["dismissed"], totals["expired"]) == (
        11, 3, 4, 1,
    )  # fmt: skip
    assert totals["acceptance_rate"] == pytest.approx(3 / 7)
    assert totals["attainment"] == pytest.approx(10 / 18)


def fixture_data(reps: tuple[str, ...] = (fx.ALVAREZ, fx.BRANDT)) -> Any:
    team = [m for m in fx.TEAM if m.username in reps]
    return team_data(
        team=team, hcps=fx.HCPS, calls=fx.CALLS, plans=fx.PLANS, feedback=fx.FEEDBACK,
        cycles=[fx.CYCLE], segments=fx.SEGMENTS,
    )  # fmt: skip


def test_team_report_matches_the_hand_computed_figures() -> None:
    report = team_report(fixture_data(), TeamFilter(fx.START, fx.END))
    assert_known_answers(as_json(report))


def test_a_rep_sees_their_attainment_and_the_time_gone() -> None:
    lines = rep_attainment(fixture_data(), fx.ALVAREZ, fx.END)
    assert [line.sentence() for line in lines] == [
        "A-tier: 62 % of the cycle done, 61 % of the time gone",  # 5 of 8 counted
        "B-tier: 100 % of the cycle done, 61 % of the time gone",
    ]
    assert lines[0].on_pace is True


def test_filters_narrow_the_figures() -> None:
    data = fixture_data()
    only_a = as_json(team_report(data, TeamFilter(fx.START, fx.END, tier="A")))
    assert _row(only_a["summary"], rep=fx.ALVAREZ)["calls"] == 6  # H1 only
    product = as_json(team_report(data, TeamFilter(fx.START, fx.END, product="CARDIOVEX")))
    assert [r["calls"] for r in product["summary"]] == [1, 1]  # c2 and b1
    one_rep = as_json(team_report(data, TeamFilter(fx.START, fx.END, reps=(fx.BRANDT,))))
    assert one_rep["reps"] == [fx.BRANDT]
    assert {r["rep"] for r in one_rep["weekly"]} == {fx.BRANDT}


def test_a_period_without_activity_reports_zeros_not_errors() -> None:
    from datetime import date

    # 31 December (a Thursday) alone, and a team of a rep with no history at all.
    report = team_report(fixture_data(), TeamFilter(date(2026, 12, 31), date(2026, 12, 31)))
    assert [r["calls"] for r in as_json(report)["weekly"]] == [0, 0]
    empty = team_data(team=fx.TEAM[:1], hcps=[], calls=[], cycles=[fx.CYCLE])
    blank = as_json(team_report(empty, TeamFilter(fx.START, fx.END)))
    assert blank["totals"]["calls"] == 0
    assert blank["attainment"][0]["goal"] == 0 and blank["attainment"][0]["attainment"] == 0.0


def test_an_earlier_as_of_day_ignores_what_came_after() -> None:
    from datetime import date

    report = as_json(team_report(fixture_data(), TeamFilter(fx.START, date(2026, 11, 20))))
    alvarez = _row(report["summary"], rep=fx.ALVAREZ)
    assert (alvarez["calls"], alvarez["expired"]) == (5, 0)  # f5's snooze ends on the 20th
    silent = {(r["hcp_id"], r["last_contact"], r["days_since"]) for r in report["silent"]
              if r["rep"] == fx.BRANDT}  # fmt: skip
    # b3 (24 November) has not happened yet: H6 was last seen on 1 September.
    assert silent == {("H6", "2026-09-01", 80), ("H8", "2026-09-10", 71)}
