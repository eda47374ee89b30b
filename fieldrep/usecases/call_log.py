"""The call log's data in one call: the HCP, the approved messages the rep may name, and
the note when one is reopened."""

from __future__ import annotations

from dataclasses import dataclass

from fieldrep.domain.calls import CallNote
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.segments import ApprovedMessage
from fieldrep.services.calls import CallService
from fieldrep.services.catalogue import MessageCatalogue
from fieldrep.services.hcps import HcpService


@dataclass(frozen=True, slots=True)
class CallLogData:
    hcp: Hcp
    messages: tuple[ApprovedMessage, ...]
    note: CallNote | None = None  # None: a new call


class CallLogScreen:
    def __init__(self, hcps: HcpService, calls: CallService, messages: MessageCatalogue) -> None:
        self._hcps = hcps
        self._calls = calls
        self._messages = messages

    def new_call(self, hcp_id: str) -> CallLogData:
        """A new call: today's usable messages only, never a withdrawn one."""
        return CallLogData(self._hcps.get(hcp_id), tuple(self._messages.usable()))

    def existing(self, note_id: str) -> CallLogData:
        """A note reopened: today's usable messages and the ones the note already names
        (a submitted call keeps a message Legal has since withdrawn)."""
        note = self._calls.get(note_id)
        usable = {m.id for m in self._messages.usable()}
        shown = tuple(
            m for m in self._messages.all() if m.id in usable or m.id in note.key_messages
        )
        return CallLogData(self._hcps.get(note.hcp_id), shown, note)
