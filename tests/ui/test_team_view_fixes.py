"""What a stranger found in the manager's team view (issue 12's review): integer axes and
readable labels on the charts, no acceptance rate without decisions, exports that say
what they cover and open in Documents, plurals, message titles, the app's date format,
comments on a call named by the call, and no rep-only settings for a manager."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
from PySide6.QtCore import QStandardPaths
from pytestqt.qtbot import QtBot

from fieldrep.domain.segments import ApprovedMessage
from fieldrep.reports.team import TeamFilter, team_report
from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.dialogs.coaching import FieldVisitDialog
from fieldrep.ui.dialogs.settings_dialog import SettingsDialog
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.team import charts
from fieldrep.ui.team.actions import REPS, SILENT
from fieldrep.ui.team.coaching_page import subjects
from fieldrep.ui.team.drill import HcpActivity, RepDrill, note_html, note_view
from fieldrep.ui.team.figures import RepFigures, RepFiguresModel
from fieldrep.workspace import Workspace
from tests.reports import team_fixture as fx
from tests.reports.test_known_answers import fixture_data
from tests.ui.conftest import WAIT_MS
from tests.ui.test_team_view import desk, manager_workspace, open_desk, summary_page

__all__ = ["desk"]  # the fixture, shared with test_team_view


def _value_labels(chart: Any) -> list[int]:
    [axis] = [a for a in chart.axes() if isinstance(a, QValueAxis)]
    steps = axis.tickCount() - 1
    step = (axis.max() - axis.min()) / steps
    assert step == int(step) and step >= 1, (axis.min(), axis.max(), axis.tickCount())
    return [int(axis.min() + i * step) for i in range(steps + 1)]


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, (1, 1)), (1, (1, 1)), (3, (1, 3)), (7, (2, 4)), (22, (5, 5)), (340, (100, 4))],
)
def test_count_axes_step_in_whole_numbers(top: float, ticks: tuple[int, int]) -> None:
    assert charts.count_ticks(top) == ticks


def test_small_counts_never_repeat_an_axis_label(qtbot: QtBot) -> None:
    del qtbot  # a QApplication for the charts
    # CARDIOVEX: one call a week at most, one dismissal, one sentiment.
    report = team_report(fixture_data(), TeamFilter(fx.START, fx.END, product="CARDIOVEX"))
    for build in (charts.calls_by_channel, charts.dismiss_reasons, charts.sentiment_trend):
        labels = _value_labels(build(report))
        assert len(labels) == len(set(labels)) and labels[0] == 0 and labels[-1] >= 1


def test_week_labels_are_thinned_and_never_elided(qtbot: QtBot) -> None:
    del qtbot
    weeks = [f"2026-W{n:02d}" for n in range(36, 49)]  # Last 13 weeks
    labels = charts._week_labels(weeks)
    shown = [w for w in labels if w.strip()]
    assert len(shown) <= charts.MAX_WEEK_LABELS and shown[0] == "W36"
    assert len(set(labels)) == len(labels)
    report = team_report(fixture_data(), TeamFilter(fx.START - timedelta(weeks=11), fx.END))
    for chart in (charts.calls_by_channel(report), charts.pace_by_rep(report)):
        [axis] = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
        assert not axis.truncateLabels()


def test_no_decisions_is_no_rate_and_the_columns_say_what_they_count(qtbot: QtBot) -> None:
    del qtbot
    report = team_report(fixture_data(), TeamFilter(date(2026, 12, 31), date(2026, 12, 31)))
    model = RepFiguresModel()
    model.set_rows(RepFigures.from_summary(report.summary))
    titles = [c.title for c in RepFiguresModel.COLUMNS]
    assert {"Accepted", "Dismissed", "Accepted %"} <= set(titles)
    rate = titles.index("Accepted %")
    assert model.data(model.index(0, rate)) == "–"
    decided = team_report(fixture_data(), TeamFilter(fx.START, fx.END))
    model.set_rows(RepFigures.from_summary(decided.summary))
    assert model.data(model.index(0, rate)) == "25%"
    assert model.data(model.index(0, titles.index("Accepted"))) == "1"


def test_exports_say_what_they_cover_and_open_in_documents(
    qtbot: QtBot, desk: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.set_filters(period="Custom…")
    dashboard.start_edit.setDate(fx.START)
    dashboard.end_edit.setDate(fx.END)
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        dashboard.set_filters(tier="A-tier")
    dashboard.tabs.setCurrentIndex(REPS)
    offered: list[str] = []

    def save_as(_parent: Any, _caption: str, where: str, _filters: str) -> tuple[str, str]:
        offered.append(where)
        return "", ""

    monkeypatch.setattr("fieldrep.ui.team.actions.QFileDialog.getSaveFileName", save_as)
    dashboard.export_view()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    [where] = offered
    assert Path(where).parent == Path(documents)
    assert Path(where).name == f"team-reps-{fx.START}_{fx.END}-tier-A.xlsx"

    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "reps.xlsx")
    book = load_workbook(tmp_path / "reps.xlsx")
    assert book.sheetnames == ["about", "reps"]
    facts = {r[0].value: r[1].value for r in book["about"].iter_rows(min_row=2)}
    assert facts["period"] == f"{fx.START} to {fx.END}" and facts["as of"] == str(fx.END)
    assert (facts["manager"], facts["tier"]) == (fx.MANAGER, "A")
    header = [c.value for c in book["reps"][1]]
    assert book["reps"].cell(2, header.index("attainment") + 1).number_format == "0.0%"

    # Tier A: the one silent HCP was never contacted; the export leaves the day empty.
    dashboard.tabs.setCurrentIndex(SILENT)
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "silent.xlsx")
    sheet = load_workbook(tmp_path / "silent.xlsx")["priority-hcps-not-seen"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "NaT" not in cells and "H2" in cells
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "silent.csv")
    # Never contacted: no last contact, nobody who made it, no days since.
    assert (tmp_path / "silent.csv").read_text().splitlines()[1].endswith(",8,,,")


def test_one_call_with_one_hcp(qtbot: QtBot) -> None:
    drill = RepDrill()
    qtbot.addWidget(drill)
    row = HcpActivity("H5", "DR. EVE UNGER", "A", "", 1, "visit 1", fx.END)
    drill.show_rep(fx.BRANDT, [row], "16 Nov – 25 Nov 2026")
    assert drill.subtitle.text().endswith("· 1 call with 1 HCP")
    drill.show_rep(fx.BRANDT, [row, row], "16 Nov – 25 Nov 2026")
    assert drill.subtitle.text().endswith("· 2 calls with 2 HCPs")


def test_key_messages_read_as_their_titles(workspace: Workspace) -> None:
    ws = manager_workspace(workspace)
    known = ApprovedMessage(
        id="ZEN-EFF-01",
        product="ZENTRA",
        title="Efficacy at 12 weeks",
        theme="efficacy",
        specialties=("cardiology",),
        channels=("visit",),
    )
    ws.messages.replace_all([known])
    call = {k: v for k, v in fx.CALLS[0].items() if k != "id"}
    call["key_messages"] = [known.id, "GONE-01"]
    with ws.store.write() as conn:
        apply_page(conn, [Change(seq=1, entity=Entity.CALL_NOTE, entity_id="c-msg",
                                 op=Op.CREATE, version=1, data=call)])  # fmt: skip
    view = note_view(ws, "c-msg")
    assert view.messages == (known.title, "GONE-01")
    page = note_html(view, lambda _i: "")
    assert known.title in page and known.id not in page


def test_the_field_visit_date_reads_as_elsewhere(qtbot: QtBot) -> None:
    dialog = FieldVisitDialog(fx.ALVAREZ, date(2026, 12, 7))
    qtbot.addWidget(dialog)
    assert dialog.day.text() == "Mon 07 Dec 2026"


def test_a_comment_on_a_call_names_the_hcp_and_the_day(qtbot: QtBot, desk: MainWindow) -> None:
    ws = desk.workspace
    note = ws.calls.get("c2")
    comment = ws.coaching.leave(fx.ALVAREZ, "Good opening.", note.id).value
    hcp = ws.hcps.get(note.hcp_id).display_name
    about = f"call with {hcp} on {note.started_at:%a %d %b %Y}"
    assert subjects(ws, [comment]) == {comment.id: about}
    page = desk.team_desk.coaching
    page.reload()
    qtbot.waitUntil(lambda: bool(page.model.rows()), timeout=WAIT_MS)
    assert page.model.data(page.model.index(0, page.model.ABOUT)) == about
    dashboard = desk.team_desk.dashboard
    assert about in summary_page(dashboard, fx.ALVAREZ)


def test_a_managers_settings_leave_out_the_reps_settings(
    qtbot: QtBot, workspace: Workspace
) -> None:
    window = open_desk(qtbot, manager_workspace(workspace))
    try:
        dialog = SettingsDialog(window.settings, window.taskman, window)
        qtbot.addWidget(dialog)
        dialog.show()
        for rep_only in (dialog.address, dialog.find_button, dialog.day_start,
                         *dialog.day_boxes):  # fmt: skip
            assert not rep_only.isVisible()
        assert dialog.text_size.isVisible() and dialog.idle.isVisible()
        dialog.text_size.setValue(120)
        dialog.save()
        assert window.settings.font_scale == pytest.approx(1.2)
    finally:
        window.close()
