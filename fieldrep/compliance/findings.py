"""A finding in call-note text: where, which rule, how serious, why, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Severity = Literal["block", "warn"]
REDACTED = "[redacted]"


class Family(StrEnum):
    RESTRICTED = "restricted"  # gifts, promises, inducements, competitor disparagement
    PHI = "phi"  # patient-identifying information
    OFF_LABEL = "off_label"  # a product with an indication, population or dose not approved
    ADVERSE_EVENT = "adverse_event"  # possible adverse events and product complaints

    @property
    def label(self) -> str:
        return {
            Family.RESTRICTED: "Restricted wording",
            Family.PHI: "Patient information",
            Family.OFF_LABEL: "Off-label",
            Family.ADVERSE_EVENT: "Possible adverse event",
        }[self]


@dataclass(frozen=True, slots=True)
class Finding:
    """`start`/`end` index the note text (Python string offsets, end exclusive)."""

    start: int
    end: int
    family: Family
    rule: str  # e.g. "phi.phone", "restricted.gift", "adverse_event.complaint"
    severity: Severity
    explanation: str
    fix: str = ""
    # Text that may replace the span as it stands (a redaction); None: rephrase by hand.
    replacement: str | None = None
    text: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "block"

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start, "end": self.end, "family": self.family.value,
            "rule": self.rule, "severity": self.severity, "text": self.text,
            "explanation": self.explanation, "fix": self.fix,
        }  # fmt: skip


def blocking_reason(findings: list[Finding]) -> str | None:
    """One sentence saying why a note cannot be submitted; None when nothing blocks."""
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return None
    first = blocking[0]
    more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
    return (
        f"The note holds {first.family.label.lower()}: '{first.text}'{more}. "
        f"{first.explanation} {first.fix}".strip()
    )
