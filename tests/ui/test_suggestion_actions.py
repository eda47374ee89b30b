"""Acting on suggestions from the Suggestions screen: accept and snooze.

Accept opens the next step: a visit suggestion opens the plan dialog and is accepted
with the plan (which carries the suggestion's id), a remote one is accepted and opens the
prefilled call log. Either way the suggestion leaves the list; a snoozed one is hidden
until its date.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from fieldrep.domain.enums import Channel, FeedbackAction
from fieldrep.ui.main_window import SUGGESTIONS, MainWindow
from fieldrep.ui.pages.suggestions import SuggestionsPage
from tests.pinned_clock import today
from tests.ui.conftest import WAIT_MS, idle


def _channel(s: Any) -> str:
    return str(getattr(s.channel, "value", s.channel))


def show_suggestions(qtbot: QtBot, window: MainWindow) -> SuggestionsPage:
    window.go(SUGGESTIONS)
    page = window.suggestions
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT_MS)
    return page


def select(page: SuggestionsPage, channel: str) -> Any:
    """Select the first listed suggestion for `channel`, as a click on its row would."""
    row = next(i for i, s in enumerate(page.model.rows()) if _channel(s) == channel)
    page.view.selectRow(row)
    chosen = page.selected()
    assert chosen is not None and _channel(chosen) == channel
    return chosen


def listed_ids(page: SuggestionsPage) -> set[str]:
    return {s.id for s in page.model.rows()}


def test_accepting_a_visit_suggestion_plans_the_visit_and_takes_it_off_the_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    chosen = select(page, Channel.VISIT.value)
    page.accept_button.click()
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=WAIT_MS)
    dialog = window.plan_dialog
    assert dialog is not None and chosen.hcp_name in dialog.windowTitle()
    assert dialog.channel.currentData() == Channel.VISIT.value
    # Not accepted yet: Esc in the plan dialog would leave the suggestion listed.
    assert chosen.id in listed_ids(page)

    day = dialog.values()[0]
    assert day >= today()
    with qtbot.waitSignal(window.taskman.changed, timeout=WAIT_MS):
        dialog.accept()
    qtbot.waitUntil(lambda: chosen.id not in listed_ids(page), timeout=WAIT_MS)
    plans = [p for p in window.workspace.plans.for_day(day) if p.hcp_id == chosen.hcp_id]
    assert [(p.suggestion_id, p.channel) for p in plans] == [(chosen.id, Channel.VISIT)]
    feedback = window.workspace.feedback.all()[-1]
    assert (feedback.suggestion_id, feedback.action) == (chosen.id, FeedbackAction.ACCEPTED)


def test_accepting_a_remote_suggestion_opens_the_call_log_prefilled_from_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    chosen = select(page, Channel.REMOTE.value)
    page.accept_button.click()
    qtbot.waitUntil(
        lambda: window.call_dialog is not None and window.call_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = window.call_dialog
    assert dialog is not None
    assert dialog.hcp.id == chosen.hcp_id and dialog.suggestion is chosen
    assert dialog.channel.currentData() == Channel.REMOTE.value
    assert window.plan_dialog is None  # a remote call is logged, not planned
    qtbot.waitUntil(lambda: chosen.id not in listed_ids(page), timeout=WAIT_MS)
    dialog.reject()
    idle(qtbot, window)


def test_snoozing_a_suggestion_hides_it_until_the_chosen_date(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = show_suggestions(qtbot, window)
    chosen = page.selected()
    assert chosen is not None
    until = today() + timedelta(days=10)
    dialog = page.snooze_selected()
    assert dialog is not None
    assert dialog.value() == today() + timedelta(days=7)  # a week unless changed
    dialog.until.setDate(QDate(until.year, until.month, until.day))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        dialog.accept()
    assert chosen.id not in listed_ids(page)
    assert chosen.hcp_id not in {s.hcp_id for s in page.model.rows()}
    feedback = window.workspace.feedback.all()[-1]
    assert (feedback.suggestion_id, feedback.action) == (chosen.id, FeedbackAction.SNOOZED)
    assert feedback.snooze_until == until
