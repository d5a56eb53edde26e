"""Typed short answers (issue 19): yes/no from the answering sentence's polarity, days named
relative to the day said kept with their anchor, lengths of time for "how long", the sentence
that goes on from a scene-setting one, and sentences about someone other than the speaker."""

from __future__ import annotations

from datetime import datetime

import pytest

from secondme import extractive, when_said
from secondme.answer import extractive_answer
from secondme.results import SearchHit
from secondme.span_choices import yes_no
from secondme.span_numbers import duration
from secondme.spans import says_nothing, short_answer, subject_before, which_kind


@pytest.mark.parametrize("question, sentence, answer", [
    ("Is Pia married?", "The chapel is where I got married ten years ago.", "Yes"),
    ("Has Pia been to Rome?", "I have never been to Rome, sadly.", "No"),
    ("Does Omar eat meat?", "I don't eat meat since last spring.", "No"),
    # What would or might be is inferred from what was said, and the answer says so.
    ("Would Kim enjoy a book about whales?", "Kim loves whales and reads about them.", "Likely yes"),
    ("Would Kim go camping again soon?", "Kim said she will not camp again after the storm.", "Likely no"),
])
def test_a_yes_no_question_is_answered_by_the_sentence_s_polarity(question: str, sentence: str,
                                                                  answer: str) -> None:
    assert yes_no(question, sentence) == answer
    assert short_answer(question, sentence) == answer


@pytest.mark.parametrize("sentence, when", [
    ("Last Friday I went to a council meeting.", "the Friday before 27 July 2023"),
    ("We played chess on Tuesday.", "the Tuesday before 27 July 2023"),
    ("I started the class a few days ago.", "a few days before 27 July 2023"),
    ("Met her the other day at the market.", "a few days before 27 July 2023"),
    ("I joined a couple of days ago.", "a couple of days before 27 July 2023"),
    # An exact day still resolves to its date.
    ("I went to the park yesterday.", "26 July 2023"),
    ("I went to the park yesterday, not on Friday.", "26 July 2023"),
])
def test_a_day_named_relative_to_the_day_said_keeps_its_anchor(sentence: str, when: str) -> None:
    said = datetime(2023, 7, 27)  # a Thursday
    assert when_said.resolve_when(sentence, said) == when


def test_a_sentence_without_a_relative_day_leaves_it_to_the_other_rules() -> None:
    assert when_said.relative_to_said("I painted the fence.", datetime(2023, 7, 27)) == ""


@pytest.mark.parametrize("sentence, length", [
    ("I've been playing for about four months now and love it.", "about four months"),
    ("We have lived here 3 years.", "3 years"),
    ("Two years ago I moved; I've had the turtles for three years.", "three years"),
    ("I love playing songs on the piano.", ""),
])
def test_the_length_of_time_a_sentence_names(sentence: str, length: str) -> None:
    assert duration(sentence) == length


def test_how_long_answers_with_a_length_not_a_number_the_question_already_says() -> None:
    assert short_answer("How long has Nate had his two turtles?",
                        "My two turtles have been with me for three years now.") == "three years"
    assert short_answer("How many dogs does Lee have besides his two cats?",
                        "Next to my two cats I have four dogs.") == "four dogs"


def test_a_count_is_a_number_or_no_short_answer_at_all() -> None:
    # No number in the sentence: no short answer (the sentence itself is shown), never the
    # words after its verb.
    assert short_answer("How many tournaments has Nate played in?",
                        "I'm playing in the tournament again and it's INTENSE!") == ""
    assert short_answer("How long did it take Jon to open his studio?",
                        "Still working on opening a dance studio.") == ""
    assert short_answer("How many tournaments has Nate played in?",
                        "I have played in nine tournaments so far!") == "nine tournaments"


@pytest.mark.parametrize("sentence, other", [
    ("Wow, John, awesome job!", True),
    ("She had a tough time, going through a divorce and losing her job.", True),
    ("They moved to Lisbon after the wedding.", True),
    ("Thanks, John, I got the job!", False),          # the speaker speaks of themself
    ("Yoga, for example, keeps me calm.", False),
    ("Running keeps the mind clear.", False),
])
def test_a_sentence_about_someone_other_than_the_speaker(sentence: str, other: bool) -> None:
    assert extractive.about_someone_else(sentence) is other


def _hits(texts: list[str]) -> list[SearchHit]:
    return [SearchHit(id=i, kind="message", title=t.split(" (")[0], snippet="", score=1.0)
            for i, t in enumerate(texts)]


