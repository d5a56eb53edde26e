"""A question no source sentence answers word for word is still answered by a real model when
its premise holds (the named person's own story, every word known to memory), and abstains
when it does not (someone else's story, something never said)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from secondme import extractive
from secondme.answer import answer, extractive_answer
from secondme.app import SecondMe
from secondme.grounding import told_of_another, unfamiliar
from secondme.index.keyword import KeywordIndex, KeywordRow
from secondme.memory.items import NewMemory
from secondme.memory.question_form import slips_of
from secondme.results import Answer, SearchHit
from tests.core.conftest import chat_context, eval_model_path

CHAT = [
    "Maria (12 Aug 2023): I joined a nearby church last week to feel closer to my community.",
    "John (12 Aug 2023): That's great, Maria! I started volunteering at the food bank.",
    "John (14 Aug 2023): My sister Ana moved to Lisbon for a design job.",
]


def test_a_question_that_quotes_someone_elses_story_is_told_of_another() -> None:
    # Maria joined the church: asked of John, Maria's sentence would answer it.
    assert told_of_another("Why did John join a nearby church?", CHAT)
    assert not told_of_another("Why did Maria join a nearby church?", CHAT)
    # Nobody's story holds it: nothing to say about the premise.
    assert not told_of_another("What is the name of John's dog?", CHAT)
    # A question naming none of the speakers is not checked.
    assert not told_of_another("Who moved to Lisbon?", CHAT)


# Both ran a 5K; only Maria joined a church, John only replied to her news.
REPLIES = [
    "Maria (12 Aug 2023): I joined a nearby church last week to feel closer to my faith and my community.",
    "John (12 Aug 2023): Joining a church can be really encouraging.",
    "John (20 Aug 2023): I ran a 5K charity run in our neighborhood on Saturday.",
    "Maria (21 Aug 2023): I also ran a 5K charity run for the homeless shelter.",
]


def _quoted(question: str, texts: list[str]) -> Answer:
    hits = [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(texts)]
    return extractive_answer(question, hits, texts, now=datetime(2023, 9, 1).timestamp())


def test_a_quote_is_not_given_when_another_speakers_sentence_answers_better() -> None:
    # John's reply holds "join" and "church", but the story is Maria's: asked of Maria, her
    # sentence answers it far better, so John's reply is not quoted as his reason.
    assert _quoted("Why did John join a church?", REPLIES).abstained
    hers = _quoted("Why did Maria join a church?", REPLIES)
    assert not hers.abstained and "faith" in hers.text
    # Both ran a 5K: each one's own sentence answers for them, nobody's story is taken.
    for who, where in (("John", "neighborhood"), ("Maria", "homeless")):
        ran = _quoted(f"Did {who} run a 5K charity run?", REPLIES)
        assert not ran.abstained and [h.title for h in ran.citations] == [who], ran
        assert where in " ".join(ran.support), ran


def test_unfamiliar_words_are_the_questions_words_memory_never_held() -> None:
    known = {"second", "puppy", "bake", "bread", "dog"}
    def knows(word: str) -> bool:
        return word in known
    assert unfamiliar("What is the name of Maria's second kitten?", CHAT, knows) == ["kitten"]
    # "name" only frames the question ("called him Rufus" answers it): never unfamiliar.
    assert unfamiliar("What is the name of Maria's dog?", CHAT, knows) == []
    # Words that count or hedge what is asked ("multiple", "potentially") only frame it, and
    # a past form is known by its plain one ("wrote" by "write").
    known |= {"test", "taken", "times", "write", "poem", "career"}
    assert unfamiliar("What test has John taken multiple times?", CHAT, knows) == []
    assert unfamiliar("Who wrote Maria a poem?", CHAT, knows) == []
    # And the other way round: a plain verb is known by its irregular past ("buy" by "bought").
    known |= {"bought", "flowers"}
    assert unfamiliar("Where does Maria buy flowers?", CHAT, knows) == []
    assert unfamiliar("Where does Maria sell flowers?", CHAT, knows) == ["sell"]
    assert unfamiliar("What career might John potentially pursue?", CHAT, knows) == ["pursue"]
    # So do words that date it ("current", "recently"): "his job" is what is asked about.
    known |= {"feel", "job"}
    assert unfamiliar("How does John feel about his current job?", CHAT, knows) == []
    assert unfamiliar("What job did John quit recently?", CHAT, knows) == ["quit"]
    # The words between "which" and the verb name the kind of answer wanted: memory holds
    # "chicken", never "meat". What a "kind of" question asks about is still checked.
    known |= {"prefer", "eating", "conducting"}
    assert unfamiliar("Which meat does John prefer eating?", CHAT, knows) == []
    assert unfamiliar("What kind of meat does John prefer eating?", CHAT, knows) == ["meat"]
    assert unfamiliar("What type of seminars is John conducting?", CHAT, knows) == ["seminars"]
    # So do they before a past verb ("What natural disaster damaged …?": memory says "flood").
    known |= {"damaged", "area"}
    assert unfamiliar("What natural disaster damaged John's area?", CHAT, knows) == []
    # Words for the talk itself frame the question: memory holds what was said, not "mentioned".
    known |= {"park"}
    assert unfamiliar("Which park could John be referring to in their conversations?", CHAT, knows) == []
    assert unfamiliar("Which park did John mention?", CHAT, knows) == []
    # Words that only say how often or what else frame it too.
    known |= {"visited", "beach"}
    assert unfamiliar("Which park has John visited frequently apart from the beach?", CHAT, knows) == []
    # A "what did … do" question has no such words: the kitten is still what it is about.
    assert unfamiliar("What did Maria's kitten do?", CHAT, knows) == ["kitten"]
    # The time phrase is matched against the days said, not against words: not unfamiliar.
    now = datetime(2023, 9, 1).timestamp()
    assert unfamiliar("Did Maria bake bread on 14 August 2023?", CHAT, knows, now) == []


def test_the_keyword_index_finds_a_word_or_its_family() -> None:
    kw = KeywordIndex(None)
    try:
        kw.add_many([KeywordRow(2, "Our two kittens chase the laser pointer all evening."),
                     KeywordRow(4, "She is pursuing a degree in marine biology.")])
        assert kw.holders("kitten") == [2]
        assert kw.holders("pursue") == [4]  # the stemmer alone does not meet "pursuing"
        assert kw.holders("biology") == [4]
        assert kw.holders("library") == []
        assert kw.holders("") == []
        # The whole word only: "poin…" no longer finds "pointer".
        assert kw.holders("pointy") == [2] and kw.holders("pointy", prefix=False) == []
        assert kw.holders("kittens", prefix=False) == [2]
    finally:
        kw.close()


def _john_and_maria(ctx: SecondMe) -> None:
    start = datetime(2023, 8, 10, 18).timestamp()
    lines = [
        ("John", "We finally brought home a beagle puppy last weekend, we called him Rufus!"),
        ("Maria", "Aww, congrats! Everyone at the park will love your dog."),
        ("John", "Rufus already chewed through two of my shoes, but he is the sweetest."),
        ("Maria", "I have been baking a lot lately, mostly sourdough and cinnamon rolls."),
    ]
    ctx.session.memories.add_many([
        NewMemory(text=t, kind="message", at=start + i * 600, speaker=who, source="chat:jm",
                  source_id=f"jm:{i}") for i, (who, t) in enumerate(lines)])
    ctx.session.sync.catch_up()


def test_memory_knows_what_was_said_not_what_was_asked(data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder)
    try:
        _john_and_maria(c)
        engine = c.memory.engine()
        assert engine.knows("beagle") and engine.knows("Beagles") and engine.knows("park")
        assert not engine.knows("kitten")
        # Asking about a kitten remembers the question, but memory still never said "kitten".
        c.models.ask("Does John have a kitten?")
        assert not engine.knows("kitten")
    finally:
        c.close()


def test_a_word_typed_with_two_letters_swapped_is_known(data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder)
    try:
        _john_and_maria(c)
        engine = c.memory.engine()
        # "baekd" is "baked" (held as "baking"), "bealge" is "beagle": the asker's slip, not a
        # premise memory lacks.
        assert engine.knows("baekd") and engine.knows("bealge")
        # A slip of a word never held is still never held.
        assert not engine.knows("kitetn")
        # Only letters inside a word are swapped back: at its edge a swap makes another word
        # too often ("hide" -> "hied", which the stemmer reads as "hi").
        assert "with" in slips_of("wtih") and "perform" in slips_of("preform")
        assert slips_of("hide") == ["hdie"] and slips_of("for") == []
        # "wtih" is "with" (held here), which says nothing asked about; a kitten is still
        # never held.
        c.session.memories.add_many([NewMemory(
            text="He came with a blue collar and a squeaky toy.", kind="message", at=datetime(2023, 8, 11).timestamp(),
            speaker="John", source="chat:jm", source_id="jm:9")])
        c.session.sync.catch_up()
        answered = c.models.ask("What did John bring home wtih him?", remember=False)
        refused = c.models.ask("What did John bring home wtih his kitten?", remember=False)
        assert not answered.abstained and "beagle" in " ".join((answered.text, *answered.support)).lower()
        assert refused.abstained
    finally:
        c.close()


def test_a_real_model_answers_a_question_that_shares_few_words_with_its_answer(
        data_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    c = chat_context(data_dir, embedder, eval_model_path())
    when = datetime(2023, 9, 1).timestamp()
    try:
        _john_and_maria(c)
        # No sentence of John's says "dog" or "name" (Maria's says "dog"): the model reads his
        # "a beagle puppy … called him Rufus".
        dog = c.models.ask("What is the name of John's dog?", when=when, remember=False)
        assert not dog.abstained and "Rufus" in dog.text, dog.text
        assert dog.citations and all(h.title == "John" for h in dog.citations)
        # Memory never mentioned a kitten: the nearest text (the puppy) is not an answer. (Nor
        # would "dog" be answered if nobody had ever said the word.)
        kitten = c.models.ask("What is the name of John's kitten?", when=when, remember=False)
        assert kitten.abstained, kitten.text
        # The beagle is John's, not Maria's.
        hers = c.models.ask("What is the name of Maria's dog?", when=when, remember=False)
        assert hers.abstained, hers.text
    finally:
        c.close()


def test_a_name_only_called_out_is_not_what_a_sentence_is_about() -> None:
    from secondme.extractive import named_in
    for said in ("Woah Joanna, I won an international tournament yesterday!",
                 "Hey there Joanna, I won the tournament!", "I won the tournament, Joanna!"):
        assert not named_in("joanna", said), said
    assert named_in("joanna", "Joanna won the tournament yesterday!")
    # Nate's news, told to Joanna, is not Joanna's story to quote.
    texts = ["Nate (2 Sep 2023): Woah Joanna, I won an international tournament yesterday! It was wild.",
             "Joanna (2 Sep 2023): Congrats Nate! I finished my screenplay draft this week."]
    hits = [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(texts)]
    told = extractive_answer("How did Joanna celebrate winning the tournament?", hits, texts,
                             now=datetime(2023, 9, 5).timestamp())
    assert told.abstained, told


def test_a_question_built_on_a_word_never_held_is_not_answered_in_any_mode() -> None:
    # A sentence shares the question's other words ("5K charity run", John's), but memory never
    # held "marathon": quoting the 5K as the answer would be answering another question.
    hits = [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(REPLIES)]
    said = {w for t in REPLIES for w in extractive.words(t)}
    def knows(word: str) -> bool:
        return word.lower() in said
    now = datetime(2023, 9, 1).timestamp()
    q = "Where did John run a charity marathon?"
    assert not extractive_answer(q, hits, REPLIES, now=now).abstained  # the quote alone would answer
    refused = answer(q, hits, None, REPLIES, mode="extractive", now=now, knows=knows)
    assert refused.abstained and refused.mode == "extractive"
    # Asked with the words memory holds, it is answered.
    asked = answer("Where did John run a 5K charity run?", hits, None, REPLIES, mode="extractive", now=now,
                   knows=knows)
    assert not asked.abstained and "neighborhood" in " ".join((asked.text, *asked.support))
