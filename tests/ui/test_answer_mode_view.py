"""The answer view says when an answer was quoted rather than written, and shows its words."""

from __future__ import annotations

from secondme.results import Answer, SearchHit
from ui.answer_view import answer_html


def _hit() -> SearchHit:
    return SearchHit(id=1, kind="chunk", title="Flat", snippet="rent", score=1.0, path="/notes/home.md")


def test_extractive_answers_say_so_and_bold_the_question_words() -> None:
    quoted = Answer("I pay 1,450 euros of rent every month. [1]", (_hit(),), mode="extractive",
                    highlights=("rent",))
    page = answer_html(quoted)
    assert "Quoted from your sources" in page
    assert "<b>rent</b>" in page and "cite:0/1" in page
    written = answer_html(Answer("You pay 1,450 euros [1].", (_hit(),)))
    assert "Quoted from your sources" not in written
    assert "<b>" not in written.split("<b>Sources")[0]


def test_a_judgment_says_it_is_one() -> None:
    judged = answer_html(Answer("Yes, she loves classical music [1].", (_hit(),), mode="inferred"))
    assert "A judgment" in judged and "Quoted from your sources" not in judged
    written = answer_html(Answer("You pay 1,450 euros [1].", (_hit(),)))
    assert "A judgment" not in written
