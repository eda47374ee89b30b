"""A rep with no A-tier HCP has no A-tier coverage to show: "–" with a reason, never 0 %,
in the Reps table, the headline tile, the printable summary and the exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.reports.export import to_bytes
from fieldrep.reports.team import TeamFilter, team_report
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.team.actions import REPS
from fieldrep.ui.team.figures import RepFiguresModel
from tests.reports import team_fixture as fx
from tests.reports.test_known_answers import fixture_data
from tests.ui.conftest import WAIT_MS
from tests.ui.test_team_view import desk, summary_page

__all__ = ["desk"]  # the fixture, shared with test_team_view

COVERAGE = [c.title for c in RepFiguresModel.COLUMNS].index("A-tier coverage")


def test_no_a_tier_hcp_shows_no_coverage_rather_than_zero(
    qtbot: QtBot, desk: MainWindow, tmp_path: Path
) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.set_filters(period="Custom…")
    dashboard.start_edit.setDate(fx.START)
    dashboard.end_edit.setDate(fx.END)
    qtbot.waitUntil(lambda: dashboard.view.report.filter.start == fx.START, timeout=WAIT_MS)
    model = dashboard.rep_model
    shown = {model.data(model.index(i, COVERAGE)) for i in range(model.rowCount())}
    assert "50%" in shown  # Alvarez reached H1 of H1, H2: a real figure stays a figure

    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        dashboard.set_filters(tier="B-tier")  # in this scope nobody has an A-tier HCP
    assert model.rowCount() == 2
    for row in range(model.rowCount()):
        index = model.index(row, COVERAGE)
        assert model.data(index) == "–"
        assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "no A-tier HCPs"
    tile = dashboard.tiles["coverage"]
    assert (tile.value.text(), tile.toolTip()) == ("–", "no A-tier HCPs")
    assert "0 of 0 (no A-tier HCPs)" in summary_page(dashboard, fx.ALVAREZ)

    dashboard.tabs.setCurrentIndex(REPS)
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "reps.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "reps.csv").read_text())))
    assert [r["top_tier_coverage"] for r in rows] == ["", ""]
    with qtbot.waitSignal(dashboard.exported, timeout=WAIT_MS):
        dashboard.export_view(tmp_path / "reps.xlsx")
    sheet = load_workbook(tmp_path / "reps.xlsx")["reps"]
    header = [c.value for c in sheet[1]]
    column = header.index("top_tier_coverage") + 1
    assert [sheet.cell(r, column).value for r in (2, 3)] == [None, None]


def test_the_json_report_has_no_coverage_figure_without_a_tier_hcp() -> None:
    report = team_report(fixture_data(), TeamFilter(fx.START, fx.END, tier="B"))
    written = json.loads(to_bytes(report, "json"))
    assert [r["top_tier_coverage"] for r in written["summary"]] == [None, None]
    assert written["totals"]["top_tier_coverage"] is None
