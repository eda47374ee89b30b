"""Server-side validation of wire records.

The records themselves are the protocol's (`fieldrep.sync.protocol.records`, shared with
the client); this module only turns a validation failure into the server's `Rejected`.
Import the records from `fieldrep.sync.protocol`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from fieldrep.sync.protocol.records import WireRecord, describe
from sync_server.errors import Rejected


def validated(model: type[WireRecord], data: dict[str, Any], what: str) -> dict[str, Any]:
    """The record in canonical wire form, or Rejected with the reason."""
    try:
        return model.model_validate(data).wire()
    except ValidationError as error:
        raise Rejected(f"Invalid {what}: {describe(error)}.") from None
