"""Text from the network that the databases cannot store or a log must not replay.

PostgreSQL's text cannot hold NUL; neither database (nor UTF-8) can hold a lone
surrogate, which JSON's `\\ud800` escapes let any client send. Such text is refused
where it arrives (a 422 for a request, a rejection for one mutation), never left to
fail deep in a transaction as a 500. Log lines quote client-supplied text through
`printable`, so a newline in an id cannot forge a line.
"""

from __future__ import annotations

from typing import Any

MAX_LOGGED_CHARS = 120
MAX_REASON_CHARS = 500


def _bad_str(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable(value: Any) -> bool:
    """True when any string in `value` (keys included, nested) holds NUL or a surrogate."""
    if isinstance(value, str):
        return _bad_str(value)
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(unstorable(v) for v in value)
    return False


def printable(value: object, limit: int = MAX_LOGGED_CHARS) -> str:
    """`value` for a log line: control characters and surrogates escaped, cut to `limit`."""
    text = str(value)
    out = []
    for char in text[:limit]:
        code = ord(char)
        if code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out) + ("..." if len(text) > limit else "")


def bounded(reason: str, limit: int = MAX_REASON_CHARS) -> str:
    """A rejection reason cut to `limit` characters (it is stored and shown to the rep)."""
    return reason if len(reason) <= limit else reason[: limit - 3] + "..."
