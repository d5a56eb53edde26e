"""Benchmark ChatModel against bare llama_cpp.Llama on the default model; prints one JSON object.

Usage: .venv/bin/python tests/bench/bench_llm.py [--quick]

Both sides use the same file, n_ctx, n_threads, greedy sampling, prompt and max_tokens; the runs
are interleaved (alternating which goes first) and medians are reported.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# llama_cpp is imported before RSS is measured, so the library itself is not counted.
import llama_cpp

from secondme.llm import default_model
from secondme.llm.runtime import ChatModel

N_CTX = 2048
GEN_PROMPT = [{"role": "user", "content": "Write a short story about a lighthouse keeper."}]
FILLER = (
    "The committee met on Tuesday to review the garden budget, the new irrigation plan, "
    "the schedule for volunteers and the seed order for spring. "
)


def rss_mb() -> float:
    gc.collect()
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def bare_generate(llm: llama_cpp.Llama, max_tokens: int) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    out: Any = llm.create_chat_completion(messages=GEN_PROMPT, max_tokens=max_tokens,  # type: ignore[arg-type]
                                          temperature=0.0)
    dt = time.perf_counter() - t0
    return dt, int(out["usage"]["completion_tokens"]), str(out["choices"][0]["message"]["content"])


def ours_generate(cm: ChatModel, max_tokens: int) -> tuple[float, str]:
    pieces: list[str] = []
    t0 = time.perf_counter()
    comp = cm.generate(GEN_PROMPT, max_tokens=max_tokens, temperature=0.0,
                       on_token=pieces.append)
    return time.perf_counter() - t0, comp.text


def long_messages(run: str, words: int) -> list[dict[str, str]]:
    # A distinct first line per run defeats llama-cpp-python's prompt-prefix cache, so every
    # measurement reads the whole prompt.
    body = FILLER * (words // len(FILLER.split()) + 1)
    return [{"role": "user", "content": f"Document {run}.\n{body}\nSummarise the document."}]


def bare_ttft(llm: llama_cpp.Llama, msgs: list[dict[str, str]]) -> float:
    t0 = time.perf_counter()
    stream: Any = llm.create_chat_completion(messages=msgs, max_tokens=8,  # type: ignore[arg-type]
                                             temperature=0.0, stream=True)
    try:
        for chunk in stream:
            if chunk["choices"][0]["delta"].get("content"):
                return time.perf_counter() - t0
    finally:
        stream.close()
    return time.perf_counter() - t0


def ours_ttft(cm: ChatModel, msgs: list[dict[str, str]]) -> float:
    cancel = threading.Event()
    first: list[float] = []
    t0 = time.perf_counter()

    def on_token(_: str) -> None:
        if not first:
            first.append(time.perf_counter() - t0)
        cancel.set()

    cm.generate(msgs, max_tokens=8, temperature=0.0, on_token=on_token, cancel=cancel)
    return first[0] if first else time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds and tokens")
    ap.add_argument("--threads", type=int, default=0, help="0 = physical cores (the default)")
    args = ap.parse_args()
    rounds = 3 if args.quick else 7
    max_tokens = 64 if args.quick else 160

    path = default_model.packaged_model_path()
    default_model.verify(path)
    rss_before = rss_mb()

    cm = ChatModel(path, n_ctx=N_CTX, n_threads=args.threads, gpu_layers="auto",
                   idle_unload_seconds=3600)
    t0 = time.perf_counter()
    cm.load()
    cold_load = time.perf_counter() - t0
    rss_loaded = rss_mb()

    llm = llama_cpp.Llama(n_gpu_layers=cm.gpu_layers_used, **cm.llama_kwargs())

    # Warm-up both (first-run allocations), not measured.
    ours_generate(cm, 8)
    bare_generate(llm, 8)

    ours_tps: list[float] = []
    bare_tps: list[float] = []
    same = True
    for r in range(rounds):
        order = ("ours", "bare") if r % 2 == 0 else ("bare", "ours")
        texts: dict[str, str] = {}
        bare_tokens = 0
        timings: dict[str, float] = {}
        for way in order:
            if way == "bare":
                dt, bare_tokens, texts[way] = bare_generate(llm, max_tokens)
            else:
                dt, texts[way] = ours_generate(cm, max_tokens)
            timings[way] = dt
        same = same and texts["ours"] == texts["bare"]
        # Greedy decoding makes both texts identical, so both produced bare_tokens tokens.
        ours_tokens = bare_tokens if texts["ours"] == texts["bare"] else cm.count_tokens(
            texts["ours"])
        ours_tps.append(ours_tokens / timings["ours"])
        bare_tps.append(bare_tokens / timings["bare"])

    prompt_words = 830
    probe = long_messages("x", prompt_words)
    prompt_tokens = cm.count_prompt_tokens(probe)
    ours_first: list[float] = []
    bare_first: list[float] = []
    for r in range(rounds):
        if r % 2 == 0:
            ours_first.append(ours_ttft(cm, long_messages(f"o{r}", prompt_words)))
            bare_first.append(bare_ttft(llm, long_messages(f"b{r}", prompt_words)))
        else:
            bare_first.append(bare_ttft(llm, long_messages(f"b{r}", prompt_words)))
            ours_first.append(ours_ttft(cm, long_messages(f"o{r}", prompt_words)))

    llm.close()
    del llm
    cm.unload()
    rss_unloaded = rss_mb()
    cm.close()

    ours_med = statistics.median(ours_tps)
    bare_med = statistics.median(bare_tps)
    result = {
        "model": path.name,
        "n_threads": cm.n_threads,
        "n_ctx": cm.n_ctx,
        "gpu_layers": cm.gpu_layers_used,
        "max_tokens": max_tokens,
        "rounds": rounds,
        "load_average_1m": round(psutil.getloadavg()[0], 2),
        "generation_tokens_per_s": {
            "chatmodel_median": round(ours_med, 2),
            "bare_llama_median": round(bare_med, 2),
            "ratio": round(ours_med / bare_med, 3),
            "target_ratio": 0.95,
            "same_output": same,
        },
        "time_to_first_token_s": {
            "prompt_tokens": prompt_tokens,
            "chatmodel_median": round(statistics.median(ours_first), 3),
            "bare_llama_median": round(statistics.median(bare_first), 3),
        },
        "cold_load_s": round(cold_load, 3),
        "rss_mb": {
            "before_load": rss_before,
            "after_load": rss_loaded,
            "after_unload": rss_unloaded,
        },
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
