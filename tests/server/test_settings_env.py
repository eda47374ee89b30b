"""Settings from the environment: a value the server cannot use is refused at start, in
one line naming it, never a traceback and never silently read as the default.

A stranger copied docs/deploy.md's server.env with its inline comments into systemd's
EnvironmentFile, which keeps "# ..." as part of the value: the pool size died in a
traceback, and "transaction      # the URL above is PgBouncer" quietly meant "no pooler".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync_server.cli import main
from sync_server.config import ConfigError, Settings


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("FIELDREP_DATABASE_POOL_SIZE", "10            # per worker", "is not a whole number"),
        ("FIELDREP_DATABASE_TIMEOUT", "ten", "is not a number"),
        (
            "FIELDREP_DATABASE_POOLER",
            "transaction      # the URL above is PgBouncer",
            "is not one of 'none', 'transaction' or empty",
        ),
        ("FIELDREP_LOG_FORMAT", "jsonl", "is not one of 'text', 'json'"),
    ],
)
def test_an_unusable_setting_stops_the_server_with_one_line(
    name: str,
    value: str,
    says: str,
    *,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv(name, value)
    code = main(["--database-url", f"sqlite:///{tmp_path / 'server.db'}", "serve"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {name}=") and says in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "server.db").exists()  # refused before touching the database


def test_usable_values_are_read_as_meant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDREP_DATABASE_POOLER", " Transaction ")
    monkeypatch.setenv("FIELDREP_DATABASE_POOL_SIZE", " 12 ")
    monkeypatch.setenv("FIELDREP_DATABASE_IDLE_TRANSACTION_TIMEOUT", "45")
    monkeypatch.setenv("FIELDREP_LOG_FORMAT", "JSON")
    settings = Settings.from_env("sqlite:///x.db")
    assert settings.transaction_pooler and settings.json_logs
    assert settings.database_pool_size == 12
    assert settings.database_idle_transaction_timeout == 45.0
    monkeypatch.setenv("FIELDREP_DATABASE_POOLER", "")
    assert not Settings.from_env("sqlite:///x.db").transaction_pooler
    monkeypatch.setenv("FIELDREP_DATABASE_POOLER", "session")
    with pytest.raises(ConfigError, match="FIELDREP_DATABASE_POOLER='session'"):
        Settings.from_env("sqlite:///x.db")
