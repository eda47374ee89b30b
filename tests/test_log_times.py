"""The app's log says which time zone its times are in (a stranger's log mixed UTC,
Tokyo and faked-clock lines with nothing to tell them apart)."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator

import pytest

from fieldrep.logging_setup import LOG_FORMAT, OffsetTimeFormatter


@pytest.fixture
def tokyo() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_a_log_line_carries_its_utc_offset(tokyo: None) -> None:
    record = logging.LogRecord("fieldrep.sync", logging.INFO, __file__, 1, "Synced", None, None)
    record.created = 1_796_624_400.25  # 2026-12-07 06:20:00.250 UTC
    line = OffsetTimeFormatter(LOG_FORMAT).format(record)
    assert line.startswith("2026-12-07T15:20:00.250+09:00 INFO fieldrep.sync"), line
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d ", line)
