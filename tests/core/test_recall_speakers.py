"""Recall prefers the messages of the person a question names: what someone did is mostly told
in their own words, which seldom repeat the question's."""

from __future__ import annotations

from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.recall import RecallWeights, named_speakers
from secondme.search.hybrid import Evidence
from secondme.store.repos.memories import Memory
from tests.core.conftest import add_chat, ranked_ids

START = datetime(2024, 5, 2, 19).timestamp()

# Sam tells what Sam did in Sam's own words ("I went bouldering"), none of them the question's;
# Noor talks about Noor's own weekend, with the question's words ("weekend", "did").
TURNS = [
    ("Noor", "How was your weekend? Mine was quiet, I did nothing much."),
    ("Sam", "I went bouldering at the old gasworks hall, my fingers still hurt."),
    ("Noor", "Nice! I watched a lot of sport on TV this weekend."),
    ("Sam", "Then a long trail run by the river on Sunday morning."),
    ("Noor", "You do so much, I should do more sport at the weekend."),
    ("Sam", "Tomorrow I have to finish the tax forms, not looking forward to it."),
    ("Noor", "Good luck with the forms. I'm baking a cake for my niece."),
    ("Sam", "Send me a picture of the cake!"),
]


def _chat(ctx: SecondMe) -> None:
    add_chat(ctx, TURNS, START, "chat:weekend", "w")


def _memory(speaker: str | None, kind: str = "message") -> Memory:
    return Memory(id=1, kind=kind, state="active", pinned=False, source_key=None, content_hash=None,
                  created_at=0.0, event_time=None, last_recalled=None, strength=1.0,
                  meta={"speaker": speaker} if speaker else {})


def test_a_speaker_is_named_by_their_first_name_as_a_word() -> None:
    rows = [_memory("Melanie"), _memory("Caroline"), _memory("Dana Whitfield"), _memory(None)]
    assert named_speakers("What has Melanie painted?", rows) == {"melanie"}
    assert named_speakers("what are melanie's kids into?", rows) == {"melanie"}
    assert named_speakers("Where does Dana live?", rows) == {"dana whitfield"}
    assert named_speakers("Did Mel and Caroline meet?", rows) == {"caroline"}
    assert named_speakers("What did we talk about?", rows) == set()
    # A fact's source speaker is not a message's author.
    assert named_speakers("What has Melanie painted?", [_memory("Melanie", kind="fact")]) == set()


def test_the_named_persons_own_messages_rank_first(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "What did Sam do at the weekend?"
    sams = {"w:1", "w:3"}
    with_boost = ranked_ids(notes_ctx, question, 4, START + 3600)
    without = ranked_ids(notes_ctx, question, 4, START + 3600, RecallWeights(speaker=0.0))
    # Noor's turns hold more of the question's words ...
    assert not sams <= set(without)
    # ... but what Sam did is in Sam's own messages.
    assert sams <= set(with_boost)
    # The two best matches without the bonus keep the lead (see the next test).
    assert with_boost[:2] == without[:2]


def test_another_speakers_story_keeps_the_lead(notes_ctx: SecondMe) -> None:
    # The cake is Noor's story; the question (wrongly) makes it Sam's. The person must still
    # see Noor's message first, to tell that the premise is someone else's story.
    _chat(notes_ctx)
    question = "What cake is Sam baking for the niece?"
    lifted = ranked_ids(notes_ctx, question, 4, START + 3600, RecallWeights(anchored=0))
    anchored = ranked_ids(notes_ctx, question, 4, START + 3600, RecallWeights())
    # With the bonus alone, Sam's own messages come first ...
    assert lifted[0] in {"w:1", "w:3", "w:5", "w:7"}
    # ... with the best match without it kept in the lead, Noor's cake comes first.
    assert anchored[0] == "w:6"
    assert set(anchored) == set(lifted)


def test_no_named_speaker_leaves_the_ranking_as_it_was(notes_ctx: SecondMe) -> None:
    _chat(notes_ctx)
    question = "Who is baking a cake?"
    got = ranked_ids(notes_ctx, question, 4, START + 3600)
    assert ranked_ids(notes_ctx, question, 4, START + 3600, RecallWeights(anchored=0)) == got
    assert got[0] == "w:6"


def test_the_sources_of_an_answer_are_ranked_without_the_speaker_terms(notes_ctx: SecondMe) -> None:
    # An answer's wrong-premise check must see the other speaker's story, so ``ask`` ranks its
    # sources as recall did before the bonus: Sam's own messages do not crowd Noor's out.
    _chat(notes_ctx)
    question = "What did Sam do at the weekend?"
    engine = notes_ctx.memory.engine()

    def ids(found: list[Evidence]) -> list[str]:
        return [str(e.hit.source_id) for e in found]

    answering = ids(engine.evidence(question, k=3, when=START + 3600, answering=True))
    searching = ids(engine.evidence(question, k=3, when=START + 3600))
    engine.recaller.w = RecallWeights(speaker=0.0, asking=0.0, length=0.0, reply=0.0,
                                                                        opener=0.0)
    plain = ids(engine.evidence(question, k=3, when=START + 3600))
    assert answering == plain
    assert set(searching) != set(plain)
    # The weights the answer used were a copy: the engine's own are as they were.
    engine.recaller.w = RecallWeights()
    assert ids(engine.evidence(question, k=3, when=START + 3600)) == searching
    assert RecallWeights().for_answering() == RecallWeights(speaker=0.0, asking=0.0, length=0.0, reply=0.0,
                                                            opener=0.0, depth=150,
                                                            list_expansion=RecallWeights().expansion)
