"""A short catalog of instruct models that run on a laptop CPU, offered for download.

Each entry pins one GGUF file by repository *commit* (not a branch), byte size and SHA-256, so
what arrives is exactly the file listed here or it is refused. Sizes and hashes are the Hugging
Face LFS figures of those files at those commits.

This module only describes the files; it never touches the network. Downloading is
``secondme.llm.download``, started only when the person asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from secondme.errors import UserError

HF = "https://huggingface.co"

# KV cache and compute buffers are sized for this many tokens in the RAM estimate, the same
# context ``GGUFInfo.estimated_ram_bytes`` assumes for a model found on disk.
RAM_CONTEXT = 4096


@dataclass(frozen=True)
class CatalogEntry:
    """One downloadable model file and what a person needs to know before choosing it."""

    name: str  # short id used by the CLI: "qwen2.5-1.5b"
    title: str  # shown in the UI: "Qwen2.5 1.5B Instruct"
    repo: str  # Hugging Face repository
    revision: str  # the commit the file is pinned to
    file_name: str
    size: int  # bytes
    sha256: str
    license: str
    license_url: str
    parameters: str  # "1.5B"
    quantization: str
    # F16 K+V cache bytes per token: layers x KV heads x head size x 2 (K and V) x 2 bytes, from
    # the model's published architecture; only used for the RAM estimate.
    kv_bytes_per_token: int
    note: str = ""
    url: str = ""  # filled from repo, revision and file_name when empty

    def __post_init__(self) -> None:
        """Fill ``url`` from the repository, the pinned revision and the file name when none is given."""
        if not self.url:
            object.__setattr__(self, "url", f"{HF}/{self.repo}/resolve/{self.revision}/{self.file_name}")

    @property
    def ram_bytes(self) -> int:
        """About how much free memory the model needs at a 4,096-token context.

        Our estimate, with the formula used for models found on disk (weights, F16 KV cache,
        64 MiB plus 5 % for compute buffers), not a figure published by the model's authors.
        """
        return self.size + self.kv_bytes_per_token * RAM_CONTEXT + 64 * 1024 * 1024 + self.size // 20

    def installed_path(self, models_dir: Path) -> Path:
        """Where the verified file lives once downloaded."""
        return models_dir / self.file_name

    def part_path(self, models_dir: Path) -> Path:
        """The partial download a later attempt resumes from."""
        return models_dir / (self.file_name + ".part")


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        name="qwen2.5-1.5b",
        title="Qwen2.5 1.5B Instruct",
        repo="Qwen/Qwen2.5-1.5B-Instruct-GGUF",
        revision="91cad51170dc346986eccefdc2dd33a9da36ead9",
        file_name="qwen2.5-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_736,
        sha256="6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
        license="Apache-2.0",
        license_url=f"{HF}/Qwen/Qwen2.5-1.5B-Instruct/blob/main/LICENSE",
        parameters="1.5B",
        quantization="Q4_K_M",
        kv_bytes_per_token=28 * 2 * 128 * 2 * 2,
        note="Small and quick; a good first choice on 8 GB laptops.",
    ),
    CatalogEntry(
        name="qwen2.5-3b",
        title="Qwen2.5 3B Instruct",
        repo="Qwen/Qwen2.5-3B-Instruct-GGUF",
        revision="7dabda4d13d513e3e842b20f0d435c732f172cbe",
        file_name="qwen2.5-3b-instruct-q4_k_m.gguf",
        size=2_104_932_768,
        sha256="626b4a6678b86442240e33df819e00132d3ba7dddfe1cdc4fbb18e0a9615c62d",
        license="Qwen Research License (non-commercial)",
        license_url=f"{HF}/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE",
        parameters="3B",
        quantization="Q4_K_M",
        kv_bytes_per_token=36 * 2 * 128 * 2 * 2,
        note="Better answers than 1.5B at about half the speed; personal, non-commercial use.",
    ),
    CatalogEntry(
        name="llama3.2-3b",
        title="Llama 3.2 3B Instruct",
        repo="bartowski/Llama-3.2-3B-Instruct-GGUF",
        revision="5ab33fa94d1d04e903623ae72c95d1696f09f9e8",
        file_name="Llama-3.2-3B-Instruct-Q4_K_M.gguf",
        size=2_019_377_696,
        sha256="6c1a2b41161032677be168d354123594c0e6e67d2b9227c84f296ad037c728ff",
        license="Llama 3.2 Community License",
        license_url="https://www.llama.com/llama3_2/license/",
        parameters="3B",
        quantization="Q4_K_M",
        kv_bytes_per_token=28 * 8 * 128 * 2 * 2,
        note="Meta's compact all-rounder.",
    ),
    CatalogEntry(
        name="gemma3-4b",
        title="Gemma 3 4B Instruct",
        repo="bartowski/google_gemma-3-4b-it-GGUF",
        revision="71506238f970075ca85125cd749c28b1b0eee84e",
        file_name="google_gemma-3-4b-it-Q4_K_M.gguf",
        size=2_489_758_112,
        sha256="4996030242583a40aa151ff93f49ed787ac8c25e4120c3ae4588b2e2a7d1ae94",
        license="Gemma Terms of Use",
        license_url="https://ai.google.dev/gemma/terms",
        parameters="4B",
        quantization="Q4_K_M",
        kv_bytes_per_token=34 * 4 * 256 * 2 * 2,
        note="Google's small model; fluent writing in many languages (text only here).",
    ),
    CatalogEntry(
        name="phi4-mini",
        title="Phi-4-mini Instruct",
        repo="bartowski/microsoft_Phi-4-mini-instruct-GGUF",
        revision="7ff82c2aaa4dde30121698a973765f39be5288c0",
        file_name="microsoft_Phi-4-mini-instruct-Q4_K_M.gguf",
        size=2_491_874_688,
        sha256="01999f17c39cc3074afae5e9c539bc82d45f2dd7faa3917c66cbef76fce8c0c2",
        license="MIT",
        license_url=f"{HF}/microsoft/Phi-4-mini-instruct/blob/main/LICENSE",
        parameters="3.8B",
        quantization="Q4_K_M",
        kv_bytes_per_token=32 * 8 * 128 * 2 * 2,
        note="Microsoft's small model; strong at reasoning for its size.",
    ),
)

_HEX64 = re.compile(r"[0-9a-f]{64}")


def entries() -> tuple[CatalogEntry, ...]:
    """The catalog (a function, so the UI and the CLI always read the current module value)."""
    return CATALOG


def find(name: str) -> CatalogEntry:
    """The entry called ``name`` (its short id, case-insensitive); a clear error otherwise."""
    wanted = name.strip().lower()
    for e in entries():
        if e.name == wanted:
            return e
    known = ", ".join(e.name for e in entries())
    raise UserError(f'no model called "{name}" in the catalog; choose one of: {known}')


@dataclass(frozen=True)
class EntryState:
    """What is on disk for one catalog entry."""

    downloaded: bool
    partial_bytes: int  # bytes of an interrupted download waiting to be resumed
    path: Path


def state(entry: CatalogEntry, models_dir: Path) -> EntryState:
    """Downloaded (the verified file is in place), partly downloaded, or absent.

    Cheap: sizes only. The file under its real name was hashed before it was renamed there.
    """
    final = entry.installed_path(models_dir)
    try:
        downloaded = final.stat().st_size == entry.size
    except OSError:
        downloaded = False
    try:
        partial = entry.part_path(models_dir).stat().st_size
    except OSError:
        partial = 0
    return EntryState(downloaded, 0 if downloaded else partial, final)


def human_bytes(n: int) -> str:
    """1_117_320_736 -> "1.1 GB" (powers of 1000, as file managers show download sizes)."""
    v = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if v < 1000 or unit == "TB":
            return f"{v:.0f} {unit}" if unit in ("B", "KB") else f"{v:.1f} {unit}"
        v /= 1000
    return f"{v:.1f} TB"


def valid_sha256(value: str) -> bool:
    """Whether ``value`` is a SHA-256 digest: 64 lowercase hex digits."""
    return bool(_HEX64.fullmatch(value))
