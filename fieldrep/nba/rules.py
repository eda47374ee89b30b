"""Hard rules: applied before any scoring, never traded off, each one explainable.

`blocked_bits` returns, for every (HCP, channel), a bit set of the rules that remove it;
a candidate is allowed only when no bit is set. `explain_blocks` turns one HCP's bits
into RuleBlocks the rep can read.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntFlag

import numpy as np

from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import IntArray, Territory
from fieldrep.nba.model import RuleBlock
from fieldrep.segments.history import NEVER
from fieldrep.segments.profiles import CHANNELS


class Rule(IntFlag):
    DO_NOT_CONTACT = 1
    NO_CONSENT = 2
    QUIET_PERIOD = 4
    ON_HOLD = 8
    ALREADY_PLANNED = 16
    MONTHLY_CAP = 32
    CHANNEL_CAP = 64
    MIN_GAP = 128
    NO_APPROVED_MESSAGE = 256


RULE_NAMES = {
    Rule.DO_NOT_CONTACT: "do_not_contact",
    Rule.NO_CONSENT: "consent",
    Rule.QUIET_PERIOD: "quiet_period",
    Rule.ON_HOLD: "on_hold",
    Rule.ALREADY_PLANNED: "already_planned",
    Rule.MONTHLY_CAP: "monthly_cap",
    Rule.CHANNEL_CAP: "channel_monthly_cap",
    Rule.MIN_GAP: "min_gap",
    Rule.NO_APPROVED_MESSAGE: "approved_message",
}


def blocked_bits(t: Territory, today: date, config: NbaConfig) -> IntArray:
    """N x C bit sets of the rules that remove each candidate today (0 = allowed)."""
    n, c = t.n, len(CHANNELS)
    bits = np.zeros((n, c), dtype=np.int64)
    ordinal = today.toordinal()
    bits |= np.where(t.do_not_contact[:, None], int(Rule.DO_NOT_CONTACT), 0)
    bits |= np.where(~t.consent, int(Rule.NO_CONSENT), 0)
    if any(q.covers(today) for q in config.quiet_periods):
        bits |= int(Rule.QUIET_PERIOD)
    bits |= np.where((t.hold_until > ordinal)[:, None], int(Rule.ON_HOLD), 0)
    bits |= np.where((t.planned_on >= ordinal)[:, None], int(Rule.ALREADY_PLANNED), 0)
    h = t.history
    month_total = h.month_n.sum(axis=1)
    bits |= np.where((month_total >= config.monthly_cap)[:, None], int(Rule.MONTHLY_CAP), 0)
    caps = np.array([config.monthly_channel_cap.get(ch, 10**6) for ch in CHANNELS])
    bits |= np.where(h.month_n >= caps[None, :], int(Rule.CHANNEL_CAP), 0)
    gaps = np.array([config.min_gap_days.get(ch, 0) for ch in CHANNELS], dtype=np.float64)
    since = ordinal - h.last_ordinal
    bits |= np.where(since < gaps[None, :], int(Rule.MIN_GAP), 0)
    has_message = t.messages.allowed[t.specialty].any(axis=2)  # N x C
    needs = np.array([ch in config.needs_message for ch in CHANNELS])
    bits |= np.where(needs[None, :] & ~has_message, int(Rule.NO_APPROVED_MESSAGE), 0)
    return bits


def _explain(rule: Rule, t: Territory, i: int, c: int, *, today: date, config: NbaConfig) -> str:
    channel = CHANNELS[c]
    label = channel.label.lower()
    h = t.history
    if rule is Rule.DO_NOT_CONTACT:
        return "Marked do-not-contact: no channel may be used."
    if rule is Rule.NO_CONSENT:
        return f"No consent for {label}: not opted in, or consent was withdrawn."
    if rule is Rule.QUIET_PERIOD:
        period = next(q for q in config.quiet_periods if q.covers(today))
        return f"Quiet period ({period.label}) until {period.end.isoformat()}."
    if rule is Rule.ON_HOLD:
        until = date.fromordinal(int(t.hold_until[i])).isoformat()
        why = {
            "snoozed": f"Snoozed until {until}.",
            "accepted": f"A suggestion was accepted; held until {until} while it is done.",
            "wrong_timing": f"You said the timing was wrong; not suggested before {until}.",
            "hcp_unavailable": f"You said the HCP is unavailable; not suggested before {until}.",
            "dismissed": f"You dismissed today's suggestion; suggested again from {until}.",
        }
        return why.get(t.hold_reason[i], f"On hold until {until}.")
    if rule is Rule.ALREADY_PLANNED:
        return f"Already planned for {date.fromordinal(int(t.planned_on[i])).isoformat()}."
    if rule is Rule.MONTHLY_CAP:
        done = int(h.month_n[i].sum())
        return f"Monthly contact cap reached: {done} of {config.monthly_cap} this month."
    if rule is Rule.CHANNEL_CAP:
        done = int(h.month_n[i, c])
        cap = config.monthly_channel_cap.get(channel, 10**6)
        return f"Monthly cap for {label} reached: {done} of {cap} this month."
    if rule is Rule.MIN_GAP:
        last = int(h.last_ordinal[i, c])
        gap = config.min_gap_days.get(channel, 0)
        free = date.fromordinal(last) + timedelta(days=gap)
        ago = today.toordinal() - last
        when = {0: "earlier today", 1: "yesterday"}.get(ago, f"{ago} days ago")
        return (
            f"Last {label} {when}; the minimum gap is {gap} days "
            f"(allowed again from {free.isoformat()})."
        )
    specialty = t.messages.specialties[int(t.specialty[i])]
    return f"No approved message for {specialty} by {label}."


def explain_blocks(
    t: Territory, i: int, bits: IntArray, today: date, config: NbaConfig
) -> list[RuleBlock]:
    """Every rule that removed one of HCP i's channels, in rule order."""
    blocks = []
    for c, channel in enumerate(CHANNELS):
        for rule in Rule:
            if int(bits[i, c]) & int(rule):
                if rule is Rule.MIN_GAP and t.history.last_ordinal[i, c] <= NEVER:
                    continue
                blocks.append(
                    RuleBlock(
                        hcp_id=t.hcp_ids[i],
                        channel=channel,
                        rule=RULE_NAMES[rule],
                        explanation=_explain(rule, t, i, c, today=today, config=config),
                    )
                )
    return blocks


