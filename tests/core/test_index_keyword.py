"""FTS5 keyword index: ranking, filters, hostile queries, snippets, concurrency."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.index.keyword import (
    KeywordFilters,
    KeywordIndex,
    KeywordRow,
    build_match_query,
)

ROWS = [
    KeywordRow(1, "Grocery list: apples, bread and oat milk for the week", "note", "home", "md", 1_700_000_000),
    KeywordRow(2, "The café on Rue Cler serves the best croissants in Paris", "note", "travel", "md", 1_710_000_000),
    KeywordRow(3, "Running schedule: run 5 km on Monday, runs on Thursday", "memory", "health", "txt", 1_720_000_000),
    KeywordRow(4, "Meeting notes: quarterly budget review with the finance team", "note", "work", "org", 1_730_000_000),
    KeywordRow(5, "Paris trip: Louvre, Orsay, and a walk along the Seine in Paris", "memory", "travel", "md", 1_740_000_000),
]


@pytest.fixture(params=["memory", "file"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeywordIndex]:
    ix = KeywordIndex(None if request.param == "memory" else tmp_path / "kw.sqlite3")
    ix.add_many(ROWS)
    yield ix
    ix.close()


def test_right_document_first(index: KeywordIndex) -> None:
    assert index.search("quarterly budget")[0].id == 4
    assert index.search("paris louvre")[0].id == 5
    assert index.search("oat milk bread")[0].id == 1


def test_stemming_and_diacritics(index: KeywordIndex) -> None:
    assert index.search("running")[0].id == 3  # porter: running/run/runs
    assert index.search("cafe")[0].id == 2  # remove_diacritics: café
    assert index.search("CAFÉ")[0].id == 2


def test_stop_words_dropped_but_not_everything(index: KeywordIndex) -> None:
    assert build_match_query("the best of the croissants") == '"best" OR "croissants"'
    assert build_match_query("the and of") == '"the" OR "and" OR "of"'
    assert index.search("what is the best")[0].id == 2


def test_scores_descend_and_k(index: KeywordIndex) -> None:
    hits = index.search("paris", k=10)
    assert [h.id for h in hits][:2] == [5, 2]
    assert hits[0].score >= hits[1].score
    assert len(index.search("paris", k=1)) == 1
    assert index.search("paris", k=0) == []


def test_filters(index: KeywordIndex) -> None:
    assert [h.id for h in index.search("paris", filters=KeywordFilters(kinds=["note"]))] == [2]
    assert [h.id for h in index.search("paris", filters=KeywordFilters(folders=["travel"]))] == [5, 2]
    assert index.search("paris", filters=KeywordFilters(file_types=["org"])) == []
    assert index.search("paris", filters=KeywordFilters(kinds=[])) == []
    f = KeywordFilters(date_from=1_715_000_000, date_to=1_745_000_000)
    assert [h.id for h in index.search("paris", filters=f)] == [5]
    f = KeywordFilters(date_to=1_740_000_000)
    assert [h.id for h in index.search("paris", filters=f)] == [2]


def test_snippet_highlight_and_bound(tmp_path: Path) -> None:
    ix = KeywordIndex(None, highlight=("[", "]"), snippet_tokens=8, ellipsis="~")
    long_text = " ".join(["filler"] * 200 + ["needle"] + ["filler"] * 200)
    ix.add_many([KeywordRow(7, long_text)])
    (hit,) = ix.search("needle")
    assert "[needle]" in hit.snippet
    assert len(hit.snippet.split()) <= 8 + 2
    assert hit.snippet.startswith("~") and hit.snippet.endswith("~")
    ix.close()


def test_snippets_only_for_the_hits_asked_for(index: KeywordIndex) -> None:
    """A deep search ranks without snippets; the few hits shown get the very snippet a full
    search gives them, and a row the query does not match gets none."""
    full = {h.id: h.snippet for h in index.search("paris croissants", k=10)}
    bare = index.search("paris croissants", k=10, snippets=False)
    assert [h.id for h in bare] == list(full) and all(h.snippet == "" for h in bare)
    assert index.snippets("paris croissants", [2, 5, 4]) == {2: full[2], 5: full[5]}
    assert "\x02croissants\x03" in full[2]
    assert index.snippets("paris", []) == {} and index.snippets("louvre", [2]) == {}


def test_default_markers(index: KeywordIndex) -> None:
    assert "\x02budget\x03" in index.search("budget")[0].snippet


HOSTILE = [
    "", " ", '"', '""', '"""', "'", "(", ")", "()", "(((", "AND", "OR", "NOT", "NEAR",
    "a AND", "OR b", "NOT x", "x NOT", "a NEAR(b c)", "NEAR/3", "*", "x*", "*x", "^", "^a",
    ":", "text:", "text:paris", "kind:note", "{text kind}: paris", "-", "+", "+a -b", "a-b",
    "_", "__ _", "\x00", "a\x00b", "\u200b", "\u0301", "é", "ﬁ", "İ", "ß", "²", "½", "Ⅻ",
    "日本語のノート", "🙂 paris", "paris\n\t\r", "c'est", 'say "hello', "rank", "bm25(kw)",
    "'; DROP TABLE kw; --", "a" * 5000, " ".join(["paris"] * 500),
    " ".join(f"w{i}" for i in range(300)),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(index: KeywordIndex, query: str) -> None:
    index.search(query)
    index.search(query, prefix_last=True)
    index.search(query, filters=KeywordFilters(kinds=["note"], date_from=0))


def test_random_garbage_never_raises(index: KeywordIndex) -> None:
    rng = random.Random(1234)
    alphabet = 'abcXYZ 019"\'()*:^-+_.,;{}[]<>|\\/~`!@#$%&=?éß日🙂\u0301\u200b\t\n'
    for _ in range(500):
        q = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        q += rng.choice(["", " AND", " OR", " NOT", " NEAR", "*"])
        index.search(q, prefix_last=rng.random() < 0.5)
    assert index.count() == len(ROWS)  # the injection-looking query did nothing


def test_prefix_search(index: KeywordIndex) -> None:
    assert index.search("quart", prefix_last=True)[0].id == 4
    assert index.search("quart") == []


def test_replace_and_delete(index: KeywordIndex) -> None:
    gen = index.generation
    index.add_many([KeywordRow(4, "Meeting notes: hiring plan")])
    assert index.generation > gen
    assert index.count() == len(ROWS)
    assert index.search("budget") == []
    assert index.search("hiring")[0].id == 4
    index.delete([4, 999])
    assert index.search("hiring") == []
    assert index.count() == len(ROWS) - 1


def test_rebuild_and_progress(tmp_path: Path) -> None:
    ix = KeywordIndex(tmp_path / "kw.sqlite3")
    ix.add_many([KeywordRow(100, "stale row")])
    seen: list[int] = []
    rows = (KeywordRow(i, f"row number {i} topic{i % 7}") for i in range(12_000))
    assert ix.rebuild(rows, on_progress=seen.append) == 12_000
    assert seen[-1] == 12_000 and seen == sorted(seen)
    assert ix.count() == 12_000
    assert ix.search("stale") == []
    assert len(ix.search("topic3", k=50)) == 50
    ix.close()


def test_backup_copy_is_complete(tmp_path: Path) -> None:
    ix = KeywordIndex(tmp_path / "kw.sqlite3")
    ix.add_many(ROWS)
    ix.backup_to(tmp_path / "copy.sqlite3")
    ix.close()
    copy = KeywordIndex(tmp_path / "copy.sqlite3")
    assert copy.count() == len(ROWS)
    assert copy.search("budget")[0].id == 4
    copy.close()


def test_closed_index_refuses(tmp_path: Path) -> None:
    ix = KeywordIndex(tmp_path / "kw.sqlite3")
    ix.close()
    ix.close()
    with pytest.raises(RuntimeError):
        ix.search("x")
    with pytest.raises(RuntimeError):
        ix.add_many([KeywordRow(1, "x")])


@pytest.mark.parametrize("mode", ["memory", "file"])
def test_reads_proceed_during_long_write(tmp_path: Path, mode: str) -> None:
    ix = KeywordIndex(None if mode == "memory" else tmp_path / "kw.sqlite3", batch_rows=1000)
    ix.add_many(ROWS)
    done = threading.Event()
    errors: list[BaseException] = []
    reads_during_write = 0

    def writer() -> None:
        try:
            words = "alpha beta gamma delta epsilon zeta eta theta".split()
            ix.add_many(
                KeywordRow(1000 + i, " ".join(words[(i + j) % 8] for j in range(60)))
                for i in range(30_000)
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def reader() -> None:
        nonlocal reads_during_write
        while not done.is_set():
            try:
                hits = ix.search("budget")
            except BaseException as exc:
                errors.append(exc)
                return
            assert hits and hits[0].id == 4
            if not done.is_set():
                reads_during_write += 1
            time.sleep(0.001)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert reads_during_write > 2
    assert ix.count() == len(ROWS) + 30_000
    ix.close()


# --- bounded ranking cost: a query ranks at most ``rank_budget`` rows -----------------------
def _crowded(tmp_path: Path) -> KeywordIndex:
    """400 "meeting" notes (common), a few rare words, one older filtered-out-of-window note."""
    ix = KeywordIndex(tmp_path / "crowd.sqlite3")
    rows = [KeywordRow(i, f"Meeting notes number {i} about the weekly meeting", "chunk", "work", "md", i)
            for i in range(1, 401)]
    rows[10] = KeywordRow(11, "Meeting with the beekeeper about the hive inspection", "chunk", "work", "md", 11)
    rows[20] = KeywordRow(21, "Meeting notes kept in the garden shed", "chunk", "home", "md", 21)
    ix.add_many(rows)
    ix.rank_budget = 50
    return ix


def test_common_word_dropped_when_a_rare_one_decides(tmp_path: Path) -> None:
    ix = _crowded(tmp_path)
    plan, floor = ix._plan(['"meeting"', '"beekeeper"'])
    assert plan == '"beekeeper"' and floor is None  # 400 rows of "meeting" add nothing to rank
    assert ix.search("meeting beekeeper", 5)[0].id == 11
    ix.close()


def test_only_common_words_rank_the_newest_rows(tmp_path: Path) -> None:
    ix = _crowded(tmp_path)
    hits = ix.search("weekly meeting", 10)
    assert len(hits) == 10
    assert min(h.id for h in hits) > 400 - 51  # only the newest 50 matches were ranked
    ix.close()


def test_filters_that_empty_the_window_fall_back_to_every_row(tmp_path: Path) -> None:
    ix = _crowded(tmp_path)
    # Note 21 is far older than the newest 50 "meeting" rows, yet a folder filter must find it.
    hits = ix.search("meeting", 5, KeywordFilters(folders=["home"]))
    assert [h.id for h in hits] == [21]
    ix.close()
