"""LoCoMo retrieval recall through Second Me's own API (evaluation only; data never shipped).

Each conversation is its own corpus (its own encrypted data dir): every turn is imported as a
memory item with its session date and speaker; every question runs through the app's search
(``--mode search``) or through the memory engine (``--mode recall``: the turns are written to a
JSON Lines file in the documented import format, imported with ``import_messages`` (one
conversation per LoCoMo session), consolidated, then every question goes through ``recall``
with the question's own date = the day after the last session).
recall@k = |evidence ∩ retrieved| / |evidence|, averaged per category (LoCoMo's metric).
The recall weights were tuned on conversations 1–3 only: results are also reported for
conversations 4–10 ("test"), which played no part in tuning.
LoCoMo's ``observation`` / ``session_summary`` / ``event_summary`` fields are never read.

With ``--model GGUF`` (recall mode), each question is first given to that chat model for its
guesses at the answer's words (``secondme.guesses``, as ``ask`` does with a model that writes
answers), and recall searches for them beside the question; the guessing time is reported
apart.

With ``--guesses FILE`` the guesses are kept in that JSON file (keyed by conversation and
question index) and read back on the next run, so that a change to the ranking is measured on
the very same guesses in minutes instead of an hour and a half; the model makes only the
guesses the file lacks (greedy decoding: the same model makes the same guesses). Keep the file
outside the repository: it holds evaluation data.

    python tests/bench/locomo_recall.py [--data FILE] [--samples N] [--mode search|recall] [--model GGUF]
                                        [--guesses FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from secondme.app import SecondMe, chat_model_for  # noqa: E402
from secondme.embed.minilm import MiniLMEmbedder  # noqa: E402
from secondme.guesses import answer_terms  # noqa: E402
from secondme.memory.items import NewMemory  # noqa: E402
from secondme.paths import Paths  # noqa: E402
from secondme.settings import Settings  # noqa: E402
from secondme.vault import Vault  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "locomo" / "locomo10.json"
EVIDENCE = re.compile(r"D\s*:?\s*(\d+)\s*:\s*0*(\d+)")
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}


def parse_session_date(s: str) -> float:
    return datetime.strptime(s.strip(), "%I:%M %p on %d %B, %Y").timestamp()


def turns_of(sample: dict[str, Any]) -> list[NewMemory]:
    conv = sample["conversation"]
    out: list[NewMemory] = []
    n = 1
    while f"session_{n}" in conv or f"session_{n}_date_time" in conv:
        turns = conv.get(f"session_{n}") or []
        when = conv.get(f"session_{n}_date_time")
        at = parse_session_date(when) if when else None
        for i, t in enumerate(turns):
            text = t["text"]
            if t.get("blip_caption"):
                text += f" [shares a photo: {t['blip_caption']}]"
            out.append(NewMemory(text=text, kind="message", at=(at or 0) + i, speaker=t["speaker"],
                                 source=f"locomo:{sample['sample_id']}:session_{n}",
                                 source_id=t["dia_id"]))
        n += 1
    return out


def write_jsonl(sample: dict[str, Any], path: Path) -> Path:
    """The sample's turns in the import format ``{id, conversation, time, speaker, text}``."""
    with open(path, "w", encoding="utf-8") as fh:
        for t in turns_of(sample):
            fh.write(json.dumps({"id": t.source_id, "conversation": str(t.source).split(":", 1)[1],
                                 "time": t.at, "speaker": t.speaker, "text": t.text}) + "\n")
    return path


def question_date(sample: dict[str, Any]) -> float:
    """Questions are asked after the last session: the day after it."""
    conv = sample["conversation"]
    dates = [parse_session_date(v) for k, v in conv.items() if k.endswith("_date_time") and v]
    return max(dates) + 86400.0


def open_corpus(sample: dict[str, Any], root: Path, embedder: Any, mode: str,
                model: str | None = None) -> tuple[SecondMe, set[str], float]:
    """A fresh encrypted data dir holding the sample's turns; returns (ctx, turn ids, seconds)."""
    d = root / sample["sample_id"]
    paths = Paths.at(d)
    settings = Settings()
    if model:
        settings.model_path = model
    ctx = SecondMe(paths, settings, Vault(paths.vault_file, None), embedder,
                   chat_model_factory=(lambda: chat_model_for(paths, settings)) if model else None)
    ctx.init("locomo benchmark passphrase")
    turns = turns_of(sample)
    t0 = time.perf_counter()
    if mode == "recall":
        ctx.memory.import_messages(str(write_jsonl(sample, root / f"{sample['sample_id']}.jsonl")))
        ctx.memory.consolidate()
    else:
        ctx.session.memories.add_many(turns)
    ctx.session.sync.catch_up()
    return ctx, {t.source_id for t in turns if t.source_id}, time.perf_counter() - t0