def test_praise_for_the_person_spoken_to_is_not_the_speaker_s_own_story() -> None:
    texts = ["Maria (05 Aug 2023): Wow, John, awesome job! Keep doing what you're doing.",
             "Maria (05 Aug 2023): She had a tough time, losing her job and her flat."]
    ans = extractive_answer("What happened to Maria's job?", _hits(texts), texts)
    assert ans.abstained
    # The same words said of the speaker answer.
    mine = ["Maria (05 Aug 2023): I lost my job at the bakery last week."]
    assert not extractive_answer("What happened to Maria's job?", _hits(mine), mine).abstained


def test_the_sentence_that_goes_on_from_the_scene_answers() -> None:
    texts = ["Zoe (27 Jul 2023): Last Friday I went to a council meeting for adoption. It was so "
             "moving - dozens of families hoping to give kids a loving home."]
    ans = extractive_answer("What did Zoe see at the council meeting for adoption?", _hits(texts), texts)
    assert not ans.abstained
    assert "dozens of families" in ans.text
    assert "council meeting" not in ans.text
    # The support shows both sentences: the scene and what was seen there.
    assert ans.support and "council meeting" in ans.support[0] and "dozens" in ans.support[0]


def test_a_sentence_that_already_answers_keeps_its_own_span() -> None:
    texts = ["Dave (01 Aug 2023): Lately I've been getting into classic rock and old blues records. "
             "It reminds me of my dad."]
    ans = extractive_answer("What music has Dave been getting into?", _hits(texts), texts)
    assert ans.text.startswith("classic rock and old blues records")


def test_continuation_and_its_limits() -> None:
    body = "I went to the fair. It was loud and bright. Did you go?"
    assert extractive.continuation("I went to the fair.", body) == "It was loud and bright."
    assert extractive.continuation("It was loud and bright.", body) == ""  # a question is no answer
    assert extractive.continuation("I went to the fair.", "I went to the fair. Mia came too.") == ""
    assert extractive.adds_little("What did Zoe see at the fair?", "I went to the fair last Friday.")
    assert not extractive.adds_little("What did Zoe see at the fair?",
                                      "I saw jugglers, a brass band and a huge pumpkin contest.")


def test_the_subject_before_the_question_s_words_starts_after_the_last_new_thought() -> None:
    assert subject_before("sorry to tell you this but my dad".split()) == ["my", "dad"]
    assert subject_before("long drives in this car".split()) == "long drives in this car".split()
    assert short_answer("Who passed away in Deborah's family?",
                        "Hey Jolene, sorry to tell you this but my dad passed away.") == "my dad"
    # A name that is only the person spoken to is not who the answer is about.
    assert short_answer("Who went to the concert with Ana?", "Thanks, Mia! My brother Leo went with me.") \
        == "Leo"
    # A count that opens the sentence is no name: the name set beside it is.
    assert short_answer("Who sent Omar a thank-you card?",
                        "One of the kids from the camp, Priya, sent us a card to say thanks.") == "Priya"


def test_words_in_brackets_are_part_of_what_was_said() -> None:
    # Only a shared photo's caption is set apart; "[this car]" is part of the sentence.
    assert short_answer("What does Calvin do to relax?",
                        "Long drives in [this car] really help me relax.") == "Long drives in this car"


@pytest.mark.parametrize("question, sentence, span", [
    ("Which show did Deb go to with a friend?", "When I go to an art show, it feels like she is there.", "art show"),
    ("What kind of music does Ola play?", "Mostly I play Cuban jazz music on weekends.", "Cuban jazz music"),
    ("What technique is Audrey using with her dogs?",
     "I'm using positive reinforcement techniques and it works.", "positive reinforcement techniques"),
    # The qualifier must be news: words the question already says are not an answer.
    ("What game did Jo call an awesome open-world game?", "Zelda is an awesome open-world game.", ""),
    ("Which city did Tom like?", "The city was buzzing.", ""),
    ("What did Tom do?", "He played a board game.", ""),   # no noun asked for
])
def test_which_kind_names_the_asked_for_noun_with_its_qualifier(question: str, sentence: str,
                                                                span: str) -> None:
    assert which_kind(question, sentence) == span


def test_plural_es_of_a_word_ending_in_e_meets_its_singular() -> None:
    from secondme.question_terms import term

    assert term("dances") == term("dance")
    assert term("techniques") == term("technique")
    assert term("classes") == term("class")
    assert term("wishes") == term("wish")


def test_a_one_word_span_that_says_nothing_keeps_the_sentence() -> None:
    assert says_nothing("sorry") and says_nothing("Maybe") and says_nothing("great")
    assert not says_nothing("reading") and not says_nothing("Sweden") and not says_nothing("great feedback")
    # "great" alone tells nothing of what was said: the whole sentence is quoted instead.
    assert short_answer("What did Ben think of the storm?", "Honestly the storm was great!") == ""


