"""The key vault: passphrase and keyring protection, refused backends, wrong passphrase, the
scrypt cost (raised at unlock) and the bounds on KDF parameters read from the file."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest

from secondme import crypto
from secondme.errors import KeyringUnavailable, PassphraseRequired, VaultCorrupt, WrongPassphrase
from secondme.vault import Vault, check_scrypt_params, passphrase_strength, trusted_keyring_backend

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


# --- scrypt cost: today's for new vaults, raised at unlock for older ones ------------------------
def _kdf(path: Path) -> dict[str, object]:
    kdf: dict[str, object] = json.loads(path.read_text())["kdf"]
    return kdf


def test_new_vault_uses_scrypt_2_17(tmp_path: Path) -> None:
    assert crypto.SCRYPT_N >= 2**17 and (crypto.SCRYPT_R, crypto.SCRYPT_P) == (8, 1)
    Vault(tmp_path / "vault.json", None).create(PASS)
    assert {k: _kdf(tmp_path / "vault.json")[k] for k in ("n", "r", "p")} == {"n": 2**17, "r": 8, "p": 1}


def test_lower_cost_vault_is_rewrapped_at_unlock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vault.json"
    with monkeypatch.context() as m:  # a vault written by a version whose cost was 2**15
        m.setattr(crypto, "SCRYPT_N", 2**15)
        key = Vault(path, None).create(PASS)
    old = json.loads(path.read_text())
    assert old["kdf"]["n"] == 2**15
    # A wrong passphrase changes nothing.
    with pytest.raises(WrongPassphrase):
        Vault(path, None).unlock("not the passphrase")
    assert json.loads(path.read_text()) == old

    started = time.perf_counter()
    assert Vault(path, None).unlock(PASS) == key
    upgraded = json.loads(path.read_text())
    assert upgraded["kdf"]["n"] == crypto.SCRYPT_N and upgraded["kdf"]["salt"] != old["kdf"]["salt"]
    assert upgraded["wrapped_key"] != old["wrapped_key"]
    assert {k: upgraded[k] for k in ("vault_id", "key_generation", "method")} == {
        k: old[k] for k in ("vault_id", "key_generation", "method")}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault.json"]  # atomic: no temp file left
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    # The next unlock derives once, at the new cost, and writes nothing.
    before = path.read_bytes()
    assert Vault(path, None).unlock(PASS) == key
    assert path.read_bytes() == before
    assert time.perf_counter() - started < 30  # two unlocks, one re-wrap at 2**17: ~1 s here


def test_rewrap_keeps_a_rotation_in_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vault.json"
    with monkeypatch.context() as m:
        m.setattr(crypto, "SCRYPT_N", 2**14)
        key = Vault(path, None).create(PASS)
    Vault(path, None).begin_rotation()
    assert Vault(path, None).unlock(PASS) == key
    assert Vault(path, None).rotation_state() == "prepared" and _kdf(path)["n"] == crypto.SCRYPT_N


# --- bounds on the KDF parameters a vault file asks for -----------------------------------------
TAMPERED_KDF: dict[str, dict[str, object]] = {
    "n = 2**40": {"n": 2**40},
    "n not a power of two": {"n": 3 * 2**15},
    "n below 2**14": {"n": 2**13},
    "n above 2**22": {"n": 2**23},
    "n a string": {"n": "131072"},
    "n a float": {"n": 131072.0},
    "n a boolean": {"n": True},
    "r = 0": {"r": 0},
    "r = 33": {"r": 33},
    "p = 0": {"p": 0},
    "p = 17": {"p": 17},
    "2 GiB of memory": {"n": 2**22, "r": 4},
    "too much work": {"n": 2**21, "r": 8, "p": 16},
    "15-byte salt": {"salt": base64.b64encode(b"s" * 15).decode()},
    "65-byte salt": {"salt": base64.b64encode(b"s" * 65).decode()},
    "salt not base64": {"salt": "not base64!"},
    "no n": {"n": None},
    "another KDF": {"name": "pbkdf2"},
}


@pytest.mark.parametrize("change", TAMPERED_KDF.values(), ids=TAMPERED_KDF.keys())
def test_out_of_bounds_kdf_is_refused_at_once(tmp_path: Path, change: dict[str, object],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vault.json"
    with monkeypatch.context() as m:  # the file is then tampered with: its own cost is moot
        m.setattr(crypto, "SCRYPT_N", 2**14)
        Vault(path, None).create(PASS)
    d = json.loads(path.read_text())
    for k, v in change.items():
        if v is None:
            del d["kdf"][k]
        else:
            d["kdf"][k] = v
    path.write_text(json.dumps(d))
    started = time.perf_counter()
    with pytest.raises(VaultCorrupt, match="damaged or was tampered with"):
        Vault(path, None).unlock(PASS)
    assert time.perf_counter() - started < 0.1  # refused before scrypt runs at all


def test_bounds_accept_the_limits() -> None:
    salt16, salt64 = b"s" * 16, b"s" * 64
    for n, r, p, salt in ((2**14, 1, 1, salt16), (2**22, 2, 1, salt64), (2**17, 32, 1, salt16),
                          (2**14, 8, 16, salt16), (crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P, salt16)):
        check_scrypt_params(n, r, p, salt)  # no error
    with pytest.raises(ValueError, match="MiB"):
        check_scrypt_params(2**22, 3, 1, salt16)


def test_damaged_vault_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    Vault(path, None).create(PASS)
    for damaged in (b"{not json", b"\xff\xfe", b"[1, 2]"):
        path.write_bytes(damaged)
        with pytest.raises(VaultCorrupt, match="damaged"):
            Vault(path, None).unlock(PASS)
