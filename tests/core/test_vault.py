"""The key vault: passphrase and keyring protection, refused backends, wrong passphrase."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secondme.errors import KeyringUnavailable, PassphraseRequired, WrongPassphrase
from secondme.vault import Vault, passphrase_strength, trusted_keyring_backend

PASS = "correct horse battery staple"


def test_passphrase_round_trip(tmp_path: Path) -> None:
    v = Vault(tmp_path / "vault.json", None)
    key = v.create(PASS)
    assert len(key) == 32
    assert Vault(tmp_path / "vault.json", None).unlock(PASS) == key
    # The key never sits in the file in the clear.
    raw = (tmp_path / "vault.json").read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    assert oct((tmp_path / "vault.json").stat().st_mode & 0o777) == oct(0o600)


def test_wrong_passphrase_is_clear_and_changes_nothing(tmp_path: Path) -> None:
    v = Vault(tmp_path / "vault.json", None)
    v.create(PASS)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        v.unlock("not the passphrase")
    with pytest.raises(PassphraseRequired):
        v.unlock(None)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_change_passphrase_rewraps_same_key(tmp_path: Path) -> None:
    v = Vault(tmp_path / "vault.json", None)
    key = v.create(PASS)
    v.change_protection(PASS, "a new and longer passphrase")
    assert v.unlock("a new and longer passphrase") == key
    with pytest.raises(WrongPassphrase):
        v.unlock(PASS)
    with pytest.raises(WrongPassphrase):
        v.change_protection("bad guess at it", "another passphrase")


def test_short_passphrase_refused(tmp_path: Path) -> None:
    with pytest.raises(WrongPassphrase, match="at least"):
        Vault(tmp_path / "vault.json", None).create("short")
    assert not (tmp_path / "vault.json").exists()


def test_strength_feedback_orders_passphrases() -> None:
    assert passphrase_strength("abc")[0] == 0
    assert passphrase_strength("correct horse battery staple")[0] > passphrase_strength("password1")[0]


def test_refused_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import chainer, fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert trusted_keyring_backend() is None

    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: PlaintextKeyring())
    assert trusted_keyring_backend() is None

    # Patching the property rather than subclassing: a KeyringBackend subclass registers itself
    # with keyring for the rest of the process (and a chainer would then win every lookup).
    monkeypatch.setattr(chainer.ChainerBackend, "backends",
                        property(lambda self: [fail.Keyring(), PlaintextKeyring()]))
    only_refused = chainer.ChainerBackend()
    monkeypatch.setattr(keyring, "get_keyring", lambda: only_refused)
    assert trusted_keyring_backend() is None


def test_keyring_method_without_backend_asks_for_passphrase(tmp_path: Path) -> None:
    with pytest.raises(KeyringUnavailable, match="passphrase"):
        Vault(tmp_path / "vault.json", None).create(None)


def _secret_service() -> object | None:
    backend = trusted_keyring_backend()
    if backend is not None and "SecretService" in type(backend).__module__ + type(backend).__name__:
        return backend
    return None


@pytest.mark.keyring
def test_real_secret_service_round_trip(tmp_path: Path) -> None:
    backend = _secret_service()
    if backend is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide a real Secret Service (gnome-keyring under dbus-run-session)")
        pytest.skip("no Secret Service in this session (make test provides one)")
    v = Vault(tmp_path / "vault.json", backend)
    key = v.create(None)
    assert v.info().method == "keyring"
    assert Vault(tmp_path / "vault.json", backend).unlock() == key
    raw = (tmp_path / "vault.json").read_text()
    secret = backend.get_password("SecondMe", v.info().vault_id)  # type: ignore[attr-defined]
    assert secret and secret not in raw
    # Switching to a passphrase removes the keyring entry and keeps the key.
    v.change_protection(None, PASS)
    assert v.unlock(PASS) == key
    assert backend.get_password("SecondMe", v.info().vault_id) is None  # type: ignore[attr-defined]
