"""A pull from zero always works, also after `prune`: a new device pages through a
territory bigger than one page without being told to start again (issue 10, finding 1).
Runs against a real `fieldrep-server serve` process on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from sync_server import db
from sync_server.services.callers import utcnow
from sync_server.services.changelog import prune
from sync_server.services.hcps import upsert_hcps
from tests.server.test_live_server import running_server
from tests.server.world import Api, Device, hcp_record


def _grow_territory(database_url: str, count: int) -> None:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        upsert_hcps(session, [hcp_record(f"h-big{i}", "T-NORTH") for i in range(count)])
        # Each HCP changes once more, so prune has superseded rows to drop.
        upsert_hcps(
            session, [hcp_record(f"h-big{i}", "T-NORTH", city="Salem") for i in range(count)]
        )
    engine.dispose()


def _prune_everything(database_url: str) -> int:
    engine = db.make_engine(database_url)
    with db.transaction(db.session_factory(engine)) as session:
        removed = prune(session, retention_days=0, now=utcnow() + timedelta(seconds=5))
    engine.dispose()
    return removed


def _pull_all(device: Device, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Page from 0 the way a client does; counts the resets it is asked for."""
    return _pull_all_from(device, 0, limit)


def _pull_all_from(device: Device, since: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    resets, changes = 0, []
    for _ in range(100):
        page = device.pull_page(since, limit)
        if page["reset_required"]:
            resets += 1
            if resets > 3:
                break
            since, changes = 0, []
            continue
        changes += page["changes"]
        since = page["cursor"]
        if not page["has_more"]:
            break
    return changes, resets


def test_a_new_device_pulls_a_territory_of_several_pages_from_zero_after_prune(
    database_url: str, world: None, server_bin: str, tmp_path: Path
) -> None:
    _grow_territory(database_url, 40)
    assert _prune_everything(database_url) >= 40
    with (
        running_server(server_bin, database_url, tmp_path / "server.log") as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        device = Api(http).login("rep1", "rep1-new-laptop")
        changes, resets = _pull_all(device, limit=10)
        assert resets == 0
        hcps = {c["entity_id"] for c in changes if c["entity"] == "hcp"}
        assert hcps == {"h-n1", "h-n2", "h-n3", *(f"h-big{i}" for i in range(40))}
        assert all(c["data"]["city"] == "Salem" for c in changes if "big" in c["entity_id"])


def test_a_stale_cursor_still_resets_after_prune_even_if_another_device_is_mid_pull(
    database_url: str, world: None, server_bin: str, tmp_path: Path
) -> None:
    with (
        running_server(server_bin, database_url, tmp_path / "server.log") as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        old = Api(http).login("rep1", "rep1-old-laptop")
        old.sync_down()
        stale = old.cursor
        _grow_territory(database_url, 40)
        assert _prune_everything(database_url) >= 40
        fresh = Api(http).login("rep1", "rep1-new-laptop")
        page = fresh.pull_page(0, 10)
        assert page["has_more"] and not page["reset_required"]
        # The fresh device's cursor is its own: the old device at its stale cursor resets.
        assert old.pull_page(stale, 10)["reset_required"] is True
        assert fresh.pull_page(page["cursor"], 10)["reset_required"] is False
        # A prune between two pages makes the fresh device start again too (rows it would
        # need may be gone), and from zero it then gets everything.
        _grow_territory(database_url, 5)
        _prune_everything(database_url)
        assert fresh.pull_page(page["cursor"], 10)["reset_required"] is True
        changes, resets = _pull_all(fresh, limit=10)
        assert resets == 0 and len({c["entity_id"] for c in changes}) == 43


def test_a_page_asked_for_again_after_a_lost_answer_is_served_again_after_prune(
    database_url: str, world: None, server_bin: str, tmp_path: Path
) -> None:
    _grow_territory(database_url, 40)
    _prune_everything(database_url)
    with (
        running_server(server_bin, database_url, tmp_path / "server.log") as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        device = Api(http).login("rep1", "rep1-new-laptop")
        first = device.pull_page(0, 10)
        second = device.pull_page(first["cursor"], 10)  # its answer "lost" on the way
        again = device.pull_page(first["cursor"], 10)
        assert not again["reset_required"] and again["changes"] == second["changes"]


def test_a_device_that_fetched_ahead_resumes_from_the_page_it_last_committed_after_prune(
    database_url: str, world: None, server_bin: str, tmp_path: Path
) -> None:
    _grow_territory(database_url, 40)
    _prune_everything(database_url)
    with (
        running_server(server_bin, database_url, tmp_path / "server.log") as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        device = Api(http).login("rep1", "rep1-new-laptop")
        first = device.pull_page(0, 10)
        second = device.pull_page(first["cursor"], 10)
        device.pull_page(second["cursor"], 10)  # fetched ahead, never stored: killed
        again = device.pull_page(first["cursor"], 10)  # its last committed cursor
        assert not again["reset_required"] and again["changes"] == second["changes"]
        changes, resets = _pull_all_from(device, first["cursor"], limit=10)
        assert resets == 0
        hcps = {c["entity_id"] for c in first["changes"] + changes if c["entity"] == "hcp"}
        assert hcps == {"h-n1", "h-n2", "h-n3", *(f"h-big{i}" for i in range(40))}
