"""Keyword search: SQLite FTS5 with BM25 ranking, living only in RAM while unlocked.

Tokenizer: ``porter unicode61 remove_diacritics 2``. unicode61 splits any script on Unicode
word boundaries and case-folds; ``remove_diacritics 2`` makes "cafe" find "café" (and handles
the code points that option 1 missed); porter on top stems English so "runs" and "running"
find "run". Notes are mostly English prose; porter leaves tokens it cannot stem (other
scripts) alone, so other languages lose only stemming, not matching.

Concurrency: one writer, many readers. On a file (the RAM folder) the database runs in WAL mode
and each reading thread gets its own connection, so searches read a consistent snapshot and
never wait for a write. In ":memory:" mode there is only one connection; writes then go in
bounded batches, each its own transaction, and release the lock between batches so a search
waits for at most one batch.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from secondme.errors import Closed
from secondme.index.keyword_filters import KeywordFilters, filter_sql
from secondme.index.proximity import PROXIMITY_WINDOW, Proximity, Stemmer, score_fields

log = logging.getLogger("secondme.index.keyword")

TOKENIZER = "porter unicode61 remove_diacritics 2"
DEFAULT_HIGHLIGHT = ("\x02", "\x03")
MAX_QUERY_TERMS = 32
# BM25 ranking costs FTS5 a few microseconds per matching row, every row: an OR over common words
# matches half of 100k chunks and took ~200 ms. Queries rank at most about this many rows (see
# KeywordIndex._plan); measured ~15 ms at 100k chunks on 2 cores.
RANK_BUDGET = 3000
# BM25 column weights of the document index (title, headings, body): a word in a note's title
# says more about what the note is than the same word in its body. On generated known-item
# queries (bench_known_item --field-grid, 7,000 notes, seed 1) a title weight of 2-8 found the
# note first for 0.736-0.742 of the queries against 0.70 with equal weights; the headings'
# weight changed nothing there (their words recur in the body).
FIELD_WEIGHTS = (4.0, 2.0, 1.0)
# Document frequencies used for planning may be this old (they only steer the plan).
DF_MAX_AGE_S = 30.0

# Function words that would match nearly every chunk and only add noise to an OR query.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves""".split()
)

_WORD = re.compile(r"\w+", re.UNICODE)


class KeywordRow(NamedTuple):
    """One indexed text: the store's chunk or memory id, its text and filterable columns."""

    id: int
    text: str
    kind: str = ""
    folder: str = ""
    file_type: str = ""
    date: int | None = None  # epoch seconds


class DocRow(NamedTuple):
    """One whole note for the document-level index: its store id and its text by field."""

    id: int
    title: str
    headings: str
    body: str
    folder: str = ""
    file_type: str = ""
    date: int | None = None  # epoch seconds


class KeywordHit(NamedTuple):
    """A search result: higher ``score`` is better (negated BM25)."""

    id: int
    score: float
    snippet: str


def query_terms(text: str, *, prefix_last: bool = False) -> list[str]:
    """The quoted FTS5 terms of free text (see :func:`build_match_query`), in query order."""
    words: list[str] = []
    seen: set[str] = set()
    for m in _WORD.finditer(text.lower()):
        w = m.group(0)
        # "_" and similar are word characters to Python but separators to unicode61; a phrase
        # with no token is not worth sending.
        if w not in seen and any(ch.isalnum() for ch in w):
            seen.add(w)
            words.append(w)
    if not words:
        return []
    last = words[-1]
    content = [w for w in words if w not in STOP_WORDS] or words
    if prefix_last and last not in content:
        content.append(last)  # a half-typed word may look like a stop word ("th" → "the")
    content = content[:MAX_QUERY_TERMS]
    parts = [f'"{w}"' for w in content]
    if prefix_last and content[-1] == last:
        parts[-1] += " *"
    return parts


