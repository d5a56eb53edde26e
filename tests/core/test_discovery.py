"""Discovery of GGUF files in the places local-LLM apps keep them (a fake home in a temp dir)."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

from secondme.llm.discovery import MAX_DEPTH, discover
from secondme.llm.gguf import read_gguf


def _s(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def write_gguf(path: Path, name: str, ctx: int = 2048) -> Path:
    """A minimal valid GGUF v3: a few metadata keys and one 4x4 F32 tensor."""
    kv = [
        (_s("general.architecture"), 8, _s("llama")),
        (_s("general.name"), 8, _s(name)),
        (_s("general.file_type"), 4, struct.pack("<I", 15)),
        (_s("llama.context_length"), 4, struct.pack("<I", ctx)),
        (_s("llama.block_count"), 4, struct.pack("<I", 2)),
        (_s("tokenizer.chat_template"), 8, _s("{{ messages }}")),
        (_s("general.tags"), 9, struct.pack("<IQ", 8, 2) + _s("a") + _s("b")),
    ]
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 1, len(kv)))
    for key, vtype, value in kv:
        out += key + struct.pack("<I", vtype) + value
    out += _s("tok_embd.weight") + struct.pack("<IQQIQ", 2, 4, 4, 0, 0)
    out += bytes((-len(out)) % 32)  # data section aligned to 32
    out += bytes(4 * 4 * 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def test_synthetic_gguf_parses(tmp_path: Path) -> None:
    info = read_gguf(write_gguf(tmp_path / "m.gguf", "Tiny Test"))
    assert info.name == "Tiny Test"
    assert info.quantization == "Q4_K_M"
    assert info.context_length == 2048
    assert info.parameter_count == 16
    assert info.metadata["general.tags"] == ["a", "b"]


def test_discovers_models_in_app_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    lm = write_gguf(home / ".lmstudio/models/acme/tiny-GGUF/tiny-Q4_K_M.gguf", "LM Tiny")
    write_gguf(home / ".cache/lm-studio/models/acme/old/old.gguf", "LM Old")
    blobs = home / ".ollama/models/blobs"
    digest = "sha256-" + "ab" * 32
    write_gguf(blobs / digest, "Ollama Tiny")
    (blobs / ("sha256-" + "cd" * 32)).write_text('{"model_format": "gguf"}')  # a config blob
    manifest = home / ".ollama/models/manifests/registry.ollama.ai/library/tiny/latest"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"layers": [
        {"mediaType": "application/vnd.ollama.image.model", "digest": digest.replace("-", ":")},
    ]}))
    write_gguf(home / ".local/share/nomic.ai/GPT4All/gpt4all-tiny.gguf", "GPT4All Tiny")
    write_gguf(home / ".cache/llama.cpp/acme_tiny.gguf", "Cache Tiny")
    hf = home / ".cache/huggingface/hub/models--acme--tiny"
    blob = write_gguf(hf / "blobs" / ("ef" * 32), "HF Tiny")
    snap = hf / "snapshots" / ("01" * 20) / "tiny.Q8_0.gguf"
    snap.parent.mkdir(parents=True)
    snap.symlink_to(blob)
    # Things that must be ignored.
    (home / ".lmstudio/models/acme/tiny-GGUF/README.gguf").write_text("not a model")
    (home / ".lmstudio/models/acme/tiny-GGUF/notes.txt").write_text("hello")
    (home / ".cache/llama.cpp/partial.gguf").write_bytes(b"GGUF\x03\x00\x00\x00")
    deep = home / ".cache/llama.cpp" / Path(*["d"] * (MAX_DEPTH + 2)) / "deep.gguf"
    write_gguf(deep, "Too Deep")

    models_dir = tmp_path / "data/models"
    write_gguf(models_dir / "mine.gguf", "Mine")
    extra_file = write_gguf(tmp_path / "elsewhere/picked.gguf", "Picked")

    found = discover(home, models_dir=models_dir, extra=[extra_file])
    by_name = {m.gguf.name: m for m in found}
    assert set(by_name) == {
        "LM Tiny", "LM Old", "Ollama Tiny", "GPT4All Tiny", "Cache Tiny", "HF Tiny", "Mine",
        "Picked",
    }
    assert by_name["LM Tiny"].path == lm and by_name["LM Tiny"].source == "lmstudio"
    ollama = by_name["Ollama Tiny"]
    assert ollama.source == "ollama" and ollama.label == "tiny:latest"
    assert ollama.name == "tiny:latest"
    assert by_name["HF Tiny"].source == "huggingface"
    assert by_name["HF Tiny"].path == snap  # the named snapshot, not the digest blob
    assert by_name["GPT4All Tiny"].source == "gpt4all"
    assert by_name["Cache Tiny"].source == "llama.cpp"
    assert by_name["Mine"].source == "models"
    assert by_name["Picked"].source == "extra"
    for m in found:
        assert m.fits_in_ram is True
        row = m.to_json()
        assert row["quantization"] == "Q4_K_M" and row["context_length"] == 2048
        json.dumps(row)


def test_same_file_twice_is_listed_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    model = write_gguf(home / ".cache/llama.cpp/a.gguf", "A")
    os.link(model, home / ".cache/llama.cpp/b.gguf")
    found = discover(home, extra=[home / ".cache/llama.cpp"])
    assert len(found) == 1


def test_empty_or_missing_home(tmp_path: Path) -> None:
    assert discover(tmp_path / "nobody") == []
    assert discover(tmp_path, extra=[tmp_path / "missing", tmp_path / "x.gguf"]) == []


def test_directory_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    home = tmp_path / "home"
    root = home / ".cache/llama.cpp"
    write_gguf(root / "ok.gguf", "OK")
    (root / "loop").symlink_to(root, target_is_directory=True)
    assert [m.gguf.name for m in discover(home)] == ["OK"]
