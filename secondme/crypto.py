"""Cryptographic primitives: AES-256-GCM sealing, key wrapping, scrypt, keyed hashes, streams.

All private bytes the app writes pass through here. Sub-keys for sealing, hashing and
snapshots are derived from the one data key with HKDF so a key serves exactly one purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from secondme.errors import SecondMeError

KEY_BYTES = 32
NONCE_BYTES = 12
# Version 2 pads the plaintext to a size bucket before sealing (see ``padded_length``); values
# sealed by version 1 (unpadded) still open.
SEAL_VERSION = 2
SEAL_VERSION_UNPADDED = 1
# Sealed values shorter than this all have the same length: short values (a flag, a date, a
# field value) say nothing about their length at all.
PAD_MIN_BYTES = 32

# scrypt cost for new vaults and backups: n=2**17, r=8 (128 MiB) takes ~0.35 s on this 2-core
# machine. Stored with each vault and backup; older vaults are raised to it at unlock.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1


class AuthenticationFailed(SecondMeError):
    """A ciphertext did not authenticate under the given key and associated data."""


def random_key() -> bytes:
    """A new random 256-bit key."""
    return os.urandom(KEY_BYTES)


def derive_passphrase_key(
    passphrase: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    """Key-encryption key from a passphrase (scrypt)."""
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def wrap_key(kek: bytes, key: bytes, context: bytes) -> bytes:
    """Wrap ``key`` under ``kek`` with AES-256-GCM; ``context`` is bound as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, key, context)


def unwrap_key(kek: bytes, wrapped: bytes, context: bytes) -> bytes:
    """The key wrapped by :func:`wrap_key`; raises AuthenticationFailed for a wrong ``kek`` or ``context``."""
    try:
        return AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
    except InvalidTag as exc:
        raise AuthenticationFailed("key unwrap failed") from exc


def _hkdf(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)


@dataclass(frozen=True)
class KeySet:
    """The purpose-bound keys derived from one data key."""

    seal: bytes
    hash: bytes
    snapshot: bytes

    @classmethod
    def from_data_key(cls, data_key: bytes) -> KeySet:
        """The sealing, hashing and snapshot keys, each derived from ``data_key`` by HKDF with its own label.
        The sealing, hashing and snapshot keys, each derived from ``data_key`` by HKDF with its own label."""
        return cls(
            seal=_hkdf(data_key, b"secondme/seal/v1"),
            hash=_hkdf(data_key, b"secondme/hash/v1"),
            snapshot=_hkdf(data_key, b"secondme/snapshot/v1"),
        )


def padded_length(n: int) -> int:
    """The bucket a padded plaintext of ``n`` bytes (marker included) is extended to.

    Padmé (Nikitin et al., PETS 2019): the length keeps its top ~log2(log2 n) + 1 bits and the
    rest is rounded up, so a sealed length reveals O(log log n) bits of the value's length for
    at most 12% overhead (1,537 bytes of an embedding plus marker become 1,600). Below
    ``PAD_MIN_BYTES`` every value takes the same bucket.
    """
    if n <= PAD_MIN_BYTES:
        return PAD_MIN_BYTES
    e = n.bit_length() - 1          # floor(log2 n)
    s = e.bit_length()              # floor(log2 e) + 1
    mask = (1 << (e - s)) - 1
    return (n + mask) & ~mask


def pad(plaintext: bytes) -> bytes:
    """``plaintext`` with a 0x80 marker, zero-filled to its size bucket (:func:`padded_length`)."""
    # ISO/IEC 7816-4 padding: 0x80 then zeros, unambiguous whatever the value ends with.
    body = plaintext + b"\x80"
    return body + bytes(padded_length(len(body)) - len(body))


def unpad(padded: bytes) -> bytes:
    """The value :func:`pad` padded; raises AuthenticationFailed if the padding is malformed."""
    body = padded.rstrip(b"\0")
    if not body or body[-1] != 0x80:
        raise AuthenticationFailed("sealed value has a malformed padding")
    return body[:-1]


