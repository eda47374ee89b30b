"""The thin models, filters and status texts work without any window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldrep.clock import Clock
from fieldrep.services.hcps import HcpSummary
from fieldrep.ui.hcp_filter import HcpFilter, apply_filter
from fieldrep.ui.models import ROW_ROLE, HcpTableModel
from fieldrep.ui.shortcuts import SHORTCUTS
from fieldrep.ui.sync_controller import SyncStatusView
from fieldrep.ui.widgets.sync_status import AGO_REFRESH_MS, SyncStatusWidget, describe
from fieldrep.usecases.sync_status import SyncStatus


def _row(i: int, **kw: object) -> HcpSummary:
    base: dict[str, object] = {
        "id": f"h{i}",
        "name": f"Name {i:02d}",
        "title": "Dr",
        "specialty": "Cardiology",
        "organisation": "Clinic",
        "city": "Salem",
        "tier": "A",
        "decile": 5,
        "last_contact": None,
        "open_follow_ups": 0,
    }
    base.update(kw)
    return HcpSummary(**base)  # type: ignore[arg-type]


def test_hcp_model_shows_rows_by_column_constant_and_sorts(qapp: object) -> None:
    model = HcpTableModel()
    model.set_rows([_row(2, city="Lynn"), _row(1, city="Salem"), _row(3, city="")])
    assert model.rowCount() == 3
    assert model.columnCount() == len(HcpTableModel.COLUMNS)
    assert model.data(model.index(0, HcpTableModel.NAME)) == "Dr Name 02"
    assert model.data(model.index(0, HcpTableModel.CITY)) == "Lynn"
    assert model.data(model.index(1, 0), ROW_ROLE).id == "h1"
    model.sort(HcpTableModel.CITY, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in model.rows()] == ["h2", "h1", "h3"]  # empty city last
    model.sort(HcpTableModel.NAME, Qt.SortOrder.DescendingOrder)
    assert [r.id for r in model.rows()] == ["h3", "h2", "h1"]


def test_filters_combine_and_search_narrows_by_id() -> None:
    today = date(2026, 1, 31)
    rows = [
        _row(1, tier="A", last_contact="2026-01-30T10:00:00+00:00"),
        _row(2, tier="A", last_contact="2025-10-01T10:00:00+00:00", open_follow_ups=1),
        _row(3, tier="B"),
        _row(4, tier="A", specialty="Oncology"),
    ]
    f = HcpFilter(tier="A", specialty="Cardiology", not_contacted_days=30)
    assert [r.id for r in apply_filter(rows, f, today=today)] == ["h2"]
    assert [r.id for r in apply_filter(rows, HcpFilter(open_follow_ups=True), today=today)] == [
        "h2"
    ]
    segments = {"h3": "Evidence seeker"}
    only = apply_filter(
        rows, HcpFilter(segment="Evidence seeker"), today=today, segment_of=segments
    )
    assert [r.id for r in only] == ["h3"]
    assert [r.id for r in apply_filter(rows, HcpFilter(), today=today, only_ids={"h4"})] == ["h4"]
    assert f.describe() == "Cardiology, tier A, no contact for 30+ days"


def test_sync_status_texts_say_pending_records_and_what_needs_review() -> None:
    view = SyncStatusView(
        SyncStatus(True, 1, 3, 1, 0, None, "Server unreachable", "http://x"), False, False
    )
    now = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    state, pending, last = describe(view, now)
    assert (state, pending, last) == ("Offline", "1 pending · 1 to review", "Last sync: never")
    local = SyncStatusView(SyncStatus(False, 0, 0, 0, 0, None, None, None), None, False)
    assert describe(local, now)[0:2] == ("Local only", "0 pending")
    synced = replace(view, status=replace(view.status, last_sync="2026-11-25T14:00:00+00:00"))
    assert describe(synced, now)[2] == "Last sync: today 09:00"
    # 09:00 in New York above; 23:30 the day before here
    overnight = replace(view, status=replace(view.status, last_sync="2026-11-25T04:30:00+00:00"))
    assert describe(overnight, now)[2] == "Last sync: 24 Nov 23:30"


def test_a_signed_out_workspace_reads_signed_out_with_no_last_sync() -> None:
    from fieldrep.ui.sign_in_out import sign_out_question, signed_out_message

    out = SyncStatus(False, 2, 3, 0, 0, "2026-11-25T14:00:00+00:00", None, "http://x")
    view = SyncStatusView(out, True, False)  # "online" from before the sign-out
    now = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    assert out.signed_out and describe(view, now) == ("Signed out", "2 pending", "")
    signed_in = replace(out, configured=True)
    assert "2 record(s) with changes not yet sent stay" in sign_out_question(signed_in, "ana")
    assert "not yet sent" not in sign_out_question(replace(signed_in, pending_records=0), "ana")
    assert "File > Sign in…" in signed_out_message(True)
    assert "could not be reached" in signed_out_message(False)


def test_every_main_action_has_a_distinct_shortcut() -> None:
    keys = [s.keys for s in SHORTCUTS]
    assert len(keys) == len(set(keys))
    assert {"log_call", "plan_visit", "sync_now", "find_hcp", "shortcuts"} <= {
        s.action for s in SHORTCUTS
    }


def test_last_sync_is_redrawn_as_time_passes_not_left_at_just_now(qtbot: QtBot) -> None:
    """The stranger's laptop said "Last sync: just now" minutes after its sync."""
    synced_at = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    widget = SyncStatusWidget(Clock.frozen(synced_at))
    qtbot.addWidget(widget)
    status = SyncStatus(True, 0, 0, 0, 0, synced_at.isoformat(), None, "http://x")
    widget.show_status(SyncStatusView(status, True, False))
    assert widget.last.text() == "Last sync: just now"
    assert widget._ago_timer.isActive() and widget._ago_timer.interval() == AGO_REFRESH_MS
    widget.clock = Clock.frozen(synced_at + timedelta(minutes=7))  # the clock moved on
    widget._ago_timer.timeout.emit()
    assert widget.last.text() == "Last sync: 7 min ago"
