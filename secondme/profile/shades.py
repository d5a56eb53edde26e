"""Shades: the person's interest areas, found by clustering their memories' embeddings.

Ward agglomerative clustering (Lance–Williams updates on squared distances) in numpy: scipy is
not a dependency. Deterministic for a fixed corpus (inputs sorted by id, ties broken by the
lowest index). New memories join the nearest existing shade when close enough; a full
re-clustering happens when too many could not be placed. Without a model, a shade is named
and described by its most distinctive words and phrases (c-TF-IDF of the shade against the
other shades and the unplaced memories); a model that can write may name it through ``namer``,
once per set of members.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from secondme.index.keyword import STOP_WORDS

log = logging.getLogger("secondme.profile")

MAX_POINTS = 600          # clustered at once; older memories are assigned afterwards
ASSIGN_MIN = 0.35         # cosine to a shade's centroid needed to join it incrementally
MIN_SIZE = 2              # smaller clusters are not shades
RECLUSTER_FRACTION = 0.25  # re-cluster when this share of memories is unplaced
_EXTRA_STOP = frozenset("i'm it's don't can't i've we're today yesterday tomorrow now again new really "
                        "just got went need want like also much very time day week next last first one "
                        "two still year years month months weeks days hours night".split())


@dataclass(frozen=True)
class Item:
    """A memory to cluster: id, event time, text and unit-length embedding."""

    id: int
    at: float
    text: str
    vec: np.ndarray


def ward(x: np.ndarray, k: int) -> list[int]:
    """Cluster labels (0..k-1, numbered by first member) of the rows of ``x`` by Ward linkage."""
    n = len(x)
    if n == 0:
        return []
    k = max(1, min(k, n))
    x = np.asarray(x, dtype=np.float64)
    sq = (x * x).sum(1)
    d = np.maximum(sq[:, None] + sq[None, :] - 2.0 * x @ x.T, 0.0)
    np.fill_diagonal(d, np.inf)
    size = np.ones(n)
    parent = list(range(n))
    for _ in range(n - k):
        flat = int(np.argmin(d))
        i, j = divmod(flat, n)
        if i > j:
            i, j = j, i
        ni, nj = size[i], size[j]
        nk = size
        dij = d[i, j]
        new = ((nk + ni) * d[i] + (nk + nj) * d[j] - nk * dij) / (nk + ni + nj)
        new[i] = np.inf
        d[i, :] = new
        d[:, i] = new
        d[j, :] = np.inf
        d[:, j] = np.inf
        size[i] = ni + nj
        parent[j] = i
    def root(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a
    roots = [root(a) for a in range(n)]
    order: dict[int, int] = {}
    for r in roots:
        order.setdefault(r, len(order))
    return [order[r] for r in roots]


def choose_k(n: int) -> int:
    """How many clusters for ``n`` memories: about √(n/2), from 1 to 10."""
    return max(1, min(10, round(math.sqrt(n / 2))))


def words(text: str) -> list[str]:
    """The content words of ``text``, lowercased: three letters or more, stop words left out."""
    return [w for w in re.findall(r"[a-zà-ÿ][a-zà-ÿ'’-]{2,}", text.lower())
            if w not in STOP_WORDS and w not in _EXTRA_STOP]


def terms(text: str) -> set[str]:
    """The distinct content words of ``text`` and the two-word phrases of adjacent content words
    ("sea turtles", "trail running"): a phrase names an interest better than either word."""
    out: set[str] = set()
    prev = ""
    for tok in re.findall(r"[a-zà-ÿ0-9][a-zà-ÿ0-9'’-]*", text.lower()):
        tok = tok.strip("'’-")
        if len(tok) < 3 or tok in STOP_WORDS or tok in _EXTRA_STOP or tok.isdigit():
            prev = ""  # a stop word breaks a phrase
            continue
        out.add(tok)
        if prev:
            out.add(f"{prev} {tok}")
        prev = tok
    return out


def _day(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d")


def _span(a: float, b: float) -> str:
    da, db = datetime.fromtimestamp(a), datetime.fromtimestamp(b)
    if da.date() == db.date():
        return f"on {da.day} {da.strftime('%b %Y')}"
    left = f"{da.day} {da.strftime('%b')}" + ("" if da.year == db.year else da.strftime(" %Y"))
    return f"from {left} to {db.day} {db.strftime('%b %Y')}"


def keywords(groups: Sequence[Sequence[Item]], rest: Sequence[Item] = (), n: int = 6) -> list[list[str]]:
    """The most distinctive terms of each group by class-based TF-IDF (BERTopic's c-TF-IDF):
    a term's share of its group's terms × log(1 + average terms per class / its count over all
    classes); the unclustered memories are one more class, so words everyone uses rank low.
    A term counts once per memory, so one long message cannot name a shade."""
    classes = [Counter(t for it in g for t in terms(it.text)) for g in groups]
    background = Counter(t for it in rest for t in terms(it.text))
    total: Counter[str] = Counter()
    for c in (*classes, background):
        total.update(c)
    sizes = [sum(c.values()) for c in (*classes, background)]
    avg = sum(sizes) / max(1, sum(1 for x in sizes if x))
    out: list[list[str]] = []
    for g, c in zip(groups, classes, strict=True):
        size = max(1, sum(c.values()))
        # A term of a single memory says little about an area of several.
        floor = 2 if len(g) >= 3 else 1
        scored = sorted(((cnt / size * math.log(1 + avg / total[t]) * (1.3 if " " in t else 1.0), t)
                         for t, cnt in c.items() if cnt >= floor), key=lambda x: (-x[0], x[1]))
        chosen: list[str] = []
        for _, t in scored:
            parts = set(t.split())
            # A phrase replaces a chosen word it contains; a word inside a chosen phrase adds nothing.
            if any(t in ch.split() for ch in chosen if " " in ch) or t in chosen:
                continue
            chosen = [ch for ch in chosen if not (" " not in ch and ch in parts)]
            chosen.append(t)
            if len(chosen) >= n:
                break
        if not chosen:
            chosen = [w for w, _ in Counter(w for it in g for w in set(words(it.text))).most_common(n)]
        out.append(chosen)
    return out


def _snippet(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def describe(groups: Sequence[Sequence[Item]], rest: Sequence[Item] = (),
             hasher: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    """Name, description, keywords, centroid and dated timeline of each group, without a model:
    named by its two most distinctive terms, described by its terms, span and most typical
    memory; the timeline lists every memory (id, date, a snippet) oldest first."""
    kws = keywords(groups, rest)
    out: list[dict[str, Any]] = []
    for g, keys in zip(groups, kws, strict=True):
        vecs = np.stack([it.vec for it in g])
        centroid = vecs.mean(0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        medoid = g[int(np.argmax(vecs @ centroid))]
        items = sorted(g, key=lambda it: (it.at, it.id))
        name = " & ".join(keys[:2])
        name = name[:1].upper() + name[1:] if name else "Misc"
        about = ", ".join(keys[:4]) or "various things"
        desc = (f"About {about}: {len(g)} memories {_span(items[0].at, items[-1].at)}. "
                f"Typical: “{_snippet(medoid.text, 100)}”")
        out.append({"name": name, "description": desc, "keywords": keys, "size": len(g),
                    "origin": "template", "hash": member_hash(g, hasher),
                    "centroid": [round(float(v), 6) for v in centroid],
                    "timeline": [{"id": it.id, "date": _day(it.at), "text": _snippet(it.text)} for it in items]})
    return out


def member_hash(g: Sequence[Item], hasher: Callable[[str], str] | None = None) -> str:
    """What a shade's name depends on: its members and their texts (an edit renames it); keyed
    when ``hasher`` is the store's, so the hash says nothing about the texts without the key."""
    data = "\0".join(f"{it.id}\0{it.text}" for it in sorted(g, key=lambda it: it.id))
    return hasher(data) if hasher is not None else hashlib.sha256(data.encode()).hexdigest()


def cluster(items: Sequence[Item]) -> tuple[list[list[Item]], list[Item]]:
    """Groups (shades) and the items left over, deterministically."""
    items = sorted(items, key=lambda it: it.id)
    core = items[-MAX_POINTS:]
    rest = items[:-MAX_POINTS] if len(items) > MAX_POINTS else []
    if len(core) < MIN_SIZE * 2:
        return [], list(items)
    labels = ward(np.stack([it.vec for it in core]), choose_k(len(core)))
    groups: dict[int, list[Item]] = {}
    for it, lab in zip(core, labels, strict=True):
        groups.setdefault(lab, []).append(it)
    kept = [g for g in groups.values() if len(g) >= MIN_SIZE]
    left = [it for g in groups.values() if len(g) < MIN_SIZE for it in g]
    kept, more = assign(kept, rest)
    return kept, sorted(left + more, key=lambda it: it.id)


def assign(groups: list[list[Item]], new: Sequence[Item]) -> tuple[list[list[Item]], list[Item]]:
    """Add each new item to the nearest group whose centroid is close enough."""
    if not groups:
        return groups, list(new)
    cents = np.stack([_centroid(g) for g in groups])
    left: list[Item] = []
    for it in sorted(new, key=lambda it: it.id):
        sims = cents @ it.vec
        best = int(np.argmax(sims))
        if float(sims[best]) >= ASSIGN_MIN:
            groups[best].append(it)
        else:
            left.append(it)
    return groups, left


def _centroid(g: Sequence[Item]) -> np.ndarray:
    c = np.stack([it.vec for it in g]).mean(0)
    return np.asarray(c / max(float(np.linalg.norm(c)), 1e-9))


def update(state: dict[str, Any] | None, items: Sequence[Item],
           namer: Callable[[list[str], list[str]], tuple[str, str]] | None = None,
           hasher: Callable[[str], str] | None = None) -> tuple[dict[str, Any], str]:
    """The new shades state for ``items`` (all clusterable memories) and what was done:
    "unchanged", "assigned" (incremental) or "clustered" (full). A shade the model named keeps
    its name while the hash of its members is unchanged ("named" counts the model's calls)."""
    by_id = {it.id: it for it in items}
    known: list[list[Item]] = []
    if state and state.get("shades"):
        for s in state["shades"]:
            members = [by_id[t["id"]] for t in s["timeline"] if t["id"] in by_id]
            if len(members) >= MIN_SIZE:
                known.append(members)
    placed = {it.id for g in known for it in g}
    pending_old = set((state or {}).get("pending", []))
    new = [it for it in items if it.id not in placed and it.id not in pending_old]
    pending = [by_id[i] for i in sorted(pending_old) if i in by_id]
    gone = state is not None and any(t["id"] not in by_id for s in state.get("shades", []) for t in s["timeline"])
    if state is not None and known and not new and not gone:
        return state, "unchanged"
    action = "assigned"
    if known:
        known, left = assign(known, new)
        pending += left
    if not known or len(pending) > max(8, RECLUSTER_FRACTION * len(items)):
        known, pending = cluster(items)
        action = "clustered"
    shades = describe(known, pending, hasher)
    prev = {str(s.get("hash")): s for s in (state or {}).get("shades", []) if s.get("origin") == "model"}
    named = 0
    if namer is not None:
        for s, g in zip(shades, known, strict=True):
            old = prev.get(s["hash"])
            if old is not None:  # same members, same texts: the model's name still holds
                s["name"], s["description"], s["origin"] = old["name"], old["description"], "model"
                continue
            try:
                s["name"], s["description"] = namer([it.text for it in g][:12], s["keywords"])
                s["origin"] = "model"
                named += 1
            except Exception as exc:  # a model failure keeps the extractive name
                log.warning("the model could not name a shade: %s", type(exc).__name__)
                log.debug("shade namer error", exc_info=True)  # DEBUG: the message may quote the model
    for i, s in enumerate(shades):
        s["id"] = i + 1
    return {"shades": shades, "pending": sorted(it.id for it in pending), "named": named}, action