def build_match_query(text: str, *, prefix_last: bool = False) -> str | None:
    """Turn free text into an FTS5 expression that cannot be a syntax error.

    Every word becomes a quoted string (so AND, NEAR, ``*``, ``:``, parentheses and quotes are
    just text) and the words are OR-ed so BM25 ranks partial matches. Stop words are dropped
    unless nothing else is left. ``prefix_last`` makes the last word a prefix, for
    search-as-you-type. Returns None when the text has no word at all.
    """
    parts = query_terms(text, prefix_last=prefix_last)
    return " OR ".join(parts) if parts else None


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class KeywordIndex:
    """An FTS5 (BM25) index of chunk and memory texts with filterable columns.

    ``path`` is a file in the private RAM folder, or None for an in-memory database. Ids are
    the store's ids, used as FTS5 rowids.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
        ellipsis: str = "…",
        snippet_tokens: int = 24,
        batch_rows: int = 1000,
    ) -> None:
        """Open (or create) the index at ``path``, in memory when None; ``highlight``, ``ellipsis`` and
        ``snippet_tokens`` shape snippets, ``batch_rows`` sizes write batches."""
        self._path = path
        # snippet()'s arguments after the column: markers, ellipsis, tokens (FTS5 caps them at 64).
        self._snippet_args: list[object] = [*highlight, ellipsis, max(1, min(64, snippet_tokens))]
        self._batch_rows = max(1, batch_rows)
        self._wlock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self.generation = 0  # bumped on every write; lets the owner know the index is dirty
        self.rank_budget = RANK_BUDGET
        self._df: dict[str, tuple[int, float]] = {}  # term -> (document frequency, when counted)
        self._stemmer = Stemmer(TOKENIZER)  # the index's own stemmer, for doc_proximity
        self._conn = self._connect()
        self._create_schema()
        # BM25 weights of the document index's columns (title, headings, body), see search_docs.
        self.field_weights = FIELD_WEIGHTS

    # --- connections ------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        target = str(self._path) if self._path is not None else ":memory:"
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        if self._path is not None:
            conn.execute("PRAGMA journal_mode=WAL")
            # The file lives in RAM and reaches a disk only as a sealed snapshot; fsyncs buy
            # nothing here.
            conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA temp_store=MEMORY")
        return conn

    def _create_schema(self) -> None:
        with self._wlock:
            self._conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS kw USING fts5("
                "text, kind UNINDEXED, folder UNINDEXED, ftype UNINDEXED, date UNINDEXED, "
                f"tokenize = '{TOKENIZER}')"
            )
            # Whole notes, by field: on known-item queries (a few words from one note) BM25
            # over the whole note ranks the right note first more often than its best chunk
            # does, since a note's words are spread over its chunks (see search_docs).
            self._conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS kwdoc USING fts5("
                "title, headings, body, folder UNINDEXED, ftype UNINDEXED, date UNINDEXED, "
                f"tokenize = '{TOKENIZER}')"
            )

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise Closed("keyword index is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=1")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @property
    def in_memory(self) -> bool:
        """Whether the index lives only in memory (rebuilt at every unlock)."""
        return self._path is None

    # --- writes -----------------------------------------------------------------------------
    def _write_batches(
        self,
        batches: Iterable[Sequence[object]],
        apply: Callable[[sqlite3.Connection, Sequence[object]], None],
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        done = 0
        for batch in batches:
            with self._wlock:
                if self._closed:
                    raise Closed("keyword index is closed")
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    apply(self._conn, batch)
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
                self.generation += 1
            done += len(batch)
            if on_progress is not None:
                on_progress(done)
        return done

    @staticmethod
    def _insert(conn: sqlite3.Connection, batch: Sequence[object]) -> None:
        # FTS5 honours OR REPLACE on the rowid, so re-adding an id replaces its text.
        conn.executemany(
            "INSERT OR REPLACE INTO kw(rowid, text, kind, folder, ftype, date) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            batch,  # type: ignore[arg-type]
        )

    def add_many(
        self, rows: Iterable[KeywordRow], on_progress: Callable[[int], None] | None = None
    ) -> int:
        """Insert or replace rows (by id), in batches; returns how many were written."""
        return self._write_batches(_chunks(rows, self._batch_rows), self._insert, on_progress)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove these chunks and memories from the passage index."""
        self._delete_from("kw", ids)

    def add_docs(self, rows: Iterable[DocRow]) -> int:
        """Insert or replace whole notes (by document id) in the document-level index."""
        def apply(conn: sqlite3.Connection, batch: Sequence[object]) -> None:
            conn.executemany(
                "INSERT OR REPLACE INTO kwdoc(rowid, title, headings, body, folder, ftype, date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                batch,  # type: ignore[arg-type]
            )

        return self._write_batches(_chunks(rows, self._batch_rows), apply)

    def delete_docs(self, ids: Iterable[int]) -> None:
        """Remove these notes from the whole-note index."""
        self._delete_from("kwdoc", ids)

    def _delete_from(self, table: str, ids: Iterable[int]) -> None:
        def apply(conn: sqlite3.Connection, batch: Sequence[object]) -> None:
            conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(i,) for i in batch])

        it = iter(ids)
        batches = iter(lambda: list(islice(it, self._batch_rows)), [])
        self._write_batches(batches, apply)

    def rebuild(
        self, rows: Iterable[KeywordRow], on_progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace the whole index with ``rows`` (the fast path after a lost snapshot)."""
        with self._wlock:
            self._conn.execute("DELETE FROM kw")
            self.generation += 1
        # On a WAL file readers never wait, so bigger transactions are free; in memory each
        # batch holds readers off, so it stays small.
        size = self._batch_rows if self._path is None else max(self._batch_rows, 5000)
        n = self._write_batches(_chunks(rows, size), self._insert, on_progress)
        with self._wlock:
            # Merge the many small b-trees left by batched inserts: queries get faster.
            self._conn.execute("INSERT INTO kw(kw) VALUES ('optimize')")
        return n

    # --- reads ------------------------------------------------------------------------------
    def count(self) -> int:
        """How many chunks and memories the passage index holds."""
        row = self._read("SELECT count(*) FROM kw", ())
        return int(row[0][0])

    def count_docs(self) -> int:
        """How many notes the whole-note index holds."""
        return int(self._read("SELECT count(*) FROM kwdoc", ())[0][0])

    def _read(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        if self._path is None:
            with self._wlock:
                if self._closed:
                    raise Closed("keyword index is closed")
                return list(self._conn.execute(sql, params))
        return list(self._reader().execute(sql, params))

    def _doc_freq(self, term: str, table: str = "kw") -> int:
        now = time.monotonic()
        hit = self._df.get(f"{table}:{term}")
        if hit is not None and now - hit[1] < DF_MAX_AGE_S:
            return hit[0]
        n = int(self._read(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (term,))[0][0])
        if len(self._df) > 4096:
            self._df.clear()
        self._df[f"{table}:{term}"] = (n, now)
        return n

    def _plan(self, terms: list[str], table: str = "kw") -> tuple[str, int | None]:
        """The MATCH expression to rank, and a rowid floor that bounds how many rows it ranks.

        Rare words decide BM25's top results; a word in thousands of chunks adds almost nothing
        to a score, yet costs ranking all of its rows. So the rarest words are kept while the
        rows they match fit the budget (the rarest always). If even that is over budget, only
        the newest ``rank_budget`` matching rows are ranked (ids grow with time).
        """
        dfs = {t: self._doc_freq(t, table) for t in terms}
        kept: list[str] = []
        total = 0
        for t in sorted(terms, key=lambda t: dfs[t]):
            if kept and total + dfs[t] > self.rank_budget:
                continue
            kept.append(t)
            total += dfs[t]
        # Query order kept: it decides which words the snippet shows first.
        match = " OR ".join(t for t in terms if t in kept)
        if total <= self.rank_budget:
            return match, None
        row = self._read(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                         (match, self.rank_budget))
        return match, (int(row[0][0]) if row else None)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: KeywordFilters | None = None,
        *,
        prefix_last: bool = False,
        snippets: bool = True,
    ) -> list[KeywordHit]:
        """Best ``k`` matches for free text ``query``, with highlighted snippets (empty ones
        without ``snippets``: see :meth:`snippets`)."""
        terms = query_terms(query, prefix_last=prefix_last)
        if not terms or k <= 0:
            return []
        match, floor = self._plan(terms)
        params: list[object] = [*self._snippet_args, match] if snippets else [match]
        where = filter_sql(filters, params, with_kind=True)
        if where is None:
            return []
        shown = "snippet(kw, 0, ?, ?, ?, ?)" if snippets else "''"
        sql = (
            f"SELECT rowid, bm25(kw), {shown} FROM kw "
            f"WHERE {' AND '.join(where)}{{floor}} ORDER BY rank LIMIT ?"
        )
        log.debug("keyword search %r → %s (rowid floor %s)", query, match, floor)
        rows: list[tuple[Any, ...]] = []
        if floor is not None:
            rows = self._read(sql.format(floor=" AND rowid > ?"), [*params, floor, int(k)])
        if floor is None or (len(rows) < k and len(where) > 1):
            # Filters may leave too few of the newest rows: rank them all rather than miss hits.
            rows = self._read(sql.format(floor=""), [*params, int(k)])
        return [KeywordHit(int(r[0]), -float(r[1]), str(r[2])) for r in rows]

    def snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        """Row id -> the snippet :meth:`search` gives it, for those of ``ids`` matching ``query``:
        snippets cost ~5x the ranking of a 750-row search that shows ten hits."""
        terms = query_terms(query)
        wanted = sorted({int(i) for i in ids})
        if not terms or not wanted:
            return {}
        # The hits a page shows: far fewer than SQLite's 32,766 parameters.
        rows = self._read(f"SELECT rowid, snippet(kw, 0, ?, ?, ?, ?) FROM kw WHERE kw MATCH ? "
                          f"AND rowid IN ({', '.join('?' * len(wanted))})",
                          [*self._snippet_args, self._plan(terms)[0], *wanted])
        return {int(r[0]): str(r[1]) for r in rows}

    def holders(self, word: str, k: int = 8, *, prefix: bool = True) -> list[int]:
        """Ids of up to ``k`` rows that hold ``word``, or (``prefix``) a word beginning with its
        first four letters ("kitten" finds "kittens", "pursue" finds "pursuing"): a quick "has
        memory ever held this word" that the stemmer's gaps do not fool."""
        w = "".join(ch for ch in word.lower() if ch.isalnum())
        if not w or k <= 0:
            return []
        match = f'"{w}"' + (f' OR "{w[:4]}"*' if prefix and len(w) >= 4 else "")
        return [int(r[0]) for r in self._read("SELECT rowid FROM kw WHERE kw MATCH ? LIMIT ?", (match, int(k)))]

    def search_docs(self, query: str, k: int = 10, filters: KeywordFilters | None = None) -> list[KeywordHit]:
        """Best ``k`` whole notes (document ids) for ``query``, BM25 over title, headings and
        body weighted by :attr:`field_weights`; no snippets (a note is shown by its chunks)."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        match, floor = self._plan(terms, "kwdoc")
        wt, wh, wb = self.field_weights
        params: list[object] = [float(wt), float(wh), float(wb), match]
        where = filter_sql(filters, params, with_kind=False)
        if where is None:
            return []
        sql = (f"SELECT rowid, bm25(kwdoc, ?, ?, ?) AS score FROM kwdoc WHERE {' AND '.join(where)}{{floor}} "
               "ORDER BY score LIMIT ?")
        rows: list[tuple[Any, ...]] = []
        if floor is not None:
            rows = self._read(sql.format(floor=" AND rowid > ?"), [*params, floor, int(k)])
        if floor is None or (len(rows) < k and len(where) > 1):
            rows = self._read(sql.format(floor=""), [*params, int(k)])
        return [KeywordHit(int(r[0]), -float(r[1]), "") for r in rows]

    def _doc_count(self) -> int:
        now = time.monotonic()
        hit = self._df.get("kwdoc:*")
        if hit is not None and now - hit[1] < DF_MAX_AGE_S:
            return hit[0]
        n = self.count_docs()
        self._df["kwdoc:*"] = (n, now)
        return n

    def doc_proximity(self, query: str, doc_ids: Sequence[int],
                      window: int = PROXIMITY_WINDOW) -> dict[int, Proximity]:
        """For each note among ``doc_ids`` that holds a query word, how closely it holds them:
        the share of the query's words (IDF-weighted, distinct stems) that occur together
        within ``window`` consecutive tokens of one of its fields, and the share of the query's
        consecutive word pairs that occur in that order, at most ``ORDER_GAP`` tokens apart.
        Empty for a query of fewer than two words.

        Meant for the few best candidates of a search (it reads their whole text): BM25 gives
        a note that holds the query's words far apart the same score as one that holds them in
        one sentence, and a remembered sentence is what a known-item query is made of.
        """
        words = [t.strip('"').strip() for t in query_terms(query)]
        if not doc_ids or len(words) < 2:
            return {}
        stem_of = self._stemmer.stems(words)
        order = list(dict.fromkeys(stem_of[w] for w in words))
        n_docs = max(self._doc_count(), 1)
        weight: dict[str, float] = {}
        for w in words:
            df = self._doc_freq(f'"{w}"', "kwdoc")
            # BM25's IDF (non-negative form): rare words count for more of the query.
            weight[stem_of[w]] = max(weight.get(stem_of[w], 0.0), math.log(1 + (n_docs - df + 0.5) / (df + 0.5)))
        total = sum(weight.values())
        if total <= 0 or len(order) < 2:
            return {}
        on, off = "\x02", "\x03"
        ids = sorted({int(d) for d in doc_ids})
        sql = (f"SELECT rowid, highlight(kwdoc, 0, ?, ?), highlight(kwdoc, 1, ?, ?), highlight(kwdoc, 2, ?, ?) "
               f"FROM kwdoc WHERE kwdoc MATCH ? AND rowid IN ({','.join('?' * len(ids))})")
        rows = self._read(sql, [on, off, on, off, on, off, " OR ".join(f'"{w}"' for w in words), *ids])
        return {int(row[0]): score_fields([str(f or "") for f in row[1:]], (on, off), self._stemmer,
                                          weight, order, window) for row in rows}

    # --- lifecycle --------------------------------------------------------------------------
    def backup_to(self, dest: Path) -> None:
        """Write a consistent copy of the index to ``dest`` (used when sealing)."""
        with self._wlock:
            target = sqlite3.connect(str(dest))
            try:
                self._conn.backup(target)
            finally:
                target.close()

    def close(self) -> None:
        """Close every connection; closing twice is a no-op."""
        with self._wlock:
            if self._closed:
                return
            self._closed = True
            with self._readers_lock:
                readers, self._readers = self._readers, []
            for conn in readers:
                conn.close()
            self._conn.close()
        self._stemmer.close()
