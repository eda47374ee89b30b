"""Precision and recall of the call-note checks, per family, on the labelled notes.

    .venv/bin/python -m tests.data.compliance.evaluate            # print the table
    .venv/bin/python -m tests.data.compliance.evaluate --write    # and update docs/compliance.md

Rules: the demo company's (resources/compliance_rules.json); products: the demo's plus
"Clarity", a product named like a word (tests/data/compliance/products.json). A finding
counts as right when it overlaps a labelled span of the same family; a labelled span
counts as found when some finding of its family overlaps it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fieldrep.compliance.checker import NoteChecker
from fieldrep.compliance.findings import Family
from fieldrep.sync.protocol import ComplianceRules, ProductItem

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DOC = ROOT / "docs" / "compliance.md"
BEGIN, END = "<!-- evaluation:begin -->", "<!-- evaluation:end -->"
SETS = (
    ("development", "notes_dev.jsonl"),
    ("development, round 2 (the first held-out set, since used for tuning)", "notes_dev2.jsonl"),
    ("development, round 3 (the second held-out set, since used for tuning)", "notes_dev3.jsonl"),
    ("development, round 4 (the third held-out set, since used for tuning)", "notes_dev4.jsonl"),
    ("held out (round 5: fresh sentences, never used for tuning)", "notes_heldout.jsonl"),
)


@dataclass
class Tally:
    predicted: int = 0
    predicted_right: int = 0
    labelled: int = 0
    labelled_found: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.labelled_found / self.labelled if self.labelled else 1.0


def checker() -> NoteChecker:
    rules = json.loads((ROOT / "resources" / "compliance_rules.json").read_text("utf-8"))
    products = json.loads((HERE / "products.json").read_text("utf-8"))
    return NoteChecker(
        ComplianceRules.model_validate(rules), [ProductItem.model_validate(p) for p in products]
    )


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(path: Path, check: NoteChecker) -> dict[str, Tally]:
    tallies = {f.value: Tally() for f in Family}
    for line in path.read_text("utf-8").splitlines():
        note = json.loads(line)
        text = note["text"]
        found = check.check(text)
        for family, tally in tallies.items():
            gold = [(g["start"], g["end"]) for g in note["findings"] if g["family"] == family]
            pred = [(f.start, f.end) for f in found if f.family.value == family]
            tally.labelled += len(gold)
            tally.predicted += len(pred)
            for span in gold:
                if any(_overlap(span, p) for p in pred):
                    tally.labelled_found += 1
                else:
                    tally.misses.append(f"{note['id']}: {text[span[0] : span[1]]!r}")
            for span in pred:
                if any(_overlap(span, g) for g in gold):
                    tally.predicted_right += 1
                else:
                    tally.false_alarms.append(f"{note['id']}: {text[span[0] : span[1]]!r}")
    return tallies


def table(name: str, notes: int, tallies: dict[str, Tally]) -> list[str]:
    total = Tally(
        predicted=sum(t.predicted for t in tallies.values()),
        predicted_right=sum(t.predicted_right for t in tallies.values()),
        labelled=sum(t.labelled for t in tallies.values()),
        labelled_found=sum(t.labelled_found for t in tallies.values()),
    )
    rows = [
        f"**{name}** ({notes} notes)",
        "",
        "| family | labelled | found | flagged | right | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for family, t in [*tallies.items(), ("overall", total)]:
        rows.append(
            f"| {family} | {t.labelled} | {t.labelled_found} | {t.predicted} | "
            f"{t.predicted_right} | {t.precision:.3f} | {t.recall:.3f} |"
        )
    return [*rows, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/compliance.md")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    check = checker()
    out: list[str] = []
    for name, filename in SETS:
        path = HERE / filename
        notes = len(path.read_text("utf-8").splitlines())
        tallies = evaluate(path, check)
        out += table(name, notes, tallies)
        if args.errors:
            for family, t in tallies.items():
                out += [f"  miss {family} {m}" for m in t.misses]
                out += [f"  false {family} {f}" for f in t.false_alarms]
    text = "\n".join(out)
    sys.stdout.write(text + "\n")
    if args.write:
        doc = DOC.read_text("utf-8")
        block = f"{BEGIN}\n{text.rstrip()}\n{END}"
        DOC.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, doc,
                              flags=re.DOTALL), "utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
