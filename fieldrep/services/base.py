"""Where services used to get `Store`; it lives in the store layer now
(`fieldrep.store.transactions`). Kept so that modules written against the old path (the
screens' use cases, nba, segments, reports) keep working; new code imports the store's."""

from __future__ import annotations

from fieldrep.store.transactions import Store

__all__ = ["Store"]
