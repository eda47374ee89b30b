"""The team report read from a manager's encrypted workspace matches the hand-computed
figures: the records arrive as the feed carries them (`sync.apply.apply_page`), with
their owners and the goals document holding the team's roster."""

from __future__ import annotations

from typing import Any

from fieldrep.reports.export import as_json
from fieldrep.reports.team import TeamFilter
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.sync.protocol.goals import GOALS_DOCUMENT, GoalsDocument
from fieldrep.workspace import Workspace
from tests.reports import team_fixture as fx
from tests.reports.test_known_answers import assert_known_answers


def _change(seq: int, entity: Entity, entity_id: str, data: dict[str, Any]) -> Change:
    return Change(seq=seq, entity=entity, entity_id=entity_id, op=Op.CREATE, version=1, data=data)


def feed_for(team: tuple[str, ...]) -> list[Change]:
    """What the server sends a manager of `team` (the other team's records never come)."""
    territories = {fx.TERRITORIES[r] for r in team}
    hcps = [h for h in fx.HCPS if h["territory_id"] in territories]
    ids = {h["id"] for h in hcps}
    changes: list[Change] = []

    def add(entity: Entity, record_id: str, data: dict[str, Any]) -> None:
        changes.append(_change(len(changes) + 1, entity, record_id, data))

    for h in hcps:
        add(Entity.HCP, h["id"], {k: v for k, v in h.items() if k != "id"})
    for c in fx.CALLS:
        if c["author"] in team and c["status"] == "submitted":  # drafts stay with the rep
            add(Entity.CALL_NOTE, c["id"], {k: v for k, v in c.items() if k != "id"})
    for p in fx.PLANS:
        if p["owner"] in team:
            add(Entity.VISIT_PLAN, p["id"], {k: v for k, v in p.items() if k != "id"})
    for f in fx.FEEDBACK:
        if f["owner"] in team:
            add(Entity.SUGGESTION_FEEDBACK, f["id"], {k: v for k, v in f.items() if k != "id"})
    for hcp_id, segment in fx.SEGMENTS.items():
        if hcp_id in ids:
            mix = {"hcp_id": hcp_id, "weights": {segment: 0.8, "digital_first": 0.2},
                   "confidence": 1.0, "source": "rep", "evidence": []}  # fmt: skip
            add(Entity.SEGMENT_MIX, hcp_id, mix)
    goals = GoalsDocument(
        version=1, cycles=(fx.CYCLE,), team=tuple(m for m in fx.TEAM if m.username in team)
    )
    add(Entity.CATALOGUE, GOALS_DOCUMENT, goals.model_dump(mode="json"))
    return changes


def test_manager_workspace_report_matches_the_hand_computed_figures(workspace: Workspace) -> None:
    with workspace.store.write() as conn:
        apply_page(conn, feed_for((fx.ALVAREZ, fx.BRANDT)))
    report = workspace.reports.team(TeamFilter(fx.START, fx.END))
    assert_known_answers(as_json(report))
    assert workspace.reports.goals() is not None


def test_rep_attainment_on_today_reads_the_rep_own_goals(workspace: Workspace) -> None:
    workspace.set_username(fx.ALVAREZ)
    with workspace.store.write() as conn:
        apply_page(conn, feed_for((fx.ALVAREZ,)))
    lines = workspace.reports.rep_attainment(fx.END)
    assert lines[0].sentence() == "A-tier: 62 % of the cycle done, 61 % of the time gone"


def test_a_device_without_goals_reports_activity_and_no_attainment(workspace: Workspace) -> None:
    workspace.set_username(fx.BRANDT)
    with workspace.store.write() as conn:
        apply_page(conn, [c for c in feed_for((fx.BRANDT,)) if c.entity != Entity.CATALOGUE])
    report = as_json(workspace.reports.team(TeamFilter(fx.START, fx.END)))
    assert report["reps"] == [fx.BRANDT]
    assert report["totals"]["calls"] == 3
    assert report["attainment"] == []
    assert workspace.reports.rep_attainment(fx.END) == ()


def test_the_report_follows_the_reps_own_changes_at_once(workspace: Workspace) -> None:
    """The team's data is kept between reports; a change made since is never missed."""
    from fieldrep.domain.calls import CallDraft
    from fieldrep.domain.enums import Channel, Outcome, PlanStatus
    from tests.pinned_clock import local_now, today

    workspace.set_username(fx.ALVAREZ)
    with workspace.store.write() as conn:
        apply_page(conn, feed_for((fx.ALVAREZ,)))
    flt = TeamFilter(fx.START, today())
    before = as_json(workspace.reports.team(flt))["totals"]
    assert workspace.reports.data() is workspace.reports.data()  # kept while unchanged
    draft = CallDraft(hcp_id="H4", channel=Channel.PHONE, started_at=local_now(),
                      products=("BRONZIX",), outcome=Outcome.NEUTRAL)  # fmt: skip
    workspace.calls.log(draft, submit=True)
    workspace.plans.set_status("p2", PlanStatus.DONE)  # an update in place
    after = as_json(workspace.reports.team(flt))["totals"]
    assert after["calls"] == before["calls"] + 1
    assert after["completed"] == before["completed"] + 1
