"""A written answer keeps what it adds to the question, not a restatement of it."""

from __future__ import annotations

import pytest

from secondme.concise import trim_restatement


@pytest.mark.parametrize(("question", "written", "shown"), [
    # The restatement leads.
    ("What club did Priya join last spring?", "Priya joined a rowing club [2]", "rowing club [2]"),
    ("Which dish did Omar cook for the party?", "Omar cooked a lentil curry.", "lentil curry"),
    ("What did Lena buy at the market?", "Lena bought fresh figs and goat cheese.",
     "fresh figs and goat cheese"),
    ("What did Marco try at the climbing gym?", "Marco tried bouldering (V2 routes).",
     "bouldering (V2 routes)"),
    ("How much does Aiko pay for the studio?", "Aiko pays $450 a month for the studio. [1]",
     "$450 a month [1]"),
    # A noun phrase of the answer's own is not split, though a word of it is the question's.
    ("What classes did Audrey take for her dogs?", "Audrey took a dog grooming course.",
     "dog grooming course"),
    # Without an article it is the restated subject and its verb that go.
    ("What shared hobbies do Dave and Ines have?", "Dave and Ines share hiking and chess.",
     "hiking and chess"),
    ("What does Maria feel when doing yoga?", "She feels free and light [1]", "free and light [1]"),
    # The restatement trails, as a clause.
    ("What does Tom play to unwind after work?", "Jazz piano, to unwind after work.", "Jazz piano"),
    ("What kind of music does Sara listen to while running?",
     "Sara listens to synthwave while running.", "synthwave"),
    ("Where did Ben go hiking near Denver?", "Ben went hiking at Mount Falcon near Denver.",
     "Mount Falcon"),
    # The person asked about, restated after the answer with the question's verb, goes too.
    ("What helps Iris feel calm before exams?", "Long walks help Iris feel calm before exams. [1]",
     "Long walks [1]"),
    ("Who drives Iris to the station?", "Her brother drives Iris [2]", "Her brother [2]"),
    # An initial's period does not end a sentence, and a title keeps its quotes.
    ("What was Nora's favorite novel as a teenager?",
     'Nora\'s favorite novel as a teenager was "The Hobbit" by J.R.R. Tolkien. [1]',
     '"The Hobbit" by J.R.R. Tolkien [1]'),
    ("Where did Maria see Dr. Okafor?", "Maria saw Dr. Okafor at the Elm Street clinic.",
     "Elm Street clinic"),
    # A yes/no question answered with its own words.
    ("Does Kim want to move abroad?", "Yes, Kim wants to move abroad.", "Yes"),
    # A negation is never cut off what it negates.
    ("Is Raj vegetarian?", "No, Raj is not vegetarian.", "No, Raj is not vegetarian."),
    ("What does Leo dislike about the office?", "Leo does not dislike anything about the office.",
     "not dislike anything"),
])
def test_the_words_that_only_repeat_the_question_go(question: str, written: str, shown: str) -> None:
    assert trim_restatement(written, question) == shown


@pytest.mark.parametrize(("question", "written"), [
    # Already terse: nothing to cut.
    ("What did Joanna make for her friend?", "A bookmark [1]"),
    ("Which console did Mia get at age ten?", "Nintendo game console"),
    # A name is not split, though one of its words is the question's.
    ("Which hotel do we stay at in Oslo?", "Hotel Bristol"),
    # The head of the answer's own phrase is in the question: kept.
    ("What shelters does Maria volunteer at?", "A homeless shelter"),
    # Every word is the question's own: cutting would leave nothing.
    ("Did Ana go camping with her kids or her sister?", "Ana went camping with her kids."),
    # Several sentences are left as written.
    ("What did Eva adopt?", "Eva adopted a greyhound. She adopted him in May."),
    ("What did Eva adopt?", "I don't find that in your memory."),
])
def test_an_answer_with_nothing_to_cut_is_kept_whole(question: str, written: str) -> None:
    assert trim_restatement(written, question) == written


def test_the_cut_answer_still_holds_the_new_words() -> None:
    q = "What did the fundraiser raise money for?"
    out = trim_restatement("The fundraiser raised money for a children's hospital wing [3].", q)
    assert out == "children's hospital wing [3]"



def test_the_person_the_sources_are_by_restates_the_subject_unless_a_name_is_asked() -> None:
    speakers = ["Melanie", "Caroline"]
    q = "What did the charity race raise awareness for?"
    assert trim_restatement("Melanie raised awareness for mental health. [1]", q, speakers) == "mental health [1]"
    # Without knowing who the sources are by, the name is the answer's own word.
    assert trim_restatement("Melanie raised awareness for mental health. [1]", q) == \
        "Melanie raised awareness for mental health. [1]"
    # Asked who, the name is the answer.
    assert trim_restatement("Melanie ran the charity race. [2]", "Who ran the charity race?",
                            speakers).startswith("Melanie")


@pytest.mark.parametrize(("question", "written", "shown"), [
    ("What did Joanna find in her old notebooks?",
     "Joanna found early writings, which made her see how far she has come. [1]", "early writings [1]"),
    ("What did Joanna find in her old notebooks?", "early writings, which moved her [1]", "early writings [1]"),
    ("Who visited Maria in June?", "Her friend Ana, who lives in Lisbon. [2]", "Her friend Ana [2]"),
])
def test_a_comment_after_the_answer_goes(question: str, written: str, shown: str) -> None:
    assert trim_restatement(written, question, ["Joanna", "Maria"]) == shown
