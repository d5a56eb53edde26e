"""Extractive answers: the sentences of the cited sources that answer a question.

A very small chat model (SmolLM2-135M, the default) retrieves well but writes badly: it copies
the wrong number, or loops. Quoting the source's own sentence is always honest, so below a size
threshold we answer by choosing sentences, and a larger model's answer that its sources do not
support falls back to the same quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from secondme.memory.question_form import asks_list
from secondme.memory.timeparse import parse_time
from secondme.note_lines import NAME_IN, plain, split_sentences, under_headings
from secondme.question_terms import (
    _CAPITALIZED,
    _DATE_WORDS,
    _DIGIT,
    LIGHT_VERBS,
    STOPWORDS,
    content_terms,
    question_kind,
    term,
    word_form_in,
    words,
)
from secondme.replies import REPLY_SENTENCES, context_of, contrasts, replies_to
from secondme.span_fields import (
    SELF_EVIDENT,
    abbreviated,
    asks_measure,
    asks_price,
    asks_time_of_day,
    attribute_asked,
    compounded,
    field_value,
    label_fits,
    labelled,
    measure_span,
    measure_words,
    named_value,
    priced,
    shaped_answer,
    short_date_in,
    time_of_day,
)
from secondme.span_words import NUMBER_WORDS
from secondme.when_said import LABEL_DATE, day_text, label_date, resolve_when


@dataclass(frozen=True)
class Quote:
    """One sentence chosen from a source, with the question terms it contains."""

    source: int      # 0-based index into the texts given
    sentence: str
    score: float
    matched: tuple[str, ...]
    when: str = ""   # for a "when" question: the date the sentence's event happened
    span: str = ""   # the short part of the sentence that answers ("" when none is clear)


def asks_when(question: str) -> bool:
    """Whether a question asks for a time or date ("When did…?")."""
    return _expects(question) == "date"


def _expects(question: str) -> str:
    kind = question_kind(question)
    return kind if kind in ("number", "date", "place", "person") else ""


_SHORT_DAY = re.compile(r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b")
# A number said as one: "£412", "5k", "2 scoops"; not the digits of a code ("TP1357").
_AMOUNT = re.compile(r"(?<!\w)\d")


def _has(kind: str, sentence: str) -> bool:
    if kind == "number":
        return bool(_AMOUNT.search(sentence))
    if kind == "date":
        ws = set(words(sentence))
        # "cleaner, Thursdays": a weekday said of every week is a day too, and "Day: Fri" one in short.
        return bool(_DIGIT.search(sentence)) or bool(ws & _DATE_WORDS) or any(
            w[:-1] in _DATE_WORDS for w in ws if w.endswith("days")) or bool(_SHORT_DAY.search(sentence))
    if kind in ("place", "person"):
        return bool(_CAPITALIZED.search(sentence))
    return False


def dated_by_label_only(q: Quote, text: str) -> bool:
    """Whether a quote's date is only the day its source was written: its sentence names no
    time of its own ("The oil change is due at 45,000 km")."""
    said = label_date(text)
    return bool(q.when) and said is not None and q.when == day_text(said)


def strip_label(text: str) -> str:
    """The body of a source as given to the model ("Title (date): body") without its label."""
    head, sep, body = text.partition(": ")
    return body if sep and len(head) < 200 and "\n" not in head else text


def label_title(text: str) -> str:
    """The title of a source's label without its date: a memory's speaker, a note's title."""
    head, sep, _body = text.partition(": ")
    if not sep or len(head) >= 200 or "\n" in head:
        return ""
    return LABEL_DATE.sub("", head).strip()


_NAME_WORD = re.compile(r"\b([A-Z][\w'’-]*?)(?:['’]s)?\b")
_VOCATIVE_BEFORE = re.compile(
    r"(?:^|[,!.?;:]\s*|\b(?:hey|hi|hello|thanks|thank you|congrats|congratulations|wow|yeah|yes|oh|"
    r"so|well|dear|bye|ok|okay|aw|aww|haha|hahaha|man|dude|sorry|woah|whoa|yay|omg|ah|ahh|ooh|"
    r"hmm|hiya|howdy|cheers|phew|gosh|geez|lol|morning|good morning|good night|hey there|hi there)"
    r"[,!]?\s+)$", re.IGNORECASE)


_CAPTION = re.compile(r"\s*\[(?:shares?|sharing|sent|sends)\b[^\]]*\]?\s*$", re.IGNORECASE)
_TO_ADDRESSEE = re.compile(r"^(?:congrats|congratulations|sorry to hear|good luck|well done|"
                           r"happy for you|proud of you)\b", re.IGNORECASE)


