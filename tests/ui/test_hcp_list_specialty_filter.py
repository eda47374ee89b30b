"""The HCP list's specialty filter ignores case, as specialties do everywhere (docs/admin.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldrep.domain.hcp import Hcp
from fieldrep.ui.hcp_filter import HcpFilter, specialty_choices
from fieldrep.ui.pages.hcps import HcpListPage
from fieldrep.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, loaded_hcp_list

SPECIALTIES = {
    "h-1": "Cardiology",
    "h-2": "Cardiology",
    "h-3": "CARDIOLOGY",  # as another master-data source spells it
    "h-4": "cardiology",
    "h-5": "Nephrology",
}


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[HcpListPage]:
    with Workspace.open(tmp_path / "ws", passphrase=PASSPHRASE) as ws:
        ws.hcps.upsert_many(
            Hcp(id=i, external_id=i, name=f"HCP {i}", specialty=s, organisation="",
                city="Salem", territory_id="T1")
            for i, s in SPECIALTIES.items()
        )  # fmt: skip
        with loaded_hcp_list(qtbot, ws, tmp_path) as page:
            yield page


def shown(page: HcpListPage) -> set[str]:
    return {row.id for row in page.model.rows()}


def entries(page: HcpListPage) -> list[str]:
    return [page.specialty.itemText(i) for i in range(1, page.specialty.count())]


def test_one_entry_per_specialty_whatever_its_case_matching_every_spelling(
    qtbot: QtBot, page: HcpListPage
) -> None:
    assert entries(page) == ["Cardiology", "Nephrology"]  # the most common spelling

    page.specialty.setCurrentIndex(page.specialty.findText("Cardiology"))
    cardiology = {"h-1", "h-2", "h-3", "h-4"}
    qtbot.waitUntil(lambda: shown(page) == cardiology, timeout=WAIT_MS)

    page.set_filter(HcpFilter())
    qtbot.waitUntil(lambda: len(shown(page)) == len(SPECIALTIES), timeout=WAIT_MS)
    page.set_filter(HcpFilter(specialty="CARDIOLOGY"))  # a filter saved before the merge
    assert page.specialty.currentText() == "Cardiology"
    assert entries(page) == ["Cardiology", "Nephrology"]  # no second entry added
    qtbot.waitUntil(lambda: shown(page) == cardiology, timeout=WAIT_MS)


def test_specialty_choices_prefer_the_common_spelling_then_mixed_case() -> None:
    assert specialty_choices(["ONCOLOGY", "oncology", "Oncology", "", "Allergy"]) == [
        "Allergy",
        "Oncology",
    ]
    assert specialty_choices(["ONCOLOGY", "ONCOLOGY", "Oncology"]) == ["ONCOLOGY"]
