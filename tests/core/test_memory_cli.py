"""``secondme remember | recall | forget | import | memories | ask`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core import memory_corpus as corpus
from tests.core.test_cli_core import PASS, run

ENV = {"SECONDME_PASSPHRASE": PASS}


@pytest.mark.slow
def test_memory_commands(data_dir: Path, tmp_path: Path) -> None:
    d = ["--data-dir", str(data_dir)]
    assert run(*d, "init", env=ENV).returncode == 0
    r = run(*d, "remember", "The spare key is under the blue flower pot.", "--at", "2024-05-01", env=ENV)
    assert r.returncode == 0 and "remembered" in r.stdout, r.stderr
    r = run(*d, "import", "messages", str(corpus.write_jsonl(tmp_path / "c.jsonl")), env=ENV)
    assert r.returncode == 0 and f"imported {len(corpus.CHATS)} messages" in r.stdout, r.stderr
    r = run(*d, "memories", "consolidate", "--json", env=ENV)
    assert r.returncode == 0 and json.loads(r.stdout)["facts_added"] >= 5, r.stderr
    r = run(*d, "recall", "where is the spare key", "-k", "3", "--json", env=ENV)
    hits = json.loads(r.stdout)
    assert r.returncode == 0 and "blue flower pot" in hits[0]["snippet"].replace("\x02", "").replace("\x03", "")
    r = run(*d, "recall", "half marathon", "-k", "5", env=ENV)
    assert r.returncode == 0 and "marathon" in r.stdout.lower()
    r = run(*d, "forget", "--source", "conversation:feb", env=ENV)
    assert r.returncode == 0 and "forgot" in r.stdout, r.stderr
    r = run(*d, "recall", "half marathon in September", "-k", "5", "--json", env=ENV)
    assert "c2-2" not in [h["source_id"] for h in json.loads(r.stdout)]
    r = run(*d, "forget", "999999", env=ENV)
    assert r.returncode == 1 and "no such memory" in r.stderr
    r = run(*d, "ask", "What is my passport number?", "--json", env=ENV)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["abstained"] and out["citations"] == [] and "don't find that in your memory" in out["answer"]
    r = run(*d, "ask", "Where is the spare key?", env=ENV)
    assert r.returncode == 0, r.stderr
    assert "Sources:" in r.stdout and "[1]" in r.stdout