def evidence_ids(qa: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    for e in qa.get("evidence") or []:
        for a, b in EVIDENCE.findall(str(e)):
            ids.add(f"D{int(a)}:{int(b)}")
    return ids


def score_sample(ctx: SecondMe, sample: dict[str, Any], valid: set[str], mode: str,
                 ask: Any = None, guess_ms: list[float] | None = None,
                 cache: dict[str, str] | None = None,
                 ) -> tuple[dict[int, list[tuple[float, float]]], list[float]]:
    """Per-category (recall@5, recall@10) of one sample's questions, and latencies in ms (with
    a chat model, the time it took to guess goes to ``guess_ms``, not into the latency).
    ``cache``: guesses by ``sample_id:question index``, read before the model is asked and
    filled with what it guesses."""
    per_cat: dict[int, list[tuple[float, float]]] = {}
    latencies: list[float] = []
    when = question_date(sample)
    for qi, qa in enumerate(sample["qa"]):
        ev = evidence_ids(qa) & valid
        if not ev:
            continue  # questions without (valid) evidence are skipped, as the README says
        guesses = None
        key = f"{sample['sample_id']}:{qi}"
        if mode == "recall" and cache is not None and key in cache:
            guesses = cache[key] or None
        elif mode == "recall" and ctx.models.configured:
            g0 = time.perf_counter()
            guessed = answer_terms(ctx.models.chat_model, qa["question"])
            if guess_ms is not None:
                guess_ms.append((time.perf_counter() - g0) * 1000)
            if cache is not None:
                cache[key] = guessed
            guesses = guessed or None
        q0 = time.perf_counter()
        if ask is not None:
            hits = ask(qa["question"], when)
        elif mode == "recall":
            hits = ctx.memory.engine().recall(qa["question"], k=10, when=when, expansion=guesses)
        else:
            hits = ctx.notes.search(qa["question"], k=10)
        latencies.append((time.perf_counter() - q0) * 1000)
        got = [h.source_id for h in hits]
        r5 = len(ev & set(got[:5])) / len(ev)
        r10 = len(ev & set(got[:10])) / len(ev)
        per_cat.setdefault(int(qa["category"]), []).append((r5, r10))
    return per_cat, latencies


def summarise(per_cat: dict[int, list[tuple[float, float]]]) -> dict[str, Any]:
    allv = [v for vals in per_cat.values() for v in vals]
    out: dict[str, Any] = {
        f"{c} {CATEGORIES[c]}": {"n": len(v), "recall@5": round(statistics.fmean(x[0] for x in v), 3),
                                 "recall@10": round(statistics.fmean(x[1] for x in v), 3)}
        for c, v in sorted(per_cat.items())
    }
    out["all"] = {"n": len(allv), "recall@5": round(statistics.fmean(x[0] for x in allv), 3),
                  "recall@10": round(statistics.fmean(x[1] for x in allv), 3)}
    return out


DEV = 3  # conversations 1..DEV were used for tuning


def p50_p95(values: list[float], digits: int) -> dict[str, float]:
    """The median and 95th percentile of ``values``, rounded to ``digits``."""
    v = sorted(values)
    return {"p50": round(v[len(v) // 2], digits), "p95": round(v[int(len(v) * 0.95)], digits)}


def evaluate(data: list[dict[str, Any]], samples: int | None, mode: str,
             model: str | None = None, guesses: Path | None = None) -> dict[str, Any]:
    embedder = MiniLMEmbedder()
    cache: dict[str, str] | None = None
    if guesses is not None:
        cache = json.loads(guesses.read_text("utf-8")) if guesses.exists() else {}
    cached = len(cache or {})
    per_sample: list[dict[int, list[tuple[float, float]]]] = []
    latencies: list[float] = []
    guess_ms: list[float] = []
    import_s = 0.0
    n_turns = 0
    with tempfile.TemporaryDirectory() as tmp:
        for sample in data[:samples]:
            ctx, valid, secs = open_corpus(sample, Path(tmp), embedder, mode, model)
            import_s += secs
            n_turns += len(valid)
            pc, lat = score_sample(ctx, sample, valid, mode, guess_ms=guess_ms, cache=cache)
            if guesses is not None and cache is not None:
                guesses.write_text(json.dumps(cache), "utf-8")  # kept as it grows: a long run may be stopped
            per_sample.append(pc)
            latencies += lat
            ctx.close()

    def merged(part: list[dict[int, list[tuple[float, float]]]]) -> dict[int, list[tuple[float, float]]]:
        out: dict[int, list[tuple[float, float]]] = {}
        for pc in part:
            for c, v in pc.items():
                out.setdefault(c, []).extend(v)
        return out

    result: dict[str, Any] = {"mode": mode, "model": model, "samples": len(per_sample), "turns": n_turns,
                              "import_turns_per_s": round(n_turns / import_s, 1) if import_s else None}
    summary = summarise(merged(per_sample))
    result["by_category"] = {k: v for k, v in summary.items() if k != "all"}
    result["all"] = summary["all"]
    if len(per_sample) > DEV:
        result["dev_conversations_1_3"] = summarise(merged(per_sample[:DEV]))["all"]
        result["test_conversations_4_plus"] = summarise(merged(per_sample[DEV:]))["all"]
    result["latency_ms"] = p50_p95(latencies, 2)
    if guess_ms:
        result["guess_ms"] = p50_p95(guess_ms, 0)
    if guesses is not None:
        result["guesses_read_from_file"] = cached
    result["reference_bm25_recall@10"] = {"plain": 0.558, "stopwords_removed": 0.607}
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--samples", type=int, default=None, help="only the first N conversations")
    ap.add_argument("--mode", choices=["search", "recall"], default="search")
    ap.add_argument("--quick", action="store_true", help="one conversation (for make bench)")
    ap.add_argument("--model", default=None,
                    help="a GGUF chat model (e.g. from make eval-model) whose guesses widen recall (--mode recall)")
    ap.add_argument("--guesses", type=Path, default=None,
                    help="keep the model's guesses in this JSON file and reuse them (outside the repository)")
    args = ap.parse_args()
    if not args.data.exists():
        print(json.dumps({"skipped": f"LoCoMo data not found at {args.data}"}))
        return 0
    data = json.loads(args.data.read_text("utf-8"))
    if args.model and args.mode != "recall":
        ap.error("--model needs --mode recall")
    if args.guesses and not args.model:
        ap.error("--guesses needs --model")
    res = evaluate(data, 1 if args.quick else args.samples, args.mode, args.model, args.guesses)
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
