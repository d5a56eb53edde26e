"""Recall quality regression on LoCoMo conversation 1 (evaluation data from ../shared).

The floor is the figure measured with tests/bench/locomo_recall.py --mode recall on
conversation 1 minus a small margin; it skips where ../shared/data/locomo is absent.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

import pytest

from tests.bench.locomo_recall import open_corpus, score_sample

MEASURED_RECALL_AT_10 = 0.796  # conversation 1, --mode recall, measured 2026-11-25
FLOOR = MEASURED_RECALL_AT_10 - 0.03


@pytest.mark.slow
def test_locomo_conversation_1_recall(locomo_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    sample = json.loads(locomo_path.read_text("utf-8"))[0]
    with tempfile.TemporaryDirectory() as tmp:
        ctx, valid, _ = open_corpus(sample, Path(tmp), embedder, "recall")
        try:
            per_cat, latencies = score_sample(ctx, sample, valid, "recall")
        finally:
            ctx.close()
    r10 = statistics.fmean(v[1] for vals in per_cat.values() for v in vals)
    assert r10 >= FLOOR, f"LoCoMo conversation 1 recall@10 fell to {r10:.3f} (floor {FLOOR:.3f})"
    assert sorted(latencies)[len(latencies) // 2] < 1000  # median query well under a second