_FIRST_PERSON = frozenset("i me my mine myself we us our ours ourselves".split())


def about_someone_else(sentence: str) -> bool:
    """Whether a sentence says nothing of the speaker and is about someone else: it calls the
    person spoken to by name ("Wow, John, awesome job!") or opens with he/she/they ("She had a
    tough time, losing her job"). Its words then answer nothing about the one who said it."""
    ws = words(sentence.replace("’", "'").replace("'", " "))
    if set(ws) & _FIRST_PERSON:
        return False
    if ws and ws[0] in ("he", "she", "they"):
        return True
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence):
        after = sentence[m.end():m.end() + 2]
        if m.start() > 0 and m.group(0) != "I" and _VOCATIVE_BEFORE.search(sentence[:m.start()]) and (
                not after.strip() or after.lstrip()[:1] in ",!.?"):
            return True
    return False


def _about_addressee(sentence: str, matched: Sequence[str], name_terms: set[str]) -> bool:
    """Whether a sentence is about the person spoken to rather than the speaker: it opens with
    "Congrats"/"Sorry to hear", calls them by name without a word of the speaker's own, or the
    question's terms appear in it only as "your …"."""
    if _TO_ADDRESSEE.match(sentence.strip()) or about_someone_else(sentence):
        return True
    terms = [t for t in matched if t not in name_terms]
    if not terms:
        return False
    ws = words(sentence)
    for t in terms:
        at = [k for k, w in enumerate(ws) if term(w) == t]
        if not at or any(k == 0 or ws[k - 1] not in ("your", "you", "yours") for k in at):
            return False
    return True


def question_names(question: str, titles: Sequence[str]) -> tuple[set[str], set[str]]:
    """The people and other proper nouns a question names: (speaker names, other names).

    A speaker name is a question word that is the whole title of some source (a chat's
    speaker); other capitalized words (not the first, not months or days) are other names."""
    speakers = {t.lower() for t in titles if t and len(t.split()) <= 2}
    people: set[str] = set()
    others: set[str] = set()
    for m in _NAME_WORD.finditer(question):
        w = m.group(1).rstrip("'’")
        low = w.lower()
        if low in speakers:
            people.add(low)
        elif m.start() > 0 and low not in STOPWORDS and low not in _DATE_WORDS and len(w) > 1 \
                and low not in ("i",):
            others.add(low)
    return people, others


def named_in(name: str, sentence: str) -> bool:
    """Whether ``sentence`` names ``name`` as someone it is about, not only as the person
    spoken to ("Thanks, Melanie!", "Hey Mel")."""
    for m in re.finditer(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE):
        after = sentence[m.end():m.end() + 2]
        addressed = bool(_VOCATIVE_BEFORE.search(sentence[:m.start()])) and (
            not after.strip() or after.lstrip()[:1] in ",!.?")
        if not addressed:
            return True
    return False


def choose(question: str, texts: Sequence[str], *, max_sentences: int = 2,
           min_coverage: float = 0.3, now: float | None = None,
           asked: Sequence[str] | None = None) -> list[Quote]:
    """The best sentences answering ``question`` from ``texts`` (ranked sources), or none.

    A sentence scores by the question's terms it holds, each weighted by how rare it is among
    the candidate sentences, plus a bonus when it holds the kind of value asked for (a number
    for "how much", a date for "when"). The source's title (a message's speaker) counts as
    said in each of its sentences: "When did Melanie go to the park?" is answered by Melanie's
    "I took my kids to a park yesterday". A sentence that is itself a question scores low: the
    person's own earlier questions are remembered too, and are never answers.

    The people a question names must be the ones the evidence is about: a sentence qualifies
    only when one of them said it or it names one of them (not merely addressing them), and a
    question naming someone or something no source mentions is not answered. A question whose
    premise puts the wrong person in someone else's story is answered "not found", not with the
    other person's words.

    A time phrase in the question ("on 9 July, 2022", "last year", relative to ``now``) is
    matched against the day each source was written, not against its words.

    ``asked`` holds, for each text, the question it replies to ("" for none): a reply's first
    sentences are about what it was asked, as a note's lines are about their heading ("Been
    doing it for 3 years" after "How long have you been doing yoga?" is about yoga).
    """
    said = [label_date(t) for t in texts]
    question, in_range = _time_scope(question, said, now)
    q_terms = list(dict.fromkeys(content_terms(question)))
    # "What is my landlord's phone number?": the attribute asked is not said beside its value.
    unsaid = {term(w) for w in (attribute_asked(question) & SELF_EVIDENT) | measure_words(question)}
    q_terms = [t for t in q_terms if t not in unsaid] or q_terms
    if not q_terms:
        return []
    titles = [label_title(t) for t in texts]
    people, others = question_names(question, titles)
    # A phone number, e-mail or website asked for is in the sentence that answers, or nowhere.
    expects = _expects(question)
    candidates = _candidates(texts, titles, people, others, asked or (), replies_to(
        question, q_terms, people, lambda s: (bool(expects) and _has(expects, s)) or bool(measure_span(question, s))))
    if shaped_answer(question, "") is not None:
        candidates = [c for c in candidates if shaped_answer(question, c[1])]
    elif asks_measure(question):
        candidates = [c for c in candidates if measure_span(question, c[1])]
    if not candidates:
        return []
    # "What is Maya allergic to?" of notes (no source is by Maya): a line naming Maya is no
    # answer by her name alone, unless names are all the question holds ("Who is Priya Shah?").
    # A question about someone a source is by keeps the other names it uses as evidence ("What
    # was Dave doing in San Francisco?").
    asked_of = set(q_terms) - {t for o in others for t in content_terms(o)} - {term(v) for v in LIGHT_VERBS}
    named = people or (others if asked_of else set())
    scoring = _Scoring.of(question, q_terms, candidates, people, titles, in_range, min_coverage, named)
    scored = sorted((q for c in candidates if (q := scoring.score(*c)) is not None), key=lambda q: q.score,
                    reverse=True)
    return [_quoted(q, question, texts, said, titles, people, scoring.expects)
            for q in _pick(scored, question, max_sentences)]


