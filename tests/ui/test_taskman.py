"""The serial worker: results on the UI thread, one error boundary, silent cancellation."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.errors import ValidationError
from fieldrep.tasks import Cancelled
from fieldrep.ui import errors
from fieldrep.ui.taskman import Op, TaskManager
from fieldrep.workspace import Workspace


def test_work_runs_off_the_ui_thread_and_answers_on_it(qtbot: QtBot, workspace: Workspace) -> None:
    taskman = TaskManager(workspace)
    seen: dict[str, object] = {}

    def work(ws: Workspace) -> Changed[int]:
        seen["worker"] = threading.current_thread()
        return Changed(ws.hcps.count(), Changes(hcps=True))

    def done(result: Changed[int]) -> None:
        seen["callback"] = threading.current_thread()
        seen["result"] = result.value

    with qtbot.waitSignal(taskman.changed, timeout=5000) as changed:
        Op(work).success(done).run(taskman)
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()
    assert seen["result"] == 0
    assert changed.args == [Changes(hcps=True)]


def test_the_changes_a_core_mutation_returns_are_announced_before_success(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    """Nobody names what changed: the core's result says it (here `plans.cancel`)."""
    taskman = TaskManager(demo_workspace)
    today = demo_workspace.clock.today()
    hcp_id = demo_workspace.hcps.all()[0].id
    plan = demo_workspace.plans.add(hcp_id, today)
    announced: list[Changes] = []
    taskman.changed.connect(announced.append)
    order: list[str] = []
    taskman.changed.connect(lambda _c: order.append("changed"))
    with qtbot.waitSignal(taskman.changed, timeout=5000):
        Op(lambda ws: ws.plans.cancel(plan.id)).success(lambda _r: order.append("success")).run(
            taskman
        )
    qtbot.waitUntil(lambda: "success" in order, timeout=5000)
    assert announced == [Changes(plans=True, outbox=True)]
    assert order == ["changed", "success"]
    # A read says nothing changed: no announcement.
    Op(lambda ws: ws.plans.for_day(today)).success(lambda _r: order.append("read")).run(taskman)
    qtbot.waitUntil(lambda: "read" in order, timeout=5000)
    assert announced == [Changes(plans=True, outbox=True)]
    taskman.shutdown()
    taskman.shutdown()


def test_ops_run_one_after_another_in_submission_order(qtbot: QtBot, workspace: Workspace) -> None:
    taskman = TaskManager(workspace)
    order: list[int] = []
    for i in range(5):
        Op(lambda _ws, i=i: (time.sleep(0.01 * (5 - i)), i)[1]).success(order.append).run(taskman)
    qtbot.waitUntil(lambda: len(order) == 5, timeout=5000)
    assert order == [0, 1, 2, 3, 4]
    taskman.shutdown()


def test_a_domain_error_is_shown_once_in_its_own_words(qtbot: QtBot, workspace: Workspace) -> None:
    taskman = TaskManager(workspace)

    def fail(_ws: Workspace) -> None:
        raise ValidationError("Duration must be between 1 and 480 minutes (got 0).")

    with qtbot.waitSignal(errors.reporter.shown, timeout=5000) as shown:
        Op(fail).run(taskman)
    assert shown.args == ["Duration must be between 1 and 480 minutes (got 0)."]
    taskman.shutdown()


def test_cancellation_is_silent_and_skips_the_success_callback(
    qtbot: QtBot, workspace: Workspace
) -> None:
    taskman = TaskManager(workspace)
    results: list[object] = []
    shown: list[str] = []
    errors.reporter.shown.connect(shown.append)
    started = threading.Event()

    def long_work(_ws: Workspace, ctx) -> str:  # type: ignore[no-untyped-def]
        started.set()
        while True:
            ctx.raise_if_cancelled()
            time.sleep(0.005)

    finished: list[bool] = []
    op = Op(long_work).with_progress("Working").success(results.append)
    op.finally_(lambda: finished.append(True)).run(taskman)
    assert started.wait(5)
    op.token.cancel()
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)
    assert results == [] and shown == []
    assert errors.message_for(Cancelled()) is None  # silent wherever it surfaces
    errors.reporter.shown.disconnect(shown.append)
    taskman.shutdown()


def test_progress_dialog_appears_only_for_slow_work(qtbot: QtBot, workspace: Workspace) -> None:
    taskman = TaskManager(workspace)
    gate = threading.Event()
    done: list[str] = []
    Op(lambda _ws, _ctx: "quick").with_progress("Quick").success(done.append).run(taskman)
    qtbot.waitUntil(lambda: done == ["quick"], timeout=5000)
    assert taskman._dialogs == {}
    Op(lambda _ws, _ctx: gate.wait(10)).with_progress("Slow").success(done.append).run(taskman)
    qtbot.waitUntil(lambda: len(taskman._dialogs) == 1, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: len(done) == 2 and not taskman._dialogs, timeout=5000)
    taskman.shutdown()


def test_shutdown_drops_queued_sync_work_quietly(qtbot: QtBot, workspace: Workspace) -> None:
    """Closing the app while a sync is queued behind another must not raise in the loop."""
    from fieldrep.ui.taskman import SYNC

    taskman = TaskManager(workspace)
    release = threading.Event()
    started = threading.Event()
    ran: list[str] = []
    ended: list[str] = []

    def first(_ws: Workspace) -> None:
        started.set()
        release.wait(5)

    Op(first).on_lane(SYNC).finally_(lambda: ended.append("first")).run(taskman)
    queued = Op(lambda _ws: ran.append("queued")).on_lane(SYNC)
    queued.finally_(lambda: ended.append("queued")).run(taskman)
    assert started.wait(5)
    release.set()
    taskman.shutdown(wait=True)  # cancels the queued sync before it starts
    qtbot.waitUntil(lambda: sorted(ended) == ["first", "queued"], timeout=5000)
    assert ran == []
