"""Segment hints as the rep sees them: top two segments, confidence and the evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from fieldrep.domain.segments import Segment, SegmentMix
from fieldrep.segments.profiles import CHANNELS, THEME_LABELS, THEMES, FloatArray

FAVOURED = 0.25  # a profile share at or above this marks a channel/theme as typical


@dataclass(frozen=True, slots=True)
class SegmentHint:
    mix: SegmentMix
    top: list[tuple[Segment, float]]  # the two largest components, largest first
    confidence: float
    evidence: tuple[str, ...]
    source: str  # estimate | server | rep


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def describe_evidence(
    weights: FloatArray,
    contacts: FloatArray,
    *,
    themes: FloatArray,
    channel_profile: FloatArray,
    theme_profile: FloatArray,
    names: list[str],
) -> tuple[str, ...]:
    """Plain-language evidence for one HCP's top two segments, from its own counts."""
    total, total_themes = int(contacts.sum()), int(themes.sum())
    if total == 0:
        return ("No contact history yet: the mix is a neutral starting point.",)
    lines = []
    for k in np.argsort(-weights, kind="stable")[:2]:
        if weights[k] < 0.1:
            break
        channel_cols = [j for j in range(len(CHANNELS)) if channel_profile[k, j] >= FAVOURED]
        theme_cols = [j for j in range(len(THEMES)) if theme_profile[k, j] >= FAVOURED]
        # A company with no segment catalogue has one neutral, unnamed profile that
        # favours no channel or theme: it has nothing to describe (an empty list of
        # labels raised IndexError on the HCP page once an HCP had 3 contacts).
        parts = []
        if channel_cols:
            used = int(contacts[channel_cols].sum())
            labels = [CHANNELS[j].label.lower() for j in channel_cols]
            parts.append(f"{used} of {total} contacts by {_join(labels)}")
        if total_themes and theme_cols:
            on_theme = int(themes[theme_cols].sum())
            theme_words = [THEME_LABELS[THEMES[j]] for j in theme_cols]
            parts.append(f"{on_theme} of {total_themes} messages on {_join(theme_words)}")
        if names[k].strip() and parts:
            lines.append(f"{names[k]} {weights[k]:.0%}: " + "; ".join(parts))
    lines.append(f"Based on {total} contact{'s' if total != 1 else ''} on record.")
    return tuple(lines)


_ON_RECORD = re.compile(r"(\d+) contacts? on record")


def contacts_behind(mix: SegmentMix) -> int | None:
    """How many contacts an estimated mix was based on, as its evidence says ("Based on 7
    contacts on record", "Not enough contacts to tell (2 contacts on record; ...)")."""
    for line in reversed(mix.evidence):
        found = _ON_RECORD.search(line)
        if found:
            return int(found.group(1))
    return 0 if any(line.startswith("No contact history") for line in mix.evidence) else None


def hint_from_mix(mix: SegmentMix, catalogue: list[Segment]) -> SegmentHint:
    by_id = {s.id: s for s in catalogue}
    unknown = mix.source == "estimate" and mix.confidence <= 0.0  # too few contacts to tell
    top = [] if unknown else [(by_id[sid], w) for sid, w in mix.top(2) if sid in by_id]
    return SegmentHint(
        mix=mix, top=top, confidence=mix.confidence, evidence=mix.evidence, source=mix.source
    )
