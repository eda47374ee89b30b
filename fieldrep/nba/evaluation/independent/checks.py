"""The company's contact rules, checked with the simulator's own code, and its rep.

The numbers are the company's (the same contact rules the engine receives as server
data); the code that applies them here shares nothing with `nba.rules`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from fieldrep.domain.enums import DismissReason, FeedbackAction
from fieldrep.nba.evaluation.independent.truth import (
    CAMPAIGN_WEEK,
    CAMPAIGN_WEEKS,
    CHANNELS,
    START,
    SWITCH_WEEK,
    Hidden,
)

MONTHLY_CAP = 4
CHANNEL_CAP = {"email": 2, "event": 1}
MIN_GAP = {"visit": 14, "remote": 7, "phone": 7, "email": 7, "event": 30}
NEEDS_MESSAGE = {"email", "event"}


def quiet(day: date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def _month(h: Hidden, i: int, day: date) -> list[int]:
    first = day.replace(day=1).toordinal()
    return [c for o, c in h.month[i] if first <= o <= day.toordinal()]


def broken_rules(h: Hidden, i: int, c: int, m: int, day: date) -> list[str]:
    """Every company rule the contact (HCP i, channel c, message m or -1) would break."""
    out = []
    channel = CHANNELS[c]
    if h.do_not_contact[i]:
        out.append("do_not_contact")
    if not h.consent[i, c]:
        out.append("consent")
    if quiet(day):
        out.append("quiet_period")
    month = _month(h, i, day)
    if len(month) >= MONTHLY_CAP:
        out.append("monthly_cap")
    if channel in CHANNEL_CAP and month.count(c) >= CHANNEL_CAP[channel]:
        out.append("channel_monthly_cap")
    if day.toordinal() - h.last_channel[i, c] < MIN_GAP[channel]:
        out.append("min_gap")
    if m >= 0 and not h.fits[i, c, m]:
        out.append("approved_message")
    if m < 0 and channel in NEEDS_MESSAGE:
        out.append("approved_message")
    return out


def allowed(h: Hidden, day: date) -> NDArray[np.bool_]:
    """N x C x (M + 1): the contacts no rule forbids today (last column: no message)."""
    n, c_count = h.n, len(CHANNELS)
    ok = np.ones((n, c_count), dtype=bool) & h.consent & ~h.do_not_contact[:, None]
    if quiet(day):
        ok[:] = False
    gaps = np.array([MIN_GAP[c] for c in CHANNELS])
    ok &= (day.toordinal() - h.last_channel) >= gaps[None, :]
    for i in range(n):
        month = _month(h, i, day)
        if len(month) >= MONTHLY_CAP:
            ok[i] = False
        for name, cap in CHANNEL_CAP.items():
            if month.count(CHANNELS.index(name)) >= cap:
                ok[i, CHANNELS.index(name)] = False
    no_message: NDArray[np.bool_] = np.asarray(~h.fits.any(axis=2))
    no_message[:, [CHANNELS.index(c) for c in NEEDS_MESSAGE]] = False
    full = np.concatenate([h.fits, no_message[:, :, None]], axis=2)
    return np.asarray(full & ok[:, :, None])


def respond(
    h: Hidden, i: int, c: int, m: int, *, day: date, rng: np.random.Generator
) -> tuple[FeedbackAction, DismissReason | None, date | None]:
    """The rep knows what a rep would: leave, clinic days, a clear dislike, a product
    under attack; the rest is everyday noise."""
    r = rng.random()
    if h.on_leave(i, day) and r < 0.6:
        return FeedbackAction.DISMISSED, DismissReason.HCP_UNAVAILABLE, None
    if c == 0 and h.clinic_day[i] == day.weekday() and r < 0.5:
        return FeedbackAction.DISMISSED, DismissReason.WRONG_TIMING, None
    switched = bool(h.switcher[i]) and c == 0 and day >= _switch_day()
    if (h.noise[i, c] + h.spec_channel[i, c] < -1.0 or switched) and r < 0.5:
        return FeedbackAction.DISMISSED, DismissReason.WRONG_CHANNEL, None
    if m >= 0:
        if 0.9 * float(h.attitude[i] @ h.loading[m]) < -1.0 and r < 0.3:
            return FeedbackAction.DISMISSED, DismissReason.WRONG_MESSAGE, None
        campaign = h.campaign_product == int(h.product_of[m]) and _in_campaign(day)
        if campaign and r < 0.3:
            return FeedbackAction.DISMISSED, DismissReason.NOT_RELEVANT, None
    noise = rng.random()
    if noise < 0.05:
        return FeedbackAction.DISMISSED, DismissReason.ALREADY_PLANNED, None
    if noise < 0.08:
        return FeedbackAction.SNOOZED, None, day + timedelta(days=14)
    return FeedbackAction.ACCEPTED, None, None


def _switch_day() -> date:
    return START + timedelta(days=7 * (SWITCH_WEEK - 1))


def _in_campaign(day: date) -> bool:
    start = START + timedelta(days=7 * (CAMPAIGN_WEEK - 1))
    return start <= day < start + timedelta(days=7 * CAMPAIGN_WEEKS)
