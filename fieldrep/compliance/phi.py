"""Patient-identifying information in a call note: names after "patient"/"Mrs."...,
dates of birth, phone numbers, e-mail addresses, record and insurance numbers, home
addresses. A call note is about the HCP; a patient's details belong in their chart or
in an adverse-event report, never here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from fieldrep.compliance.findings import REDACTED, Family, Finding, Severity

EXPLANATION = "Patient-identifying information must not be stored in a call note."
FIX = "Redact it (patient details go in the adverse-event form or the chart, not here)."

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|(?:in\s+)?(?:19|20)\d{{2}})"
)
BIRTH = re.compile(
    rf"(?i:\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on|\s+in)?)"
    rf"\s*(?:is|was|of)?\s*[:=-]?\s*){_DATE}"
)
_ROLE_AFTER = re.compile(
    r"[,\s(]*(?:the|our|her|his|their)?\s*(?:office|practice|clinic|nurse|receptionist|"
    r"manager|pharmacist|PA\b|NP\b|scheduler|coordinator|rep\b|(?:from|at)\s+(?:the\s+)?"
    r"(?:scheduling|billing|reception|front\s+desk|pharmacy|office|practice))",
    re.IGNORECASE,
)
# "patient" (never "patients." ending a sentence) or "pt", perhaps with a title, or a
# title alone; then a capitalised name.
NAME = re.compile(
    r"(?:\b(?i:patient|pt\.?)[ \t]+(?:(?:Mrs|Mr|Ms|Mx|Miss)\.?[ \t]+)?|\b(?:Mrs|Mr|Ms|Mx)\.?[ \t]+"
    r"|\bMiss[ \t]+)(?i:named\s+|called\s+)?([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)"
)
# Capitalised words after "patient" that are not a name.
NOT_NAMES = frozenset(
    """the a an and or of for with on in at to support access assistance program programme
    services service portal education advocacy assistant assist day days week month year
    care savings copay co-pay starter kit guide leaflet leaflets brochure materials forms
    registry outcomes outreach hub journey information info records record numbers voice
    experience safety population populations group groups feedback cases case count
    mrs mr ms mx miss dr doctor
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december i he she they who""".split()
)
RECORD = re.compile(
    r"(?i:\b(?:MRN|med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:no|number|#))?|(?:patient\s+)?record\s+(?:no|number|#)"
    r"|chart\s+(?:no|number|#)|member\s+(?:ID|no|number)|policy\s+(?:no|number|#)"
    r"|insurance\s+(?:ID|no|number|#)|(?:Medicare|Medicaid)\s+(?:ID|no|number|#)|SSN"
    r"|social\s+security(?:\s+(?:no|number))?|subscriber\s+ID|NHS\s+(?:no|number|#)"
    r"|hospital\s+(?:no|number|#)|patient\s+ID|health\s+card\s+(?:no|number|#))\.?)"
    r"\s*(?:is|was)?\s*[:#=]?\s*(?=[A-Za-z0-9 -]*\d)"
    r"([A-Za-z0-9][A-Za-z0-9-]{2,}(?: [0-9]{3,4}){0,2})"
)
ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive"
    r"|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Circle|Parkway|Pkwy)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Unit|#)\.?\s*\w+)?(?:,\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
)
WORKPLACE_BEFORE = re.compile(
    r"(?i)\b(?:office|clinic|practice|hospital|pharmacy|building|center|centre)\b"
)
WORKPLACE_AFTER = re.compile(r"(?i)^\W*(?:suite|ste|floor|fl|building|bldg)\b")
HOME_CONTEXT = re.compile(
    r"(?i)\b(?:lives|living|home|resides|residence|house|apartment|address|patient'?s?|pt|"
    r"neighbou?r|moved\s+to)\b"
)
# Numbers phonenumbers may read as a phone number that a rep writes for other reasons.
NOT_PHONE_BEFORE = re.compile(
    r"(?i)(?:NPI|lot|batch|ref|order|invoice|study|trial|NCT|claim|case|ticket|sku|ndc)"
    r"\s*(?:no\.?|number|#)?\s*[:#]?\s*$"
)


def _finding(m_start: int, m_end: int, text: str, rule: str, severity: Severity) -> Finding:
    return Finding(
        m_start, m_end, Family.PHI, rule, severity, EXPLANATION, FIX, REDACTED,
        text[m_start:m_end],
    )  # fmt: skip


def _phones(text: str) -> Iterator[tuple[int, int]]:
    if sum(c.isdigit() for c in text) < 7:
        return  # no phone number fits: skip the library's scan
    matcher = phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        before = text[max(0, match.start - 20) : match.start]
        if NOT_PHONE_BEFORE.search(before):
            continue
        yield match.start, match.end


def find_phi(
    text: str, severity: Severity, not_names: frozenset[str] = frozenset()
) -> list[Finding]:
    """`not_names`: lower-case words never taken for a patient's name (products,
    competitors)."""
    found: list[Finding] = []
    for m in EMAIL.finditer(text):
        found.append(_finding(m.start(), m.end(), text, "phi.email", severity))
    for start, end in _phones(text):
        found.append(_finding(start, end, text, "phi.phone", severity))
    for m in BIRTH.finditer(text):
        found.append(_finding(m.start(), m.end(), text, "phi.date_of_birth", severity))
    for m in RECORD.finditer(text):
        found.append(_finding(m.start(), m.end(), text, "phi.record_number", severity))
    for m in NAME.finditer(text):
        name = m.group(1)
        words = name.split()
        if words[0].lower() in NOT_NAMES or words[0].lower() in not_names:
            continue
        if len(words) > 1 and words[1].lower() in NOT_NAMES:
            name = words[0]
        if _ROLE_AFTER.match(text, m.start(1) + len(name)):
            continue  # "Mrs. Lee, the office manager": staff, not a patient
        found.append(_finding(m.start(1), m.start(1) + len(name), text, "phi.name", severity))
    for m in ADDRESS.finditer(text):
        window = text[max(0, m.start() - 60) : m.start()]
        workplace = WORKPLACE_BEFORE.search(text, max(0, m.start() - 30), m.start()) or (
            WORKPLACE_AFTER.match(text[m.end() : m.end() + 20])
        )
        if HOME_CONTEXT.search(window) and not workplace:
            found.append(_finding(m.start(), m.end(), text, "phi.address", severity))
    return found