def without_time(question: str, texts: Sequence[str], now: float | None = None) -> str:
    """``question`` without its time phrase ("on 9 July, 2022", "last year"), which is matched
    against the days the sources were said, not against their words."""
    return _time_scope(question, [label_date(t) for t in texts], now)[0]


def _time_scope(question: str, said: Sequence[datetime | None], now: float | None) -> tuple[str, list[bool]]:
    """The question without its time phrase; for each source, whether it was said in that range."""
    ref = datetime.fromtimestamp(now) if now is not None else (
        max(d for d in said if d) + timedelta(days=1) if any(said) else datetime.now())
    tr = parse_time(question, ref)
    if tr is None:
        return question, [False] * len(said)
    slack = max(2 * 86400.0, 0.25 * (tr.until - tr.since))
    return tr.strip(question), [d is not None and tr.since - 86400.0 <= d.timestamp() < tr.until + slack
                                for d in said]


def _candidates(texts: Sequence[str], titles: Sequence[str], people: set[str], others: set[str],
                asked: Sequence[str] = (), replies: Callable[[str, set[str]], bool] | None = None,
                ) -> list[tuple[int, str, set[str]]]:
    """(source, sentence, its terms) for each sentence that may answer the question."""
    candidates: list[tuple[int, str, set[str]]] = []
    for i, text in enumerate(texts):
        # What a reply was asked counts as said in its first sentences, not the names in it:
        # being asked about someone is no evidence about them.
        replied = context_of(asked[i], people) if i < len(asked) and asked[i] else set()
        body = plain(strip_label(text))
        by = set(content_terms(titles[i])) if titles[i].lower() in people else set()
        # Every other name the question uses must be in this source (a pet, a town, a band),
        # its title included ("Japan trip, April 2025" is about Japan in every line).
        low = f"{titles[i]} {body}".lower()
        if others and not any(re.search(rf"\b{re.escape(o)}", low) for o in others):
            continue
        # A note's title and the heading a line sits under say what the line is about.
        titled = by | set(content_terms(titles[i]))
        for n, (sent, heading) in enumerate(under_headings(body)):
            if len(sent) < 3:
                continue
            if people and not by and not any(named_in(p, sent) for p in people):
                continue
            own = set(content_terms(sent))
            context = replied if n < REPLY_SENTENCES and replies is not None and replies(sent, own) else set()
            candidates.append((i, sent, own | titled | heading | context))
    return candidates


