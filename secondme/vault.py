"""The key vault: one random data key, stored only wrapped.

The key-encryption key (KEK) comes from the OS keyring when a trustworthy backend exists, or from
a passphrase through scrypt. ``vault.json`` holds only the wrapped key and KDF parameters.
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
    WrongPassphrase,
)

log = logging.getLogger("secondme.vault")

VAULT_FORMAT = 1
KEYRING_SERVICE = "SecondMe"
MIN_PASSPHRASE_CHARS = 8

# Backends that would put the secret on disk in the clear, or nowhere at all.
_REFUSED_MODULE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


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
        return None
    if isinstance(backend, chainer.ChainerBackend):
        members = [b for b in backend.backends if not _is_refused(b)]
        return members[0] if members else None
    return None if _is_refused(backend) else backend


def describe_backend(backend: Any | None) -> str:
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
    method: str  # "keyring" | "passphrase"
    vault_id: str
    key_generation: int


class Vault:
    """Reads and writes ``vault.json``; produces the data key on unlock.

    ``keyring_backend`` is injected: pass ``trusted_keyring_backend()`` in the app, a real backend
    in tests, or None to force the passphrase path.
    """

    def __init__(self, path: Path, keyring_backend: Any | Callable[[], Any] | None = None) -> None:
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
        return self.path.exists()

    def _load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise NotInitialized(
                f"no Second Me data in {self.path.parent}; run 'secondme init' or the app's setup"
            ) from exc
        if data.get("format") != VAULT_FORMAT:
            raise NotInitialized(f"{self.path} is not a Second Me vault this version can read")
        return data

    def info(self) -> VaultInfo:
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
        self, data_key: bytes, passphrase: str | None, vault_id: str, generation: int
    ) -> dict[str, Any]:
        d: dict[str, Any] = {"format": VAULT_FORMAT, "vault_id": vault_id, "key_generation": generation}
        if passphrase is not None:
            if len(passphrase) < MIN_PASSPHRASE_CHARS:
                raise WrongPassphrase(
                    f"the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters"
                )
            salt = os.urandom(16)
            kek = crypto.derive_passphrase_key(passphrase, salt)
            d.update(
                method="passphrase",
                kdf={"name": "scrypt", "salt": _b64(salt), "n": crypto.SCRYPT_N,
                     "r": crypto.SCRYPT_R, "p": crypto.SCRYPT_P},
            )
        else:
            if self._backend is None:
                raise KeyringUnavailable(
                    "no secure system keyring is available; choose a passphrase instead"
                )
            kek = crypto.random_key()
            self._backend.set_password(KEYRING_SERVICE, vault_id, _b64(kek))
            d.update(method="keyring", keyring={"service": KEYRING_SERVICE, "username": vault_id})
        d["wrapped_key"] = _b64(crypto.wrap_key(kek, data_key, self._context(vault_id, d["method"])))
        return d

    # --- unlock ----------------------------------------------------------------------------
    def _kek(self, d: dict[str, Any], passphrase: str | None) -> bytes:
        if d["method"] == "passphrase":
            if passphrase is None:
                raise PassphraseRequired("this Second Me data is protected by a passphrase")
            k = d["kdf"]
            return crypto.derive_passphrase_key(
                passphrase, _unb64(k["salt"]), int(k["n"]), int(k["r"]), int(k["p"])
            )
        if self._backend is None:
            raise KeyringUnavailable(
                "this Second Me data is protected by the system keyring, which is not available"
            )
        secret = self._backend.get_password(d["keyring"]["service"], d["keyring"]["username"])
        if secret is None:
            raise WrongPassphrase("the system keyring no longer holds Second Me's key")
        return _unb64(secret)

    def unlock(self, passphrase: str | None = None) -> bytes:
        d = self._load()
        kek = self._kek(d, passphrase)
        try:
            return crypto.unwrap_key(kek, _unb64(d["wrapped_key"]), self._context(d["vault_id"], d["method"]))
        except crypto.AuthenticationFailed as exc:
            raise WrongPassphrase("wrong passphrase") from exc

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
        state = self._load().get("rotation")
        return None if state is None else str(state)

    def begin_rotation(self) -> None:
        d = self._load()
        d["rotation"] = "prepared"
        self._write(d)

    def commit_rotation(self, passphrase: str | None, new_key: bytes) -> None:
        """Make ``new_key`` the data key in one atomic write (the rotation's commit point).

        The KEK is kept (same keyring secret, same scrypt salt): only the data key changes, and
        no keyring write can get ahead of the vault file.
        """
        d = self._load()
        kek = self._kek(d, passphrase)
        context = self._context(d["vault_id"], d["method"])
        try:
            crypto.unwrap_key(kek, _unb64(d["wrapped_key"]), context)  # proves the caller may
        except crypto.AuthenticationFailed as exc:
            raise WrongPassphrase("wrong passphrase") from exc
        d["wrapped_key"] = _b64(crypto.wrap_key(kek, new_key, context))
        d["key_generation"] = int(d.get("key_generation", 1)) + 1
        d["rotation"] = "committed"
        self._write(d)

    def end_rotation(self) -> None:
        d = self._load()
        if d.pop("rotation", None) is not None:
            self._write(d)

    def _replace(self, old: dict[str, Any], data_key: bytes, passphrase: str | None, gen: int) -> None:
        new = self._wrap_new(data_key, passphrase, old["vault_id"], gen)
        self._write(new)
        if old["method"] == "keyring" and new["method"] != "keyring" and self._backend is not None:
            try:
                self._backend.delete_password(old["keyring"]["service"], old["keyring"]["username"])
            except Exception as exc:  # stale entry is harmless: it unwraps nothing anymore
                log.info("could not remove the old keyring entry: %s", exc)
