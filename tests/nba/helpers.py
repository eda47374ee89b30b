"""Small builders shared by the next-best-action tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.workspace import Workspace
from tests.pinned_clock import today


def set_consent(ws: Workspace, hcp_id: str, channel: Channel, value: bool) -> Hcp:
    """A master-data update as sync would deliver it (the server owns consents)."""
    hcp = ws.hcps.get(hcp_id)
    updated = replace(hcp, consents={**hcp.consents, channel.value: value})
    ws.hcps.upsert_many([updated])
    return updated


def log_call(
    ws: Workspace,
    hcp_id: str,
    channel: Channel,
    *,
    days_ago: int = 0,
    outcome: Outcome | None = Outcome.POSITIVE,
    messages: tuple[str, ...] = (),
) -> None:
    day = today() - timedelta(days=days_ago)
    started = datetime.combine(day, time(9, 0)).astimezone()
    # A product of the company's catalogue (a call naming another is refused), else the
    # built-in one.
    product = next((p.name for p in ws.messages.products()), "Cardiovex")
    ws.calls.log(
        CallDraft(
            hcp_id,
            channel,
            started,
            outcome=outcome,
            key_messages=messages,
            products=(product,) if channel in (Channel.VISIT, Channel.REMOTE) else (),
        ),  # fmt: skip
        submit=True,
    )
