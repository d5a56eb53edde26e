"""Indexing progress in words, for both phases: reading notes, then search by meaning."""

from __future__ import annotations

from secondme.results import IndexProgress
from ui.pages.jobs import describe_progress
from ui.pages.search import semantic_note


def test_phase_one_then_phase_two_then_done() -> None:
    reading = IndexProgress(queued=30, done=10, running=True, semantic_done=0, semantic_total=10,
                            semantic_complete=False)
    assert describe_progress(reading).startswith("Indexing notes (running): 10 of 40 files done")
    embedding = IndexProgress(done=40, running=False, semantic_done=12, semantic_total=40,
                              semantic_complete=False)
    assert describe_progress(embedding) == ("Every note is searchable by its words; preparing search "
                                            "by meaning (running): 12 of 40 notes ready.")
    assert semantic_note(embedding) == (" · matching by words only for now: 12 of 40 notes are ready "
                                        "for search by meaning")
    done = IndexProgress(done=40, semantic_done=40, semantic_total=40, semantic_complete=True)
    assert describe_progress(done) == "Nothing is running." and semantic_note(done) == ""
    assert describe_progress(None) == "Nothing is running." and semantic_note(None) == ""
