"""Where services used to get `Store`; it lives in the store layer now
(`fieldrep.store.transactions`). Kept only for the modules still written against the old
path (nba, segments, reports, usecases, a search test); import the store's."""

from __future__ import annotations

from fieldrep.store.transactions import Store

__all__ = ["Store"]
