"""GGUF header reading and the default model, against the real SmolLM2 file."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from secondme.errors import ModelInvalid
from secondme.llm import default_model
from secondme.llm.gguf import ArraySummary, is_gguf, read_gguf


@pytest.fixture(scope="module")
def smol() -> Path:
    return default_model.packaged_model_path()


def test_real_model_metadata(smol: Path) -> None:
    info = read_gguf(smol)
    assert "smollm2" in info.name.lower()
    assert info.architecture == "llama"
    assert info.context_length == 8192
    assert info.quantization == "Q4_1"
    assert info.has_chat_template
    assert "<|im_start|>" in info.metadata["tokenizer.chat_template"]
    assert info.file_size == default_model.SIZE
    assert info.size_label == "135M"
    assert info.parameter_count is not None and 130e6 < info.parameter_count < 140e6
    assert info.block_count == 30
    tokens = info.metadata["tokenizer.ggml.tokens"]
    assert isinstance(tokens, ArraySummary) and tokens.length == 49152
    # Weights plus a KV cache that grows with the context.
    assert info.estimated_ram_bytes(2048) > info.file_size
    assert info.kv_cache_bytes(4096) == 2 * info.kv_cache_bytes(2048) > 0
    summary = info.summary()
    assert summary["quantization"] == "Q4_1" and summary["chat_template"] is True


def test_non_gguf_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "notes.gguf"
    p.write_text("this is not a model\n" * 10)
    assert not is_gguf(p)
    with pytest.raises(ModelInvalid, match="not a GGUF"):
        read_gguf(p)
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    with pytest.raises(ModelInvalid):
        read_gguf(empty)
    with pytest.raises(ModelInvalid, match="does not exist"):
        read_gguf(tmp_path / "missing.gguf")
    with pytest.raises(ModelInvalid):
        read_gguf(tmp_path)  # a directory


@pytest.mark.parametrize("keep", [8, 100, 4096, 1_000_000, 1_780_000, 50_000_000, default_model.SIZE - 1])
def test_truncated_gguf_is_refused(smol: Path, tmp_path: Path, keep: int) -> None:
    p = tmp_path / "cut.gguf"
    with open(smol, "rb") as src:
        p.write_bytes(src.read(keep))
    assert is_gguf(p)
    with pytest.raises(ModelInvalid, match="truncated"):
        read_gguf(p)


def test_implausible_header_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "huge.gguf"
    # Valid magic and version, then a kv count no real file has.
    p.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 1, 2**40) + os.urandom(64))
    with pytest.raises(ModelInvalid):
        read_gguf(p)
    p.write_bytes(b"GGUF" + struct.pack("<IQQ", 99, 0, 0) + bytes(16))
    with pytest.raises(ModelInvalid, match="version"):
        read_gguf(p)
    # One key whose string length points far past the end of the file.
    p.write_bytes(b"GGUF" + struct.pack("<IQQQ", 3, 0, 1, 2**50) + bytes(16))
    with pytest.raises(ModelInvalid, match="truncated"):
        read_gguf(p)


def test_default_model_installs_and_verifies(smol: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    dest = default_model.ensure_default_model(models)
    assert dest == models / default_model.FILE_NAME
    assert dest.stat().st_size == default_model.SIZE
    assert default_model.sha256_file(dest) == default_model.SHA256
    assert not list(models.glob("*.part"))
    # A second call trusts the verification stamp and returns the same file.
    assert default_model.ensure_default_model(models) == dest


def test_damaged_default_model_is_detected_and_replaced(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    bad = models / default_model.FILE_NAME
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelInvalid, match="pip install"):
        default_model.verify(bad)
    dest = default_model.ensure_default_model(models)
    default_model.verify(dest)
