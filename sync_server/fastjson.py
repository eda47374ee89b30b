"""JSON in and out of the server's hot paths with orjson, falling back to the standard
library for what orjson refuses (integers beyond 64 bits, NaN), so a value that could
be stored can always be read and sent.

A 5,000-change pull page spent most of its time decoding each row's `data` with `json`,
building a pydantic `Change` per row and serialising the page; rows now become plain
dicts shaped exactly like `PullResponse` (a test compares the two encodings) and the
page is one `orjson.dumps`.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # e.g. an integer beyond 64 bits
        return json.dumps(value, ensure_ascii=False).encode()
