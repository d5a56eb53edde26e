"""The keyed-hash formulas, each written once.

A keyed hash (HMAC under the store's hash key) lets plain SQL find rows that share a value
without the value being readable. The formula for a kind of value must be the same wherever it
is computed (adding, de-duplicating, editing, re-keying), or lookups silently miss: so each
formula lives here and every caller uses it.
"""

from __future__ import annotations

from typing import Protocol


class KeyedHasher(Protocol):
    """Anything with the store's ``keyed_hash`` (the store, or a re-keying's new key)."""

    def keyed_hash(self, value: str | bytes, purpose: str) -> str:
        """The keyed hash of ``value`` for ``purpose`` (hex)."""
        ...


def memory_hash(hasher: KeyedHasher, kind: str, text: str) -> str:
    """A memory's content hash: its kind and text (the same words as a fact and as a message
    are different memories)."""
    return hasher.keyed_hash(f"{kind}\0{text}", "memory")


def source_hash(hasher: KeyedHasher, source: str) -> str:
    """A memory's source key: the conversation, import or episode day it belongs to (recall
    groups by it, ``forget(<source>)`` finds by it, re-keying recomputes it)."""
    return hasher.keyed_hash(source, "source")


def setting_hash(hasher: KeyedHasher, name: str) -> str:
    """The lookup key of a private setting by its name."""
    return hasher.keyed_hash(name, "setting")
