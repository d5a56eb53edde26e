"""Grounded answers: recall, then let the local model answer from numbered sources only."""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from secondme import extractive, places
from secondme.concise import trim_restatement
from secondme.grounding import about_the_named, people_named, supported, told_of_another, unfamiliar
from secondme.question_terms import asks_judgment, content_terms, offers_choice, question_kind
from secondme.replies import another_kind_only
from secondme.results import HL_END, HL_START, Answer, SearchHit
from secondme.when_said import LABEL_DAY

log = logging.getLogger("secondme.answer")

ABSTAIN = "I don't find that in your memory."

SYSTEM = (
    "You are Second Me, the user's private memory assistant. Answer the question using only "
    "the numbered sources below, in as few words as the question needs (a name, a number, a "
    "date or a short phrase), and cite them like [1]. Do not repeat the sources. Each source "
    "begins with who wrote it and the day it was written. If the sources do not contain the "
    f"answer, reply exactly: {ABSTAIN}"
)
# For a question that asks what is likely ("Would Dana enjoy Iceland?"): the model may judge
# from what the sources tell of the person, and gives its grounds. What the answer starts with
# depends on the question: a "Yes" to "What job might she take?" says nothing.
_JUDGE = (
    "You are Second Me, the user's private memory assistant. The question asks what is likely, "
    "which the numbered sources below may not say in so many words: judge from what they tell "
    "about the person. {how} Each source begins with who wrote it and the day it was written. "
    f"If nothing in the sources bears on the question, reply exactly: {ABSTAIN}"
)
_JUDGE_HOW = {
    "yesno": "Start with Yes or No, then give the reason from the sources in a few words, citing "
             "them like [1].",
    "choice": "Name the option the sources point to, then the reason in a few words, citing them "
              "like [1].",
    "other": "Name the most likely answer in a few words (a name, a thing or a short phrase), then "
             "the reason from the sources in a few words, citing them like [1].",
}


def judge_prompt(question: str) -> str:
    """The instructions for a question that asks what is likely (see :func:`asks_judgment`)."""
    if offers_choice(question):
        return _JUDGE.format(how=_JUDGE_HOW["choice"])
    return _JUDGE.format(how=_JUDGE_HOW["yesno" if question_kind(question) == "yesno" else "other"])


_CITE = re.compile(r"\[(\d{1,2})\]")


def _plain(s: str) -> str:
    return s.replace(HL_START, "").replace(HL_END, "")


def cited(text: str, n: int) -> list[int]:
    """The source numbers an answer cites, in order of first citation."""
    seen: list[int] = []
    for m in _CITE.finditer(text):
        i = int(m.group(1))
        if 1 <= i <= n and i not in seen:
            seen.append(i)
    return seen


# Below this many parameters a chat model does not write grounded answers reliably (measured:
# SmolLM2-135M gave wrong figures and loops although the right sources were retrieved).
MIN_GENERATIVE_PARAMS = 400_000_000
# Without a parameter count in the header, a Q4 file this small is such a model.
_MIN_GENERATIVE_FILE_BYTES = 250_000_000

EXTRACTIVE = "extractive"
GENERATED = "generated"
INFERRED = "inferred"  # a written judgment the sources point to but do not state


def writes_answers(model: Any) -> bool:
    """Whether ``model`` is large enough to write answers (else answers are quoted)."""
    try:
        info = model.info
    except Exception as exc:  # an unreadable header: the quoting path is the safe one
        log.info("model header unreadable (%s): answering by quoting", exc)
        log.debug("model header error", exc_info=True)
        return False
    params = getattr(info, "parameter_count", None)
    if params:
        return int(params) >= MIN_GENERATIVE_PARAMS
    return int(getattr(info, "file_size", 0)) >= _MIN_GENERATIVE_FILE_BYTES