@pytest.mark.parametrize("word, plain", [
    ("planned", "plan"), ("shopping", "shop"), ("running", "run"), ("rented", "rent"),
    # A double letter of the word itself stays.
    ("called", "call"), ("missed", "miss"), ("buzzing", "buzz"),
])
def test_a_doubled_consonant_before_ed_or_ing_meets_the_plain_word(word: str, plain: str) -> None:
    from secondme.question_terms import term
    assert term(word) == term(plain) == plain


@pytest.mark.parametrize(("word", "plain"), [
    ("found", "find"), ("felt", "feel"), ("bought", "buy"), ("wrote", "write"), ("took", "take"),
])
def test_an_irregular_past_meets_its_plain_verb(word: str, plain: str) -> None:
    from secondme.question_terms import term
    assert term(word) == term(plain)


def test_a_sentence_in_the_past_answers_a_question_in_the_present_form() -> None:
    # "find" in the question, "found" in the chat: without the irregular form the sentence
    # covers too little of the question to be quoted, and the answer is "not found".
    texts = ["Lena (3 Jul 2023): I found a box of my first poems up in the attic!",
             "Lena (3 Jul 2023): Writing is hard some days."]
    found = extractive.choose("What did Lena find when she cleared out the dusty attic?", texts)
    assert found and found[0].source == 0, found
    assert "first poems" in found[0].span, found


def test_a_restated_doubled_past_is_cut_from_a_written_answer() -> None:
    from secondme.concise import trim_restatement
    assert trim_restatement("Audrey planned to go hiking [1]", "What did Audrey plan to do on Saturday?",
                            ["Audrey"]) == "go hiking [1]"


def test_a_sentence_that_adds_only_the_time_asked_for_answers_when() -> None:
    texts = ["Mia (3 Jul 2023): Great news! I just signed up for a painting class yesterday.",
             "Mia (25 Aug 2023): Look at this bowl, I made it in painting class yesterday."]
    found = extractive.choose("When did Mia sign up for a painting class?", texts)
    assert found and found[0].source == 0 and found[0].when == "2 July 2023", found


def test_what_the_question_s_place_holds_is_the_phrase_before_it() -> None:
    q = "What was Ravi doing in Lisbon?"
    assert short_answer(q, "Big news - I got to go to a pottery workshop in Lisbon!", avoid={"ravi"}) == \
        "a pottery workshop"


def test_an_answer_between_the_question_s_words_is_found_up_to_its_relative_clause() -> None:
    assert short_answer("Who did Omar team up with to collect food for families in need?",
                        "We teamed up with a neighborhood bakery that collects food for families in need.",
                        avoid={"omar"}) == "a neighborhood bakery"
    assert short_answer("What did Lea's dad stress the value of for her studies?",
                        "My dad stressed the value of patience and that's stayed with me for my studies.",
                        avoid={"lea"}) == "patience"


def test_a_passive_verb_before_the_answer_goes() -> None:
    assert short_answer("What damaged Tom's garden in May?", "Tom's garden was flattened by a hailstorm.",
                        avoid={"tom"}) == "a hailstorm"


def test_a_sentence_closed_inside_a_quotation_ends_there() -> None:
    # The title's full stop sits inside the quotes; the question after it is its own sentence,
    # so the answer before it is not thrown away as part of a question.
    assert extractive.split_sentences('My favourite is a track called "Savana." What do you play? '
                                      'She said "no!" and left.') == [
        'My favourite is a track called "Savana."', "What do you play?", 'She said "no!" and left.']


@pytest.mark.parametrize(("question", "sentence", "short"), [
    ("Does Leo live close to a lake or the mountains?", "I swim in the lake behind my house every morning.", "lake"),
    ("Would Ivy rather visit a science museum or an art museum?", "We spent all Sunday at the art museum.",
     "art museum"),
    ("Would Sam enjoy books by J. R. R. Tolkien or Jane Austen?", "Anything by Tolkien is my comfort read.",
     "J. R. R. Tolkien"),
    # Both options named, or neither: no short answer (and never "Yes"); the sentence is shown.
    ("Did Leo go to Rome or Paris?", "We went to both Rome and Paris.", ""),
    ("Does Leo live close to a lake or the mountains?", "I just moved house.", ""),
])
def test_a_question_offering_two_options_is_answered_by_the_one_said(question: str, sentence: str,
                                                                    short: str) -> None:
    assert short_answer(question, sentence) == short
