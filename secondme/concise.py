"""Keeping a written answer to what it adds.

Asked "What forum did Tim join?", small instruct models answer "Tim joined a fantasy literature
forum." although the prompt asks for the fewest words: the words that restate the question come
first (or last: "Yes, Calvin wants to expand his brand."). The answer the person is after is the
rest, "fantasy literature forum". This module cuts such a restatement from either end, and keeps
the answer whole where cutting would leave nothing, or would drop a negation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from secondme.question_terms import IRREGULAR, STOPWORDS, question_kind, term

# Words that turn an answer around: never cut as part of a restatement.
_NEGATIONS = frozenset("not no never nothing none nobody nowhere neither nor cannot".split())
# Where a trailing clause that restates the question may begin: a stop word, or one of these.
_CLAUSE_START = frozenset("""around near during after before while since through across behind beside
between within without toward towards inside outside among along""".split()) | STOPWORDS
# Words that open a noun phrase.
_DETERMINERS = frozenset("a an the my your his her its our their this that these those some".split())
# Words that are an answer on their own, though they are stop words elsewhere.
_ANSWER_WORDS = frozenset("yes no".split())
# A word, with a currency sign before it or a per cent sign after it ("$10", "20%").
_TOKEN = re.compile(r"[$£€¥]?[\w’'-]+%?", re.UNICODE)
_CLOSERS = ")]}\"'’”"
_OPENERS = "([{\"'‘“"
_CITE = re.compile(r"\s*\[\d{1,3}\]")
# A comment on what came before it, set off by a comma.
_COMMENT = re.compile(r",\s+(?:which|who)\b", re.IGNORECASE)
# A sentence end inside an answer, not an initial's or a title's period ("E.B. White", "Dr. Lee").
_SENTENCE_INSIDE = re.compile(r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)[.!?]\s+\S")


def _key(word: str) -> str:
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    low = low.strip("'-$£€¥%")
    if low in IRREGULAR:
        low = IRREGULAR[low]
    elif low.endswith("ied") and len(low) > 4:
        low = low[:-3] + "y"  # "tried" restates "try"
    # "explored" and "explore" both strip to "explor".
    key = term(low)
    if key == low and len(low) > 3 and low.endswith("s") and not low.endswith("ss"):
        key = low[:-1]  # "pays", "buys": too short for the stemmer
    return key[:-1] if len(key) > 3 and key.endswith("e") else key


def _negation(word: str) -> bool:
    low = word.lower().replace("’", "'")
    return low in _NEGATIONS or low.endswith("n't")


class _Reading:
    """An answer's words read against the question's: which only repeat it."""

    def __init__(self, body: str, question: str, names: Iterable[str] = ()) -> None:
        self.tokens = list(_TOKEN.finditer(body))
        self.asked = {_key(w) for w in _TOKEN.findall(question)}
        # The people the sources are by restate who the question is about ("Melanie raised
        # awareness for mental health"), unless a name is what is asked for.
        if question_kind(question) != "person":
            self.asked |= {_key(w) for n in names for w in _TOKEN.findall(n)}

    def word(self, i: int) -> str:
        return self.tokens[i].group(0)

    def given(self, i: int) -> bool:
        w = self.word(i)
        if _negation(w) or w.lower() in _ANSWER_WORDS:
            return False
        return w.lower() in STOPWORDS or _key(w) in self.asked

    def restates(self, lo: int, hi: int) -> bool:
        return any(self.word(i).lower() not in STOPWORDS and _key(self.word(i)) in self.asked
                   for i in range(lo, hi))

    def capital(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and self.word(i)[:1].isupper()

    def start(self) -> int:
        start = 0
        while start < len(self.tokens) and self.given(start):
            start += 1
        if not self.restates(0, start):
            return 0
        # A name is not split: "Hotel Bristol" answers "Which hotel...?" whole.
        while 0 < start < len(self.tokens) and self.capital(start) and self.capital(start - 1):
            start -= 1
        # Nor a noun phrase: in "Audrey took a dog grooming course", asked "What classes did
        # Audrey take for her dogs?", "dog" belongs to the answer's own phrase.
        j = start
        while j > 0 and self.word(j - 1).lower() not in STOPWORDS:
            j -= 1
        # Such a phrase opens with its article ("a dog grooming course"); after "and" the words
        # are the restated subject and its verb ("Dave and Calvin share hiking").
        if (0 < j < start < len(self.tokens) and self.word(start).lower() not in STOPWORDS
                and self.word(j - 1).lower() in _DETERMINERS):
            start = j
        return start

    def end(self, start: int) -> int:
        n = len(self.tokens)
        end = n
        while end > start and self.given(end - 1):
            end -= 1
        if end == n or (end - start == 1 and self.word(start).lower() in _ANSWER_WORDS):
            return end  # "Yes, Calvin wants to expand his brand.": the answer is "Yes"
        # Only a trailing clause is cut ("... to relax and cope with his health issues"), from its
        # first function word: never the head of the answer's own phrase ("a homeless shelter",
        # "a game console"), nor the word a negation is about ("not married").
        own_end = end
        end = next((j for j in range(end, n) if self.word(j).lower() in _CLAUSE_START), n)
        if end > own_end and not (self.capital(own_end) and self.capital(own_end - 1)) and any(
                self.capital(j) and _key(self.word(j)) in self.asked for j in range(own_end, end)):
            # A name the question asks about is the restated subject, not the head of the
            # answer's phrase: "Fixing cars gives Calvin …" is "Fixing cars".
            end = own_end
        if not (_negation(self.word(end - 1)) or not self.restates(end, n)
                or (self.capital(end) and self.capital(end - 1))):
            return end
        # Stop words alone at the end ("... looking forward to") go once a restatement before
        # them was cut; else the answer keeps its own ending.
        end = n
        while start > 0 and end > start and self.word(end - 1).lower() in STOPWORDS \
                and not _negation(self.word(end - 1)):
            end -= 1
        return end

    def adds(self, lo: int, hi: int) -> bool:
        """Whether words lo..hi hold one the question does not (or are "yes" / "no")."""
        return any(not self.given(i) and (self.word(i).lower() not in STOPWORDS
                                          or self.word(i).lower() in _ANSWER_WORDS)
                   for i in range(lo, hi))


def trim_restatement(answer: str, question: str, names: Iterable[str] = ()) -> str:
    """``answer`` without the words at its start or end that only restate ``question``.

    A cut end must hold at least one of the question's own content words (so "a bookmark"
    keeps its article), and what is left must hold a word the question does not (or be "yes"
    / "no"). An answer of several sentences is kept whole, and a negation is never cut.
    Citation markers ("[1]") are kept, after the answer. ``names`` are the people the sources
    are by: as the answer's subject they restate the question too. A trailing ", which …"
    only comments on the answer ("early writings, which made her appreciate …") and goes."""
    cites = "".join(m.group(0).strip() for m in _CITE.finditer(answer))
    body = _CITE.sub("", answer).strip()
    if not body or _SENTENCE_INSIDE.search(body.rstrip(".!? ")) or "\n" in body:
        return answer
    head = _COMMENT.split(body, maxsplit=1)[0].strip(" ,")
    r = _Reading(head, question, names)
    commented = head != body and r.adds(0, len(r.tokens))
    if commented:
        body = head
    elif head != body:
        r = _Reading(body, question, names)
    start = r.start()
    end = r.end(start)
    if (start == 0 and end == len(r.tokens)) or end <= start or not r.adds(start, end):
        return (f"{body} {cites}".strip() if cites else body) if commented else answer
    stop = r.tokens[end - 1].end()
    while stop < len(body) and body[stop] in _CLOSERS:
        stop += 1
    begin = r.tokens[start].start()
    while begin > 0 and body[begin - 1] in _OPENERS:
        begin -= 1  # the title's opening quote goes with it: "Charlotte's Web"
    text = body[begin:stop].strip(" ,;:-")
    return f"{text} {cites}".strip() if cites else text
