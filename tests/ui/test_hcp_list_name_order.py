"""The HCP list sorts by the name, not by the title in front of it nor by case (a
company's master data in capitals, "DR" and "PROF" as titles or inside the name), and an
address reads street, then town and postcode; a search that finds nothing says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.domain.hcp import Hcp, postal_address, sort_name
from fieldrep.ui.models import HcpTableModel
from fieldrep.ui.pages.hcps import NO_MATCH, WAITING, HcpListPage
from fieldrep.usecases.hcp_list import HcpList
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, loaded_hcp_list

# (id, title, name): titles both as a column and inside the name, mixed case.
HCPS = [
    ("h-zoe", "DR", "ZOE ADAMS"),
    ("h-anna", "PROF", "ANNA YATES"),
    ("h-bob", "", "DR. BOB MILLER"),
    ("h-carl", "", "carl jones"),
    ("h-dora", "MRS", "Dora Klein"),
]
BY_NAME = ["h-anna", "h-bob", "h-carl", "h-dora", "h-zoe"]


def test_sort_name_drops_a_leading_title_and_case() -> None:
    assert sort_name("DR ZOE ADAMS") == "zoe adams"
    assert sort_name("Dr. Zoe Adams") == "zoe adams"
    assert sort_name("  PROF ANNA YATES") == "anna yates"
    assert sort_name("PROF DR ANNA BRENNAN") == "anna brennan"  # both titles go
    assert sort_name("Prof. Dr. Anna Brennan") == "anna brennan"
    assert sort_name("Drew Barry") == "drew barry"  # a name that starts like a title
    assert sort_name("Mrs") == "mrs"  # nothing after it: not a title


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(
            Hcp(id=i, external_id=i, name=n, title=t, specialty="Cardiology",
                organisation="", city="SALEM", territory_id="T1")
            for i, t, n in HCPS
        )  # fmt: skip
        yield ws


def test_the_core_lists_hcps_by_name_whatever_the_title_and_case(workspace: Workspace) -> None:
    assert [h.id for h in workspace.hcps.all()] == BY_NAME
    assert [h.id for h in workspace.hcps.summaries()] == BY_NAME


@pytest.fixture
def page(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> Iterator[HcpListPage]:
    with loaded_hcp_list(qtbot, workspace, tmp_path) as page:
        yield page


def test_the_name_column_sorts_by_name_both_ways(page: HcpListPage) -> None:
    shown = lambda: [row.id for row in page.model.rows()]  # noqa: E731
    assert shown() == BY_NAME
    page.table.sortByColumn(HcpTableModel.NAME, Qt.SortOrder.DescendingOrder)
    assert shown() == BY_NAME[::-1]
    page.table.sortByColumn(HcpTableModel.NAME, Qt.SortOrder.AscendingOrder)
    assert shown() == BY_NAME
    # What the rep reads is still the title and the name as the company wrote them.
    assert page.model.index(0, HcpTableModel.NAME).data() == "PROF ANNA YATES"


def test_an_address_reads_street_then_town_and_postcode() -> None:
    def hcp(address: str, postcode: str, city: str) -> Hcp:
        return Hcp(id="h", external_id="h", name="N", specialty="", organisation="",
                   city=city, territory_id="T1", address=address, postcode=postcode)  # fmt: skip

    assert postal_address(hcp("12 MAIN ST", "01970", "SALEM")) == "12 MAIN ST, SALEM 01970"
    assert postal_address(hcp("", "01970", "SALEM")) == "SALEM 01970"
    assert postal_address(hcp("12 Main St, Salem", "01970", "Salem")) == "12 Main St, Salem, 01970"
    assert postal_address(hcp("12 Main St", "", "")) == "12 Main St"
    assert postal_address(hcp("", "", "")) == ""


def test_a_search_that_finds_nothing_says_so_once_the_territory_is_here(
    qtbot: QtBot, page: HcpListPage
) -> None:
    """Before the first sync the list waits for the territory; after it, an empty list
    means nothing matched (it kept saying "Waiting for your territory")."""
    loaded = page.data
    page.data = HcpList((), {}, (), waiting=True)  # signed in, territory on its way
    page.refilter()
    assert page.empty.text() == WAITING
    page.data = loaded  # the first sync brought it
    page.search.setText("zzzq")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.empty.text() == NO_MATCH, timeout=WAIT_MS)
    assert page.count_label.text() == f"0 of {len(HCPS)} HCPs"
