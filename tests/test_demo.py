"""The demo territory is deterministic, realistic in size and spans 18 months."""

from __future__ import annotations

from datetime import UTC, date

from fieldrep.demo import demo_call_rows, demo_hcps, load_messages, load_segments


def test_demo_territory_has_about_400_hcps_in_one_region() -> None:
    hcps = demo_hcps()
    assert 350 <= len(hcps) <= 450
    assert len({h.specialty for h in hcps}) >= 6
    assert all(42.0 < (h.latitude or 0) < 43.0 and -71.6 < (h.longitude or 0) < -70.6 for h in hcps)
    assert demo_hcps() == hcps


def test_demo_history_spans_18_months_across_channels() -> None:
    today = date(2026, 11, 25)
    hcps = {h.id for h in demo_hcps()}
    rows = demo_call_rows(hcps, today, UTC)
    days = sorted(date.fromisoformat(r["started_at"][:10]) for r in rows)
    assert (today - days[0]).days >= 500
    assert {r["channel"] for r in rows} == {"visit", "remote", "phone", "email", "event"}
    assert demo_call_rows(hcps, today, UTC) == rows


def test_catalogues_cover_three_products_and_five_segments() -> None:
    assert {m.product for m in load_messages()} == {"Cardiovex", "Glucora", "Respiza"}
    assert len(load_segments()) == 5