PERMANENT = Rule.DO_NOT_CONTACT | Rule.NO_CONSENT | Rule.NO_APPROVED_MESSAGE


def next_allowed(t: Territory, i: int, c: int, today: date, config: NbaConfig) -> date | None:
    """The first day from `today` on when no time-bound rule blocks (HCP i, channel c).

    None when a permanent rule (do-not-contact, no consent, no approved message) blocks.
    Monthly caps are known only for today's month: a later month starts at zero.
    """
    bits = blocked_bits(t, today, config)[i, c]
    if int(bits) & int(PERMANENT):
        return None
    h, channel = t.history, CHANNELS[c]
    day = today
    for _ in range(4):  # a quiet period can push past a gap and the reverse; settles fast
        start = day
        for q in config.quiet_periods:
            if q.covers(day):
                day = q.end + timedelta(days=1)
        day = max(day, date.fromordinal(max(int(t.hold_until[i]), 1)))
        if t.planned_on[i] >= day.toordinal():
            day = date.fromordinal(int(t.planned_on[i]) + 1)
        if h.last_ordinal[i, c] > NEVER:
            gap_end = int(h.last_ordinal[i, c]) + config.min_gap_days.get(channel, 0)
            day = max(day, date.fromordinal(gap_end))
        same_month = (day.year, day.month) == (today.year, today.month)
        cap = config.monthly_channel_cap.get(channel)
        capped = h.month_n[i].sum() >= config.monthly_cap or (
            cap is not None and h.month_n[i, c] >= cap
        )
        if same_month and capped:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        if day == start:
            return day
    return day
