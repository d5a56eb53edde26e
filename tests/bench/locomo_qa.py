"""LoCoMo question answering through Second Me's own ``ask`` (evaluation only; data never shipped).

A fixed sample of questions spread over the five categories (the same every run: every n-th
question of each category, over all ten conversations) is asked of each conversation's own
encrypted corpus (every turn a memory, as in ``locomo_recall.py``), with the question's date
the day after the last session. Answers are scored with LoCoMo's token F1 against the gold
answer (lowercase, punctuation and articles removed, light suffix stemming where LoCoMo uses
Porter's); category 5 (adversarial: the answer is not in the conversation) scores the share of
questions the system abstained on. Questions are not remembered (``remember=False``), so one
question's answer cannot help the next.

    python tests/bench/locomo_qa.py [--model default|PATH.gguf] [--per-category 40] [--calibration]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import string
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe, chat_model_for  # noqa: E402
from secondme.embed.minilm import MiniLMEmbedder  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.question_terms import stem  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402
from tests.bench.locomo_recall import (  # noqa: E402
    CATEGORIES,
    DEFAULT_DATA,
    question_date,
    turns_of,
)

_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
_CITE = re.compile(r"\[\d{1,3}\]")


def normalize(text: str) -> list[str]:
    t = _CITE.sub(" ", str(text)).lower().replace(",", "")
    t = "".join(ch for ch in t if ch not in set(string.punctuation))
    t = _ARTICLES.sub(" ", t)
    return [stem(w) for w in t.split()]


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalize(prediction), normalize(gold)
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if not p or not g or same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def sample_questions(data: list[dict[str, Any]], per_category: int,
                     calibration: bool = False) -> list[tuple[int, int]]:
    """(sample index, qa index) pairs: every n-th question of each category, fixed.

    ``calibration`` picks the questions half a step further on instead, a slice disjoint from
    the fixed sample (where a category has at least two questions per pick): thresholds are
    tuned on it, so the fixed sample stays a held-out measure."""
    by_cat: dict[int, list[tuple[int, int]]] = {}
    for si, sample in enumerate(data):
        for qi, qa in enumerate(sample["qa"]):
            if not qa.get("evidence"):
                continue
            by_cat.setdefault(int(qa["category"]), []).append((si, qi))
    picked: list[tuple[int, int]] = []
    for _cat, items in sorted(by_cat.items()):
        step = max(1, len(items) // per_category)
        start = step // 2 if calibration else 0
        picked += items[start::step][:per_category]
    return sorted(picked)


def open_corpus(sample: dict[str, Any], root: Path, embedder: Any, model: str | None) -> SecondMe:
    paths = Paths.at(root / sample["sample_id"])
    settings = Settings(n_ctx=4096 if model else 2048)
    if model:
        settings.model_path = model
    ctx = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                   chat_model_factory=lambda: chat_model_for(paths, settings))
    ctx.init("locomo benchmark passphrase")
    ctx.session.memories.add_many(turns_of(sample))
    ctx.session.sync.catch_up()
    return ctx


def evaluate(data: list[dict[str, Any]], per_category: int, model: str | None,
             calibration: bool = False, dump: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Ask the sampled questions of each conversation; ``dump`` collects every question's record."""
    embedder = MiniLMEmbedder()
    picked = sample_questions(data, per_category, calibration)
    f1s: dict[int, list[float]] = {}
    abstained: dict[int, list[bool]] = {}
    modes: Counter[str] = Counter()
    seconds: list[float] = []
    examples: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for si in sorted({s for s, _ in picked}):
            sample = data[si]
            ctx = open_corpus(sample, Path(tmp), embedder, model)
            when = question_date(sample)
            try:
                for _, qi in (p for p in picked if p[0] == si):
                    qa = sample["qa"][qi]
                    cat = int(qa["category"])
                    t0 = time.perf_counter()
                    streamed: list[str] = []
                    ans = ctx.models.ask(qa["question"], when=when, remember=False,
                                         on_token=streamed.append)
                    seconds.append(time.perf_counter() - t0)
                    modes["abstained" if ans.abstained else ans.mode] += 1
                    abstained.setdefault(cat, []).append(ans.abstained)
                    if cat != 5:
                        f1 = 0.0 if ans.abstained else token_f1(ans.text, str(qa.get("answer", "")))
                        f1s.setdefault(cat, []).append(f1)
                    if dump is not None:
                        dump.append({"sample": si, "qa": qi, "category": cat, "q": qa["question"],
                                     "gold": str(qa.get("answer", qa.get("adversarial_answer", ""))),
                                     "answer": ans.text, "abstained": ans.abstained,
                                     "support": list(ans.support),
                                     "streamed": "".join(streamed)})
                    if len(examples) < 6 and cat != 5:
                        examples.append({"q": qa["question"], "gold": str(qa.get("answer")),
                                         "answer": ans.text[:200]})
            finally:
                ctx.close()
    answerable = [v for c, vs in f1s.items() for v in vs]
    return {
        "model": model or "default (SmolLM2-135M)",
        "questions": len(picked),
        "slice": "calibration" if calibration else "fixed sample",
        "f1_all_answerable": round(statistics.fmean(answerable), 3) if answerable else None,
        "f1_by_category": {f"{c} {CATEGORIES[c]}": {"n": len(v), "f1": round(statistics.fmean(v), 3)}
                           for c, v in sorted(f1s.items())},
        "abstention_category_5": round(statistics.fmean(abstained.get(5, [False])), 3),
        # False abstention: categories 1-4 all have their answer in the conversation.
        "abstention_answerable": round(statistics.fmean(
            [a for c, v in abstained.items() if c != 5 for a in v]), 3),
        "answer_modes": dict(modes),
        "seconds_per_question": {"median": round(statistics.median(seconds), 2),
                                 "p95": round(sorted(seconds)[int(len(seconds) * 0.95)], 2)},
        "examples": examples,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default="default", help="'default' or a GGUF path (e.g. from make eval-model)")
    ap.add_argument("--per-category", type=int, default=40)
    ap.add_argument("--calibration", action="store_true",
                    help="the calibration slice (disjoint from the fixed sample) instead of the sample")
    ap.add_argument("--dump", type=Path, help="write every question, gold and answer here (JSON lines; "
                    "evaluation data: keep it outside the repository)")
    args = ap.parse_args()
    if not args.data.exists():
        print(json.dumps({"skipped": f"LoCoMo data not found at {args.data}"}))
        return 0
    data = json.loads(args.data.read_text("utf-8"))
    model = None if args.model == "default" else args.model
    dump: list[dict[str, Any]] | None = [] if args.dump else None
    print(json.dumps(evaluate(data, args.per_category, model, args.calibration, dump), indent=2))
    if args.dump and dump is not None:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in dump), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
