"""What an HCP's own record forbids outright: do-not-contact, and a channel whose consent
is "no" on record. A call on such a channel is refused at submit (`CallService`), a visit
planned against it likewise (`PlanService`), with the reason.

Only an explicit "no" refuses (master data holds yes / no per channel, so a consent
never given and one withdrawn look the same). A channel with nothing on record (the
company's master data has no consent for it) is warned, not refused: the call log records
what happened, and a rep who phoned a doctor back must be able to log it. Visits need no
opt-in (docs/nba.md, hard rules), so a visit is refused only on a visit consent that
is "no" on record. The softer rules (minimum gap, monthly caps, quiet period, no opt-in) are the
next-best-action engine's and are warned by `fieldrep.usecases.contact_rules`.
"""

from __future__ import annotations

from fieldrep.domain.enums import Channel
from fieldrep.domain.hcp import Hcp


def contact_refusal(hcp: Hcp, channel: Channel) -> str | None:
    """Why no contact with `hcp` by `channel` may be recorded, or None."""
    label = channel.label.lower()
    if hcp.do_not_contact:
        return f"{hcp.display_name} is marked do-not-contact: no channel may be used."
    if hcp.consents.get(channel.value) is False:
        return f"{hcp.display_name} has no consent for {label} on record: not given, or withdrawn."
    return None
