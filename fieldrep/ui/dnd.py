"""Drag and drop between screens: what a dragged planned visit, HCP or suggestion carries.

Drags carry ids only (JSON in a Fieldrep MIME type), never pickled objects: a drop may
come from anywhere on the desktop, so what arrives is parsed, not trusted. The planner
turns a drop into core calls (`plans.move` / `set_route` / `add`) through the task
manager; models only translate between rows and payloads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMimeData

MIME_TYPE = "application/x-fieldrep-item"
PLAN, HCP, SUGGESTION = "plan", "hcp", "suggestion"


@dataclass(frozen=True)
class DragPayload:
    """One dragged thing: a planned visit (`id` = plan id), an HCP or a suggestion.

    `hcp_id` is always set; `channel` is the suggestion's channel value.
    """

    kind: str
    id: str
    hcp_id: str
    channel: str | None = None


def to_mime(payload: DragPayload) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps(payload.__dict__).encode())
    data.setText(payload.hcp_id)  # dropping elsewhere pastes something harmless
    return data


def from_mime(data: QMimeData | None) -> DragPayload | None:
    """The payload, or None for anything that is not a well-formed Fieldrep drag."""
    if data is None or not data.hasFormat(MIME_TYPE):
        return None
    try:
        raw = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        payload = DragPayload(
            kind=str(raw["kind"]),
            id=str(raw["id"]),
            hcp_id=str(raw["hcp_id"]),
            channel=None if raw.get("channel") is None else str(raw["channel"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return payload if payload.kind in (PLAN, HCP, SUGGESTION) else None


def insert_at(ids: Sequence[str], moving: str, row: int) -> list[str]:
    """`ids` with `moving` placed before position `row` of the original list (-1: last).

    Positions refer to the list as the rep saw it while dragging, including `moving`
    itself when it comes from the same day.
    """
    target = len(ids) if row < 0 or row > len(ids) else row
    before = [i for i in ids[:target] if i != moving]
    after = [i for i in ids[target:] if i != moving]
    return [*before, moving, *after]
