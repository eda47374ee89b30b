"""Call-note checks, family by family, with the hard cases that must stay quiet."""

from __future__ import annotations

import pytest

from fieldrep.compliance.checker import NoteChecker
from fieldrep.compliance.findings import REDACTED, blocking_reason
from fieldrep.sync.protocol import ComplianceRules, RestrictedPhraseItem
from tests.data.compliance.evaluate import checker


@pytest.fixture(scope="module")
def check() -> NoteChecker:
    return checker()


def rules_of(check: NoteChecker, text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in check.check(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call her on 617-555-0142 tomorrow.", ("phi.phone", "617-555-0142")),
        ("Send it to ann.lee@gmail.com please.", ("phi.email", "ann.lee@gmail.com")),
        ("Her patient Maria Lopez is struggling.", ("phi.name", "Maria Lopez")),
        ("Mrs. Walsh asked about the card.", ("phi.name", "Walsh")),
        ("DOB 04/12/1951 on the form.", ("phi.date_of_birth", "DOB 04/12/1951")),
        ("PA stuck for MRN 00482913.", ("phi.record_number", "MRN 00482913")),
        ("Patient lives at 14 Elm Street, Quincy.", ("phi.address", "14 Elm Street, Quincy")),
    ],
)
def test_patient_identifying_information_is_found_and_blocks(
    check: NoteChecker, text: str, expected: tuple[str, str]
) -> None:
    findings = check.check(text)
    assert [(f.rule, f.text) for f in findings] == [expected]
    assert findings[0].blocking and findings[0].replacement == REDACTED


@pytest.mark.parametrize(
    "text",
    [
        "NPI 1457382910 confirmed for the sample form.",
        "Lot 4471920 samples left, 6 boxes.",
        "A1c came down from 8.4 to 7.1; BP goal 130/80; 2,000 patients.",
        "Mrs. Patel, the office manager, booked the lunch.",
        "Dr. Chen's office at 200 Main Street, Suite 4.",
        "Patient support program forms left at the desk.",
        "She has many patients. Mentioned the new data.",
    ],
)
def test_numbers_staff_and_offices_are_not_patient_information(
    check: NoteChecker, text: str
) -> None:
    assert rules_of(check, text) == []


def test_restricted_wording_gifts_promises_inducements_and_disparagement(
    check: NoteChecker,
) -> None:
    text = (
        "Offered gift cards to the staff. Said results are guaranteed. "
        "Dinner again if you prescribe more. Told her Heartmax is dangerous."
    )
    assert rules_of(check, text) == [
        ("restricted.gift", "gift cards"),
        ("restricted.promise", "guaranteed"),
        ("restricted.inducement", "if you prescribe"),
        ("restricted.disparagement", "dangerous"),
    ]


def test_a_promise_denied_and_a_competitor_compared_fairly_are_fine(check: NoteChecker) -> None:
    text = (
        "Told her there is no guarantee of response. "
        "Heartmax compared only with the approved head-to-head slide."
    )
    assert rules_of(check, text) == []


def test_off_label_indications_populations_and_doses(check: NoteChecker) -> None:
    assert rules_of(check, "She is starting Cardiovex in children.") == [
        ("off_label.indication", "children")
    ]
    assert rules_of(check, "Glucora for weight loss, she said.") == [
        ("off_label.indication", "weight loss")
    ]
    assert rules_of(check, "He gives Cardiovex 20 mg daily.") == [("off_label.dose", "20 mg")]


@pytest.mark.parametrize(
    "text",
    [
        "Cardiovex for hypertension in adults.",
        "Glucora 500 mg with diet and exercise.",
        "Reminded her Glucora is not approved for type 1 diabetes.",
        "Her children were in the waiting room.",  # no product in the sentence
        "The clarity of the data impressed him.",  # "Clarity" the product is capitalised
        "He asked if Respiza is approved for asthma; referred to medical information.",
    ],
)
def test_on_label_talk_and_look_alikes_are_not_off_label(check: NoteChecker, text: str) -> None:
    assert rules_of(check, text) == []


def test_adverse_events_and_product_complaints_are_flagged_to_report(
    check: NoteChecker,
) -> None:
    text = (
        "One patient has a rash since starting Cardiovex. Another was hospitalised after "
        "the second dose. The pen jammed twice."
    )
    findings = check.check(text)
    assert [(f.rule, f.text) for f in findings] == [
        ("adverse_event.event", "rash"),
        ("adverse_event.event", "hospitalised"),
        ("adverse_event.complaint", "pen jammed"),
    ]
    assert not any(f.blocking for f in findings)  # reported, not refused
    assert blocking_reason(findings) is None


@pytest.mark.parametrize(
    "text",
    [
        "Denies nausea.",
        "No side effects reported.",
        "No nausea, vomiting or diarrhea in his patients.",
        "She has not seen any rash with Cardiovex.",
        "Asked about the risk of hypoglycemia.",
        "Reviewed the side effect profile.",
        "Nausea is listed as common in the label.",
        "His schedule is jammed this week.",  # a complaint word with no product or device
    ],
)
def test_negated_and_hypothetical_events_stay_quiet(check: NoteChecker, text: str) -> None:
    assert rules_of(check, text) == []


def test_negation_stops_at_but(check: NoteChecker) -> None:
    assert rules_of(check, "No nausea but she did get a rash.") == [("adverse_event.event", "rash")]


def test_rules_are_the_companys_own() -> None:
    rules = ComplianceRules(
        restricted_phrases=[
            RestrictedPhraseItem(
                phrase="golf*", category="gift", severity="warn", explanation="No golf."
            )
        ]
    )
    [finding] = NoteChecker(rules).check("Talked golfing plans.")
    assert (finding.rule, finding.text, finding.severity) == ("restricted.gift", "golfing", "warn")
    assert NoteChecker(None).check("Talked golfing plans. Call 617-555-0142.")[0].rule == (
        "phi.phone"
    )


def test_empty_and_emoji_notes() -> None:
    assert NoteChecker(None).check("   ") == []
    [finding] = NoteChecker(None).check("👍 ok, call 617-555-0142")
    assert finding.text == "617-555-0142"
