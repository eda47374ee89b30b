"""The HCP page claims nothing the workspace does not know: no made-up figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from fieldrep.domain.hcp import Hcp
from fieldrep.ui.main_window import MainWindow
from fieldrep.workspace import Workspace
from tests.ui.conftest import WAIT_MS, open_window


def profile(window: MainWindow) -> dict[str, str]:
    """The profile's facts as shown: label -> value."""
    grid = window.detail.profile_grid
    cells: dict[tuple[int, int], str] = {}
    for i in range(grid.count()):
        widget = grid.itemAt(i).widget()
        row, column, _, _ = grid.getItemPosition(i)
        assert isinstance(widget, QLabel)
        cells[row, column] = widget.text()
    return {cells[r, 0]: cells[r, 1] for r, c in cells if c == 0}


@pytest.fixture
def hcps(demo_workspace: Workspace) -> tuple[Hcp, Hcp]:
    """Two demo HCPs as master data may bring them: one with no patient figure."""
    known, unknown = sorted(demo_workspace.hcps.all(), key=lambda h: h.id)[:2]
    known = replace(known, patient_volume=240)
    unknown = replace(unknown, patient_volume=0)  # what a missing figure is stored as
    demo_workspace.hcps.upsert_many([known, unknown])
    return known, unknown


@pytest.fixture
def window(qtbot: QtBot, demo_workspace: Workspace, hcps: object) -> Iterator[MainWindow]:
    del hcps  # stored before the window opens
    win = open_window(qtbot, demo_workspace)
    yield win
    win.close()


def show(qtbot: QtBot, window: MainWindow, hcp: Hcp) -> None:
    window.open_hcp(hcp.id)
    qtbot.waitUntil(
        lambda: window.detail.data is not None and window.detail.data.hcp.id == hcp.id,
        timeout=WAIT_MS,
    )


def test_an_unknown_patient_volume_says_not_known_rather_than_zero(
    qtbot: QtBot, window: MainWindow, hcps: tuple[Hcp, Hcp]
) -> None:
    known, unknown = hcps
    show(qtbot, window, unknown)
    assert profile(window)["Patients / month"] == "not known"
    show(qtbot, window, known)
    assert profile(window)["Patients / month"] == "240"


def consent_chips(window: MainWindow) -> dict[str, str]:
    """The consent chips as shown: text -> style (chip_ok green, chip_no red, chip grey)."""
    row = window.detail.consents_row
    chips = [row.itemAt(i).widget() for i in range(row.count())]
    return {c.text(): c.objectName() for c in chips if isinstance(c, QLabel)}


def test_a_visit_chip_without_a_recorded_consent_is_neutral_not_a_green_tick(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    on_record, not_on_record = sorted(demo_workspace.hcps.all(), key=lambda h: h.id)[2:4]
    demo_workspace.hcps.upsert_many(
        [
            replace(on_record, consents={"visit": True, "email": False}),
            replace(not_on_record, consents={}),
        ]
    )
    show(qtbot, window, not_on_record)
    chips = consent_chips(window)
    assert chips["visit: no consent on record"] == "chip"
    assert "✓ visit" not in chips
    assert chips["✗ email: no opt-in"] == "chip_no"  # none on record: no e-mail, as before

    show(qtbot, window, on_record)
    chips = consent_chips(window)
    assert chips["✓ visit"] == "chip_ok"  # a consent on record keeps its green tick
    assert chips["✗ email: refused"] == "chip_no"  # a refusal reads as one
    assert chips["✗ phone: no opt-in"] == "chip_no"  # not the same fact as a refusal
