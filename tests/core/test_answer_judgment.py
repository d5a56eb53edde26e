"""A question that asks what is likely ("Would Caroline enjoy Vivaldi?") is judged by a real
model from what memory holds of the person, and says it is a judgment; it is not refused for
naming something memory never held, since that is the hypothesis, not a premise. Without a
model nothing can judge, so such a question is checked and quoted as any other."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from secondme import extractive
from secondme.answer import _UNKNOWN, _judgment, answer, judge_prompt
from secondme.memory.items import NewMemory
from secondme.question_terms import asks_judgment
from secondme.results import SearchHit
from tests.core.conftest import chat_context, eval_model_path


def test_questions_that_ask_what_is_likely_are_told_from_those_that_ask_what_was_said() -> None:
    for q in ("Would Caroline likely enjoy the song 'The Four Seasons' by Vivaldi?",
              "What job might Maria pursue in the future?",
              "Is John likely to move abroad?",
              "What pets wouldn't cause Joanna any discomfort?",
              "What could Evan give Sam to help with his fitness goals?"):
        assert asks_judgment(q), q
    for q in ("What did Caroline listen to last week?", "Could you tell me Maria's phone number?",
              "Would you remind me when John's birthday is?", "When did Maria adopt a kitten?"):
        assert not asks_judgment(q), q


def test_a_judgment_starts_with_what_the_question_asks_for() -> None:
    assert "Start with Yes or No" in judge_prompt("Would Caroline enjoy Vivaldi?")
    assert "Name the option" in judge_prompt("Would Melanie prefer a national park or a theme park?")
    assert "most likely answer" in judge_prompt("What job might Maria pursue?")
    # A "Yes" answers no "what" question and picks no option: what follows it may.
    assert _judgment("Yes, a counselor at the shelter [1]", "What job might Maria pursue?") == \
        "a counselor at the shelter [1]"
    assert _judgment("Yes [1]", "What device could Evan give Sam?") == ""
    assert _judgment("No, the beach [2]", "Would she rather live by the beach or the mountains?") == "the beach [2]"
    assert _judgment("Yes, she loves Bach [1]", "Would Caroline enjoy Vivaldi?") == "Yes, she loves Bach [1]"
    # "Unknown" is the model declining to judge: that answer abstains.
    assert _UNKNOWN.match("Unknown [1].") and _UNKNOWN.match("It cannot be determined.")
    assert not _UNKNOWN.match("Unknown Pleasures, the album [2]")
    # A source copied after the judgment is no part of it.
    assert _judgment("No. [3] Caroline (12 Jul 2023): I struggled with my mental health.",
                     "Would Caroline still want to be a counselor?") == "No. [3]"


CHAT = [
    "Caroline (3 Mar 2023): I spent the whole evening listening to Bach and Mozart, classical music calms me.",
    "Melanie (3 Mar 2023): Nice! I went camping with the kids at the lake last weekend.",
    "Caroline (5 Mar 2023): I bought tickets for a chamber orchestra concert next month, I can't wait.",
]


def test_without_a_model_a_judgment_question_is_checked_as_any_other() -> None:
    hits = [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(CHAT)]
    said = {w for t in CHAT for w in extractive.words(t)}
    got = answer("Would Caroline likely enjoy Vivaldi?", hits, None, CHAT, mode="extractive",
                 now=datetime(2023, 4, 1).timestamp(), knows=lambda w: w.lower() in said)
    # Quoting cannot judge, and memory never held "Vivaldi".
    assert got.abstained and got.mode == "extractive"


def _chat(ctx) -> None:  # type: ignore[no-untyped-def]
    start = datetime(2023, 3, 3, 18).timestamp()
    ctx.session.memories.add_many([
        NewMemory(text=t.split(": ", 1)[1], kind="message", at=start + i * 3600, speaker=t.split(" (")[0],
                  source="chat:cm", source_id=f"cm:{i}") for i, t in enumerate(CHAT)])
    ctx.session.sync.catch_up()


def test_a_real_model_judges_from_the_named_persons_memories(data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder, eval_model_path())
    when = datetime(2023, 4, 1).timestamp()
    try:
        _chat(c)
        # Memory never said "Vivaldi": Caroline's love of Bach, Mozart and concerts bears on it.
        judged = c.models.ask("Would Caroline likely enjoy a concert of Vivaldi's music?", when=when,
                              remember=False)
        assert not judged.abstained and judged.mode == "inferred", judged
        assert judged.citations and all(h.title == "Caroline" for h in judged.citations), judged.citations
        # A question about something memory never held that asks what was said is not judged.
        asked = c.models.ask("Which Vivaldi concert did Caroline go to?", when=when, remember=False)
        assert asked.abstained and asked.mode != "inferred", asked
    finally:
        c.close()
