"""A small team whose figures were worked out by hand (tests/reports/test_known_answers.py).

Manager MGR-OKONKWO manages REP-ALVAREZ (territory T-NORTH) and REP-BRANDT (T-SOUTH);
MGR-OTHER manages REP-ZED (T-WEST), whose records must never show in the first team's
figures. Upper-case names, an HCP with no history (H4), a Sunday-evening call written in
New York time (its UTC instant is already Monday), a draft and a conflict copy (never
counted).

Cycle C-Q4 runs 2026-10-01..2026-12-31 (92 days) for every rep, with three goal lines:
A-tier visits 3 per HCP counting at most 4, A-tier e-mails 1 counting at most 1, B-tier
any channel 2 (no cap).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldrep.sync.protocol.goals import GoalCycle, GoalLine, TeamMember

MANAGER = "MGR-OKONKWO"
OTHER_MANAGER = "MGR-OTHER"
ALVAREZ, BRANDT, ZED = "REP-ALVAREZ", "REP-BRANDT", "REP-ZED"
TERRITORIES = {ALVAREZ: "T-NORTH", BRANDT: "T-SOUTH", ZED: "T-WEST"}
START, END = date(2026, 11, 16), date(2026, 11, 25)  # Monday of W47 .. today (Wednesday)

TEAM = (
    TeamMember(username=ALVAREZ, territories=("T-NORTH",)),
    TeamMember(username=BRANDT, territories=("T-SOUTH",)),
)


def _hcp(hcp_id: str, name: str, territory: str, tier: str, decile: int) -> dict[str, Any]:
    return {
        "id": hcp_id, "external_id": f"EXT-{hcp_id}", "name": name, "territory_id": territory,
        "tier": tier, "decile": decile, "specialty": "CARDIOLOGY", "city": "WORCESTER",
    }  # fmt: skip


HCPS = [
    _hcp("H1", "DR. ADA QUIST", "T-NORTH", "A", 9),
    _hcp("H2", "DR. BEN ROTH", "T-NORTH", "A", 8),
    _hcp("H3", "DR. CY SOTO", "T-NORTH", "B", 6),
    _hcp("H4", "DR. DEE TAMM", "T-NORTH", "C", 3),  # no history at all
    _hcp("H5", "DR. EVE UNGER", "T-SOUTH", "A", 10),
    _hcp("H6", "DR. FOX VALE", "T-SOUTH", "B", 5),
    _hcp("H8", "DR. HAL YOUNG", "T-SOUTH", "B", 7),
    _hcp("H7", "DR. GIL WREN", "T-WEST", "A", 9),
]
SEGMENTS = {"H1": "evidence_seeker"}  # the rep's confirmed mix for H1


def _call(
    call_id: str, author: str, hcp: str, channel: str, started: str, *,
    sentiment: str | None = None, outcome: str | None = "neutral",
    products: tuple[str, ...] = ("BRONZIX",), status: str = "submitted",
    conflict_of: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": call_id, "hcp_id": hcp, "author": author, "channel": channel,
        "started_at": started, "duration_minutes": 15, "status": status,
        "products": list(products), "key_messages": [], "attendees": [], "outcome": outcome,
        "sentiment": sentiment, "insights": "", "follow_ups": [], "suggestion_id": None,
        "submitted_at": started if status == "submitted" else None, "conflict_of": conflict_of,
    }  # fmt: skip


CALLS = [
    _call("c1", ALVAREZ, "H1", "visit", "2026-10-05T10:00:00-04:00"),
    _call("c2", ALVAREZ, "H1", "visit", "2026-11-17T09:00:00-05:00", sentiment="positive",
          outcome="positive", products=("CARDIOVEX",)),
    _call("c3", ALVAREZ, "H1", "visit", "2026-11-18T09:00:00-05:00", sentiment="neutral"),
    _call("c4", ALVAREZ, "H1", "visit", "2026-11-24T09:00:00-05:00", sentiment="positive",
          outcome="positive"),
    _call("c5", ALVAREZ, "H1", "visit", "2026-11-25T08:00:00-05:00"),
    _call("c6", ALVAREZ, "H1", "email", "2026-11-19T14:00:00-05:00"),
    _call("c7", ALVAREZ, "H1", "email", "2026-11-20T14:00:00-05:00", outcome="not_reached"),
    _call("c8", ALVAREZ, "H3", "phone", "2026-11-18T16:00:00-05:00", sentiment="negative",
          outcome="negative"),
    # Sunday 22 November, 23:30 in New York: already Monday in UTC, still week 47.
    _call("c9", ALVAREZ, "H3", "remote", "2026-11-22T23:30:00-05:00"),
    _call("d1", ALVAREZ, "H2", "visit", "2026-11-24T11:00:00-05:00", status="draft"),
    _call("x1", ALVAREZ, "H2", "visit", "2026-11-24T11:00:00-05:00", conflict_of="c4"),
    _call("b1", BRANDT, "H5", "visit", "2026-11-16T10:00:00-05:00", products=("CARDIOVEX",)),
    _call("b2", BRANDT, "H5", "visit", "2026-11-23T10:00:00-05:00"),
    _call("b3", BRANDT, "H6", "phone", "2026-11-24T10:00:00-05:00"),
    _call("b4", BRANDT, "H6", "phone", "2026-09-01T10:00:00-04:00"),
    _call("b5", BRANDT, "H8", "phone", "2026-09-10T10:00:00-04:00"),
    _call("z1", ZED, "H7", "visit", "2026-11-20T10:00:00-05:00"),
]  # fmt: skip


def _plan(plan_id: str, owner: str, hcp: str, day: str, status: str) -> dict[str, Any]:
    return {
        "id": plan_id, "owner": owner, "hcp_id": hcp, "planned_date": day,
        "planned_time": "10:00", "duration_minutes": 30, "channel": "visit",
        "route_order": None, "notes": "", "status": status, "suggestion_id": None,
    }  # fmt: skip


PLANS = [
    _plan("p1", ALVAREZ, "H1", "2026-11-17", "done"),
    _plan("p2", ALVAREZ, "H2", "2026-11-24", "planned"),
    _plan("p3", ALVAREZ, "H4", "2026-11-19", "cancelled"),
    _plan("p4", BRANDT, "H5", "2026-11-16", "done"),
    _plan("p5", BRANDT, "H5", "2026-11-23", "done"),
    _plan("p9", ZED, "H7", "2026-11-20", "done"),
]


def _feedback(  # noqa: PLR0917 (a table row, positionally)
    fid: str, owner: str, suggestion: str, hcp: str, action: str, created: str,
    reason: str | None = None, snooze_until: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": fid, "owner": owner, "suggestion_id": suggestion, "hcp_id": hcp,
        "action": action, "created_at": created, "channel": "visit", "message_id": None,
        "reason": reason, "snooze_until": snooze_until, "comment": "",
    }  # fmt: skip


FEEDBACK = [
    _feedback("f1", ALVAREZ, "s1", "H1", "accepted", "2026-11-17T08:00:00-05:00"),
    _feedback("f2", ALVAREZ, "s2", "H2", "dismissed", "2026-11-18T08:00:00-05:00",
              reason="wrong_timing"),
    _feedback("f3", ALVAREZ, "s3", "H3", "dismissed", "2026-11-19T08:00:00-05:00",
              reason="wrong_channel"),
    _feedback("f4", ALVAREZ, "s4", "H4", "dismissed", "2026-11-24T08:00:00-05:00",
              reason="wrong_timing"),
    _feedback("f5", ALVAREZ, "s5", "H2", "snoozed", "2026-11-16T08:00:00-05:00",
              snooze_until="2026-11-20"),  # lapsed on the 20th: expired
    _feedback("f6", ALVAREZ, "s6", "H4", "snoozed", "2026-11-23T08:00:00-05:00",
              snooze_until="2026-11-30"),
    _feedback("g1", BRANDT, "s7", "H5", "accepted", "2026-11-23T08:00:00-05:00"),
    _feedback("g2", BRANDT, "s8", "H6", "accepted", "2026-11-24T08:00:00-05:00"),
    _feedback("g3", BRANDT, "s9", "H6", "dismissed", "2026-11-16T08:00:00-05:00",
              reason="not_relevant"),
    _feedback("z9", ZED, "s10", "H7", "dismissed", "2026-11-20T08:00:00-05:00",
              reason="other"),
]  # fmt: skip

CYCLE = GoalCycle(
    id="C-Q4",
    name="Q4 2026",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    goals=(
        GoalLine(tier="A", channel="visit", contacts=3, cap=4),
        GoalLine(tier="A", channel="email", contacts=1, cap=1),
        GoalLine(tier="B", contacts=2),
    ),
)

GOALS_CSV = """cycle,name,start,end,reps,territories,tier,decile,segment,channel,contacts,cap
C-Q4,Q4 2026,2026-10-01,2026-12-31,,,A,,,visit,3,4
C-Q4,Q4 2026,2026-10-01,2026-12-31,,,A,,,email,1,1
C-Q4,Q4 2026,2026-10-01,2026-12-31,,,B,,,,2,
"""
