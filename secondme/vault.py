"""The key vault: one random data key, stored only wrapped.

The key-encryption key (KEK) comes from the OS keyring when a trustworthy backend exists, or from
a passphrase through scrypt. ``vault.json`` holds only the wrapped key and KDF parameters.

The scrypt parameters are stored per vault and checked against fixed bounds before use (a
tampered file must not make scrypt allocate gigabytes); a vault made with a lower cost than
today's is re-wrapped at today's cost, with a fresh salt, after a successful unlock. Rotating
the data key also renews the KEK: a fresh salt, or a new keyring secret stored under a new
keyring entry (the old entry is deleted only once the vault file names the new one).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme import crypto
from secondme.errors import (
    AlreadyInitialized,
    KeyringUnavailable,
    NotInitialized,
    PassphraseRequired,
    VaultCorrupt,
    WrongPassphrase,
)

log = logging.getLogger("secondme.vault")

VAULT_FORMAT = 1
KEYRING_SERVICE = "SecondMe"
MIN_PASSPHRASE_CHARS = 8

# Bounds on scrypt parameters read from a file (vault.json, a backup's header). Anything outside
# is refused before scrypt runs: a forged n=2**40 would otherwise ask for terabytes, and a large
# n*r*p for minutes of work. The work bound is 32x today's cost (n=2**17, r=8, p=1), room for
# the cost to grow in later versions; the memory is scrypt's V array, 128*r*n bytes.
SCRYPT_MIN_N = 2**14
SCRYPT_MAX_N = 2**22
SCRYPT_MAX_R = 32
SCRYPT_MAX_P = 16
SCRYPT_MAX_MEMORY = 1 << 30
SCRYPT_MAX_WORK = 2**25
SALT_MIN_BYTES, SALT_MAX_BYTES = 16, 64

# Backends that would put the secret on disk in the clear, or nowhere at all.
_REFUSED_MODULE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


def check_scrypt_params(n: Any, r: Any, p: Any, salt: bytes) -> None:
    """Raise ``ValueError`` (with the reason) unless the scrypt parameters are within bounds.

    Shared by the vault and the backup reader, which turn it into their own typed error.
    """
    for name, v in (("n", n), ("r", r), ("p", p)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"scrypt {name} is not an integer")
    if n < SCRYPT_MIN_N or n > SCRYPT_MAX_N or n & (n - 1):
        raise ValueError(f"scrypt n={n} is not a power of two between 2^14 and 2^22")
    if not 1 <= r <= SCRYPT_MAX_R:
        raise ValueError(f"scrypt r={r} is outside 1..{SCRYPT_MAX_R}")
    if not 1 <= p <= SCRYPT_MAX_P:
        raise ValueError(f"scrypt p={p} is outside 1..{SCRYPT_MAX_P}")
    if 128 * r * n > SCRYPT_MAX_MEMORY:
        raise ValueError(f"scrypt n={n}, r={r} would need {128 * r * n >> 20} MiB (at most 1 GiB)")
    if n * r * p > SCRYPT_MAX_WORK:
        raise ValueError(f"scrypt n={n}, r={r}, p={p} asks for too much work")
    if not SALT_MIN_BYTES <= len(salt) <= SALT_MAX_BYTES:
        raise ValueError(f"a {len(salt)}-byte salt is outside {SALT_MIN_BYTES}..{SALT_MAX_BYTES} bytes")


def _is_refused(backend: Any) -> bool:
    mod = type(backend).__module__
    return any(mod.startswith(p) for p in _REFUSED_MODULE_PREFIXES)


def trusted_keyring_backend() -> Any | None:
    """The OS keyring backend if it is a real secret store, else None.

    A chained backend is trusted only through its real members; the ``fail``, ``null`` and
    keyrings.alt (plaintext or file-based) backends are refused.
    """
    try:
        import keyring
        from keyring.backends import chainer
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring discovery can fail in odd environments
        log.info("keyring discovery failed: %s", exc)
        log.debug("keyring discovery error", exc_info=True)
        return None
    if isinstance(backend, chainer.ChainerBackend):
        members = [b for b in backend.backends if not _is_refused(b)]
        return members[0] if members else None
    return None if _is_refused(backend) else backend


def describe_backend(backend: Any | None) -> str:
    """A keyring backend's module and class name, for diagnostics ("none (passphrase)" for None)."""
    if backend is None:
        return "none (passphrase)"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A rough 0–4 score and a hint, for the wizard's feedback."""
    n = len(passphrase)
    classes = sum(
        any(f(c) for c in passphrase)
        for f in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(passphrase.split())
    score = 0
    if n >= MIN_PASSPHRASE_CHARS:
        score = 1
    if n >= 12 and (classes >= 2 or words >= 3):
        score = 2
    if n >= 16 and (classes >= 3 or words >= 4):
        score = 3
    if n >= 24 and (classes >= 3 or words >= 5):
        score = 4
    hints = {
        0: f"too short: use at least {MIN_PASSPHRASE_CHARS} characters",
        1: "weak: a few random words make a stronger passphrase",
        2: "fair: longer is stronger",
        3: "good",
        4: "strong",
    }
    return score, hints[score]


@dataclass
class VaultInfo:
    """What ``vault.json`` says about the vault (no secrets): how it unlocks, its id, key generation."""

    method: str  # "keyring" | "passphrase"
    vault_id: str
    key_generation: int


class Vault:
    """Reads and writes ``vault.json``; produces the data key on unlock.

    ``keyring_backend`` is injected: pass ``trusted_keyring_backend()`` in the app, a real backend
    in tests, or None to force the passphrase path.
    """

    def __init__(self, path: Path, keyring_backend: Any | Callable[[], Any] | None = None) -> None:
        """The vault at ``path``; ``keyring_backend`` is the backend, a callable that finds it on first use,
        or None."""
        self.path = path
        # A callable is resolved on first use: finding the OS keyring can take a second or
        # more, which a passphrase-protected vault should never pay at startup.
        self._backend_src = keyring_backend
        self._backend_resolved = not callable(keyring_backend)

    @property
    def _backend(self) -> Any | None:
        if not self._backend_resolved:
            assert callable(self._backend_src)
            self._backend_src = self._backend_src()
            self._backend_resolved = True
        return self._backend_src

    # --- state -----------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the vault file exists."""
        return self.path.exists()

    def _load(self) -> dict[str, Any]:
        try:
            data: Any = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise NotInitialized(
                f"no Second Me data in {self.path.parent}; run 'secondme init' or the app's setup"
            ) from exc
        except (UnicodeDecodeError, ValueError) as exc:
            raise VaultCorrupt(f"{self.path} is damaged (not readable as a vault)") from exc
        if not isinstance(data, dict):
            raise VaultCorrupt(f"{self.path} is damaged (not readable as a vault)")
        if data.get("format") != VAULT_FORMAT:
            raise NotInitialized(f"{self.path} is not a Second Me vault this version can read")
        return data

    def info(self) -> VaultInfo:
        """How the vault unlocks, its id and key generation; raises NotInitialized or VaultCorrupt for a
        missing or unreadable file."""
        d = self._load()
        return VaultInfo(d["method"], d["vault_id"], int(d.get("key_generation", 1)))

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        dfd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    @staticmethod
    def _context(vault_id: str, method: str) -> bytes:
        return f"secondme-vault|{vault_id}|{method}".encode()

    # --- create ----------------------------------------------------------------------------
    def create(self, passphrase: str | None, data_key: bytes | None = None) -> bytes:
        """Create the vault and return its data key (a new random one unless ``data_key``).

        With a passphrase the KEK comes from scrypt; without one, from the OS keyring (refused
        when no trustworthy backend exists). Importing a backup passes its re-keyed data key.
        """
        if self.exists():
            raise AlreadyInitialized(f"{self.path.parent} already holds Second Me data")
        data_key = data_key or crypto.random_key()
        self._write(self._wrap_new(data_key, passphrase, secrets.token_hex(16), 1))
        return data_key

    def _wrap_new(
        self, data_key: bytes, passphrase: str | None, vault_id: str, generation: int,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A vault dict wrapping ``data_key`` under a new KEK. For the keyring, the new secret
        is stored (before the vault file is written) under ``username`` (default: the vault id)."""
        d: dict[str, Any] = {"format": VAULT_FORMAT, "vault_id": vault_id, "key_generation": generation}
        if passphrase is not None:
            if len(passphrase) < MIN_PASSPHRASE_CHARS:
                raise WrongPassphrase(
                    f"the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters"
                )
            kek = self._new_passphrase_kek(d, passphrase)
        else:
            kek = self._new_keyring_kek(d, username or vault_id)
        d["wrapped_key"] = _b64(crypto.wrap_key(kek, data_key, self._context(vault_id, d["method"])))
        return d

    @staticmethod
    def _new_passphrase_kek(d: dict[str, Any], passphrase: str) -> bytes:
        """A KEK from ``passphrase`` with a fresh salt at today's cost; records it in ``d``."""
        salt = os.urandom(16)
        kek = crypto.derive_passphrase_key(passphrase, salt, crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P)
        d.update(
            method="passphrase",
            kdf={"name": "scrypt", "salt": _b64(salt), "n": crypto.SCRYPT_N,
                 "r": crypto.SCRYPT_R, "p": crypto.SCRYPT_P},
        )
        d.pop("keyring", None)
        return kek

    def _new_keyring_kek(self, d: dict[str, Any], username: str) -> bytes:
        """A new random KEK stored in the keyring under ``username``; records it in ``d``."""
        if self._backend is None:
            raise KeyringUnavailable(
                "no secure system keyring is available; choose a passphrase instead"
            )
        kek = crypto.random_key()
        self._backend.set_password(KEYRING_SERVICE, username, _b64(kek))
        d.update(method="keyring", keyring={"service": KEYRING_SERVICE, "username": username})
        d.pop("kdf", None)
        return kek

    def _new_keyring_username(self, vault_id: str) -> str:
        # A new entry per new secret: overwriting the entry the vault file still names would
        # lose the key if the process died before the new vault file reached the disk.
        return f"{vault_id}.{secrets.token_hex(8)}"

    def _delete_keyring_entry(self, service: str, username: str) -> None:
        if self._backend is None:
            return
        try:
            self._backend.delete_password(service, username)
        except Exception as exc:  # already gone, or the keyring refused: it unwraps nothing now
            log.info("could not remove the keyring entry %s: %s", username, exc)
            log.debug("keyring delete error", exc_info=True)

    # --- unlock ----------------------------------------------------------------------------
    def _kek(self, d: dict[str, Any], passphrase: str | None) -> bytes:
        if d.get("method") == "passphrase":
            if passphrase is None:
                raise PassphraseRequired("this Second Me data is protected by a passphrase")
            salt, n, r, p = self._kdf_params(d)
            return crypto.derive_passphrase_key(passphrase, salt, n, r, p)
        if d.get("method") != "keyring" or not isinstance(d.get("keyring"), dict):
            raise VaultCorrupt(f"{self.path} is damaged (unknown protection)")
        if self._backend is None:
            raise KeyringUnavailable(
                "this Second Me data is protected by the system keyring, which is not available"
            )
        entry = d["keyring"]
        secret = self._backend.get_password(str(entry.get("service")), str(entry.get("username")))
        if secret is None:
            raise WrongPassphrase("the system keyring no longer holds Second Me's key")
        return _unb64(secret)

    def _kdf_params(self, d: dict[str, Any]) -> tuple[bytes, int, int, int]:
        """The stored scrypt salt, n, r, p; :class:`VaultCorrupt` unless they are within bounds
        (checked before scrypt runs, so a forged cost fails at once)."""
        k = d.get("kdf")
        try:
            if not isinstance(k, dict) or k.get("name", "scrypt") != "scrypt":
                raise ValueError("not scrypt parameters")
            salt = base64.b64decode(str(k["salt"]).encode("ascii"), validate=True)
            n, r, p = k["n"], k["r"], k["p"]
            check_scrypt_params(n, r, p, salt)
        except (KeyError, ValueError, UnicodeEncodeError) as exc:
            raise VaultCorrupt(f"{self.path} is damaged or was tampered with: {exc}") from exc
        return salt, int(n), int(r), int(p)

    def _unwrap(self, d: dict[str, Any], kek: bytes) -> bytes:
        try:
            wrapped = base64.b64decode(str(d["wrapped_key"]).encode("ascii"), validate=True)
            context = self._context(d["vault_id"], d["method"])
        except (KeyError, ValueError, UnicodeEncodeError) as exc:
            raise VaultCorrupt(f"{self.path} is damaged (its wrapped key is unreadable)") from exc
        try:
            return crypto.unwrap_key(kek, wrapped, context)
        except crypto.AuthenticationFailed as exc:
            raise WrongPassphrase("wrong passphrase") from exc

    def unlock(self, passphrase: str | None = None) -> bytes:
        """The data key, unwrapped with ``passphrase`` (None: the keyring); a passphrase vault below today's
        scrypt cost is re-wrapped at it on the way."""
        d = self._load()
        key = self._unwrap(d, self._kek(d, passphrase))
        if d["method"] == "passphrase" and passphrase is not None and self._below_cost(d):
            self._upgrade_cost(d, passphrase, key)
        return key

    @staticmethod
    def _below_cost(d: dict[str, Any]) -> bool:
        k = d["kdf"]
        return int(k["n"]) < crypto.SCRYPT_N

    def _upgrade_cost(self, d: dict[str, Any], passphrase: str, key: bytes) -> None:
        """Re-wrap ``key`` at today's scrypt cost with a fresh salt (one atomic write).

        Everything else in the vault (id, generation, a rotation in progress) is kept. Skipped
        when the file changed since it was read (another process re-wrapped or rotated: never
        write back a key it no longer holds). A failed write only leaves the old cost.
        """
        new = dict(d)
        kek = self._new_passphrase_kek(new, passphrase)
        new["wrapped_key"] = _b64(crypto.wrap_key(kek, key, self._context(d["vault_id"], "passphrase")))
        try:
            if self._load() != d:
                return
            self._write(new)
        except OSError as exc:
            log.warning("could not raise the passphrase's scrypt cost: %s", exc)
            return
        log.info("passphrase re-wrapped at scrypt n=%d", crypto.SCRYPT_N)

    # --- change ----------------------------------------------------------------------------
    def change_protection(self, old_passphrase: str | None, new_passphrase: str | None) -> None:
        """Re-wrap the same data key under a new passphrase (or the keyring). No data re-encrypted."""
        d = self._load()
        data_key = self.unlock(old_passphrase)
        self._replace(d, data_key, new_passphrase, int(d.get("key_generation", 1)))

    # --- key rotation ----------------------------------------------------------------------
    # The vault records where a rotation stands, so a crash is recovered at the next unlock:
    # "prepared" (the new files may be half written: discard them, the old key stays) and
    # "committed" (the new data key is already the wrapped one: put the new files in place).
    def rotation_state(self) -> str | None:
        """Where an interrupted key rotation stands: "prepared", "committed", or None."""
        state = self._load().get("rotation")
        return None if state is None else str(state)

    # The KEK is renewed with the data key. For the keyring, the new secret goes under a new
    # entry whose name ``begin_rotation`` records first ("pending_keyring"), so an undone
    # rotation can delete it; the commit names it and lists the old entry as "retired_keyring",
    # which ``end_rotation`` deletes. At no point does the keyring lack the secret the vault
    # file on disk needs.
    def begin_rotation(self) -> None:
        """Record that a rotation is under way ("prepared"), naming the new keyring entry first for a keyring
        vault."""
        d = self._load()
        d["rotation"] = "prepared"
        if d.get("method") == "keyring":
            d["pending_keyring"] = self._new_keyring_username(d["vault_id"])
        self._write(d)

    def commit_rotation(self, passphrase: str | None, new_key: bytes) -> None:
        """Make ``new_key`` the data key, wrapped under a new KEK, in one atomic write (the
        rotation's commit point).

        A passphrase vault gets a fresh salt (same passphrase, today's scrypt cost); a keyring
        vault a new random secret, stored in the keyring under a new entry before the vault file
        names it. The old entry is deleted by :meth:`end_rotation`, after the commit.
        """
        d = self._load()
        self._unwrap(d, self._kek(d, passphrase))  # proves the caller may
        new: dict[str, Any] = {k: v for k, v in d.items() if k != "pending_keyring"}
        if d["method"] == "passphrase":
            assert passphrase is not None  # _kek raised PassphraseRequired otherwise
            kek = self._new_passphrase_kek(new, passphrase)
        else:
            username = d.get("pending_keyring") or self._new_keyring_username(d["vault_id"])
            kek = self._new_keyring_kek(new, str(username))
            new["retired_keyring"] = [*d.get("retired_keyring", []), d["keyring"]]
        new["wrapped_key"] = _b64(crypto.wrap_key(kek, new_key, self._context(d["vault_id"], d["method"])))
        new["key_generation"] = int(d.get("key_generation", 1)) + 1
        new["rotation"] = "committed"
        self._write(new)

    def end_rotation(self) -> None:
        """Close a finished or undone rotation: delete the keyring entries it left unused."""
        d = self._load()
        stale: list[dict[str, Any]] = list(d.pop("retired_keyring", []))
        pending = d.pop("pending_keyring", None)
        if pending is not None and d.get("keyring", {}).get("username") != pending:
            stale.append({"service": KEYRING_SERVICE, "username": pending})  # an undone commit's
        # Deleted before the write: a crash in between only repeats a harmless deletion.
        for entry in stale:
            self._delete_keyring_entry(str(entry["service"]), str(entry["username"]))
        if d.pop("rotation", None) is not None or stale or pending is not None:
            self._write(d)

    def _replace(self, old: dict[str, Any], data_key: bytes, passphrase: str | None, gen: int) -> None:
        username = None
        if old["method"] == "keyring" and passphrase is None:
            username = self._new_keyring_username(old["vault_id"])  # never overwrite the live one
        new = self._wrap_new(data_key, passphrase, old["vault_id"], gen, username)
        for k in ("rotation", "pending_keyring", "retired_keyring"):
            if k in old:
                new[k] = old[k]
        self._write(new)
        if old["method"] == "keyring":
            # A stale entry is harmless (it unwraps nothing any more) but should not linger.
            self._delete_keyring_entry(old["keyring"]["service"], old["keyring"]["username"])
