"""Reasons that match what really drove a score.

For the chosen action, each part of the score is set back to its reference (a typical
HCP, a typical channel, no history) one at a time; the drop in score is that part's
contribution. Reasons are the positive contributions, largest first, so the first
reason is always the feature that moved the score most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from fieldrep.nba.features import Territory
from fieldrep.nba.logistic import sigmoid
from fieldrep.nba.scoring import ScoreTable
from fieldrep.segments.profiles import CHANNELS, THEME_LABELS, THEMES

MIN_CONTRIBUTION = 0.004  # below this a part did not really drive the score
MAX_REASONS = 4

CHANNEL_NOUNS = {
    "visit": ("visit", "visits"),
    "remote": ("remote call", "remote calls"),
    "phone": ("phone call", "phone calls"),
    "email": ("email", "emails"),
    "event": ("event", "events"),
}


class Driver(StrEnum):
    """The four kinds of cause the evaluation compares with the simulator's hidden truth."""

    RECENCY = "recency"
    VALUE = "value"
    CHANNEL = "channel"
    THEME = "theme"


@dataclass(frozen=True)
class Reason:
    part: str  # which score part: recency, value, segment_channel, ...
    driver: Driver
    contribution: float  # in score units
    text: str


def contributions(table: ScoreTable, i: int, c: int, value_reference: float) -> dict[str, float]:
    """Score lost when each part is set back to its reference, for candidate (i, c)."""
    total = float(table.logit()[i, c])
    v = float(table.value[i])
    p = float(sigmoid(np.array(total)))
    logit_parts = {
        "segment_channel": float(table.segment_channel[i, c]),
        "preferred": float(table.preferred[i, c]),
        "channel_history": float(table.channel_history[i, c]),
        "segment_theme": float(table.segment_theme[i, c]),
        "theme_history": float(table.theme_history[i, c] + table.theme_global[i, c]),
        "recency": float(table.recency[i]),
    }
    out = {
        name: v * (p - float(sigmoid(np.array(total - part)))) for name, part in logit_parts.items()
    }
    out["value"] = (v - value_reference) * p
    return out


def _text(part: str, t: Territory, table: ScoreTable, i: int, c: int) -> tuple[Driver, str]:
    h = t.history
    channel = CHANNELS[c]
    one, many = CHANNEL_NOUNS[channel.value]
    m = int(table.message[i, c])
    theme = THEMES[int(t.messages.theme[m])] if m >= 0 else None
    if part == "recency":
        last = float(h.last_ordinal[i].max())
        if last < 0:
            return Driver.RECENCY, "no contact on record"
        return Driver.RECENCY, f"no contact for {int(table.today - last)} days"
    if part == "value":
        return Driver.VALUE, f"high-value HCP: decile {int(t.decile[i])} (tier {t.tier[i]})"
    if part == "preferred":
        return Driver.CHANNEL, f"you marked {many} as preferred"
    if part == "segment_channel":
        k = int(np.argmax(table.mix[i] * t.profiles.channels[:, c]))
        used, total = int(h.contacts[i, c]), int(h.contacts[i].sum())
        name = t.segment_names[k].strip().lower()
        # With no segment catalogue loaded there is one unnamed profile: say what it is.
        text = f"segment: {table.mix[i, k]:.0%} {name}, who favour {many}"
        if not name:
            text = f"HCPs in general favour {many}"
        if total:
            text += f"; {used} of {total} contacts were {many}"
        return Driver.CHANNEL, text
    if part == "channel_history":
        # Outcomes fade with age (a year-old one weighs about half): count every one that
        # still weighs anything, so a single old visit reads "1 of 1", not nothing.
        n = math.ceil(float(h.channel_n[i, c]) - 1e-9)
        pos = min(n, math.ceil(float(h.channel_pos[i, c]) - 1e-9))
        if channel.value == "email" and n:
            return Driver.CHANNEL, f"opened {pos} of {n} emails"
        if n:
            return Driver.CHANNEL, f"{pos} of {n} {many if n != 1 else one} went well"
        if t.fb_channel_ok.shape == h.channel_n.shape and t.fb_channel_ok[i, c] > 0:
            return Driver.CHANNEL, f"you accepted {many} for this HCP before"
        return Driver.CHANNEL, f"little is known of {many} with this HCP yet: worth trying"
    label = THEME_LABELS[theme] if theme else "this theme"
    if part == "segment_theme":
        k = int(np.argmax(table.mix[i] * t.profiles.themes[:, THEMES.index(theme or "")]))
        name = t.segment_names[k].strip().lower()
        if not name:
            return Driver.THEME, f"HCPs in general respond to {label}"
        return (
            Driver.THEME,
            f"segment: {table.mix[i, k]:.0%} {name}, who respond to {label}",
        )
    j = THEMES.index(theme or THEMES[0])
    pos, n = int(h.theme_pos[i, j]), int(h.theme_n[i, j])
    if n:
        return Driver.THEME, f"responded well to {pos} of {n} messages on {label}"
    if not int(h.theme_n[:, j].sum()):  # nothing heard yet: the prior, not the territory
        return Driver.THEME, f"no responses on record yet: {label} messages are a first choice"
    return Driver.THEME, f"{label} messages do well across the territory"


def reasons_for(
    t: Territory, table: ScoreTable, i: int, c: int, value_reference: float
) -> list[Reason]:
    """The parts that raised this candidate's score, largest contribution first."""
    parts = contributions(table, i, c, value_reference)
    ranked = sorted(parts.items(), key=lambda kv: -kv[1])
    reasons: list[Reason] = []
    for part, amount in ranked:
        if amount < MIN_CONTRIBUTION and reasons:
            break
        if amount <= 0:
            break
        if part in ("segment_theme", "theme_history") and int(table.message[i, c]) < 0:
            continue
        driver, text = _text(part, t, table, i, c)
        reasons.append(Reason(part, driver, amount, text))
        if len(reasons) == MAX_REASONS:
            break
    return reasons
