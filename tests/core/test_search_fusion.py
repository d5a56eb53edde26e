"""Note fusion (whole-note BM25, best-chunk BM25, best-chunk dense) on hand-made score lists."""

from __future__ import annotations

from secondme.search.hybrid import fuse, fuse_notes
from secondme.search.ids import CHUNK, MEMORY, to_index


def c(i: int) -> int:
    return to_index(CHUNK, i)


def m(i: int) -> int:
    return to_index(MEMORY, i)


def test_memories_alone_fuse_as_before() -> None:
    kw = {m(1): 5.0, m(2): 3.0, m(3): 1.0}
    dense = {m(2): 0.8, m(4): 0.6, m(1): 0.1}
    assert fuse_notes(kw, dense, {}, {}) == fuse(kw, dense)


def test_one_result_per_note_shown_by_its_best_chunk() -> None:
    # Note 10 has chunks 1 and 2; note 20 has chunk 3.
    chunk_doc = {1: 10, 2: 10, 3: 20}
    kw = {c(1): 2.0, c(2): 6.0, c(3): 4.0}
    dense = {c(1): 0.9, c(3): 0.2}
    out = fuse_notes(kw, dense, {10: 8.0, 20: 3.0}, chunk_doc)
    ids = [i for i, _ in out]
    assert len(ids) == 2, "one entry per note"
    assert ids[0] in (c(1), c(2)) and ids[1] == c(3)
    assert ids[0] == c(2), "chunk 2's keyword z-score beats chunk 1's dense lead (0.6 vs 0.4 weights)"


def test_a_note_found_only_as_a_whole_is_shown_by_the_chunk_given_for_it() -> None:
    chunk_doc = {1: 10, 7: 30}  # 7: the first chunk of note 30, which no chunk list found
    kw = {c(1): 3.0}
    out = dict(fuse_notes(kw, {}, {30: 9.0, 10: 1.0}, chunk_doc))
    assert set(out) == {c(1), c(7)}, "note 30 is in the results, shown by its first chunk"
    out = dict(fuse_notes(kw, {}, {30: 9.0, 10: 1.0}, chunk_doc, weights=(1.0, 0.0, 0.0)))
    assert out[c(7)] > out[c(1)], "ranked by whole-note BM25 alone, note 30 comes first"


def test_whole_note_weight_decides_between_notes() -> None:
    chunk_doc = {1: 10, 2: 20}
    kw = {c(1): 5.0, c(2): 4.0}  # chunk of note 10 wins at chunk level
    docs = {10: 2.0, 20: 9.0, 30: 1.0}  # note 20 wins as a whole
    chunk_doc[3] = 30
    first = fuse_notes(kw, {}, docs, chunk_doc, weights=(1.0, 0.0, 0.0))[0][0]
    assert first == c(2)
    first = fuse_notes(kw, {}, docs, chunk_doc, weights=(0.0, 1.0, 0.0))[0][0]
    assert first == c(1)
