"""The download catalog: pinned, plausible entries and what is on disk for each."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from secondme.errors import UserError
from secondme.llm import catalog


def test_every_entry_is_pinned_to_an_https_file_at_a_commit() -> None:
    assert 4 <= len(catalog.CATALOG) <= 8
    names = [e.name for e in catalog.CATALOG]
    files = [e.file_name for e in catalog.CATALOG]
    assert len(set(names)) == len(names) and len(set(files)) == len(files)
    for e in catalog.CATALOG:
        assert re.fullmatch(r"[0-9a-f]{40}", e.revision), e.name
        assert e.url == f"https://huggingface.co/{e.repo}/resolve/{e.revision}/{e.file_name}"
        assert e.file_name.endswith(".gguf") and "Q4_K_M".lower() in e.file_name.lower()
        assert catalog.valid_sha256(e.sha256), e.name
        # Laptop-sized: between 0.5 and 3 GB, and it needs more RAM than its file size.
        assert 500_000_000 < e.size < 3_000_000_000, e.name
        assert e.size < e.ram_bytes < e.size + 1_500_000_000
        assert e.license and e.license_url.startswith("https://") and e.parameters and e.title


def test_find_is_case_insensitive_and_says_what_exists() -> None:
    assert catalog.find(" Phi4-Mini ").file_name == "microsoft_Phi-4-mini-instruct-Q4_K_M.gguf"
    with pytest.raises(UserError) as err:
        catalog.find("llama-70b")
    assert all(e.name in str(err.value) for e in catalog.CATALOG)


def test_state_reads_what_is_on_disk(tmp_path: Path) -> None:
    e = catalog.find("qwen2.5-1.5b")
    assert catalog.state(e, tmp_path) == catalog.EntryState(False, 0, tmp_path / e.file_name)
    part = e.part_path(tmp_path)
    part.write_bytes(b"x" * 1000)
    assert catalog.state(e, tmp_path).partial_bytes == 1000
    # Sparse files of the pinned size: the verified file is trusted by size once renamed in place.
    with open(e.installed_path(tmp_path), "wb") as fh:
        fh.truncate(e.size - 1)
    assert not catalog.state(e, tmp_path).downloaded
    os.truncate(e.installed_path(tmp_path), e.size)
    st = catalog.state(e, tmp_path)
    assert st.downloaded and st.partial_bytes == 0


def test_human_bytes() -> None:
    assert catalog.human_bytes(1_117_320_736) == "1.1 GB"
    assert catalog.human_bytes(98_362_432) == "98.4 MB"
    assert catalog.human_bytes(999) == "999 B"
    assert catalog.human_bytes(10**15) == "1000.0 TB"
