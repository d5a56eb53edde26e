"""Typed errors.

``UserError`` and its subclasses are the environment's fault or the person's input: they carry a
message a person can act on and are shown as such. Anything else that escapes is our bug and is
logged with a traceback.
"""

from __future__ import annotations


class SecondMeError(Exception):
    """Base of every error the core raises on purpose."""


class UserError(SecondMeError):
    """An error a person can act on; ``str(err)`` is the message to show."""


class NotInitialized(UserError):
    """The data directory has no vault yet (run ``secondme init``)."""


class AlreadyInitialized(UserError):
    """``init`` was asked for a data directory that already has a vault."""


class WrongPassphrase(UserError):
    """The passphrase (or keyring secret) does not unwrap the data key."""


class VaultLocked(UserError):
    """An operation needs the data key but the vault is locked."""


class KeyringUnavailable(UserError):
    """No trustworthy OS keyring backend exists (plaintext and ``fail`` backends are refused)."""


class PassphraseRequired(UserError):
    """The vault is passphrase-protected and no passphrase was given."""


class VaultCorrupt(UserError):
    """``vault.json`` is damaged or was tampered with (unreadable, or KDF parameters out of
    bounds); refused before any key derivation is attempted."""


class ModelMissing(UserError):
    """A model file is not where it should be."""


class ModelInvalid(UserError):
    """A model file exists but is not a usable model (not GGUF, truncated, wrong checksum)."""


class UnsupportedFile(UserError):
    """A file's format cannot be read as a note."""


class ExtractionError(UserError):
    """A note file could not be read; the message says why (shown in the Sources page)."""


class FileTooLarge(ExtractionError):
    """A note file is over the size limit; it is reported, never read."""


class FileUnreadable(ExtractionError):
    """The system refused or lost a note file while it was read (permission denied, vanished,
    not a regular file); the message says which."""


class DiskFull(UserError):
    """A write failed because the disk is full; nothing committed was lost."""


class StoreCorruption(UserError):
    """A stored value or row failed authentication (tampered, swapped or damaged), or the
    database file itself is damaged (truncated, not a database).

    Carries the table, row id and column so the damage can be reported for that row alone. A
    UserError: the person can act on it (restore a backup), and it must never show as a crash.
    """

    ADVICE = "the store was damaged or changed outside Second Me: restore a backup (secondme backup import)"

    def __init__(self, table: str, row_id: int, column: str, detail: str = "", *,
                 message: str | None = None) -> None:
        """Name the ``table``, ``row_id`` and ``column`` that failed (``detail`` says how), or use ``message``
        as is; the advice is appended."""
        self.table = table
        self.row_id = row_id
        self.column = column
        if message is None:
            message = f"stored value {table}.{column} of row {row_id} failed authentication"
            if detail:
                message += f" ({detail})"
        super().__init__(f"{message}; {self.ADVICE}")


class SnapshotCorrupt(SecondMeError):
    """An encrypted index snapshot failed authentication; the index is rebuilt from the store."""


class Closed(SecondMeError, RuntimeError):
    """A store, index or model was used after it was closed (work racing a lock or shutdown).

    A RuntimeError too, as these were before, so existing handlers still catch it."""


class Cancelled(SecondMeError):
    """Long work was cancelled by the person or by shutdown."""


class BackupError(UserError):
    """An encrypted backup cannot be used; the subclass says why. Nothing was written."""


class BackupWrongPassphrase(BackupError):
    """The backup passphrase does not open this backup."""


class BackupCorrupt(BackupError):
    """The file is not a Second Me backup, or it was truncated, damaged or tampered with."""


class DownloadError(UserError):
    """A model download failed; the message says why and what to do next."""


class DownloadServerError(DownloadError):
    """The server answered with an HTTP error (4xx or 5xx), or with a file other than the pinned one."""

    def __init__(self, message: str, status: int = 0) -> None:
        """``message`` and the HTTP ``status`` (0 when the failure was not an HTTP status)."""
        super().__init__(message)
        self.status = status


class DownloadInterrupted(DownloadError):
    """The connection failed or closed before the whole file arrived; what did arrive is kept and
    the next attempt resumes from there."""


class DownloadChecksumMismatch(DownloadError):
    """The downloaded bytes do not have the pinned SHA-256; they were deleted, nothing was installed."""


class NotEnoughDiskSpace(DownloadError, DiskFull):
    """The models folder lacks the free space a download needs; found before anything was fetched."""
