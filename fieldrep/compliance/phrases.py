"""Word and phrase lists compiled to one regular expression each (fast per keystroke).

A phrase matches without regard to case, on word boundaries; spaces match any run of
whitespace; `*` at the end of a word matches any ending (`hospitali*ed` matches
hospitalised and hospitalized).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def phrase_pattern(phrase: str) -> str:
    words = []
    for word in phrase.split():
        parts = [re.escape(p) for p in word.split("*")]
        words.append(r"[\w'-]*".join(parts))
    return r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w])"


WORD = re.compile(r"\w+")
Token = tuple[int, str]  # (offset, the word in lower case)


def tokens(text: str) -> list[Token]:
    """Every word of `text` with its offset: computed once per check, shared by sets."""
    return [(m.start(), m[0].lower()) for m in WORD.finditer(text)]


def _first_word(phrase: str) -> str:
    m = WORD.match(phrase.lower().lstrip("*"))
    return m[0] if m else ""


class PhraseSet:
    """Phrases indexed by their first word, so a note is scanned word by word (a dict
    look-up each) instead of trying every phrase at every character: a 2,000-character
    note against a thousand phrases stays well under a millisecond."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.phrases = phrases
        self.singles = tuple(re.compile(phrase_pattern(p), re.IGNORECASE) for p in phrases)
        self._exact: dict[str, list[int]] = {}
        self._prefixed: dict[str, list[tuple[str, int]]] = {}
        for index, phrase in enumerate(phrases):
            head = phrase.split()[0].lower()
            first = _first_word(phrase)
            if "*" in head and WORD.fullmatch(head.split("*")[0] or "-"):
                prefix = head.split("*")[0]
                self._prefixed.setdefault(prefix[:3], []).append((prefix, index))
            else:
                self._exact.setdefault(first, []).append(index)
        self.regex = (
            re.compile("|".join(phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True)),
                       re.IGNORECASE)
            if phrases else None
        )  # fmt: skip

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseSet:
        return cls(tuple(dict.fromkeys(p.strip() for p in phrases if p.strip())))

    def matches(self, text: str, words: Sequence[Token]) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, phrase index) in text order, longest first at a
        position, like a regular expression's alternation ordered by length."""
        found: list[tuple[int, int, int]] = []
        taken_until = 0
        for offset, word in words:
            if offset < taken_until:
                continue
            candidates = self._exact.get(word, [])
            prefixed = self._prefixed.get(word[:3])
            if prefixed:
                candidates = candidates + [i for p, i in prefixed if word.startswith(p)]
            best: tuple[int, int, int] | None = None
            for index in candidates:
                m = self.singles[index].match(text, offset)
                if m is not None and (best is None or m.end() > best[1]):
                    best = (offset, m.end(), index)
            if best is not None:
                found.append(best)
                taken_until = best[1]
        return found

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match in text[pos:endpos] (short windows: negation look-backs)."""
        if self.regex is None:
            return None
        return self.regex.search(text, pos, len(text) if endpos is None else endpos)


SENTENCE_END = re.compile(
    r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+|;\s*|\s[-–—]\s"
)


def sentences(text: str) -> Sequence[tuple[int, int]]:
    """(start, end) of each sentence-like stretch of the note."""
    spans = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