def extractive_answer(question: str, hits: Sequence[SearchHit], texts: Sequence[str],
                      on_token: Callable[[str], None] | None = None, now: float | None = None,
                      quotes: Sequence[extractive.Quote] | None = None,
                      asked: Sequence[str] | None = None) -> Answer:
    """The short answer and the sentences of the sources it comes from, with citations.

    ``now`` is the question's own date (time phrases in it resolve against it); ``quotes`` are
    :func:`extractive.choose`'s for these texts when the caller has them already; ``asked``
    holds, for each text, the question it replies to (see :func:`extractive.choose`)."""
    if quotes is None:
        quotes = _quotes(question, hits, texts, now, asked)[0]
    if not quotes:
        return _abstain(on_token, EXTRACTIVE)
    order: list[int] = []
    for q in quotes:
        if q.source not in order:
            order.append(q.source)
    # A "when" question gets the date first (resolved from "yesterday", "last Saturday"... and
    # the day the source was written), then the sentence it comes from.
    lines = [(f"{q.when}: " if q.when else "") + f"{q.sentence} [{order.index(q.source) + 1}]"
             for q in quotes]
    support: tuple[str, ...] = ()
    best = quotes[0]
    if best.span:
        # The short answer leads ("7 May 2023", "adoption agencies"); the sentences it was taken
        # from follow as its cited support, so the person sees both the answer and its source.
        # A question asking for several things gets each quote's span, each with its citation.
        parts = quotes if extractive.asks_list(question) else [best]
        spans: list[str] = []
        for q in parts:
            span = _regional(question, q.span)
            if span and span.lower() not in {x.split(" [")[0].lower() for x in spans}:
                spans.append(f"{span} [{order.index(q.source) + 1}]")
        text = "; ".join(spans)
        support = tuple(f"{q.sentence} [{order.index(q.source) + 1}]" for q in quotes)
    else:
        text = "\n".join(lines)
    if on_token is not None:
        on_token(text)
    terms = {w for q in quotes for w in extractive.words(q.sentence)
             if extractive.term(w) in q.matched}
    return Answer(text, tuple(hits[i] for i in order), mode=EXTRACTIVE,
                  highlights=tuple(sorted(terms)), support=support)


# How much better another speaker's sentence must answer a question for it to be their story.
_ANOTHERS_MARGIN = 1.1


def _quotes(question: str, hits: Sequence[SearchHit], texts: Sequence[str],
            now: float | None, asked: Sequence[str] | None = None) -> tuple[list[extractive.Quote], bool]:
    """The sentences that answer ``question`` about the person it names, and whether they were
    withheld because the question is someone else's story: asked of another speaker, a
    sentence answers it better by a clear margin. Two people who both ran a 5K score alike:
    the named one's own sentence answers."""
    quotes = _noted(extractive.choose(question, texts, now=now, asked=asked), hits, texts)
    if quotes and told_of_another(question, texts, now, than=_ANOTHERS_MARGIN * quotes[0].score):
        log.debug("another speaker's sentence answers the question better: not quoting")
        return [], True
    return quotes, False


def _noted(quotes: Sequence[extractive.Quote], hits: Sequence[SearchHit],
           texts: Sequence[str]) -> list[extractive.Quote]:
    """The quotes, without a date for a note's sentence that names no time of its own: a
    note's date is the day it was saved, not when what it says happens ("The oil change is due
    at 45,000 km" answers "When is the oil change due?" by itself)."""
    out = []
    for q in quotes:
        if hits[q.source].kind == "chunk" and extractive.dated_by_label_only(q, texts[q.source]):
            q = dataclasses.replace(q, when="", span="" if q.span == q.when else q.span)
        out.append(q)
    return out


