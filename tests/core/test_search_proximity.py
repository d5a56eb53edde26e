"""Proximity: a note that holds the query's words together (in one sentence, a title, a
summary line) ranks above notes that hold the same words strewn about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.index.keyword import DocRow, KeywordIndex
from secondme.index.proximity import Proximity
from secondme.search.hybrid import boost_by_proximity, head_docs, proximity_boosts
from secondme.search.ids import CHUNK, MEMORY, to_index
from tests.core.conftest import write

FILLER = ("The weather stayed dry all week and nothing else happened worth writing down here. " * 3).strip()


@pytest.fixture(params=["memory", "file"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeywordIndex]:
    ix = KeywordIndex(None if request.param == "memory" else tmp_path / "kw.sqlite3")
    ix.add_docs([
        DocRow(1, "Bicycle", "Repairs", f"{FILLER} Replace the brake cable on the tandem before the ride. {FILLER}"),
        DocRow(2, "Tandem", "Brakes", f"The tandem is heavy. {FILLER} A new cable came today. {FILLER} "
                                      f"The brake pads are worn; replace them soon."),
        DocRow(3, "Cable", "", f"{FILLER} Replacing batteries in the brake light. {FILLER}"),
        DocRow(4, "Garden", "", "Tomatoes and compost."),
    ])
    yield ix
    ix.close()


def test_words_together_score_one_and_strewn_words_less(index: KeywordIndex) -> None:
    near = index.doc_proximity("replace brake cable tandem", [1, 2, 3, 4])
    assert near[1] == (pytest.approx(1.0), pytest.approx(1.0)), "the query's words in one sentence, in order"
    assert 0 < near[2].together < 0.6, "the same words, sentences apart: at most two of them together"
    assert near[2].in_order == 0, "no two of them next to each other"
    assert 4 not in near, "a note without any query word gets no score"
    # A window wide enough to span note 2's sentences finds every word there too.
    assert index.doc_proximity("replace brake cable tandem", [2], window=200)[2].together == pytest.approx(1.0)


def test_order_counts_pairs_in_the_query_order(index: KeywordIndex) -> None:
    # Note 1: "Replace the brake cable on the tandem". One small word between counts as next to.
    assert index.doc_proximity("replace brake", [1])[1].in_order == 1.0
    assert index.doc_proximity("brake replace", [1])[1].in_order == 0.0
    # tandem→brake: reversed; brake→cable: in order. One of two pairs.
    assert index.doc_proximity("tandem brake cable", [1])[1].in_order == pytest.approx(1 / 2)
    assert index.doc_proximity("tandem cable brake replace", [1])[1].in_order == 0.0


def test_stemmed_like_the_index(index: KeywordIndex) -> None:
    # "replaces" / "Replacing", "brakes" / "brake": the index's own stemmer decides, both ways.
    assert index.doc_proximity("brakes replaces tandems cables", [1])[1].together == pytest.approx(1.0)
    assert index.doc_proximity("replace brake", [3])[3] == (pytest.approx(1.0), 0.0)


def test_rare_words_weigh_more(index: KeywordIndex) -> None:
    # Note 3 holds "brake" (in three notes) near "replace" (in three); "tomatoes" is in one note.
    near = index.doc_proximity("tomatoes brake replace", [3, 4])
    assert near[4].together > near[3].together > 0, "one rare word alone outweighs two common ones together"


def test_one_word_or_nothing_asked_gives_nothing(index: KeywordIndex) -> None:
    assert index.doc_proximity("tandem", [1, 2]) == {}
    assert index.doc_proximity("brake cable", []) == {}


def test_boost_reorders_the_head_and_leaves_memories_alone() -> None:
    c1, c2, c3, m1 = to_index(CHUNK, 1), to_index(CHUNK, 2), to_index(CHUNK, 3), to_index(MEMORY, 1)
    chunk_doc = {1: 10, 2: 20, 3: 30}
    fused = [(c2, 1.0), (m1, 0.9), (c1, 0.8), (c3, 0.1)]
    boosts = proximity_boosts({10: Proximity(1.0, 0.5), 20: Proximity(0.2, 0.0)}, (0.4, 0.2))
    assert boosts == {10: pytest.approx(0.5), 20: pytest.approx(0.08)}
    out = boost_by_proximity(fused, chunk_doc, boosts)
    assert [i for i, _ in out] == [c1, c2, m1, c3]
    assert dict(out)[m1] == 0.9 and dict(out)[c3] == 0.1
    assert head_docs(fused, chunk_doc, depth=2) == [20]


def _note(root: Path, name: str, text: str) -> Path:
    return write(root / f"{name}.md", text)


def test_the_note_holding_the_phrase_ranks_first(notes_ctx: SecondMe, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "notes"
    # The phrase, once, in a long note about other things...
    chores = " ".join(f"Chore {i}: swept the floor, oiled the plane and sharpened chisel {i}." for i in range(12))
    target = _note(root, "workshop-log", f"# Workshop log\n\n{chores}\n\n"
                   "Glued the walnut dovetail joints with hide glue.\n\n"
                   f"{chores}\n")
    # ...and notes that hold every word of it, twice, apart.
    scattered = [_note(root, f"joinery-{i}", f"# Joinery {i}\n\n"
                       f"The walnut came from the yard. {FILLER} Cut dovetail pins. {FILLER} "
                       f"The joints need work. {FILLER} Glued shelf {i}. {FILLER} Walnut offcuts. {FILLER} "
                       f"A dovetail saw. {FILLER} The joints dry. {FILLER} Glued up.\n")
                 for i in range(3)]
    for i in range(12):  # the corpus the words' rarity is measured against
        _note(root, f"other-{i}", f"# Other {i}\n\nShopping list {i}: bread, milk, eggs.\n")
    notes_ctx.notes.add_folder(str(root))
    assert notes_ctx.notes.wait_indexed(120)
    query = "glued walnut dovetail joints"
    hits = notes_ctx.notes.search(query, k=5)
    assert hits and hits[0].path == str(target), [h.path for h in hits]
    # Without the proximity boost a note with the words strewn about wins: the boost is what
    # puts the phrase first here, so this test checks it.
    monkeypatch.setattr(notes_ctx.session.searcher, "proximity_weights", (0.0, 0.0))
    plain = notes_ctx.notes.search(query, k=5)
    assert plain[0].path in {str(p) for p in scattered}, [h.path for h in plain]