_COUNT = re.compile(r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


# A note's to-do that asks rather than tells: "ask Ruth about the bar she liked", "find out
# which hotel Ben used" (what comes before it may still tell: "Check-in after 2pm; ask…").
_TODO = re.compile(r"(?:^|[;:—–]\s*|^\s*[-*•]\s+|\b(?:and|to|must|should|need to)\s+)(?:ask|check with|find out|"
                   r"remember to ask|email|text|message|call)\s+(?:\w+\s+)?(?:about|what|which|where|when|who|"
                   r"whether|if|how)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Scoring:
    """How candidate sentences score: the question's terms weighted by rarity among them."""

    q_terms: list[str]
    weight: dict[str, float]
    total: float
    expects: str
    q_words: set[str]
    name_terms: set[str]
    people: set[str]
    titles: Sequence[str]
    in_range: Sequence[bool]
    min_coverage: float
    question: str = ""

    @classmethod
    def of(cls, question: str, q_terms: list[str], candidates: Sequence[tuple[int, str, set[str]]],
           people: set[str], titles: Sequence[str], in_range: Sequence[bool], min_coverage: float,
           names: set[str]) -> _Scoring:
        """``people``: the question's names that sources are by; ``names``: those whose mention
        alone is no evidence."""
        df = {t: sum(1 for _, _, ts in candidates if t in ts) for t in q_terms}
        weight = {t: math.log(1 + len(candidates) / (1 + df[t])) + 0.5 for t in q_terms}
        name_terms = {t for p in names for t in content_terms(p)}
        # "taking" in "What train are we taking to Vienna?" says less than "train" does, however
        # rare it is among the lines (every row of a trains table says "train").
        nouns = [weight[t] for t in q_terms if t not in LIGHT_VERBS and t not in name_terms]
        for t in q_terms:
            if t in LIGHT_VERBS and nouns:
                weight[t] = min(weight[t], min(nouns))
        return cls(q_terms, weight, sum(weight.values()), _expects(question), set(content_terms(question)),
                   name_terms, people, titles, in_range, min_coverage, question)

    def score(self, i: int, s: str, ts: set[str]) -> Quote | None:
        # Notes are matched by word form too ("move" and "moved", "eat" and "eats"). A question
        # about someone a source is by is held to the stems: measured on LoCoMo, "organize"
        # meeting "organized" answered wrong-premise questions (category 5, 0.825 -> 0.775).
        matched = tuple(t for t in self.q_terms if t in ts or (not self.people and word_form_in(t, ts))
                        or abbreviated(t, s) or compounded(t, s) or short_date_in(t, ts))
        if not self._may_answer(i, s, matched):
            return None
        coverage = sum(self.weight[t] for t in matched) / self.total
        # Being said by the person named is context, not evidence: the question's other terms
        # must be covered on their own.
        rest = self.total - sum(self.weight[t] for t in self.name_terms if t in self.weight)
        own = sum(self.weight[t] for t in matched if t not in self.name_terms)
        if coverage < self.min_coverage or (rest > 0 and own / rest < self.min_coverage):
            return None
        # Of two lines alike (a table row's cells), the one saying the question's words itself.
        said = sum(1 for t in matched if re.search(rf"\b{re.escape(t)}", s, re.IGNORECASE))
        return Quote(i, s, self._adjusted(coverage, i, s) + 0.02 * said, matched)

    def _may_answer(self, i: int, s: str, matched: tuple[str, ...]) -> bool:
        # The name alone is no evidence: something the question asks about must be there too.
        if not [t for t in matched if t not in self.name_terms]:
            return False
        if contrasts(self.question, s):
            return False  # "low-impact exercises" answer nothing about "high-impact" ones
        said_part = _CAPTION.sub("", s).rstrip().rstrip("\"”'")
        if said_part.endswith("?"):
            return False  # a question (the person's own, or asked of them) never answers one
        todo = _TODO.search(said_part)
        told = set(content_terms(said_part[:todo.start()])) if todo else set()
        if todo and not any(t in told or word_form_in(t, told) for t in matched if t not in self.name_terms):
            return False  # "ask Marta about the café she loved" asks, like a question
        # "Sorry to hear about your job": the named speaker talks of someone else.
        # A note's "Location: The Lamb, Holborn" calls no one by name.
        return not (self.people and self.titles[i].lower() in self.people and labelled(said_part) is None
                    and _about_addressee(said_part, matched, self.name_terms))

    def _adjusted(self, coverage: float, i: int, s: str) -> float:
        score = coverage
        holds_value = bool(self.expects) and _has(self.expects, s)
        if asks_time_of_day(self.question):
            holds_value = bool(time_of_day(s))  # "What time…?" is a clock time, not "Tue 16 Mar"
        elif asks_price(self.question):
            holds_value = priced(self.question, s)  # "How much were the trains?" is no "RJX 261"
        if holds_value:
            score += 0.35
        if self.in_range[i]:
            score += 0.2  # said on the day (or in the range) the question names
        # "Day: Mon" answers no "What does Isla do on Monday?"; "What: Brownies 6pm" does.
        asked_kind = self.expects or ("thing" if question_kind(self.question) == "thing" else "")
        fits = label_fits(asked_kind, s) if asked_kind else None
        # "Project: new website" is labelled with what is asked, but holds no amount for "How much…?"
        labelled_asked = bool(field_value(self.question, s) or named_value(self.question, s)) and (
            self.expects != "number" or holds_value)
        if labelled_asked or fits or measure_span(self.question, s):
            score += 0.2  # "Things to pack: …" is labelled with what is asked
        elif fits is False:
            score *= 0.5  # "Date: 6 June 2027" does not say where the wedding is
        own = set(content_terms(s))
        new = {w for w in own - self.q_words if not word_form_in(w, self.q_words)}  # "liked" is "like"
        if own and len(new) <= 1 and not holds_value and not labelled_asked:
            # Restates the question and adds nothing; unless what it adds is the value asked
            # for ("I signed up for a pottery class yesterday" answers "When did …").
            score *= 0.3
        score *= 1.0 - 0.03 * min(i, 10)  # the search ranked the sources: a light tie-break
        long_words = len(s.split())
        if long_words > 40:
            score *= (40 / long_words) ** 0.5
        return score


def _pick(scored: Sequence[Quote], question: str, max_sentences: int) -> list[Quote]:
    if not scored:
        return []
    best = scored[0].score
    # A second sentence only when it is nearly as good: it usually completes the first. A
    # question asking for several things takes a few more, each a part of the answer.
    many, near = (max(max_sentences, 3), 0.6) if asks_list(question) else (max_sentences, 0.8)
    picked = [scored[0]]
    for q in scored[1:]:
        if len(picked) >= many or q.score < near * best:
            break
        if q.sentence not in {p.sentence for p in picked}:
            picked.append(q)
    return picked


def _quoted(q: Quote, question: str, texts: Sequence[str], said: Sequence[datetime | None],
            titles: Sequence[str], people: set[str], expects: str) -> Quote:
    """A picked quote with the date its event happened (a "when" question) and its short span."""
    from secondme.spans import short_answer  # spans builds on this module's word helpers

    day = said[q.source] if expects == "date" else None
    when = resolve_when(q.sentence, day) if day else ""
    avoid = {*people, titles[q.source].lower()}
    sentence = q.sentence
    body = plain(strip_label(texts[q.source]))
    nxt = continuation(sentence, body)
    after = _next_sentence(sentence, body)
    value = {"person": NAME_IN, "number": _COUNT}.get(expects)
    if value is not None and after and not value.search(sentence) and value.search(after):
        # "Interview went well. Panel was Hannah Reid and two engineers." asked "Who
        # interviewed me?": the sentence naming no one sets the scene, the next names them
        # (and "Project: new website. Fixed fee £3,800" gives the amount asked).
        sentence = f"{sentence} {after}"
        span = short_answer(question, after, avoid=avoid)
    elif nxt and question_kind(question) == "thing" and adds_little(question, sentence):
        # "I went to a council meeting for adoption. It was inspiring - so many people
        # wanted to create loving homes": the first sentence only sets the scene the
        # question names; what happened there is said in the one that goes on from it.
        sentence = f"{sentence} {nxt}"
        span = short_answer(question, nxt, avoid=avoid) or nxt
    else:
        span = short_answer(question, sentence, when, avoid=avoid)
    return Quote(q.source, sentence, q.score, q.matched, when, span)


_ANAPHOR = re.compile(r"^(?:it|they|this|that|these|those|he|she|there)\b", re.IGNORECASE)
# Words that carry no answer of their own: saying, going, doing (and the time words).
_LIGHT = frozenset(term(w) for w in "went go going got get did do done had have make made really "
                   "just one thing things lot bit".split()) | {term(w) for w in _DATE_WORDS}


def continuation(sentence: str, body: str) -> str:
    """The sentence after ``sentence`` in ``body`` when it goes on about the same thing
    (it opens with "It", "They", "That"...), else ""."""
    nxt = _next_sentence(sentence, body)
    return nxt if _ANAPHOR.match(nxt) and not nxt.rstrip().endswith("?") else ""


def _next_sentence(sentence: str, body: str) -> str:
    """The sentence after ``sentence`` in ``body`` (not a question), else ""."""
    sents = split_sentences(body)
    for k, s in enumerate(sents[:-1]):
        if s == sentence:
            return "" if sents[k + 1].rstrip().endswith("?") else sents[k + 1]
    return ""


def adds_little(question: str, sentence: str) -> bool:
    """Whether ``sentence`` says hardly more than the question already does: at most
    three meaningful words of its own (time words and light verbs not counted)."""
    own = set(content_terms(sentence)) - set(content_terms(question)) - _LIGHT
    return len(own) <= 3