def answer(
    question: str,
    hits: Sequence[SearchHit],
    model: Any,
    texts: Sequence[str],
    *,
    on_token: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    max_tokens: int = 320,
    mode: str = "auto",
    now: float | None = None,
    knows: Callable[[str], bool] | None = None,
    asked: Sequence[str] | None = None,
) -> Answer:
    """Answer ``question`` from ``texts`` (one per hit); abstain on no hits.

    ``mode``: "auto" quotes the sources with a model too small to write (see
    :func:`writes_answers`) and lets a larger one write; "extractive" always quotes. A written
    answer drawn from sources about someone other than the person the question names abstains;
    one whose cited sources do not hold its key terms, or that copies a source, falls back to
    quoting; what is shown drops the words that only restate the question.

    A question holding a word memory has never held (``knows`` says whether it has: "What cult
    did Tim join?") abstains in every mode. Where no source sentence holds the question's terms
    about the person it names, the model still answers a question that shares few words with
    its answer ("What is the name of John's dog?" and John's "a beagle named Rufus") when it is
    not someone else's story. Without ``knows`` such a question abstains. ``asked`` holds,
    for each text, the question it replies to, if any ("" if none).

    A question that asks what is likely of someone a source is by ("Would Caroline enjoy
    Vivaldi?", see :func:`asks_judgment`) is not held to the never-held-word check when a model
    writes: the model judges it from the sources (:func:`judge_prompt`), and the answer's mode
    is "inferred". Quoting cannot judge, so in that mode it is checked as any question.
    """
    if not hits:
        return _abstain(on_token)
    quoting = mode == EXTRACTIVE or (mode == "auto" and not writes_answers(model))
    # "Would Caroline enjoy Vivaldi?" asks a model to judge from what memory holds of someone
    # it knows: "Vivaldi" is the hypothesis, never a premise to find in memory. Quoting cannot
    # judge, so without a model such a question is checked as any other.
    judging = not quoting and asks_judgment(question) and bool(people_named(question, texts))
    if not judging and ((knows is not None and _never_said(question, texts, knows, now))
                        or another_kind_only(question, texts)):
        # "What cult did Tim join?" of a memory that never held "cult": built on something
        # never said, it is not answered from the nearest sentence ("I started learning an
        # instrument"), quoted or written. Nor "high-impact exercises" of sources that only
        # speak of "low-impact" ones: a model lists those (measured on LoCoMo with the 1.5B).
        return _abstain(on_token, EXTRACTIVE if quoting else GENERATED)
    if quoting:
        return extractive_answer(question, hits, texts, on_token, now=now, asked=asked)
    quotes, anothers = _quotes(question, hits, texts, now, asked)
    if quotes and extractive.asks_when(question) and (quotes[0].when or quotes[0].span):
        # A date is arithmetic on the day a source was written ("yesterday" said on 8 May is
        # 7 May), which small models get wrong or dodge by copying the source (measured on
        # LoCoMo's temporal questions with the 0.5B): the resolved date, quoted and cited.
        return extractive_answer(question, hits, texts, on_token, now=now, quotes=quotes)
    # A story found to be another's already fails the premise: not asked of them again.
    if not quotes and (anothers or not _premise_holds(question, texts, knows, now)):
        return _abstain(on_token, GENERATED)
    numbered = [f"[{i}] {t}" for i, t in enumerate(texts, 1)]
    fitted = model.fit_context(judge_prompt(question) if judging else SYSTEM, numbered, question, reserve_tokens=max_tokens)
    comp = model.generate(fitted.messages(), max_tokens=max_tokens, on_token=on_token, cancel=cancel)
    text = comp.text.strip()
    kept = len(fitted.context)
    nums = cited(text, kept)
    text, abstained = _declined(text, judging)
    if not abstained and not comp.cancelled:
        if judging:
            text = _judgment(text, question)
        given = nums
        text, nums = _recited(text, nums, texts[:kept], question)
        backing = [texts[i - 1] for i in nums] if nums else list(texts[:kept])
        instead = _checked(text, question, backing, hits, texts, now, quotes, moved=bool(given) and nums != given,
                           judging=judging)
        if instead is not None:
            if on_token is not None:
                on_token("\n\n" + instead.text)
            return instead
        # Small models restate the question before answering it ("Tim joined a fantasy
        # literature forum"): the answer shown is what the question asked for.
        text = trim_restatement(text, question, names=[extractive.label_title(t) for t in texts])
        text = _regional(question, text)
    if abstained:
        citations: tuple[SearchHit, ...] = ()
    elif nums:
        citations = tuple(hits[i - 1] for i in nums)
        text = _renumbered(text, nums)
    else:
        # A small model often forgets the markers: show what it was given, in rank order.
        citations = tuple(hits[:kept])
    return Answer(text, citations, abstained=abstained, cancelled=comp.cancelled,
                  mode=INFERRED if judging and not abstained else GENERATED)


