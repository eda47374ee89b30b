"""The manager's desktop: the team view in place of the rep's screens, with no rep-only
action anywhere; the dashboard shows the core's figures for the hand-computed fixture
team (tests/reports/team_fixture.py), filters, drills rep -> HCP -> note, comments,
exports CSV/XLSX and prints a coaching summary. And the rep's Today: the attainment line
and the manager's comments to acknowledge."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from fieldrep.clock import Clock
from fieldrep.domain.changes import Changes
from fieldrep.reports.team import TeamFilter, team_report
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.taskman import TaskManager
from fieldrep.ui.team.actions import DRILL, REPS, SILENT
from fieldrep.ui.team.coaching_page import subjects
from fieldrep.ui.team.dashboard import TeamDashboard
from fieldrep.ui.team.desk import REP_ONLY_ACTIONS
from fieldrep.ui.team.summary import summary_html
from fieldrep.workspace import Workspace
from tests.reports import team_fixture as fx
from tests.reports.test_team_report_workspace import feed_for
from tests.ui.conftest import WAIT_MS

TEAM = (fx.ALVAREZ, fx.BRANDT)


def manager_workspace(workspace: Workspace) -> Workspace:
    """The fixture team's records as the feed brings them to their manager's laptop."""
    workspace.set_username(fx.MANAGER)
    workspace.set_role("manager")
    with workspace.store.write() as conn:
        apply_page(conn, feed_for(TEAM))
    return workspace


def open_desk(qtbot: QtBot, ws: Workspace, size: tuple[int, int] = (1366, 768)) -> MainWindow:
    window = MainWindow(ws, taskman=TaskManager(ws))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    return window


def every_action(window: MainWindow) -> list[QAction]:
    actions = list(window.actions())
    for menu in window.menuBar().findChildren(QMenu):
        actions += menu.actions()
    return [a for a in actions if a.isVisible()]


@pytest.fixture
def desk(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = open_desk(qtbot, manager_workspace(workspace))
    dashboard = window.team_desk.dashboard
    qtbot.waitUntil(lambda: dashboard.view is not None, timeout=WAIT_MS)
    yield window
    window.close()


def test_a_manager_gets_the_team_view_and_no_rep_only_action(
    qtbot: QtBot, desk: MainWindow
) -> None:
    assert desk.pages.currentWidget() is desk.team_desk.dashboard
    shown = [desk.nav.item(i).text() for i in range(desk.nav.count())
             if not desk.nav.item(i).isHidden()]  # fmt: skip
    assert shown[:2] == ["Team", "Coaching"] and shown[2].startswith("Sync inbox")
    names = {a.objectName() for a in every_action(desk)}
    assert not names & set(REP_ONLY_ACTIONS)
    texts = " ".join(a.text() for a in every_action(desk)).lower()
    for rep_only in ("log a call", "plan a visit", "order the route", "correct segment"):
        assert rep_only not in texts
    assert "export_view" in names and "coaching_summary" in names
    # Ctrl+N (log a call for a rep) and Ctrl+3 (the planner) do nothing for a manager.
    qtbot.keyClick(desk, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(desk, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    assert desk.call_dialog is None
    assert desk.pages.currentWidget() is desk.team_desk.dashboard
    for button in (desk.detail.log_button, desk.detail.plan_button, desk.detail.segment_button):
        assert not button.isVisible()
    # After a sync or at midnight only the manager's pages reload; the rep's never load.
    desk.taskman.notify(Changes(sync=True, day=True))
    qtbot.waitUntil(lambda: desk.taskman.pending == 0, timeout=WAIT_MS)
    assert desk.today.data is None and not desk.hcps.loaded and desk.detail.data is None
    desk.actions_by_name["go_hcps"].trigger()  # Ctrl+2 is the Coaching page now
    assert desk.pages.currentWidget() is desk.team_desk.coaching
    desk.go(4)
    assert desk.pages.currentWidget() is desk.inbox


def test_a_rep_keeps_the_reps_screens(qtbot: QtBot, workspace: Workspace) -> None:
    workspace.set_role("rep")
    window = open_desk(qtbot, workspace)
    try:
        assert window.team_desk is None
        assert "log_call" in {a.objectName() for a in every_action(window)}
        assert window.nav.item(0).text() == "Today"
    finally:
        window.close()


def test_the_dashboard_shows_the_reports_figures_and_filters(
    qtbot: QtBot, desk: MainWindow, tmp_path: Path
) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.set_filters(period="Custom…")
    dashboard.start_edit.setDate(fx.START)
    dashboard.end_edit.setDate(fx.END)
    qtbot.waitUntil(lambda: dashboard.view.report.filter.start == fx.START, timeout=WAIT_MS)
    expected = desk.workspace.reports.team(TeamFilter(fx.START, fx.END))
    report = dashboard.view.report
    assert report.totals == expected.totals  # the core's numbers, not the UI's own
    assert dashboard.tiles["calls"].value.text() == f"{expected.totals.calls:,}"
    assert {r.rep for r in dashboard.rep_model.rows()} == set(TEAM)
    assert all(isinstance(v, QChartView) and v.chart() is not None for v in dashboard.chart_views)
    assert dashboard.chart_views[0].chart().series()  # calls per week have bars

    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        dashboard.set_filters(rep=fx.BRANDT)
    assert [r.rep for r in dashboard.rep_model.rows()] == [fx.BRANDT]
    assert dashboard.view.report.reps == (fx.BRANDT,)
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        dashboard.set_filters(rep="All", tier="A-tier")
    assert dashboard.view.report.filter.tier == "A"
    tiers = {r.tier for r in dashboard.silent_model.rows()}
    assert tiers <= {"A"}

    # Export what is on screen: the Reps table as CSV, the silent HCPs as XLSX.
    dashboard.tabs.setCurrentIndex(REPS)
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "reps.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "reps.csv").read_text())))
    assert {r["rep"] for r in rows} == set(TEAM)
    assert sum(int(r["calls"]) for r in rows) == dashboard.view.report.totals.calls
    dashboard.tabs.setCurrentIndex(SILENT)
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "silent.xlsx")
    sheet = load_workbook(tmp_path / "silent.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["rep", "hcp_id", "name"]
    assert sheet.max_row - 1 == len(dashboard.silent_model.rows())


def test_drill_down_to_a_note_comment_and_print_the_coaching_summary(
    qtbot: QtBot, desk: MainWindow, tmp_path: Path
) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.set_filters(period="Custom…")
    dashboard.start_edit.setDate(fx.START)
    dashboard.end_edit.setDate(fx.END)
    qtbot.waitUntil(lambda: dashboard.view.report.filter.start == fx.START, timeout=WAIT_MS)
    with qtbot.waitSignal(dashboard.drilled, timeout=WAIT_MS):
        dashboard.drill_to_rep(fx.ALVAREZ)
    drill = dashboard.drill
    assert dashboard.stack.currentIndex() == DRILL
    hcps = drill.model.rows()
    assert hcps and sum(r.calls for r in hcps) == int(
        dashboard.view.report.summary.set_index("rep").loc[fx.ALVAREZ, "calls"]
    )
    with qtbot.waitSignal(dashboard.note_shown, timeout=WAIT_MS):
        drill.table.selectRow(0)
    note = drill.note.note
    assert note.author == fx.ALVAREZ
    assert drill.comment_button.isEnabled()

    dashboard.comment_on_note("Good opening; ask about the renal patients next time.")
    dialog = dashboard.coaching_dialog
    with qtbot.waitSignal(dashboard.note_shown, timeout=WAIT_MS):
        dialog.accept()
    [comment] = desk.workspace.coaching.for_call(note.id)
    assert comment.rep_username == fx.ALVAREZ and comment.author == fx.MANAGER
    assert "Coaching on this call" in drill.note_text.toPlainText()
    assert any(m.entity == "coaching_comment" for m in desk.workspace.pending_mutations())

    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "drill.csv")
    assert "hcp_id,name,tier" in (tmp_path / "drill.csv").read_text()

    pdf = tmp_path / "summary.pdf"
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.coaching_summary(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1  # one page
    page = summary_page(dashboard, fx.ALVAREZ)
    assert f"Coaching summary — {fx.ALVAREZ}" in page
    assert "Good opening" in page and "not acknowledged" in page


def summary_page(dashboard: TeamDashboard, rep: str) -> str:
    """The summary's text as printed (the PDF's own text is compressed)."""
    assert dashboard.view is not None and dashboard.data is not None
    flt = replace(dashboard.view.report.filter, reps=(rep,))
    report = team_report(dashboard.data, flt)
    ws = dashboard.taskman.workspace
    comments = ws.coaching.for_rep(rep)
    page = summary_html(
        report, rep, comments, dashboard._when, "now", subjects=subjects(ws, comments)
    )
    document = QTextDocument()
    document.setHtml(page)
    return document.toPlainText()


def test_the_reps_today_shows_attainment_and_coaching_to_acknowledge(
    qtbot: QtBot, workspace: Workspace
) -> None:
    workspace.set_username(fx.ALVAREZ)
    with workspace.store.write() as conn:
        apply_page(conn, feed_for((fx.ALVAREZ,)))
    window = open_desk(qtbot, workspace, (1024, 640))
    try:
        today = window.today
        qtbot.waitUntil(today.attainment.isVisible, timeout=WAIT_MS)
        line = today.attainment.text()
        assert "A-tier: 62 % of the cycle done, 61 % of the time gone" in line
        assert not today.coaching.isVisible()  # nothing to acknowledge
    finally:
        window.close()


def test_reopening_paints_the_last_report_and_never_a_stale_one(
    qtbot: QtBot, workspace: Workspace
) -> None:
    """The second opening paints from the stored report before reading the data; once a
    sync brings a new call the stored report no longer matches and is not shown."""
    ws = manager_workspace(workspace)
    first = open_desk(qtbot, ws)
    dashboard = first.team_desk.dashboard
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=WAIT_MS)
    calls = dashboard.view.report.totals.calls
    first.close()

    second = open_desk(qtbot, ws)
    dashboard = second.team_desk.dashboard
    qtbot.waitUntil(lambda: dashboard.view is not None, timeout=WAIT_MS)
    assert dashboard.view.report.totals.calls == calls
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=WAIT_MS)
    second.close()

    new_call = {**fx.CALLS[3], "id": "c-new", "started_at": "2026-11-25T09:30:00-05:00"}
    data = {k: v for k, v in new_call.items() if k != "id"}
    change = Change(seq=1, entity=Entity.CALL_NOTE, entity_id="c-new", op=Op.CREATE, version=1,
                    data=data)  # fmt: skip
    with ws.store.write() as conn:
        apply_page(conn, [change])
    shown: list[int] = []
    third = open_desk(qtbot, ws)
    dashboard = third.team_desk.dashboard
    dashboard.loaded.connect(lambda: shown.append(dashboard.view.report.totals.calls))
    qtbot.waitUntil(lambda: dashboard.data is not None and bool(shown), timeout=WAIT_MS)
    assert shown == [calls + 1]  # never the stored report of the older data
    third.close()


@pytest.mark.parametrize(
    ("moment", "zone"),
    [
        (datetime(2026, 11, 29, 22, 0), "America/New_York"),  # a Sunday evening
        (datetime(2026, 12, 31, 23, 30), "Asia/Tokyo"),  # 31 December, ISO week 53
        (datetime(2027, 3, 14, 3, 30), "America/New_York"),  # clocks spring forward
        (datetime(2027, 3, 28, 2, 30), "Europe/Berlin"),  # a skipped hour in Berlin
    ],
    ids=["sunday", "31-december-tokyo", "dst-new-york", "dst-berlin"],
)
def test_the_team_view_on_awkward_days_and_zones(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, moment: datetime, zone: str
) -> None:
    """The fixture team's history seen later, elsewhere: every period and tab works, the
    summary prints, and This week starts on the manager's Monday."""
    at = moment.replace(tzinfo=ZoneInfo(zone))
    ws = Workspace.open(
        data_dir, passphrase="team view awkward 1", clock=Clock.frozen(at, ZoneInfo(zone))
    )
    window = open_desk(qtbot, manager_workspace(ws), (1024, 640))
    try:
        dashboard = window.team_desk.dashboard
        qtbot.waitUntil(lambda: dashboard.data is not None, timeout=WAIT_MS)
        today = at.date()
        for period in ("This week", "Last 4 weeks", "Last 13 weeks", "Last 52 weeks"):
            with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
                dashboard.set_filters(period=period)
            flt = dashboard.view.report.filter
            assert flt.end == today and flt.start.weekday() == 0
        assert dashboard.view.report.totals.calls == ws.reports.team(flt).totals.calls
        for tab in range(dashboard.tabs.count()):
            dashboard.tabs.setCurrentIndex(tab)
            qtbot.wait(20)
        with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
            dashboard.export_view(tmp_path / "view.xlsx")
        dashboard.set_filters(rep=fx.ALVAREZ)
        with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
            dashboard.coaching_summary(tmp_path / "summary.pdf")
        assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")
    finally:
        window.close()
        ws.close()
