"""A small NegEx-style negation handler: is a term negated, or only hypothetical?

"denies nausea", "no side effects, rash or swelling", "nausea was ruled out" are
negated; "asked about the risk of rash", "the nausea rates in the label" are talk about
a risk, not an event. A trigger counts within a few words before the term, in the same
clause ("no rash but she did have nausea": the "but" ends the negation's reach).
"""

from __future__ import annotations

import re

from fieldrep.compliance.phrases import PhraseSet

WINDOW_WORDS = 6
CLAUSE_BREAK = re.compile(
    r"(?i)\b(?:but|however|although|though|except|yet|whereas|while|until|which|after|"
    r"since then|then)\b|[.;!?()]"
)
POST_NEGATION = re.compile(
    r"(?i)^[\s,]*(?:(?:was|were|has been|have been|is|are)\s+)?(?:ruled\s+out|denied|"
    r"not\s+(?:reported|seen|observed|present|an issue)|none|resolved\s+before)"
)
HYPOTHETICAL = PhraseSet.of(
    """risk of|risks of|rates of|rate of|incidence of|may cause|might cause|can cause|could cause|
    label lists|warned about|counsel*|how to manage|in case of|if any|monitor for|watch for|
    asked about|questions about|question about|concerned about|worried about|worry about|
    worries about|worrying about|how to report|
    fear of|fears of|afraid of|educat*|possible|potential|
    what to do if|to report any|report any|avoid|prevent*|reduce|lower risk|mitigat*|
    less|fewer|lower|compared|versus|vs""".replace("\n", " ").split("|")
)
HYPOTHETICAL_AFTER = re.compile(
    r"(?i)^[\s-]*(?:(?:is|are)\s+(?:listed|common|uncommon|rare|known|a\s+known|mentioned|"
    r"described|labelled|labeled)|profile|data|rates?|incidence|section|table|risk|risks|label|"
    r"management|warnings?|precautions|information|questions?|concerns?|in the trial|"
    r"in trials|in the study)\b"
)


def _window_start(text: str, start: int, floor: int) -> int:
    """Where the look-back for `start` begins: WINDOW_WORDS words back, not past a clause
    break nor `floor` (the sentence start)."""
    head = text[floor:start]
    breaks = list(CLAUSE_BREAK.finditer(head))
    if breaks:
        floor += breaks[-1].end()
        head = text[floor:start]
    words = list(re.finditer(r"\S+", head))
    if len(words) > WINDOW_WORDS:
        return floor + words[-WINDOW_WORDS].start()
    return floor


def negated(
    text: str, term: tuple[int, int], sentence: tuple[int, int], triggers: PhraseSet
) -> bool:
    """True when a trigger shortly before the term's span (same clause), or a
    post-negation right after it, negates the term."""
    (start, end), (sentence_start, sentence_end) = term, sentence
    begin = _window_start(text, start, sentence_start)
    if triggers.search(text, begin, start) is not None:
        return True
    return POST_NEGATION.match(text[end:sentence_end]) is not None


# "uses Cardiovex for anxiety-related palpitations": the HCP's use, not an event.
USE_FOR = re.compile(
    r"(?i)\b(?:uses?|used|using|prescribes?|prescribed|prescribing|tries|tried|trying|gives?|"
    r"gave|to\s+treat|treats?|treating)\b[^.;]{0,50}\bfor\s+(?:[\w-]+\s+){0,2}$"
)


def hypothetical(text: str, term: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """True when the term is talked about as a risk or a topic, not reported as happening."""
    (start, end), (sentence_start, sentence_end) = term, sentence
    begin = _window_start(text, start, sentence_start)
    if HYPOTHETICAL.search(text, begin, start) is not None:
        return True
    if USE_FOR.search(text[max(sentence_start, start - 80) : start]) is not None:
        return True
    return HYPOTHETICAL_AFTER.match(text[end:sentence_end]) is not None