def _regional(question: str, text: str) -> str:
    """``text`` with a city given as the country or state the question asks for (see
    :mod:`secondme.places`); the table is read only for such questions."""
    return places.as_region(question, text, places.bundled()) if places.asked_region(question) else text


def _abstain(on_token: Callable[[str], None] | None, mode: str = GENERATED) -> Answer:
    """The "not found" answer, streamed to ``on_token`` as any answer is."""
    if on_token is not None:
        on_token(ABSTAIN)
    return Answer(ABSTAIN, (), abstained=True, mode=mode)


def _premise_holds(question: str, texts: Sequence[str], knows: Callable[[str], bool] | None,
                  now: float | None) -> bool:
    """Whether a question no source sentence answers may still be given to the model: its
    story is the named person's own (and ``knows`` has found every word of it held, checked
    before). Otherwise (a wrong person) a model would answer from the nearest text, so it
    abstains, without generating. Measured on LoCoMo with the 1.5B: letting every such
    question through answered 7 more of 40 wrong-premise questions."""
    return knows is not None and not told_of_another(question, texts, now)


def _never_said(question: str, texts: Sequence[str], knows: Callable[[str], bool], now: float | None) -> bool:
    """Whether ``question`` holds a word memory has never held (see :func:`unfamiliar`)."""
    missing = unfamiliar(question, texts, knows, now)
    if missing:
        log.debug("question words memory never held: %s", missing)
    return bool(missing)


def _declined(text: str, judging: bool) -> tuple[str, bool]:
    """The written text and whether the model declined to answer: it wrote the abstention, or
    "Unknown [1]" where it was asked to judge."""
    if judging and _UNKNOWN.match(text):
        return ABSTAIN, True
    return text, ABSTAIN.lower().rstrip(".") in text.lower()


def _judgment(text: str, question: str) -> str:
    """A written judgment without a leading "Yes"/"No" where the question offers options or
    asks "what": it picks nothing, what follows it may ("Yes, a counselor [1]" to "What job
    might she take?"). Empty when nothing else was written. A source the model went on to copy
    after its judgment ("No. [3] Caroline (12 Jul 2023): I struggled ...") is cut off."""
    copied = _COPIED_LABEL.search(text)
    if copied:
        text = text[:copied.start()].rstrip()
    if not _YES_NO.match(text) or (question_kind(question) == "yesno" and not offers_choice(question)):
        return text
    rest = _YES_NO.sub("", text, count=1).lstrip(" ,.;:-")
    return rest if content_terms(_CITE.sub(" ", rest)) else ""


def _only_the_questions_words(text: str, question: str) -> bool:
    """Whether an answer says nothing the question did not ("Yes", "Maria's dog is")."""
    return not set(content_terms(text)) - set(content_terms(question))


_SPACED_CITE = re.compile(r"(\s*)\[(\d{1,3})\]")


def _recited(text: str, nums: list[int], seen: Sequence[str], question: str) -> tuple[str, list[int]]:
    """The answer and the sources it cites: when the model cited none (small models often
    forget the markers), the sources that each hold its words, not everything it was given."""
    plain = _CITE.sub(" ", text)
    if _only_the_questions_words(plain, question):
        return text, nums  # an answer of the question's own words ("Yes") has nothing to attribute
    if nums and supported(plain, [seen[i - 1] for i in nums if i <= len(seen)], question):
        return text, nums
    # Uncited, or cited to a source that does not hold it ("Prius [1]" where [3] says "this
    # new Prius"): cited instead to the sources given that hold its words, if any do.
    holders = [i for i, s in enumerate(seen, 1) if supported(plain, [s], question)][:3]
    if not holders:
        return text, nums
    return _SPACED_CITE.sub("", text).rstrip() + " " + "".join(f"[{i}]" for i in holders), holders


def _renumbered(text: str, nums: list[int]) -> str:
    """``text`` with its markers numbered as its citations are listed: the n-th cited source
    is [n] (a marker for a source not cited is dropped)."""
    def number(m: re.Match[str]) -> str:
        n = int(m.group(2))
        return f"{m.group(1)}[{nums.index(n) + 1}]" if n in nums else ""
    return _SPACED_CITE.sub(number, text)


