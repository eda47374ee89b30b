"""The manager's team view after the admin realigned HCPs between two reps of the team
(the fixture team, tests/reports/team_fixture.py, with H1 moved from REP-ALVAREZ's
T-NORTH to REP-BRANDT's T-SOUTH and H8 the other way): coverage counts the A-tier HCPs
a rep covers now, and "Priority HCPs not seen" says who saw an inherited HCP last, on a
1024x640 screen as on a larger one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.team.actions import REPS, SILENT
from fieldrep.ui.team.figures import RepFiguresModel, SilentModel
from fieldrep.workspace import Workspace
from tests.reports import team_fixture as fx
from tests.ui.conftest import WAIT_MS
from tests.ui.test_team_view import manager_workspace, open_desk, summary_page

MOVES = {"H1": "T-SOUTH", "H8": "T-NORTH"}


def realign(ws: Workspace) -> Workspace:
    """The admin's moves as the feed brings them to the manager's laptop."""
    hcps = {h["id"]: h for h in fx.HCPS}
    changes = [
        Change(
            seq=100 + n,
            entity=Entity.HCP,
            entity_id=hcp_id,
            op=Op.UPDATE,
            version=2,
            data={
                **{k: v for k, v in hcps[hcp_id].items() if k != "id"},
                "territory_id": territory,
            },
        )  # fmt: skip
        for n, (hcp_id, territory) in enumerate(MOVES.items())
    ]
    with ws.store.write() as conn:
        apply_page(conn, changes)
    return ws


def _cells(model: Any, row: int) -> dict[str, str]:
    titles = [c.title for c in model.COLUMNS]
    return {t: model.index(row, i).data() for i, t in enumerate(titles)}


@pytest.fixture
def desk(qtbot: QtBot, workspace: Workspace, request: pytest.FixtureRequest) -> MainWindow:
    size = getattr(request, "param", (1366, 768))
    window = open_desk(qtbot, realign(manager_workspace(workspace)), size)
    dashboard = window.team_desk.dashboard
    qtbot.waitUntil(lambda: dashboard.view is not None, timeout=WAIT_MS)
    dashboard.set_filters(period="Custom…")
    dashboard.start_edit.setDate(fx.START)
    dashboard.end_edit.setDate(fx.END)
    qtbot.waitUntil(
        lambda: (
            dashboard.view.report.filter == dashboard.current_filter()
            and dashboard.view.report.filter.start == fx.START
        ),
        timeout=WAIT_MS,
    )
    yield window
    window.close()


def test_coverage_counts_the_a_tier_hcps_each_rep_covers_now(desk: MainWindow) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.tabs.setCurrentIndex(REPS)
    coverage = {
        _cells(dashboard.rep_model, i)["Rep"]: _cells(dashboard.rep_model, i)["A-tier coverage"]
        for i in range(dashboard.rep_model.rowCount())
    }
    # ALVAREZ's A-tier HCP now is H2 alone, never called: 0 % (his calls on H1, moved
    # away, made it 100 %); BRANDT's are H5 (called) and H1 (not by him): 50 %.
    assert coverage == {fx.ALVAREZ: "0%", fx.BRANDT: "50%"}
    assert [c.title for c in RepFiguresModel.COLUMNS].count("A-tier coverage") == 1
    alvarez = next(r for r in dashboard.rep_model.rows() if r.rep == fx.ALVAREZ)
    assert (alvarez.calls, alvarez.hcps_reached) == (8, 2)  # the calls on H1 happened


@pytest.mark.parametrize("desk", [(1024, 640), (1366, 768)], indirect=True)
def test_the_silent_list_names_who_saw_an_inherited_hcp_last(
    qtbot: QtBot, desk: MainWindow, tmp_path: Path
) -> None:
    dashboard = desk.team_desk.dashboard
    dashboard.tabs.setCurrentIndex(SILENT)
    rows = {(r.rep, r.hcp_id): r for r in dashboard.silent_model.rows()}
    # H1 went to BRANDT, but ALVAREZ saw it on the as-of day: not silent. H8 came to
    # ALVAREZ; BRANDT last saw it 76 days before: silent, and the list says so.
    assert set(rows) == {(fx.ALVAREZ, "H2"), (fx.ALVAREZ, "H8")}
    index = dashboard.silent_model.rows().index(rows[(fx.ALVAREZ, "H8")])
    cells = _cells(dashboard.silent_model, index)
    assert (cells["Last contact"], cells["By"], cells["Days since"]) == (
        "Thu 10 Sep", fx.BRANDT, "76",
    )  # fmt: skip
    by = [c.title for c in SilentModel.COLUMNS].index("By")
    tooltip = dashboard.silent_model.index(index, by).data(Qt.ItemDataRole.ToolTipRole)
    assert fx.BRANDT in tooltip
    never = _cells(dashboard.silent_model, dashboard.silent_model.rows().index(
        rows[(fx.ALVAREZ, "H2")]))  # fmt: skip
    assert (never["Last contact"], never["By"]) == ("never", "")

    # Readable on the smallest screen: every column whole, no sideways scrolling, and
    # the window as wide as asked (the custom period's date boxes held it at 1089 px
    # while they sat in the filter row; they have a line of their own now).
    assert dashboard.dates.isVisible()
    assert desk.width() in (1024, 1366) and desk.minimumSizeHint().width() <= 1024
    table = dashboard.silent_table
    qtbot.waitUntil(table.isVisible, timeout=WAIT_MS)
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    natural = sum(
        max(table.sizeHintForColumn(i), header.sectionSizeHint(i)) for i in range(header.count())
    )
    assert natural <= table.viewport().width()
    # The Reps tab too: fifteen figures, two-line headings, no sideways scrolling.
    dashboard.tabs.setCurrentWidget(dashboard.rep_table)
    qtbot.waitUntil(dashboard.rep_table.isVisible, timeout=WAIT_MS)
    assert not dashboard.rep_table.horizontalScrollBar().isVisible()
    assert "by REP-BRANDT" in summary_page(dashboard, fx.ALVAREZ)
    desk.grab().save(str(tmp_path / f"silent_{desk.width()}x{desk.height()}.png"))


def test_a_drill_down_over_a_year_boundary_says_both_years(qtbot: QtBot, desk: MainWindow) -> None:
    """ "01 Dec – 07 Dec 2026" read as one week for a period from 1 December 2025."""
    dashboard = desk.team_desk.dashboard
    start = date(fx.END.year - 1, 12, 1)
    dashboard.start_edit.setDate(start)
    qtbot.waitUntil(lambda: dashboard.view.report.filter.start == start, timeout=WAIT_MS)
    with qtbot.waitSignal(dashboard.drilled, timeout=WAIT_MS):
        dashboard.drill_to_rep(fx.ALVAREZ)
    assert dashboard.drill.subtitle.text().startswith(f"01 Dec {start.year} – {fx.END:%d %b %Y} · ")
