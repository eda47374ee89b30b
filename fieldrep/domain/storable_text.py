"""Text the server can store: without NUL and unpaired surrogates.

The server refuses a record holding either (PostgreSQL cannot store NUL in text, and an
unpaired surrogate is not UTF-8), so a note pasted with one would be rejected at sync and
sit in the inbox. Neither is anything a rep meant to write: they are dropped on save.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    return _UNSTORABLE.sub("", text)