_YES_NO = re.compile(r"^\W*(?:yes|no)\b", re.IGNORECASE)
_UNKNOWN = re.compile(r"^\W*(?:unknown|unclear|not (?:known|clear|stated|mentioned)|(?:it )?(?:cannot|can't|can ?not) "
                      r"be (?:determined|said|known|told))\W*(?:\[\d{1,3}\]\W*)*$", re.IGNORECASE)


def _checked(text: str, question: str, backing: Sequence[str], hits: Sequence[SearchHit],
             texts: Sequence[str], now: float | None, quotes: Sequence[extractive.Quote], *,
             moved: bool = False, judging: bool = False) -> Answer | None:
    """What to answer instead of a written ``text`` its sources do not bear out, or None.

    ``moved``: the model cited other sources than ``backing``, which hold the answer instead.
    ``judging``: the question asked for a judgment ("Would she enjoy Vivaldi?"), which no
    source holds word for word: it must come from the named person's sources and not copy one."""
    plain = _CITE.sub(" ", text)
    if not plain.strip():
        text = ""  # only citation markers: no answer was written
    if text and moved and not about_the_named(plain, question, backing, texts):
        # The model cited a source that does not hold its answer, and the one that does is
        # about someone else: as unsupported as a wrong citation, so the sentences are quoted.
        return extractive_answer(question, hits, texts, now=now, quotes=quotes)
    if text and not about_the_named(plain, question, backing, texts):
        # The answer comes from someone else's story than the one the question names ("Why did
        # John join a church?", answered from Maria's "I joined a church"): the question's
        # premise is wrong, and the honest answer is that it is not in memory.
        log.debug("written answer drawn from sources about someone the question does not name")
        return Answer(ABSTAIN, (), abstained=True, mode=GENERATED)
    if judging:
        if text and not parroted(text, texts):
            return None
        return extractive_answer(question, hits, texts, now=now, quotes=quotes)
    if text and offers_choice(question) and _YES_NO.match(plain):
        # "Does John live near the beach or the mountains?" is not answered by "Yes".
        text = ""
    if (text and question_kind(question) != "yesno" and not offers_choice(question)
            and _only_the_questions_words(plain, question)):
        # "Maria's dog is [1]." for "What is Maria's dog's name?": the question's words again,
        # nothing that answers it ("Susie" does answer "... first - Susie or Seraphim?").
        text = ""
    if not text or parroted(text, texts) or not supported(plain, backing, question):
        log.debug("written answer not supported by its sources, or copied one: quoting instead")
        return extractive_answer(question, hits, texts, now=now, quotes=quotes)
    return None


# "Gina (29 Jan 2023):", with or without its colon: a source's label, not an answer.
_SOURCE_LABEL = re.compile(LABEL_DAY)
_COPIED_LABEL = re.compile(r"(?:\b[A-Z][\w'’-]*\s+){0,3}" + LABEL_DAY)
_COPIED_WORDS = 15


def parroted(text: str, sources: Sequence[str]) -> bool:
    """Whether a written answer copies a source instead of answering: it repeats a source's
    label ("Gina (29 Jan 2023):") or a run of 15 words of one. The quoting path then gives the
    sentence that answers, and its short answer, instead of a whole message."""
    if _SOURCE_LABEL.search(text):
        return True
    said = extractive.words(_CITE.sub(" ", text))
    if len(said) < _COPIED_WORDS:
        return False
    runs = {" ".join(said[i:i + _COPIED_WORDS]) for i in range(len(said) - _COPIED_WORDS + 1)}
    for src in sources:
        ws = extractive.words(src)
        if any(" ".join(ws[i:i + _COPIED_WORDS]) in runs for i in range(len(ws) - _COPIED_WORDS + 1)):
            return True
    return False


def hit_text(hit: SearchHit, full_text: str | None) -> str:
    """The text given to the model for a hit: its full chunk/memory text when known."""
    where = hit.title
    if hit.heading and hit.heading != hit.title:
        where += f" > {hit.heading}"
    when = datetime.fromtimestamp(hit.date, UTC).strftime(" (%d %b %Y)") if hit.date else ""
    return f"{where}{when}: {full_text if full_text is not None else _plain(hit.snippet)}"
