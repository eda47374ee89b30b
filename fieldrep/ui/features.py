"""Which optional services this workspace offers, looked up through their public names.

Next-best-action (`workspace.suggestions`, `workspace.segment_hints`) and sync
(`workspace.sync`) are built alongside the UI. The UI asks here instead of importing
them, so each screen can show a clear "not available yet" state until they exist.
"""

from __future__ import annotations

from typing import Any

from fieldrep.workspace import Workspace


def suggestions(ws: Workspace) -> Any | None:
    """The suggestion service (daily_list, for_hcp, blocked_for_hcp, accept, dismiss, snooze)."""
    return getattr(ws, "suggestions", None)


def segment_hints(ws: Workspace) -> Any | None:
    """The segment-hint service (for_hcp -> SegmentHint, correct)."""
    return getattr(ws, "segment_hints", None)


def sync_service(ws: Workspace) -> Any | None:
    """The sync service (run(progress, cancel), is_configured(), last_error())."""
    service = getattr(ws, "sync", None)
    if service is None or not hasattr(service, "run"):
        return None
    return service


def sync_configured(ws: Workspace) -> bool:
    service = sync_service(ws)
    if service is None:
        return False
    try:
        return bool(service.is_configured())
    except Exception:  # a half-built service must not take the window down
        return False
