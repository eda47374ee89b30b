"""A manager's team with history, written into an encrypted workspace the way sync brings
it (`fieldrep.sync.apply.apply_page`, the real pull path): the team view's benchmark and
its screenshots use it.

`n_reps` reps, each with a territory of `hcps_per_rep` HCPs (upper-case names, tiers and
deciles, a confirmed segment for some), `calls_per_day` submitted calls per working day
over `days` days ending today, plans, suggestion feedback with dismiss reasons, and a
cycle plan for the current quarter (A-tier visits 10 per HCP, at most 12 counted; B-tier
any channel 10). Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.sync.protocol.goals import (
    GOALS_DOCUMENT,
    GoalCycle,
    GoalLine,
    GoalsDocument,
    TeamMember,
)
from fieldrep.workspace import Workspace

SURNAMES = ["O'BRIEN", "NGUYEN", "SMITH-JONES", "GARCÍA", "KOWALSKI", "OKAFOR", "LINDQVIST",
            "PATEL", "MÜLLER", "ROSSI", "TANAKA", "DUBOIS", "HASSAN", "MURPHY"]  # fmt: skip
FIRST = ["ANA", "BEN", "CHLOE", "DEV", "EMMA", "FELIX", "GRACE", "HUGO", "IRIS", "JON"]
REPS = ["ALVAREZ", "BRANDT", "CHEN", "DIALLO", "EVANS", "FISCHER", "GUPTA", "HOLM",
        "IVANOVA", "JANSEN", "KOVAC", "LOPEZ"]  # fmt: skip
CHANNELS = (("visit", 0.55), ("remote", 0.2), ("phone", 0.15), ("email", 0.08), ("event", 0.02))
SEGMENTS = ("evidence_seeker", "relationship_builder", "digital_first")
REASONS = ("wrong_channel", "wrong_timing", "already_planned", "hcp_unavailable",
           "not_relevant")  # fmt: skip
PRODUCTS = ("CARDIOVEX", "RENALIX", "GLUCONOR")
INSIGHTS = (
    "Asked about renal dosing in elderly patients; wants the subgroup data.",
    "Prefers short remote calls on Tuesdays; sceptical of the new formulation.",
    "Positive on the adherence programme; will enrol two patients.",
    "Raised cost concerns from the formulary committee.",
    "Requested the updated safety summary by e-mail.",
)
ZONE = ZoneInfo("America/New_York")


def rep_name(i: int) -> str:
    return f"REP-{REPS[i % len(REPS)]}" + (f"-{i // len(REPS)}" if i >= len(REPS) else "")


class Feed:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, entity: Entity, record_id: str, data: dict[str, Any]) -> None:
        self.changes.append(
            Change(
                seq=len(self.changes) + 1,
                entity=entity,
                entity_id=record_id,
                op=Op.CREATE,
                version=1,
                data=data,
            )  # fmt: skip
        )


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def team_feed(
    today: date,
    *,
    n_reps: int = 12,
    hcps_per_rep: int = 150,
    days: int = 730,
    calls_per_day: float = 16.0,
    seed: int = 12,
) -> Iterator[list[Change]]:
    """The feed a manager of this team pulls, in pages of about 20,000 changes."""
    rng = random.Random(seed)
    feed = Feed()
    team = []
    for r in range(n_reps):
        rep, territory = rep_name(r), f"T-{r:02d}"
        team.append(TeamMember(username=rep, territories=(territory,)))
        hcps = []
        for h in range(hcps_per_rep):
            hcp_id = f"H{r:02d}-{h:04d}"
            tier = "A" if h % 10 == 0 else ("B" if h % 10 < 4 else rng.choice("CD"))
            hcps.append((hcp_id, tier))
            feed.add(Entity.HCP, hcp_id, {
                "external_id": f"{1_700_000_000 + r * 10_000 + h}",
                "name": f"{SURNAMES[h % len(SURNAMES)]}, {FIRST[(h + r) % len(FIRST)]} {h}",
                "specialty": "NEPHROLOGY" if h % 3 else "Internal Medicine/Cardiology",
                "city": "WORCESTER", "territory_id": territory, "tier": tier,
                "decile": 10 - (h % 10), "consents": {},
            })  # fmt: skip
            if h % 4 == 0:
                weights = {s: rng.random() for s in SEGMENTS}
                feed.add(Entity.SEGMENT_MIX, hcp_id, {
                    "hcp_id": hcp_id, "weights": weights, "confidence": 0.9, "source": "rep",
                    "evidence": [],
                })  # fmt: skip
        weights = [5 if t == "A" else 3 if t == "B" else 1 for _h, t in hcps]
        pace = calls_per_day * (0.75 + 0.5 * rng.random())  # some reps busier than others
        for d in range(days, -1, -1):
            day = today - timedelta(days=d)
            if day.weekday() >= 5:
                continue
            for n in range(max(0, round(rng.gauss(pace, 2)))):
                hcp_id, _tier = rng.choices(hcps, weights=weights)[0]
                channel = _weighted(rng, CHANNELS)
                started = datetime.combine(day, time(8 + n % 10, 15), ZONE).isoformat()
                call_id = f"c-{r:02d}-{d:04d}-{n:02d}"
                feed.add(Entity.CALL_NOTE, call_id, {
                    "hcp_id": hcp_id, "author": rep, "channel": channel, "started_at": started,
                    "duration_minutes": 20, "status": "submitted",
                    "products": [rng.choice(PRODUCTS)], "key_messages": [], "attendees": [],
                    "outcome": rng.choice(("positive", "neutral", "negative", "not_reached")),
                    "sentiment": rng.choice(("positive", "positive", "neutral", "negative")),
                    "insights": rng.choice(INSIGHTS), "follow_ups": [], "suggestion_id": None,
                    "submitted_at": started, "conflict_of": None,
                })  # fmt: skip
            if d % 2 == 0:
                hcp_id, _tier = rng.choice(hcps)
                status = "done" if d > 0 and rng.random() < 0.8 else "planned"
                feed.add(Entity.VISIT_PLAN, f"p-{r:02d}-{d:04d}", {
                    "owner": rep, "hcp_id": hcp_id, "planned_date": day.isoformat(),
                    "planned_time": "10:00", "duration_minutes": 30, "channel": "visit",
                    "route_order": None, "notes": "", "status": status,
                    "suggestion_id": None,
                })  # fmt: skip
            for k in range(2):
                hcp_id, _tier = rng.choice(hcps)
                action = rng.choices(("accepted", "dismissed", "snoozed"), (5, 3, 1))[0]
                feed.add(Entity.SUGGESTION_FEEDBACK, f"f-{r:02d}-{d:04d}-{k}", {
                    "owner": rep, "suggestion_id": f"s-{r}-{d}-{k}", "hcp_id": hcp_id,
                    "action": action,
                    "created_at": datetime.combine(day, time(8), ZONE).isoformat(),
                    "channel": "visit", "message_id": None,
                    "reason": rng.choice(REASONS) if action == "dismissed" else None,
                    "snooze_until": (day + timedelta(days=7)).isoformat()
                    if action == "snoozed" else None,
                    "comment": "",
                })  # fmt: skip
            if len(feed.changes) >= 20_000:
                yield feed.changes
                feed = Feed()
    quarter = (today.month - 1) // 3
    start = date(today.year, quarter * 3 + 1, 1)
    end = (date(today.year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)) - timedelta(days=1)
    cycle = GoalCycle(
        id=f"Q{quarter + 1}-{today.year}", name=f"Q{quarter + 1} {today.year} cycle plan",
        start=start, end=end,
        goals=(GoalLine(tier="A", channel="visit", contacts=10, cap=12),
               GoalLine(tier="B", contacts=10)),
    )  # fmt: skip
    goals = GoalsDocument(version=1, cycles=(cycle,), team=tuple(team))
    feed.add(Entity.CATALOGUE, GOALS_DOCUMENT, goals.model_dump(mode="json"))
    yield feed.changes


def fill_manager_workspace(ws: Workspace, manager: str = "MGR-OKAFOR", **kwargs: Any) -> int:
    """Write the team's history into `ws` as the manager's laptop receives it; returns
    the number of call notes."""
    ws.set_username(manager)
    ws.set_role("manager")
    notes = 0
    for page in team_feed(ws.clock.today(), **kwargs):
        with ws.store.write() as conn:
            apply_page(conn, page)
        notes += sum(1 for c in page if c.entity == Entity.CALL_NOTE)
    return notes
