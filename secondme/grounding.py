"""Whether a written answer is borne out by its sources: the words it adds are in them, and
they are about the person the question names."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from secondme.extractive import choose, label_title, named_in, question_names, strip_label, without_time
from secondme.question_terms import (
    AUXILIARIES,
    IRREGULAR,
    LIGHT_VERBS,
    SHORT_FORMS,
    STOPWORDS,
    content_terms,
    words,
)
from secondme.span_fields import abbreviated, attribute_asked, compounded, measure_words

# A number said in words is the same number in digits ("two dogs" backs "2 dogs").
_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


def _terms(text: str) -> list[str]:
    return [_NUMBERS.get(t, t) for t in content_terms(text)]


def supported(answer: str, sources: Sequence[str], question: str = "") -> bool:
    """Whether the cited ``sources`` hold the key terms of a written ``answer``.

    The answer's own terms (not the question's) must mostly appear in the sources: a number or
    name the model made up, or copied from a source it did not cite, fails.
    """
    q = set(_terms(question))
    terms = [t for t in dict.fromkeys(_terms(answer)) if t not in q]
    if not terms:
        return True  # the answer only restates the question's terms: nothing new to check
    have: set[str] = set()
    for s in sources:
        have.update(_terms(s))
    numbers = [t for t in terms if any(ch.isdigit() for ch in t)]
    if any(t not in have for t in numbers):
        return False  # a number is either in the source or invented
    hits = sum(1 for t in terms if t in have)
    return hits / len(terms) >= 0.6


def people_named(question: str, texts: Sequence[str]) -> set[str]:
    """The people ``question`` names who wrote one of ``texts`` (a chat message's speaker)."""
    return question_names(question, [label_title(t) for t in texts])[0]


def about_the_named(text: str, question: str, backing: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether a written answer's own words come from a source about a person the question
    names: one they wrote (a chat message's speaker) or one that names them. True when the
    question names no one among the sources' authors, or the answer adds no words of its own."""
    people = people_named(question, texts)
    if not people:
        return True
    asked = set(_terms(question))
    own = {t for t in _terms(text) if t not in asked}
    if not own:
        return True
    overlap = [len(own & set(_terms(strip_label(s)))) for s in backing]
    most = max(overlap, default=0)
    if most == 0:
        return True  # nothing to attribute: the support check decides
    # Any source holding as much of the answer as the best one, or half its words, may be the
    # one it was drawn from (a small model's citations are not always the right ones).
    return any(n and (n == most or 2 * n >= len(own))
               and (label_title(s).lower() in people or any(named_in(p, strip_label(s)) for p in people))
               for s, n in zip(backing, overlap, strict=True))


def told_of_another(question: str, texts: Sequence[str], now: float | None = None, *,
                    than: float = 0.0) -> bool:
    """Whether the question's premise is another speaker's story: asked of someone else among
    the sources' authors instead of the person it names, a source sentence would answer it
    ("What did Caroline realize after her charity race?" where Melanie ran the race), with a
    score above ``than``.

    Where no sentence answers the question as asked (``than`` 0): a question that only shares
    few words with its answer ("What is the name of John's dog?" and John's "a beagle named
    Rufus") may still be answered by the model, but not one whose story belongs to someone
    else. Where one does, ``than`` is its score: the named person's nearest sentence ("Joining
    a church can be really encouraging", John's reply to Maria's news) is no answer when
    someone else's sentence answers the question better ("I joined a church to feel closer to
    my faith", Maria's)."""
    titles = [label_title(t) for t in texts]
    people, _others = question_names(question, titles)
    if not people:
        return False
    speakers = {t for t in titles if t and len(t.split()) <= 2 and t.lower() not in people}
    for other in sorted(speakers):
        asked = question
        for p in people:
            asked = re.sub(rf"\b{re.escape(p)}\b", other, asked, flags=re.IGNORECASE)
        found = choose(asked, texts, now=now)
        if found and found[0].score > than:
            return True
    return False


# Words that frame what is asked ("what is the name of", "what kind of"), not what it is about:
# "called him Rufus" answers "What is the name of John's dog?" without the word "name".
# So do words that count, hedge, date or group what is asked about ("multiple", "potentially",
# "current", "items", "activities"), and words for the talk itself ("mentioned", "referring to"): people
# use them to ask, not to tell.
_FRAME = frozenset("""name names kind kinds type types sort sorts thing things way ways reason reasons
aspect aspects subject subjects topic topics item items activity activities
multiple several various different both either between
potentially possibly probably likely usually typically currently ever
current recent recently lately nowadays
frequently often mostly mainly especially apart besides due regarding
consider considered considering
mention mentions mentioned mentioning refer refers referred referring talk talks talked talking
discuss discusses discussed discussing describe describes described describing conversation conversations""".split())


# "What state did Joanna visit?", "Which meat does Audrey prefer?": the words between "what" or
# "which" and the verb name the kind of answer wanted, which memory holds as an instance
# ("Indiana", "chicken"), not by that name. "What kind of X" keeps X: that is what is asked about.
_VERB = rf"(?:{'|'.join(sorted(AUXILIARIES))})\b"
_PAST = rf"(?:\w+ed|{'|'.join(sorted(IRREGULAR))})\b"
_ASKED_KIND = re.compile(rf"\b(?:what|which)\s+((?:(?!{_VERB})[\w'’-]+\s+){{1,4}}?)(?:{_VERB}|{_PAST})",
                         re.IGNORECASE)


def asked_kind(question: str) -> set[str]:
    """The words that name the kind of answer a question wants ("state" in "What state did
    Joanna visit?"), or none where it asks "what kind of …"."""
    m = _ASKED_KIND.search(question)
    if not m or re.search(r"\bof\b", m.group(1), re.IGNORECASE):
        return set()
    return set(words(m.group(1)))


# "buy" is held as "bought", "sell" as "sold": the plain verb's irregular forms.
_PAST_FORMS: dict[str, tuple[str, ...]] = {
    plain: tuple(past for past, p in IRREGULAR.items() if p == plain) for plain in set(IRREGULAR.values())}
# "operation" is held as "op" in "knee op is booked": the shorthand notes write for a word.
_SHORTENED: dict[str, tuple[str, ...]] = {
    full: tuple(short for short, f in SHORT_FORMS.items() if f == full) for full in set(SHORT_FORMS.values())}


_PARTICLES = frozenset("back up off out over away down around".split())


def unfamiliar(question: str, texts: Sequence[str], knows: Callable[[str], bool],
               now: float | None = None) -> list[str]:
    """The words of ``question`` that memory has never held (``knows`` says whether it has),
    leaving aside its time phrase and the people it names: "What is the name of Maria's second
    kitten?" asked of a memory that only ever mentions her puppy gives ["kitten"]. A question
    built on something never said is not answered from the nearest text."""
    people = people_named(question, texts)
    # "How long", "how far", "how often": the word after "how" asks for a measure, it is no premise.
    kind = asked_kind(question) | set(re.findall(r"\bhow\s+(\w+)", question.lower())) | attribute_asked(question)
    measures = measure_words(question)
    asked = words(without_time(question, texts, now))
    # "pushed back", "set up": a verb's particle, not a thing memory must hold.
    particles = {w for k, w in enumerate(asked) if k and w in _PARTICLES
                 and (asked[k - 1].endswith(("ed", "ing")) or asked[k - 1] in LIGHT_VERBS)}
    bodies = [strip_label(t) for t in texts]
    out: list[str] = []
    for w in dict.fromkeys(asked):
        if w in STOPWORDS or w in _FRAME or w in LIGHT_VERBS or w in measures or w in kind or w in people \
                or w in particles or len(w) < 2 or w.isdigit():
            continue
        if not any(_held_as(form, knows) for form in (w, *plain_forms(w))) \
                and not any(abbreviated(w, b) or compounded(w, b) for b in bodies):
            out.append(w)
    return out


def _held_as(w: str, knows: Callable[[str], bool]) -> bool:
    """Whether memory holds ``w``, its plain verb ("went" for "go"), a past form of it or the
    shorthand notes write it in ("op" for "operation")."""
    return knows(w) or (w in IRREGULAR and knows(IRREGULAR[w])) or any(
        knows(p) for p in (*_PAST_FORMS.get(w, ()), *_SHORTENED.get(w, ())))


def plain_forms(w: str) -> tuple[str, ...]:
    """The plain verbs an "-ing" or "-s" form may come from: "going" -> "go", "making" ->
    "make", "running" -> "run", "pays" -> "pay". Memory says "I went" where the question
    asks "Where am I going?"; the word's first letters alone would not find it."""
    if w.endswith("ing") and len(w) > 4:
        stem = w[:-3]
        forms = [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.append(stem[:-1])
        return tuple(forms)
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return (w[:-1],)
    return ()
