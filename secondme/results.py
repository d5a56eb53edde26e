"""Result types the core hands to its callers (CLI and UI)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# Highlight markers inside snippets: the UI renders them, the CLI turns them into ANSI or [..].
HL_START = "\x02"
HL_END = "\x03"


def readable_path(path: str | os.PathLike[str]) -> str:
    """``path`` as valid UTF-8 text, for showing and storing: bytes of a name that is not valid
    UTF-8 (which Python carries as lone surrogates) become U+FFFD."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return text


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to; empty fields narrow nothing."""

    folder: str | None = None       # a watched folder's path
    file_types: tuple[str, ...] = ()  # e.g. ("markdown", "pdf")
    since: float | None = None      # epoch seconds
    until: float | None = None
    kinds: tuple[str, ...] = ()     # "chunk" (notes) and/or memory kinds


@dataclass(frozen=True)
class SearchHit:
    """One search or recall result with its exact source."""

    id: int
    kind: str                  # "chunk" for note text, else a memory kind ("message", "fact", ...)
    title: str
    snippet: str               # with HL_START / HL_END around matches
    score: float
    path: str | None = None    # note file, for chunks
    heading: str = ""          # heading path "A > B"
    line_start: int | None = None
    line_end: int | None = None
    date: float | None = None  # modification time or event time (epoch seconds)
    source_id: str | None = None  # external id (imported message ids)
    context: tuple[str, ...] = ()  # neighbour chunks' text
    relevance: float | None = None  # cosine similarity of query and hit (absolute, for abstention)


@dataclass(frozen=True)
class Answer:
    """A grounded answer: text with [n] markers referring to ``citations[n-1]``."""

    text: str
    citations: tuple[SearchHit, ...] = ()
    abstained: bool = False
    cancelled: bool = False
    # "generated" (written by the chat model), "extractive" (sentences quoted from the
    # sources: the model is too small to write, or its answer was not supported by them),
    # "inferred" (the model's judgment for a question asking what is likely, which the
    # sources point to but do not state).
    mode: str = "generated"
    # Words of the question found in an extractive answer, for highlighting.
    highlights: tuple[str, ...] = ()
    # An extractive answer that leads with a short span ("7 May 2023 [1]"): the whole quoted
    # sentences it comes from, each with its [n] marker, shown under it as its support.
    support: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexProgress:
    """Where indexing of the watched folders stands (files, rate, and the embedding phase)."""

    queued: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    rate: float = 0.0          # files per second
    eta_seconds: float | None = None
    running: bool = False
    paused: bool = False
    error: str | None = None   # why indexing waits (e.g. the disk is full); None when all is well
    # Phase 2 (embeddings, in the background): notes whose every chunk has its vector, of all
    # notes. Until it is complete, search finds every note by keyword but not yet every one by
    # meaning ("semantic results still incomplete: done of total notes").
    semantic_done: int = 0
    semantic_total: int = 0
    semantic_complete: bool = True


@dataclass(frozen=True)
class FolderStatus:
    """A watched folder with its counts of notes, chunks and files that failed."""

    path: str
    documents: int
    chunks: int
    failed: int
    enabled: bool = True


@dataclass(frozen=True)
class FailedFile:
    """A file that could not be indexed, and why (shown on the Sources page)."""

    path: str
    reason: str
    folder: str | None = None


@dataclass
class Progress:
    """Generic progress of a long operation (jobs, rebuilds)."""

    step: str
    done: int = 0
    total: int | None = None
    detail: dict[str, object] = field(default_factory=dict)
