"""Logging to a rotating file in the data directory; secrets never reach it."""

from __future__ import annotations

import logging
import logging.handlers
from datetime import datetime
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


class OffsetTimeFormatter(logging.Formatter):
    """Times carry their UTC offset (2026-12-07T15:12:00.123+09:00): a rep who flies to
    another time zone, a faked clock, or a support engineer reading the file beside the
    server's UTC log would otherwise see one file mixing local times without saying so."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        del datefmt  # always ISO 8601 with the offset
        local = datetime.fromtimestamp(record.created).astimezone()
        return local.isoformat("T", "milliseconds")


def configure_logging(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Log to <data_dir>/logs/fieldrep.log; returns the path, or None if not writable."""
    root = logging.getLogger()
    if any(getattr(h, "_fieldrep", False) for h in root.handlers):
        return None
    log_dir = data_dir / "logs"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / "fieldrep.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(OffsetTimeFormatter(LOG_FORMAT))
    handler._fieldrep = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return log_dir / "fieldrep.log"
