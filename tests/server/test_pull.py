"""Pull: paged, resumable, scoped; tombstone retention answers reset_required."""

from __future__ import annotations

from datetime import timedelta

from sync_server import db
from sync_server.config import Settings
from sync_server.services.callers import utcnow
from sync_server.services.changelog import prune
from tests.server.world import Api, note_fields


def test_pages_follow_the_cursor_until_has_more_is_false(api: Api) -> None:
    device = api.login("rep1")
    for i in range(7):
        device.send("call_note", f"n{i}", **note_fields("h-n1"))
    seqs, since, pages = [], 0, 0
    while True:
        page = device.pull_page(since, limit=3)
        pages += 1
        seqs += [c["seq"] for c in page["changes"]]
        assert page["head_seq"] >= page["cursor"] or not page["has_more"]
        since = page["cursor"]
        if not page["has_more"]:
            break
    assert pages == 4  # 3 HCPs + 7 notes = 10 changes in pages of 3
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == 10
    assert device.pull_page(since)["changes"] == []


def test_an_idle_pull_keeps_the_cursor_at_the_head(api: Api) -> None:
    device = api.login("rep1")
    device.sync_down()
    api.login("rep2").send("call_note", "other", **note_fields("h-s1"))
    page = device.pull_page(device.cursor)
    assert page["changes"] == [] and page["cursor"] > device.cursor


def test_a_cursor_older_than_tombstone_retention_must_reset(api: Api, settings: Settings) -> None:
    device = api.login("rep1")
    device.send("call_note", "n1", **note_fields("h-n1"))
    device.send("call_note", "n1", "delete", 1)
    stale_cursor = 1
    engine = db.make_engine(settings.database_url)
    with db.transaction(db.session_factory(engine)) as session:
        removed = prune(session, retention_days=0, now=utcnow() + timedelta(seconds=5))
    engine.dispose()
    assert removed >= 1
    page = device.pull_page(stale_cursor)
    assert page["reset_required"] is True and page["changes"] == []
    device.cursor = 0
    device.sync_down()
    assert ("call_note", "n1") not in device.records
    assert device.ids("hcp") == {"h-n1", "h-n2", "h-n3"}


def test_a_cursor_from_another_database_must_reset(api: Api) -> None:
    device = api.login("rep1")
    assert device.pull_page(10**9)["reset_required"] is True


def test_pull_limit_is_bounded(api: Api) -> None:
    device = api.login("rep1")
    response = api.http.get("/api/v1/sync/pull", params={"limit": 0}, headers=device.headers)
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    response = api.http.get("/api/v1/sync/pull", params={"limit": 5001}, headers=device.headers)
    assert response.status_code == 422
