"""Write the labelled call notes (notes_dev.jsonl, notes_heldout.jsonl) from fragments.py.

    .venv/bin/python -m tests.data.compliance.build

Each note is 2-6 sentences: ordinary content, hard negatives and, in about two notes in
three, one or two findings. Slots are filled from the lists below with a fixed seed, so
the files are reproducible; every finding's span is computed from the markup, never by
the checker. One line per note: {"id", "text", "findings": [{"start", "end", "family"}]}.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from tests.data.compliance import fragments

HERE = Path(__file__).resolve().parent
FAMILIES = {"phi": "phi", "re": "restricted", "ol": "off_label", "ae": "adverse_event"}
MARK = re.compile(r"\{(phi|re|ol|ae)\|([^{}]*)\}")
SLOTS: dict[str, list[str]] = {
    "DR": ["Dr. Chen", "Dr. Murphy", "Dr. Okafor", "Dr. Nguyen", "Dr. Silva", "Dr. Kowalski",
           "Dr. Haddad", "Dr. Brennan", "Dr. Liu", "Dr. Fitzgerald", "Dr. Ahmed", "Dr. Rossi"],
    "FIRST": ["Maria", "John", "Linda", "Robert", "Aisha", "Wei", "Carlos", "Patricia", "James",
              "Fatima", "Thomas", "Grace", "Mohammed", "Helen", "Diego"],
    "LAST": ["Lopez", "Sullivan", "Kim", "Walsh", "Okonkwo", "Tran", "Garcia", "Murray",
             "Schmidt", "Romano", "Jackson", "Ortiz", "Yamamoto", "Doyle", "Haddad"],
    "PHONE": ["617-555-0142", "(617) 555-0199", "508.555.0123", "781 555 0136",
              "+1 978 555 0171", "857-555-0108", "(339) 555-0155", "617 555 0188"],
    "EMAIL": ["m.lopez62@gmail.com", "jsullivan@yahoo.com", "linda.kim@comcast.net",
              "rwalsh1950@aol.com", "grace.doyle@outlook.com", "c.ortiz@hotmail.com"],
    "DOB": ["DOB 04/12/1951", "born 3/7/1948", "date of birth 12 March 1960",
            "DOB: 1956-08-02", "born on June 5, 1944", "D.O.B. 11/30/1972"],
    "MRN": ["MRN 00482913", "medical record number 7734221", "MRN: A5539021",
            "chart no. 448120", "record number 99-0231"],
    "INS": ["member ID XZP448120931", "Medicare number 1EG4TE5MK72", "policy #88231-09",
            "insurance ID BCX99812004", "Medicaid ID 004412871"],
    "ADDR": ["14 Elm Street, Quincy", "220 Beacon St, Apt 4B", "9 Maple Avenue, Brookline",
             "48 Harbor View Road", "1120 Commonwealth Ave", "7 Pleasant Lane, Medford"],
    "PROD": ["Cardiovex", "Glucora", "Respiza"],
    "PROD_CV": ["Cardiovex"],
    "COMP": ["Heartmax", "Cardiolin", "Diabetrol", "Glucomax", "Breathwell", "Pulmozen"],
}  # fmt: skip
NOTES_PER_SET = 200


def _fill(template: str, rng: random.Random) -> str:
    return re.sub(r"<([A-Z_]+)>", lambda m: rng.choice(SLOTS[m[1]]), template)


def _strip(marked: str) -> tuple[str, list[dict[str, object]]]:
    """Plain text and the labelled spans of a sentence with {family|...} markup."""
    text, spans, position = [], [], 0
    for m in MARK.finditer(marked):
        text.append(marked[position : m.start()])
        start = sum(len(t) for t in text)
        text.append(m[2])
        spans.append({"start": start, "end": start + len(m[2]), "family": FAMILIES[m[1]]})
        position = m.end()
    text.append(marked[position:])
    return "".join(text), spans


def _half(pool: list[str], odd: bool) -> list[str]:
    return pool[1::2] if odd else pool[0::2]


def _pools(kind: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Sentences of one set: "dev" (even entries and the extras), "dev2" (odd entries:
    the first held-out set, since used for tuning), "dev3" (round 2: the second held-out
    set, since used for tuning), "dev4" (round 3: the third held-out set, since used for
    tuning), "heldout" (round 4, fresh)."""
    f = fragments
    if kind == "dev3":
        return f.ROUND2_CLEAN, f.ROUND2_HARD_NEGATIVE, {
            "phi": f.ROUND2_PHI, "restricted": f.ROUND2_RESTRICTED,
            "off_label": f.ROUND2_OFF_LABEL, "adverse_event": f.ROUND2_ADVERSE_EVENT,
        }  # fmt: skip
    if kind == "dev4":
        return f.ROUND3_CLEAN, f.ROUND3_HARD_NEGATIVE, {
            "phi": f.ROUND3_PHI, "restricted": f.ROUND3_RESTRICTED,
            "off_label": f.ROUND3_OFF_LABEL, "adverse_event": f.ROUND3_ADVERSE_EVENT,
        }  # fmt: skip
    if kind == "heldout":
        return f.ROUND4_CLEAN, f.ROUND4_HARD_NEGATIVE, {
            "phi": f.ROUND4_PHI, "restricted": f.ROUND4_RESTRICTED,
            "off_label": f.ROUND4_OFF_LABEL, "adverse_event": f.ROUND4_ADVERSE_EVENT,
        }  # fmt: skip
    odd = kind == "dev2"
    positive = {
        family: _half(pool, odd)
        for family, pool in (
            ("phi", f.PHI), ("restricted", f.RESTRICTED),
            ("off_label", f.OFF_LABEL), ("adverse_event", f.ADVERSE_EVENT),
        )
    }  # fmt: skip
    hard = _half(f.HARD_NEGATIVE, odd)
    if not odd:
        hard += f.DEV_EXTRA_HARD_NEGATIVE
        positive["phi"] += f.DEV_EXTRA_PHI
        positive["adverse_event"] += f.DEV_EXTRA_ADVERSE_EVENT
    return _half(f.CLEAN, odd), hard, positive


def build(kind: str, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    clean, hard, positive = _pools(kind)
    notes = []
    for number in range(NOTES_PER_SET):
        sentences = rng.sample(clean, rng.randint(1, 3)) + rng.sample(hard, rng.randint(0, 2))
        if rng.random() < 0.67:
            for family in rng.sample(sorted(positive), rng.choice([1, 1, 2])):
                sentences.append(rng.choice(positive[family]))
        rng.shuffle(sentences)
        text, findings = "", []
        for sentence in sentences:
            plain, spans = _strip(_fill(sentence, rng))
            offset = len(text) + (1 if text else 0)
            text = f"{text} {plain}" if text else plain
            findings += [{**s, "start": s["start"] + offset, "end": s["end"] + offset}  # type: ignore[operator]
                         for s in spans]  # fmt: skip
        notes.append({"id": f"{kind}-{number:03d}", "text": text, "findings": findings})
    return notes


def main() -> None:
    for kind, seed in (("dev", 13), ("dev2", 31), ("dev3", 47), ("dev4", 59), ("heldout", 71)):
        lines = [json.dumps(n, ensure_ascii=False) for n in build(kind, seed)]
        name = f"notes_{kind}.jsonl"
        (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
