"""The HCP list shows search results best match first, until the rep sorts by a column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.domain.hcp import Hcp
from fieldrep.ui.models import HcpTableModel
from fieldrep.ui.pages.hcps import HcpListPage
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, loaded_hcp_list

NAMES = {
    "h-abbott": "ABBOTT, SMITH",  # "smith" only as a first name
    "h-smithers": "SMITHERS, KATE",  # a surname that starts with "smith"
    "h-smith": "SMITH, JOHN",  # the surname itself
    "h-baker": "BAKER, ANNA",
}


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[HcpListPage]:
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(
            Hcp(id=i, external_id=i, name=n, specialty="Family Medicine", organisation="",
                city="Salem", territory_id="T1")
            for i, n in NAMES.items()
        )  # fmt: skip
        with loaded_hcp_list(qtbot, ws, tmp_path) as page:
            yield page


def shown(page: HcpListPage) -> list[str]:
    return [row.id for row in page.model.rows()]


def test_results_come_best_match_first_until_a_column_is_clicked(
    qtbot: QtBot, page: HcpListPage
) -> None:
    header = page.table.horizontalHeader()
    assert shown(page) == ["h-abbott", "h-baker", "h-smith", "h-smithers"]  # by name

    page.search.setText("smith")
    best_first = ["h-smith", "h-abbott", "h-smithers"]
    qtbot.waitUntil(lambda: shown(page) == best_first, timeout=WAIT_MS)
    assert not header.isSortIndicatorShown()  # no column claims the order

    header.sectionClicked.emit(HcpTableModel.NAME)
    page.table.sortByColumn(HcpTableModel.NAME, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["h-abbott", "h-smith", "h-smithers"]
    assert header.isSortIndicatorShown()

    page.search.setText("")
    qtbot.waitUntil(lambda: len(shown(page)) == len(NAMES), timeout=WAIT_MS)
    page.search.setText("smith")
    qtbot.waitUntil(lambda: shown(page) == best_first, timeout=WAIT_MS)  # a new search
