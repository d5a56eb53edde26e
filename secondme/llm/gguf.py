"""A small reader for GGUF headers: metadata key/values and tensor shapes, never tensor data.

We read files people point us at (downloads, Ollama blobs, caches), so every length and count
is checked against the file size before it is trusted: a truncated or foreign file raises
``ModelInvalid`` instead of allocating gigabytes or crashing.
"""

from __future__ import annotations

import logging
import math
import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secondme.errors import ModelInvalid

log = logging.getLogger("secondme.llm.gguf")

MAGIC = b"GGUF"

# Value types of the GGUF spec.
_SCALARS: dict[int, tuple[str, int]] = {
    0: ("<B", 1),  # uint8
    1: ("<b", 1),  # int8
    2: ("<H", 2),  # uint16
    3: ("<h", 2),  # int16
    4: ("<I", 4),  # uint32
    5: ("<i", 4),  # int32
    6: ("<f", 4),  # float32
    7: ("<?", 1),  # bool
    10: ("<Q", 8),  # uint64
    11: ("<q", 8),  # int64
    12: ("<d", 8),  # float64
}
_STRING = 8
_ARRAY = 9

# Arrays longer than this (token lists, merges, scores) are summarised rather than kept: the
# callers only need their length, and keeping them would cost megabytes per scanned file.
_KEEP_ARRAY_MAX = 64
# Sanity caps: beyond these the header is corrupt, whatever the file size says.
_MAX_KV = 1 << 20
_MAX_TENSORS = 1 << 20
_MAX_DIMS = 8

# llama.cpp's ``llama_ftype`` values (general.file_type); gaps are retired types.
FILE_TYPES: dict[int, str] = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
}


# ggml tensor types: (elements per block, bytes per block), to know where tensor data ends.
_GGML_BLOCKS: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
    9: (32, 36), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),
    15: (256, 292), 16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18),
    21: (256, 110), 22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4),
    27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
}


@dataclass(frozen=True)
class ArraySummary:
    """Stands in for a long metadata array: its element type and length."""

    elem_type: int
    length: int


@dataclass
class GGUFInfo:
    """What a GGUF header says about a model, plus estimates derived from it."""

    path: Path
    version: int
    file_size: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    parameter_count: int | None = None

    @property
    def name(self) -> str:
        """``general.name``, or the file name without its suffix."""
        v = self.metadata.get("general.name")
        return v if isinstance(v, str) and v else self.path.stem

    @property
    def architecture(self) -> str:
        """``general.architecture`` (e.g. ``llama``), the prefix of the model's own
        metadata keys; empty when missing."""
        v = self.metadata.get("general.architecture")
        return v if isinstance(v, str) else ""

    def _arch_int(self, key: str) -> int | None:
        v = self.metadata.get(f"{self.architecture}.{key}")
        if isinstance(v, list):  # some models store per-layer values
            ints = [x for x in v if isinstance(x, int)]
            return max(ints) if ints else None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    @property
    def context_length(self) -> int | None:
        """The context the model was trained for, in tokens, when the header says."""
        return self._arch_int("context_length")

    @property
    def block_count(self) -> int | None:
        """Number of transformer layers, when the header says."""
        return self._arch_int("block_count")

    @property
    def size_label(self) -> str:
        """``general.size_label`` (``1.5B``), else one made from the parameter count, else empty."""
        v = self.metadata.get("general.size_label")
        if isinstance(v, str) and v:
            return v
        return format_params(self.parameter_count) if self.parameter_count else ""

    @property
    def quantization(self) -> str:
        """The file type's name (``Q4_K_M``…), ``type N`` for one we do not know, or ``unknown``."""
        ft = self.metadata.get("general.file_type")
        if isinstance(ft, int) and not isinstance(ft, bool):
            return FILE_TYPES.get(ft, f"type {ft}")
        return "unknown"

    @property
    def has_chat_template(self) -> bool:
        """Whether the file carries a non-empty chat template (without one, replies may be poorly formatted)."""
        v = self.metadata.get("tokenizer.chat_template")
        return isinstance(v, str) and bool(v.strip())

    def kv_cache_bytes(self, n_ctx: int) -> int:
        """F16 K and V caches for ``n_ctx`` tokens (llama.cpp's default cache type)."""
        layers = self.block_count or 0
        embd = self._arch_int("embedding_length") or 0
        heads = self._arch_int("attention.head_count") or 0
        kv_heads = self._arch_int("attention.head_count_kv") or heads
        if not (layers and embd and heads):
            return 0
        head_dim = embd // heads
        k_dim = (self._arch_int("attention.key_length") or head_dim) * kv_heads
        v_dim = (self._arch_int("attention.value_length") or head_dim) * kv_heads
        return layers * n_ctx * (k_dim + v_dim) * 2

    def estimated_ram_bytes(self, n_ctx: int | None = None) -> int:
        """Weights plus KV cache plus a compute-buffer allowance, for a fits-in-RAM verdict."""
        ctx = n_ctx or min(self.context_length or 4096, 4096)
        overhead = 64 * 1024 * 1024 + self.file_size // 20
        return self.file_size + self.kv_cache_bytes(ctx) + overhead

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description (for ``models list --json`` and the UI)."""
        return {
            "name": self.name,
            "architecture": self.architecture,
            "parameters": self.parameter_count,
            "size_label": self.size_label,
            "quantization": self.quantization,
            "context_length": self.context_length,
            "chat_template": self.has_chat_template,
            "file_size": self.file_size,
            "estimated_ram": self.estimated_ram_bytes(),
        }


def format_params(n: int) -> str:
    """135_000_000 -> "135M"; 7_240_000_000 -> "7.2B"."""
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            v = n / scale
            return f"{v:.0f}{unit}" if v >= 10 else f"{v:.1f}{unit}"
    return str(n)


def is_gguf(path: str | os.PathLike[str]) -> bool:
    """True when the file starts with the GGUF magic (cheap: reads 4 bytes)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == MAGIC
    except OSError:
        return False