class Sealer:
    """Seals single values (AES-256-GCM, fresh nonce, associated data, padded to a size bucket)
    and computes keyed hashes."""

    def __init__(self, keys: KeySet) -> None:
        """Seal and hash with the keys of ``keys`` meant for it."""
        self._aead = AESGCM(keys.seal)
        self._hash_key = keys.hash

    def seal(self, plaintext: bytes, ad: bytes) -> bytes:
        """``plaintext`` padded and sealed with a fresh nonce, ``ad`` bound in: version byte, nonce,
        ciphertext."""
        nonce = os.urandom(NONCE_BYTES)
        header = bytes([SEAL_VERSION])
        return header + nonce + self._aead.encrypt(nonce, pad(plaintext), header + ad)

    def open(self, sealed: bytes, ad: bytes) -> bytes:
        """The plaintext of a :meth:`seal` result; raises AuthenticationFailed unless it opens under this key
        and ``ad``."""
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] not in (SEAL_VERSION, SEAL_VERSION_UNPADDED):
            raise AuthenticationFailed("malformed sealed value")
        nonce = sealed[1 : 1 + NONCE_BYTES]
        padded = sealed[0] == SEAL_VERSION
        # Version 2 binds its version byte into the associated data: a version 1 value
        # relabelled as 2 (which would then lose whatever looks like padding) does not open.
        full_ad = sealed[:1] + ad if padded else ad
        try:
            plaintext = self._aead.decrypt(nonce, sealed[1 + NONCE_BYTES :], full_ad)
        except InvalidTag as exc:
            raise AuthenticationFailed("sealed value does not authenticate") from exc
        return unpad(plaintext) if padded else plaintext

    def keyed_hash(self, value: bytes, purpose: str) -> str:
        """HMAC-SHA256 hex of ``value``; ``purpose`` keeps hashes of different kinds apart."""
        return hmac.new(self._hash_key, purpose.encode() + b"\0" + value, hashlib.sha256).hexdigest()


# --- Streams: files sealed as a header plus independently authenticated frames -------------
STREAM_MAGIC = b"SMSTRM1\0"
FRAME_BYTES = 1 << 20


def _frame_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    # 7-byte random prefix, 4-byte frame counter, 1 byte "final frame" flag: frames cannot be
    # reordered, dropped or the stream truncated without detection.
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class StreamWriter:
    """Encrypts a byte stream into ``out`` frame by frame (constant memory)."""

    def __init__(self, key: bytes, out: BinaryIO, ad: bytes) -> None:
        """Write the stream header to ``out``; frames are sealed under ``key`` with ``ad`` bound in."""
        self._aead = AESGCM(key)
        self._out = out
        self._ad = ad
        self._prefix = os.urandom(7)
        self._buf = bytearray()
        self._index = 0
        self._closed = False
        out.write(STREAM_MAGIC + self._prefix)

    def write(self, data: bytes) -> int:
        """Buffer ``data``, sealing every full frame out; returns ``len(data)``."""
        self._buf += data
        while len(self._buf) > FRAME_BYTES:
            self._emit(bytes(self._buf[:FRAME_BYTES]), last=False)
            del self._buf[:FRAME_BYTES]
        return len(data)

    def _emit(self, chunk: bytes, last: bool) -> None:
        nonce = _frame_nonce(self._prefix, self._index, last)
        ct = self._aead.encrypt(nonce, chunk, self._ad)
        self._out.write(struct.pack(">I", len(ct)) + ct)
        self._index += 1

    def close(self) -> None:
        """Seal the rest as the final frame (so truncation is detected); closing twice is a no-op. ``out``
        stays open."""
        if not self._closed:
            self._emit(bytes(self._buf), last=True)
            self._buf.clear()
            self._closed = True


def iter_stream(key: bytes, src: BinaryIO, ad: bytes) -> Iterator[bytes]:
    """Yield the decrypted frames of a stream written by :class:`StreamWriter`."""
    aead = AESGCM(key)
    head = src.read(len(STREAM_MAGIC) + 7)
    if len(head) != len(STREAM_MAGIC) + 7 or not head.startswith(STREAM_MAGIC):
        raise AuthenticationFailed("not an encrypted stream")
    prefix = head[len(STREAM_MAGIC) :]
    index = 0
    while True:
        raw_len = src.read(4)
        if len(raw_len) != 4:
            raise AuthenticationFailed("stream truncated")
        (n,) = struct.unpack(">I", raw_len)
        if n > FRAME_BYTES + 16:
            raise AuthenticationFailed("frame too large")
        ct = src.read(n)
        if len(ct) != n:
            raise AuthenticationFailed("stream truncated")
        # Try as a middle frame first, then as the final one.
        for last in (False, True):
            try:
                pt = aead.decrypt(_frame_nonce(prefix, index, last), ct, ad)
            except InvalidTag:
                continue
            yield pt
            if last:
                if src.read(1):
                    raise AuthenticationFailed("data after final frame")
                return
            break
        else:
            raise AuthenticationFailed(f"frame {index} does not authenticate")
        index += 1


def restream(src: BinaryIO, dst: BinaryIO, old_key: bytes, new_key: bytes, ad: bytes) -> None:
    """Re-encrypt a stream under ``new_key`` frame by frame (key rotation); raises
    :class:`AuthenticationFailed` when ``src`` does not authenticate under ``old_key``."""
    writer = StreamWriter(new_key, dst, ad)
    for frame in iter_stream(old_key, src, ad):
        writer.write(frame)
    writer.close()
