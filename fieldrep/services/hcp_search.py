"""Ranking HCPs for search as you type: which field matched first, then how well.

The index (`hcp_search`, migration 0005) keeps each kind of match in its own FTS5 column.
A search asks it a short series of questions, best kind of match first, and stops as
soon as it has `limit` HCPs:

1. every word is a whole word of the name (only for several words: "mary oloughlin");
2. a word is the whole surname, a whole first name, a whole alternate name;
3. a word starts a surname, a first name, an alternate name;
4. a word is, then starts, the external id, NPI or postcode;
5. a word starts a word of the practice or the city;
6. ... of the specialty itself ("Internal Medicine");
7. ... anything else indexed: the title ("Dr."), the specialty's group ("Allopathic &
   Osteopathic Physicians/"), which nearly every HCP shares;
8. only when nothing above matched: a name spelt nearly the same ("kowalsky" finds
   Kowalski; `SIMILAR`), each mistyped word replaced by the closest names' words;
9. call notes, for HCPs not found yet (`NOTES`: the list says so).

Every word must match somewhere (in any column) at every step. Within a step, HCPs
come in surname, then first-name order. Because a common word only ever reaches the
later steps, it cannot push a name match down the list.

Typing is folded like the index: "o'loughlin", "oloughlin" and "O'Lough" all find
O'Loughlin; "smith-jones", "smithjones" and "smith jones" find Smith-Jones.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

# unicode61 splits on everything that is not a letter, a digit or a private-use char.
_PART = re.compile(r"[^\W_]+", re.UNICODE)
NAME_COLUMNS = ("surname", "given", "alternate")
NOTES = "notes"
SIMILAR = "similar name"
FUZZY_MIN_LETTERS = 4  # shorter words are still being typed, or too short to correct
FUZZY_CUTOFF = 0.8  # difflib ratio: one wrong, missing or swapped letter in 5-10


@dataclass(frozen=True, slots=True)
class Word:
    """One word as typed ("o'lough") and its parts as the tokenizer sees them."""

    parts: tuple[str, ...]

    @property
    def folded(self) -> str:
        return "".join(self.parts).lower()

    def term(self, *, exact: bool) -> str:
        """FTS5 syntax for this word: whole (`exact`) or as a prefix, folded or split."""
        star = "" if exact else "*"
        if len(self.parts) == 1:
            return f'"{self.folded}"{star}'
        split = " AND ".join(f'"{p.lower()}"' for p in self.parts[:-1])
        return f'("{self.folded}"{star} OR ({split} AND "{self.parts[-1].lower()}"{star}))'


def parse_words(user_text: str) -> list[Word]:
    """Words split on spaces; punctuation inside a word folds rather than splits."""
    words = []
    for chunk in user_text.split():
        parts = tuple(_PART.findall(chunk))
        if parts:
            words.append(Word(parts))
    return words


def fts_prefix_query(user_text: str) -> str | None:
    """Each word the user typed becomes a prefix term; all must match (anywhere)."""
    words = parse_words(user_text)
    if not words:
        return None
    return " AND ".join(w.term(exact=False) for w in words)


@dataclass(frozen=True, slots=True)
class Step:
    """One question to the index: `matched` names it for the rep and the CLI."""

    matched: str
    columns: tuple[str, ...] | None  # None: any column
    exact: bool = False
    every_word: bool = False  # each word in `columns`, not just one of them

    def expression(self, words: list[Word]) -> str:
        everywhere = " AND ".join(w.term(exact=False) for w in words)
        if self.columns is None:
            return everywhere
        where = "{" + " ".join(self.columns) + "}"
        terms = [w.term(exact=self.exact) for w in words]
        if self.every_word:
            return " AND ".join(f"{where} : {t}" for t in terms)
        return f"({everywhere}) AND {where} : ({' OR '.join(terms)})"


STEPS = (
    Step("full name", NAME_COLUMNS, exact=True, every_word=True),
    Step("surname", ("surname",), exact=True),
    Step("first name", ("given",), exact=True),
    Step("alternate name", ("alternate",), exact=True),
    Step("surname", ("surname",)),
    Step("first name", ("given",)),
    Step("alternate name", ("alternate",)),
    Step("id or postcode", ("ids",), exact=True),
    Step("id or postcode", ("ids",)),
    Step("practice or city", ("place",)),
    Step("specialty", ("specialty",)),
    Step("title or specialty group", None),
)

_NAMES_SQL = text("SELECT name, alternate_names FROM hcps")
_NAME_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _similar_words(conn: Connection, words: list[Word]) -> list[list[Word]]:
    """For each typed word, the territory's name words spelt nearly like it (the word
    itself when it is short); [] when no word has a near match."""
    vocabulary: set[str] = set()
    for name, alternates in conn.execute(_NAMES_SQL):
        vocabulary.update(w.lower() for w in _NAME_WORD.findall(f"{name} {alternates or ''}"))
    options: list[list[Word]] = []
    changed = False
    for word in words:
        folded = word.folded
        near = []
        if len(folded) >= FUZZY_MIN_LETTERS and folded not in vocabulary:
            near = difflib.get_close_matches(folded, vocabulary, n=3, cutoff=FUZZY_CUTOFF)
        changed = changed or bool(near)
        options.append([Word((n,)) for n in near] or [word])
    return options if changed else []


_STEP_SQL = text(
    "SELECT h.id FROM (SELECT rowid AS rid, sort_key FROM hcp_search "
    "WHERE hcp_search MATCH :q ORDER BY sort_key LIMIT :n) s "
    "JOIN hcps h ON h.rowid = s.rid ORDER BY s.sort_key"
)
# No ORDER BY: SQLite stops at the first notes that match instead of ranking them all.
_NOTES_SQL = text(
    "SELECT c.hcp_id FROM note_fts JOIN call_notes c "
    "ON c.rowid = note_fts.rowid WHERE note_fts MATCH :q LIMIT :n"
)


def rank_hcps(conn: Connection, user_text: str, *, limit: int) -> list[tuple[str, str]]:
    """Up to `limit` (hcp id, what matched) pairs, best first. Read-only; one connection."""
    words = parse_words(user_text)
    if not words or limit <= 0:
        return []
    found: dict[str, str] = {}
    for step in STEPS:
        if step.every_word and len(words) < 2:
            continue
        # Earlier steps' HCPs come back here too: ask for enough to fill the gap anyway.
        wanted = limit - len(found)
        rows = conn.execute(_STEP_SQL, {"q": step.expression(words), "n": wanted + len(found)})
        for hcp_id in rows.scalars():
            if hcp_id not in found:
                found[hcp_id] = step.matched
                if len(found) == limit:
                    return list(found.items())
    if not found:
        similar = _similar_words(conn, words)
        if similar:
            names = "{" + " ".join(NAME_COLUMNS) + "}"
            expression = " AND ".join(
                "(" + " OR ".join(f"{names} : {a.term(exact=True)}" for a in alts) + ")"
                if alts[0] is not word  # a corrected word: a whole name word
                else word.term(exact=False)  # a word that was fine stays a prefix
                for alts, word in zip(similar, words, strict=True)
            )
            for hcp_id in conn.execute(_STEP_SQL, {"q": expression, "n": limit}).scalars():
                found.setdefault(hcp_id, SIMILAR)
            if len(found) >= limit:
                return list(found.items())[:limit]
    query = " AND ".join(w.term(exact=False) for w in words)
    for hcp_id in conn.execute(_NOTES_SQL, {"q": query, "n": limit * 20}).scalars():
        if hcp_id not in found:
            found[hcp_id] = NOTES
            if len(found) == limit:
                break
    return list(found.items())
