"""Answers to yes/no and either-or questions, from the sentence that answers them."""

from __future__ import annotations

import re

from secondme.question_terms import AUXILIARIES, STOPWORDS, content_terms, term
from secondme.span_words import CHAT_VERBS, DETERMINERS, EDGE, MONTHS, PLACE_PP, PROPER, WEEKDAYS, norm

_NEGATION = re.compile(r"\b(?:not|never|no|nothing|nobody|none|neither|nor|cannot|without)\b|n[’']t\b",
                       re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"^(?:would|could|might)\b|\b(?:likely|probably|might)\b", re.IGNORECASE)


def yes_no(question: str, sentence: str) -> str:
    """"Yes" or "No" for a yes/no question from the polarity of the sentence that answers it:
    "No" when the sentence is negated ("I've never been to Rome"), else "Yes". A question about
    what would or might be ("Would Kim enjoy a book on whales?") is answered by inference from
    what was said, so the answer says so: "Likely yes"."""
    polarity = "No" if _NEGATION.search(sentence) else "Yes"
    if _HYPOTHETICAL.search(question.strip()):
        return f"Likely {polarity.lower()}"
    return polarity


_OPTIONS = re.compile(r"^(.*?)\s+or\s+(?:(?:the|a|an)\s+)?(.+?)\s*[?.!]?\s*$", re.IGNORECASE)


def chosen(question: str, sentence: str) -> str:
    """Which of the two options a question offers ("… a national park or a theme park?")
    ``sentence`` names: that option's words, or "" when it names neither or both."""
    m = _OPTIONS.match(question.strip())
    if not m:
        return ""
    right = m.group(2).split()
    before = m.group(1).split()
    start = max(1, len(before) - len(right))
    while start > 1 and before[start - 1][:1].isupper():
        start -= 1  # a name goes whole ("C. S. Lewis or John Greene")
    left = before[start:]
    while left and norm(left[0]) in DETERMINERS:
        left = left[1:]
    lt, rt = set(content_terms(" ".join(left))), set(content_terms(" ".join(right)))
    said = set(content_terms(sentence))
    in_left, in_right = bool((lt - rt) & said), bool((rt - lt) & said)
    if in_left == in_right:
        return ""
    return " ".join(left if in_left else right).strip(" ,;:-")


_WHICH_NOUN = re.compile(r"^(?:which|what)\s+(?:(?:kind|type|sort|style|genre)s?\s+of\s+)?([a-z][\w-]*)\b",
                         re.IGNORECASE)

def which_kind(question: str, sentence: str) -> str:
    """For "Which show did Deb go to?" or "What kind of music…?": the phrase in ``sentence``
    that names the asked-for noun with the words that tell which one ("an art show"), when the
    sentence has a qualifier the question does not; else ""."""
    m = _WHICH_NOUN.match(question.strip())
    if not m or norm(m.group(1)) in AUXILIARIES:
        return ""
    head = term(norm(m.group(1)))
    q_terms = set(content_terms(question))
    words = sentence.split()
    for k, w in enumerate(words):
        if term(norm(w)) != head:
            continue
        j = k
        while j > 0 and k - j < 3 and norm(words[j - 1]) not in EDGE and norm(words[j - 1]) not in STOPWORDS \
                and term(norm(words[j - 1])) not in q_terms and norm(words[j - 1]) not in CHAT_VERBS \
                and not words[j - 1].endswith((",", ".", "!", "?", ":", ";")):
            j -= 1
        mods = content_terms(" ".join(words[j:k]))
        if any(x not in q_terms for x in mods):
            return " ".join(words[j:k + 1]).strip(".,!?;:\"'")
    return ""


def named_instance(question: str, sentence: str, avoid: set[str]) -> str:
    """For "which <noun>" of a sentence that never says the noun, the name it gives: "Which
    hospital is Mum's operation at?" of "… booked for 12 November at St Luke's"."""
    m = _WHICH_NOUN.match(question.strip())
    if not m or norm(m.group(1)) in AUXILIARIES or term(norm(m.group(1))) in {term(norm(w)) for w in sentence.split()}:
        return ""
    q_words = {norm(w) for w in question.split()} | avoid
    for pp in PLACE_PP.finditer(sentence):  # a name the sentence places: "at St Luke's"
        name = pp.group(1)
        if name[:1].isupper() and not {norm(w) for w in name.split()} & (q_words | {*MONTHS, *WEEKDAYS, "i"}):
            return name
    return ""


_CALLED = re.compile(r"\b(?:called|named|nicknamed|titled)\s+[\"“']?(?=[A-Z0-9])")


def called_name(question: str, sentence: str) -> str:
    """For "What fado bar did Ruth like?": the name the sentence gives the thing it calls by
    one of the question's words ("a tiny bar called Tasca do Chico"), else ""."""
    if not _WHICH_NOUN.match(question.strip()):
        return ""
    q_terms = set(content_terms(question))
    for m in _CALLED.finditer(sentence):
        before = sentence[:m.start()].split()[-4:]
        name = PROPER.match(sentence, m.end())
        if name and q_terms & {term(norm(w)) for w in before}:
            return name.group(0)
    return ""
