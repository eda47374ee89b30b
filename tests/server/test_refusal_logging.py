"""A change the database refuses is logged by entity, id, seq and error class: never its
field values (call-note insights are health data)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, text

from sync_server.config import Settings
from tests.server.world import Api, note_fields

SECRET = "Patient mentioned HIV status ZEBRA-7731"
NOTE_ID = "n-refused-by-db"


def _refuse_note_in_database(url: str) -> str:
    """Make the database itself refuse NOTE_ID; returns the SQL that undoes it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_note BEFORE INSERT ON call_notes "
                f"WHEN NEW.id = '{NOTE_ID}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ))  # fmt: skip
            undo = "DROP TRIGGER refuse_note"
        else:
            conn.execute(text(
                f"ALTER TABLE call_notes ADD CONSTRAINT refuse_note CHECK (id <> '{NOTE_ID}')"
            ))  # fmt: skip
            undo = "ALTER TABLE call_notes DROP CONSTRAINT refuse_note"
    engine.dispose()
    return undo


def test_a_refused_mutation_is_logged_without_its_note_text(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    device = api.login("rep1")
    undo = _refuse_note_in_database(settings.database_url)
    try:
        with caplog.at_level(logging.DEBUG):
            result = device.send("call_note", NOTE_ID, **note_fields("h-n1", insights=SECRET))
    finally:
        engine = create_engine(settings.database_url)
        with engine.begin() as conn:
            conn.execute(text(undo))
        engine.dispose()
    assert result["status"] == "rejected"
    refusals = [r for r in caplog.records if "refused by the database" in r.getMessage()]
    assert len(refusals) == 1
    line = refusals[0].getMessage()
    assert "call_note" in line and NOTE_ID in line and "IntegrityError" in line
    everything = "\n".join(caplog.text.splitlines()) + "".join(
        str(r.exc_info) + str(r.args) for r in caplog.records
    )
    assert "ZEBRA-7731" not in everything
