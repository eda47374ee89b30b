"""The catalogue's prior profiles: how a pure member of each segment splits its contacts.

Loaded from `resources/segment_profiles.json`. The mixture model anchors its components
to these rows (so a label means the same thing after every refit) and the scorer uses
them as priors for channel and theme preferences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from fieldrep.domain.enums import Channel
from fieldrep.paths import resources_dir

CHANNELS: tuple[Channel, ...] = tuple(Channel)
THEMES: tuple[str, ...] = (
    "efficacy",
    "safety",
    "dosing",
    "access",
    "patient_support",
    "guidelines",
)
THEME_LABELS = {
    "efficacy": "efficacy",
    "safety": "safety",
    "dosing": "dosing",
    "access": "access and coverage",
    "patient_support": "patient support",
    "guidelines": "guidelines",
}

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SegmentProfiles:
    """K segments x C channels and K x T themes; each row sums to 1."""

    segment_ids: tuple[str, ...]
    channels: FloatArray
    themes: FloatArray

    @property
    def k(self) -> int:
        return len(self.segment_ids)

    def index(self, segment_id: str) -> int:
        return self.segment_ids.index(segment_id)


def _normalised(rows: list[list[float]]) -> FloatArray:
    matrix = np.asarray(rows, dtype=np.float64)
    return np.asarray(matrix / matrix.sum(axis=1, keepdims=True), dtype=np.float64)


@lru_cache(maxsize=1)
def catalogue_profiles() -> SegmentProfiles:
    raw = json.loads((resources_dir() / "segment_profiles.json").read_text(encoding="utf-8"))
    if tuple(raw["channels"]) != tuple(c.value for c in CHANNELS):
        raise ValueError("segment_profiles.json lists channels in an unexpected order")
    if tuple(raw["themes"]) != THEMES:
        raise ValueError("segment_profiles.json lists themes in an unexpected order")
    ids = tuple(raw["profiles"])
    return SegmentProfiles(
        segment_ids=ids,
        channels=_normalised([raw["profiles"][s]["channels"] for s in ids]),
        themes=_normalised([raw["profiles"][s]["themes"] for s in ids]),
    )


def theme_index(theme: str) -> int:
    """Index of a message theme; unknown themes count as efficacy (the commonest)."""
    return THEMES.index(theme) if theme in THEMES else 0
