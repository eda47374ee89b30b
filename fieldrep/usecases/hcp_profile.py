"""The HCP page in one call: who the HCP is, their call history, their segment mix with
its evidence, and the next best action (or the rules that block one, in words)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldrep.domain.calls import CallNote, Contact
from fieldrep.domain.hcp import Hcp
from fieldrep.domain.segments import Segment
from fieldrep.services.calls import CallService
from fieldrep.services.hcps import HcpService
from fieldrep.services.segment_mixes import SegmentStore

if TYPE_CHECKING:  # numpy and the scoring stack load with the first profile shown
    from fieldrep.nba.model import RuleBlock, Suggestion
    from fieldrep.nba.service import SuggestionService
    from fieldrep.segments.hints import SegmentHint
    from fieldrep.segments.service import SegmentHintService


@dataclass(frozen=True, slots=True)
class SegmentView:
    parts: tuple[tuple[str, float], ...]  # (segment name, weight), largest first
    top: tuple[tuple[Segment, float], ...]  # the two largest, with their messaging tips
    confidence: float
    evidence: tuple[str, ...]
    source: str  # estimate | server | rep


@dataclass(frozen=True, slots=True)
class HcpProfile:
    hcp: Hcp
    calls: tuple[CallNote, ...]  # newest first
    contacts: tuple[Contact, ...]  # by its former rep, newest first
    segments: SegmentView
    suggestion: Suggestion | None
    blocked: tuple[str, ...]  # why nothing is suggested, one line per blocked channel


def segment_view(hint: SegmentHint, catalogue: list[Segment]) -> SegmentView:
    names = {s.id: s.name for s in catalogue}
    parts = sorted(
        ((names.get(k, k), float(v)) for k, v in hint.mix.weights.items()), key=lambda p: -p[1]
    )
    return SegmentView(
        parts=tuple(parts),
        top=tuple((seg, float(w)) for seg, w in hint.top[:2]),
        confidence=hint.confidence,
        evidence=hint.evidence,
        source=hint.source,
    )


def block_text(block: RuleBlock) -> str:
    return f"{block.channel.label}: {block.explanation}"


class HcpProfiles:
    def __init__(
        self,
        hcps: HcpService,
        calls: CallService,
        segments: SegmentStore,
        segment_hints: Callable[[], SegmentHintService],
        suggestions: Callable[[], SuggestionService],
    ) -> None:
        self._hcps = hcps
        self._calls = calls
        self._segments = segments
        self._segment_hints = segment_hints
        self._suggestions = suggestions

    def hcp_profile(self, hcp_id: str) -> HcpProfile:
        """NotFoundError when the HCP is not on this device."""
        hcp = self._hcps.get(hcp_id)
        hint = self._segment_hints().for_hcp(hcp_id)
        suggestions = self._suggestions()
        suggestion = suggestions.for_hcp(hcp_id)
        blocked = () if suggestion else tuple(map(block_text, suggestions.blocked_for_hcp(hcp_id)))
        return HcpProfile(
            hcp=hcp,
            calls=tuple(self._calls.for_hcp(hcp_id)),
            contacts=tuple(self._calls.others_for_hcp(hcp_id)),
            segments=segment_view(hint, self._segments.catalogue()),
            suggestion=suggestion,
            blocked=blocked,
        )
