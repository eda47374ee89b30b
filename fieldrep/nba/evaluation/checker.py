"""An independent check of the hard rules, from the simulator's ground-truth log.

Written apart from `nba.rules` on purpose (plain loops over the raw facts): if the
engine's vectorised rules had a hole, this is where a violation would show up.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from fieldrep.demo import load_messages
from fieldrep.domain.segments import ApprovedMessage
from fieldrep.nba.evaluation.world import World
from fieldrep.segments.profiles import CHANNELS


@cache
def _catalogue() -> dict[str, ApprovedMessage]:
    return {m.id: m for m in load_messages()}


def violations(world: World, i: int, c: int, m: int, today: date) -> list[str]:
    """The rules that proposing action (HCP i, channel c, message m) today would break."""
    t, config = world.territory, world.config
    channel = CHANNELS[c]
    broken = []
    if t.do_not_contact[i]:
        broken.append("do_not_contact")
    if not t.consent[i, c]:
        broken.append("consent")
    if any(q.start <= today <= q.end for q in config.quiet_periods):
        broken.append("quiet_period")
    if world.snoozed_until[i] > today.toordinal():
        broken.append("snoozed")
    this_month = [
        ch
        for o, ch in world.contacts[i]
        if date.fromordinal(o).year == today.year and date.fromordinal(o).month == today.month
    ]
    if len(this_month) >= config.monthly_cap:
        broken.append("monthly_cap")
    cap = config.monthly_channel_cap.get(channel)
    if cap is not None and this_month.count(c) >= cap:
        broken.append("channel_cap")
    gap = config.min_gap_days.get(channel, 0)
    if any(ch == c and today.toordinal() - o < gap for o, ch in world.contacts[i]):
        broken.append("min_gap")
    specialty = t.messages.specialties[int(t.specialty[i])]
    if m >= 0:
        message = _catalogue()[t.messages.ids[m]]
        if specialty not in message.specialties or channel.value not in message.channels:
            broken.append("unapproved_message")
    elif channel in config.needs_message:
        broken.append("missing_message")
    return broken
