"""The call log's data in one call: the HCP, the approved messages the rep may name, and
the note when one is reopened."""

from __future__ import annotations

from dataclasses import dataclass

from fieldrep.domain.calls import CallNote
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.note_subject import NOT_IN_TERRITORY
from fieldrep.domain.segments import ApprovedMessage
from fieldrep.services.calls import CallService
from fieldrep.services.catalogue import MessageCatalogue
from fieldrep.services.hcps import HcpService
from fieldrep.services.note_subjects import NoteSubjects


@dataclass(frozen=True, slots=True)
class CallLogData:
    hcp: Hcp
    messages: tuple[ApprovedMessage, ...]
    note: CallNote | None = None  # None: a new call
    # Said above the form when the HCP has left the territory ("" while it is in it).
    territory_notice: str = ""


def territory_notice(hcp: Hcp, *, known: bool) -> str:
    """The line the call log shows for a note about an HCP realigned out of the territory."""
    if not known:
        return (
            f"This HCP is {NOT_IN_TERRITORY}, and this computer has no record of them: "
            "the call is kept in your history as the server has it."
        )
    return (
        f"{hcp.display_name} is {NOT_IN_TERRITORY} (realigned to another territory). "
        "Your calls with them stay in your history; the name and details are the last "
        "this computer had."
    )


def placeholder_hcp(hcp_id: str) -> Hcp:
    """What the call log shows for an HCP this device never held: the id, nothing more
    (never used for a check: `CallService` refuses to submit without a real record)."""
    return Hcp(
        id=hcp_id, external_id="", name=f"HCP {hcp_id}", specialty="", organisation="",
        city="", territory_id="",
    )  # fmt: skip


class CallLogScreen:
    def __init__(
        self,
        hcps: HcpService,
        subjects: NoteSubjects,
        calls: CallService,
        messages: MessageCatalogue,
    ) -> None:
        self._hcps = hcps
        self._subjects = subjects
        self._calls = calls
        self._messages = messages

    def new_call(self, hcp_id: str) -> CallLogData:
        """A new call: today's usable messages only, never a withdrawn one."""
        return CallLogData(self._hcps.get(hcp_id), tuple(self._messages.usable()))

    def existing(self, note_id: str) -> CallLogData:
        """A note reopened: today's usable messages and the ones the note already names
        (a submitted call keeps a message Legal has since withdrawn). The HCP may have
        left the territory since: its last known record, or only its id."""
        note = self._calls.get(note_id)
        usable = {m.id for m in self._messages.usable()}
        shown = tuple(
            m for m in self._messages.all() if m.id in usable or m.id in note.key_messages
        )
        subject = self._subjects.get(note.hcp_id)
        if subject is None:
            hcp = placeholder_hcp(note.hcp_id)
            return CallLogData(hcp, shown, note, territory_notice(hcp, known=False))
        notice = "" if subject.in_territory else territory_notice(subject.hcp, known=True)
        return CallLogData(subject.hcp, shown, note, notice)
