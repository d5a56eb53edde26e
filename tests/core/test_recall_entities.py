"""Multi-hop recall: the entities the best hits mention lift the other memories that share them."""

from __future__ import annotations

from datetime import datetime

from secondme.app import SecondMe
from secondme.memory.items import NewMemory
from secondme.memory.recall import RecallWeights, entities

DAY = 86400.0
START = datetime(2024, 3, 1, 10).timestamp()

# The question names "events" and Noor: the first hop says she joined the Lindenfeld choir; the
# second hop, weeks later in another conversation, speaks of Lindenfeld without any word of
# the question. Around them, ordinary chat about other things.
HOP_1 = "I joined the Lindenfeld choir at the community events evening, so excited!"
HOP_2 = "The Lindenfeld concert in the old Marienkirche was magical, my first solo ever."
FILLER = [
    "The weather was grey all week, I mostly stayed in and read.",
    "Work has been hectic, three deadlines at once.",
    "We tried a new ramen place near the station, the broth was great.",
    "My sister is visiting in May, we plan to hike the coast.",
    "I finally fixed the bike's brakes myself, took an hour.",
    "Did you see the match on Sunday? What a finish.",
    "I am reading a novel about lighthouse keepers in Norway.",
    "The cat knocked over my plant again this morning.",
    "Thinking about repainting the kitchen a pale green colour.",
    "Our team won the pub quiz on Thursday, first time in months.",
    "Booked train tickets for the holiday, the sleeper to Vienna.",
    "My back hurts from the new desk chair, need to adjust it.",
    "There are lots of events in town this summer, street food mostly.",
    "I baked sourdough bread and it actually rose this time.",
]


def _conversation(ctx: SecondMe) -> None:
    turns: list[NewMemory] = []
    day = 0
    for i, text in enumerate(FILLER[:7]):
        turns.append(NewMemory(text=text, kind="message", at=START + i * 60, speaker="Noor",
                               source="chat:s1", source_id=f"s1:{i}"))
    turns.append(NewMemory(text=HOP_1, kind="message", at=START + 600, speaker="Noor",
                           source="chat:s1", source_id="s1:hop1"))
    day = 40
    for i, text in enumerate(FILLER[7:]):
        turns.append(NewMemory(text=text, kind="message", at=START + day * DAY + i * 60, speaker="Noor",
                               source="chat:s2", source_id=f"s2:{i}"))
    turns.append(NewMemory(text=HOP_2, kind="message", at=START + day * DAY + 900, speaker="Noor",
                           source="chat:s2", source_id="s2:hop2"))
    ctx.session.memories.add_many(turns)
    ctx.session.sync.catch_up()


def _rank(ctx: SecondMe, question: str) -> list[str]:
    hits = ctx.memory.recall(question, k=20, when=START + 60 * DAY)
    return [str(h.source_id) for h in hits]


def test_entities_are_names_and_rarer_words() -> None:
    got = entities("Yesterday we sang with the Lindenfeld choir in Leipzig. It was fun.")
    assert {"linden", "leipzi", "choir"} <= got
    assert "yester" in got  # a rarer word; the ranker weighs it by how many candidates share it
    assert "the" not in got and "was" not in got and "it" not in got


def test_the_second_hop_is_lifted_by_the_entity_it_shares_with_the_first(notes_ctx: SecondMe) -> None:
    _conversation(notes_ctx)
    question = "Which events has Noor joined?"
    with_entities = _rank(notes_ctx, question)
    assert with_entities[0] == "s1:hop1"
    engine = notes_ctx.memory.engine()
    engine.recaller.w = RecallWeights(entity=0.0)
    without = _rank(notes_ctx, question)
    assert without[0] == "s1:hop1"
    # The concert shares no word with the question; only "Lindenfeld" ties it to the first hop.
    assert with_entities.index("s2:hop2") < without.index("s2:hop2")
    assert with_entities.index("s2:hop2") <= 3