class _Cursor:
    """Bounds-checked little-endian reads over a buffer."""

    def __init__(self, buf: memoryview, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.path = path
        self.u64_lengths = True

    def fail(self, why: str) -> ModelInvalid:
        return ModelInvalid(f"{self.path} is not a valid GGUF model ({why})")

    def need(self, n: int) -> None:
        if n < 0 or self.pos + n > len(self.buf):
            raise self.fail("file is truncated")

    def unpack(self, fmt: str, size: int) -> Any:
        self.need(size)
        (v,) = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return v

    def length(self) -> int:
        return int(self.unpack("<Q", 8) if self.u64_lengths else self.unpack("<I", 4))

    def string(self) -> str:
        n = self.length()
        self.need(n)
        raw = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return raw.decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        n = self.length()
        self.need(n)
        self.pos += n

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            fmt, size = _SCALARS[vtype]
            return self.unpack(fmt, size)
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype = int(self.unpack("<I", 4))
            count = self.length()
            if etype == _ARRAY or (etype not in _SCALARS and etype != _STRING):
                raise self.fail(f"unsupported array element type {etype}")
            if count > _KEEP_ARRAY_MAX:
                self._skip_array(etype, count)
                return ArraySummary(etype, count)
            return [self.value(etype) for _ in range(count)]
        raise self.fail(f"unknown value type {vtype}")

    def _skip_array(self, etype: int, count: int) -> None:
        if etype in _SCALARS:
            self.need(count * _SCALARS[etype][1])
            self.pos += count * _SCALARS[etype][1]
            return
        # Each string needs at least its length prefix; reject impossible counts up front.
        self.need(count * (8 if self.u64_lengths else 4))
        for _ in range(count):
            self.skip_string()


def read_gguf(path: str | os.PathLike[str], *, with_tensors: bool = True) -> GGUFInfo:
    """Parse the header of a GGUF file; raise ``ModelInvalid`` for anything else.

    ``with_tensors`` also walks the tensor directory (shapes only) to count parameters.
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < 24:
                if fh.read(4) != MAGIC:
                    raise ModelInvalid(f"{p} is not a GGUF model file")
                raise ModelInvalid(f"{p} is not a valid GGUF model (file is truncated)")
            # mmap so multi-megabyte vocabularies are skipped without being copied.
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                view = memoryview(mm)
                try:
                    return _parse(view, p, size, with_tensors)
                finally:
                    view.release()
    except FileNotFoundError as exc:
        raise ModelInvalid(f"{p} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise ModelInvalid(f"{p} cannot be read as a model ({exc})") from exc


def _parse(view: memoryview, p: Path, size: int, with_tensors: bool) -> GGUFInfo:
    cur = _Cursor(view, p)
    if bytes(view[:4]) != MAGIC:
        raise ModelInvalid(f"{p} is not a GGUF model file")
    cur.pos = 4
    version = int(cur.unpack("<I", 4))
    if version not in (1, 2, 3):
        raise cur.fail(f"unsupported GGUF version {version}")
    cur.u64_lengths = version >= 2
    n_tensors = cur.length()
    n_kv = cur.length()
    if n_kv > _MAX_KV or n_tensors > _MAX_TENSORS:
        raise cur.fail("implausible header counts")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = cur.string()
        vtype = int(cur.unpack("<I", 4))
        meta[key] = cur.value(vtype)
    info = GGUFInfo(path=p, version=version, file_size=size, tensor_count=n_tensors, metadata=meta)
    if with_tensors:
        align = meta.get("general.alignment", 32)
        align = align if isinstance(align, int) and 0 < align <= 1 << 16 else 32
        info.parameter_count = _count_params(cur, n_tensors, align)
    return info


def _count_params(cur: _Cursor, n_tensors: int, alignment: int) -> int:
    total = 0
    data_end = 0  # bytes of tensor data the directory promises
    exact = True
    for _ in range(n_tensors):
        cur.skip_string()
        n_dims = int(cur.unpack("<I", 4))
        if n_dims > _MAX_DIMS:
            raise cur.fail("implausible tensor rank")
        dims = [int(cur.unpack("<Q", 8)) for _ in range(n_dims)]
        ggml_type = int(cur.unpack("<I", 4))
        offset = int(cur.unpack("<Q", 8))
        n = math.prod(dims)
        total += n
        block = _GGML_BLOCKS.get(ggml_type)
        if block is None:
            exact = False  # unknown type: at least its first byte must be there
            data_end = max(data_end, offset + 1)
        else:
            data_end = max(data_end, offset + (n // block[0]) * block[1])
    data_start = -(-cur.pos // alignment) * alignment
    # A download cut short is the usual way a model file goes bad; the promised data must fit.
    if n_tensors and data_start + data_end > len(cur.buf):
        raise cur.fail("file is truncated")
    if exact and n_tensors and data_start + data_end < len(cur.buf) - alignment:
        log.debug("%s has %d bytes after its tensor data", cur.path,
                  len(cur.buf) - data_start - data_end)
    return total
