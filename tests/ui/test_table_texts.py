"""What the tables say where space is short: reason summaries and the route column."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.domain.changes import Changes
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.models import SuggestionTableModel, has_route_order, reasons_summary
from tests.pinned_clock import today as pinned_today
from tests.ui.conftest import WAIT_MS


@dataclass(frozen=True)
class FakeSuggestion:
    reasons: tuple[str, ...]
    score: float = 0.5
    hcp_name: str = "Dr. A"
    channel: str = "email"
    message_title: str | None = None
    due: date = date(2026, 1, 5)
    expires: date = date(2026, 1, 8)


def test_the_why_column_joins_all_reasons_with_the_ones_most_rows_share_last() -> None:
    shared = "high-value HCP: decile 10 (tier A)"
    s = FakeSuggestion((shared, "no contact for 141 days", "opened 8 of 8 emails"))
    model = SuggestionTableModel()
    model.set_rows([s, replace(s, reasons=("other",)), replace(s, reasons=())])
    assert model.common_reasons == frozenset()  # one row in three is not "most"
    assert model.data(model.index(0, SuggestionTableModel.REASONS)) == (
        f"{shared} · no contact for 141 days · opened 8 of 8 emails"
    )

    model.set_rows([s, replace(s, reasons=(shared, "only one"))])
    why = model.index(0, SuggestionTableModel.REASONS)
    assert model.data(why) == f"no contact for 141 days · opened 8 of 8 emails · {shared}"
    assert model.data(model.index(1, SuggestionTableModel.REASONS)) == f"only one · {shared}"
    tooltip = model.data(why, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.splitlines()[0] == f"• {shared}"  # the tooltip keeps the engine's order
    assert tooltip.count("•") == 3
    assert reasons_summary(replace(s, reasons=())) == ""


def test_today_shows_the_route_column_only_once_a_route_is_ordered(
    qtbot: QtBot, window: MainWindow
) -> None:
    ws = window.workspace
    today = pinned_today()
    hcps = [h for h in ws.hcps.all() if h.latitude is not None][:2]
    plans = [ws.plans.add(h.id, today, None) for h in hcps]
    window.taskman.notify(Changes(plans=True))
    page = window.today
    qtbot.waitUntil(lambda: page.visits.rowCount() == 2, timeout=WAIT_MS)
    assert not has_route_order(page.visits.rows())
    assert page.visit_view.isColumnHidden(0)
    assert page.cards[0].heading.text() == "Planned visits, by time"

    ws.plans.set_route([p.id for p in reversed(plans)])
    window.taskman.notify(Changes(plans=True))
    qtbot.waitUntil(lambda: not page.visit_view.isColumnHidden(0), timeout=WAIT_MS)
    assert page.cards[0].heading.text() == "Planned visits, in route order"
    assert [page.visits.data(page.visits.index(r, 0)) for r in range(2)] == ["1", "2"]
