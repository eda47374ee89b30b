"""What a mutation changed is said by the core, in one typed value (no strings)."""

from __future__ import annotations

from fieldrep.domain.changes import NOTHING, Changed, Changes, changes_of
from fieldrep.domain.enums import DismissReason
from fieldrep.workspace import Workspace
from tests.pinned_clock import today


def test_changes_combine_and_say_whether_they_touch_what_a_screen_shows() -> None:
    planner = Changes(plans=True, sync=True, day=True)
    assert Changes(plans=True, outbox=True).touches(planner)
    assert not Changes(calls=True, outbox=True).touches(planner)
    assert (Changes(calls=True) | Changes(outbox=True)) == Changes(calls=True, outbox=True)
    assert not NOTHING and Changes(day=True)
    assert Changes(calls=True, outbox=True).kinds == ("calls", "outbox")


def test_a_result_says_what_changed_and_a_read_says_nothing() -> None:
    assert changes_of(Changes(hcps=True)) == Changes(hcps=True)
    assert changes_of(Changed(3, Changes(calls=True))) == Changes(calls=True)
    assert changes_of([1, 2]) == NOTHING
    assert changes_of(None) == NOTHING


def test_every_action_the_rep_takes_returns_its_changes(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    hcp_id = ws.hcps.all()[0].id
    plan = ws.plans.add(hcp_id, today())
    plans_changed = Changes(plans=True, outbox=True)
    edit = ws.plans.cancel(plan.id)
    assert changes_of(edit) == plans_changed
    assert changes_of(ws.plans.restore(edit.before)) == plans_changed
    assert changes_of(ws.plans.reschedule(plan.id, today())) == plans_changed

    suggestion = ws.suggestions.daily_list(limit=1)[0]
    dismissed = ws.suggestions.dismiss(suggestion, DismissReason.OTHER)
    assert dismissed.changes == Changes(feedback=True, outbox=True)
    assert ws.suggestions.undo(dismissed.value) == Changes(feedback=True, outbox=True)

    weights = {ws.segments.catalogue()[0].id: 1.0}
    assert ws.segment_hints.correct(hcp_id, weights).changes == Changes(segments=True, outbox=True)


def test_segments_are_estimated_once_and_say_so(demo_workspace: Workspace) -> None:
    hints = demo_workspace.segment_hints
    first = hints.estimate_if_missing()
    assert first.value > 0 and first.changes == Changes(segments=True)
    again = hints.estimate_if_missing()
    assert again.value == 0 and again.changes == NOTHING
