"""Back (Alt+Left) works like a browser's Back: a stranger pressed it after leaving an HCP
page for the planner and nothing happened (it only ever left the HCP page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldrep.ui.main_window import DETAIL, HCPS, PLANNER, TODAY, MainWindow
from fieldrep.ui.navigation import Location, PageHistory


def test_history_returns_to_each_place_left_in_turn() -> None:
    history = PageHistory()
    history.leave(Location(TODAY), Location(HCPS))
    history.leave(Location(HCPS), Location(DETAIL, "A"))
    history.leave(Location(DETAIL, "A"), Location(DETAIL, "A"))  # no move: nothing kept
    history.leave(Location(DETAIL, "A"), Location(PLANNER))
    here = Location(PLANNER)
    assert history.back(here) == Location(DETAIL, "A")
    assert history.back(Location(DETAIL, "A")) == Location(HCPS)
    assert history.back(Location(HCPS)) == Location(TODAY)
    assert history.back(Location(TODAY)) is None


def test_history_is_bounded() -> None:
    history = PageHistory(limit=3)
    for page in range(10):
        history.leave(Location(page), Location(page + 1))
    assert [history.back(Location(99)) for _ in range(4)] == [
        Location(9), Location(8), Location(7), None
    ]  # fmt: skip


def _alt_left(window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)


def test_alt_left_walks_back_through_pages_and_hcps(qtbot: QtBot, window: MainWindow) -> None:
    hcp = window.workspace.hcps.all()[3]
    window.go(TODAY)
    window.go(HCPS)
    window.open_hcp(hcp.id)
    window.go(PLANNER)  # left the HCP page by the menu: Back must still work
    _alt_left(window)
    assert window.pages.currentIndex() == DETAIL
    assert window.detail.hcp_id == hcp.id
    _alt_left(window)
    assert window.pages.currentIndex() == HCPS
    assert window.nav.currentRow() == HCPS
    _alt_left(window)
    assert window.pages.currentIndex() == TODAY
    _alt_left(window)
    assert window.pages.currentIndex() == TODAY
    assert window.statusBar().currentMessage() == "Nothing to go back to."


def test_the_hcp_pages_back_button_returns_to_the_list_it_came_from(
    qtbot: QtBot, window: MainWindow
) -> None:
    hcp = window.workspace.hcps.all()[5]
    window.go(PLANNER)
    window.open_hcp(hcp.id)
    qtbot.mouseClick(window.detail.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == PLANNER
