"""Segments (behavioural/attitudinal types) and an HCP's mix of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldrep.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    name: str
    description: str
    tone: str
    evidence_type: str
    preferred_channels: tuple[str, ...]
    tips: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentMix:
    """An HCP as a weighted mix of segments; `source` says who set the weights."""

    hcp_id: str
    weights: dict[str, float]
    confidence: float
    source: str = "estimate"  # estimate | server | rep
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def top(self, n: int = 2) -> list[tuple[str, float]]:
        return sorted(self.weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def validate_weights(weights: dict[str, float], known: set[str]) -> dict[str, float]:
    """Check a rep's correction and normalise it to sum to 1."""
    unknown = set(weights) - known
    if unknown:
        raise ValidationError(f"Unknown segment(s): {', '.join(sorted(unknown))}.")
    if any(w < 0 for w in weights.values()):
        raise ValidationError("Segment weights cannot be negative.")
    total = sum(weights.values())
    if total <= 0:
        raise ValidationError("Give at least one segment a positive weight.")
    return {k: v / total for k, v in weights.items() if v > 0}


@dataclass(frozen=True, slots=True)
class ApprovedMessage:
    """A message medical-legal-regulatory review approved, for these specialties and
    channels, from `valid_from` to `valid_until` (inclusive) unless withdrawn."""

    id: str
    product: str
    title: str
    theme: str
    specialties: tuple[str, ...]
    channels: tuple[str, ...]
    valid_from: date | None = None
    valid_until: date | None = None
    withdrawn: bool = False

    def usable_on(self, day: date) -> bool:
        if self.withdrawn:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until
