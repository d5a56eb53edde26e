"""What ingesting one file came to: one kind per file instead of a bag of flags.

The indexer decides one :class:`Outcome` per file it examines, commits by kind, and tallies the
kinds; progress reports them as today's three counts (:attr:`Outcome.counted_as`). A file that is
recorded as failed (or too large) carries a :class:`FailReason` next to the reason shown to the
person.
"""

from __future__ import annotations

from enum import Enum

from secondme.errors import ExtractionError, FileTooLarge, FileUnreadable


class Outcome(Enum):
    """The kind of result of ingesting one file."""

    INDEXED = "indexed"                  # read, extracted and chunked: stored anew
    MOVED = "moved"                      # the content of a document whose file went: it follows
    UNCHANGED = "unchanged"              # the same content as stored: size and mtime refreshed
    REMOVED = "removed"                  # the file went, or is now ignored: its document goes
    SKIPPED_TOO_LARGE = "skipped-too-large"  # over the size limit: recorded with its reason
    SKIPPED_UNSUPPORTED = "skipped-unsupported"  # not a note (hidden, other type…): left alone
    FAILED = "failed"                    # could not be read or parsed: recorded with its reason

    @property
    def counted_as(self) -> str:
        """The progress count this kind adds to: ``done``, ``failed`` or ``skipped``."""
        if self in (Outcome.FAILED, Outcome.SKIPPED_TOO_LARGE):
            return "failed"
        if self in (Outcome.UNCHANGED, Outcome.SKIPPED_UNSUPPORTED):
            return "skipped"
        return "done"


class FailReason(Enum):
    """Why a file was recorded as failed (the shown reason says it in words)."""

    TOO_LARGE = "too-large"      # over the size limit: never read
    UNREADABLE = "unreadable"    # the system refused or lost the file
    BAD_NAME = "bad-name"        # the file name is not valid UTF-8
    UNPARSABLE = "unparsable"    # read, but its content is not a readable note of its type
    INTERNAL = "internal"        # one of our bugs (logged)

    @classmethod
    def of(cls, err: ExtractionError) -> FailReason:
        """The reason for an error raised while reading or parsing a note."""
        if isinstance(err, FileTooLarge):
            return cls.TOO_LARGE
        if isinstance(err, FileUnreadable):
            return cls.UNREADABLE
        return cls.UNPARSABLE
