"""Adverse-event reports: what a valid one holds, its deadline, and a draft from a note.

A report is valid with the four elements pharmacovigilance asks for (ICH E2D): an
identifiable reporter, an identifiable patient (initials, age or sex is enough), a
suspect product and an adverse event. The clock starts when the company first knew,
i.e. when the rep heard of it (the call's start): reports are due to Drug Safety within
`adverse_event_report_hours` of that (24 by default, admin-set in the compliance rules).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldrep.compliance.call_record import RecordProblem
from fieldrep.compliance.findings import REDACTED, Family, Finding
from fieldrep.compliance.phi import NAME, NOT_NAMES, find_phi
from fieldrep.compliance.phrases import sentences

SEXES = ("female", "male", "unknown")
AGE = re.compile(
    r"(?i)\b(?:aged?\s+|age\s*[:=]?\s*)?(\d{1,3})(?:\s*-?\s*(?:years?|yrs?|yo|y/o|y\.o\.)"
    r"(?:\s*-?\s*old)?|\s*(?=[mf]\b))"
)
# Explicit words only: "she"/"her" in a rep's note is as often the HCP as the patient.
FEMALE = re.compile(r"(?i)\b(?:woman|female|lady|girl|mrs|ms|miss|\d{1,3}\s*-?\s*f)\b")
ONSET = re.compile(
    r"(?i)\b(?:since\s+(?:starting|the\s+(?:switch|first\s+dose|second\s+dose|increase|dose\s+"
    r"change))|(?:a|one|two|three|four|five|six|\d{1,2})\s+(?:days?|weeks?|months?)\s+"
    r"(?:ago|after\s+starting|into\s+treatment)|(?:on\s+)?day\s+\d{1,3}|after\s+the\s+"
    r"(?:first|second|third)\s+dose|overnight|yesterday|last\s+(?:week|night|month))[^.;,]{0,40}"
)
MALE = re.compile(r"(?i)\b(?:man|male|gentleman|boy|mr|\d{1,3}\s*-?\s*m)\b")


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What the form opens with; the rep corrects it before sending."""

    patient_initials: str = ""
    patient_age: str = ""
    patient_sex: str = "unknown"
    product: str = ""
    event: str = ""
    onset: str = ""  # when it started, as the note says ("two weeks ago", "day 3")


def report_problems(
    *, reporter: str, patient_initials: str, patient_age: str, patient_sex: str,
    product: str, event: str,
) -> list[RecordProblem]:  # fmt: skip
    """The four elements of a valid report that are missing; [] when it may be sent."""
    problems = []
    if not reporter.strip():
        problems.append(RecordProblem("reporter", "Name the reporter (the HCP who told you)."))
    if not (patient_initials.strip() or patient_age.strip() or patient_sex in ("female", "male")):
        problems.append(
            RecordProblem(
                "patient", "Identify the patient: initials, age or sex (never the full name)."
            )
        )
    if not product.strip():
        problems.append(RecordProblem("product", "Name the suspect product."))
    if not event.strip():
        problems.append(RecordProblem("event", "Describe the event."))
    return problems


def deadline(aware_at: datetime, hours: int) -> datetime:
    return aware_at + timedelta(hours=hours)


def remaining_text(due: datetime, now: datetime) -> str:
    """'5 h 12 min left', or 'overdue by 2 h 03 min'."""
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    span = f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{span} left" if seconds >= 0 else f"overdue by {span}"


def _initials(name: str) -> str:
    return "".join(f"{part[0]}." for part in name.split() if part[:1].isalpha())


def prefill(text: str, findings: Sequence[Finding], products: Sequence[str]) -> ReportDraft:
    """A first draft from the note: the sentences with a possible event, the products
    the note (or else the call) names, and the patient's initials, age and sex where the
    note gives them."""
    events = [f for f in findings if f.family is Family.ADVERSE_EVENT]
    spans = sentences(text)
    chosen: list[tuple[int, int]] = []
    for finding in events:
        for start, end in spans:
            if start <= finding.start < end and (start, end) not in chosen:
                chosen.append((start, end))
    about = " ".join(text[s:e].strip() for s, e in chosen) or text.strip()
    named = [p for p in products if re.search(rf"\b{re.escape(p)}\b", text, re.IGNORECASE)]
    names = [
        m.group(1) for m in NAME.finditer(about) if m.group(1).split()[0].lower() not in NOT_NAMES
    ]
    age = AGE.search(about)
    onset = ONSET.search(about)
    sex = "unknown"
    if FEMALE.search(about):
        sex = "female"
    elif MALE.search(about):
        sex = "male"
    return ReportDraft(
        patient_initials=_initials(names[0]) if names else "",
        patient_age=age.group(1) if age else "",
        patient_sex=sex,
        product=", ".join(named or products),
        event=_redacted(about)[:2000],
        onset=onset.group(0).strip()[:200] if onset else "",
    )


def _redacted(text: str) -> str:
    """The event as told, without the patient's identifiers (the report carries only
    initials, age and sex)."""
    for finding in sorted(find_phi(text, "block"), key=lambda f: f.start, reverse=True):
        text = text[: finding.start] + REDACTED + text[finding.end :]
    return text
