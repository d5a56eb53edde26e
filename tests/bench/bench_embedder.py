"""Benchmark MiniLMEmbedder against a bare onnxruntime + tokenizers loop doing the same work.

Usage: .venv/bin/python tests/bench/bench_embedder.py [--quick]
Prints one JSON object to stdout. Both embed the same notes slice by slice, interleaved (the
first to run alternates), so both see the same machine load; ratios are ours / bare
throughput (1.0 = no wrapper overhead). Query latency is measured interleaved the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from secondme.embed import minilm
from secondme.embed.minilm import MiniLMEmbedder

FIRST = ["Priya", "Tom", "Maria", "Kenji", "Aisha", "Lukas", "Sofia", "Omar", "Grace", "Mateo"]
LAST = ["Okafor", "Nguyen", "Schmidt", "Rossi", "Tanaka", "Dubois", "Kowalski", "Haddad"]
PLACES = ["Lisbon", "Osaka", "the Berlin office", "Lyon", "Toronto", "the cabin", "Nairobi",
          "Room 4B", "the café on Rue Cler", "Edinburgh", "the community garden"]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
PROJECTS = ["billing migration", "kitchen renovation", "Q3 roadmap", "thesis chapter 2",
            "garden club newsletter", "tax return", "wedding seating plan", "API redesign"]  # fmt: skip
TASKS = ["email the landlord about the leaking tap", "book flights", "renew the passport",
         "pick up dry cleaning", "call the dentist", "send the invoice", "buy a birthday gift",
         "back up the laptop", "review the pull request", "order printer ink",
         "water the tomato plants", "cancel the gym membership", "pay the electricity bill"]  # fmt: skip
TOPICS = ["budget", "hiring", "deadlines", "the vendor contract", "onboarding", "security review",
          "customer churn", "the offsite agenda", "test coverage", "pricing"]  # fmt: skip
FEELINGS = ["tired but happy", "a bit anxious", "really productive", "distracted", "calm"]


def _date(r: random.Random) -> str:
    return f"{r.randint(1, 28)} {r.choice(MONTHS)} 20{r.randint(19, 26)}"


def _person(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def _sentence(r: random.Random, kind: str) -> str:
    p, q = _person(r), r.choice(FIRST)
    if kind == "meeting":
        return r.choice(
            [
                f"{p} raised concerns about {r.choice(TOPICS)} and asked for numbers by {_date(r)}.",
                f"We agreed that {q} owns the {r.choice(PROJECTS)} until the next review.",
                f"Action item: {q} to {r.choice(TASKS)} before Friday.",
                f"Discussion moved to {r.choice(TOPICS)}; no decision, revisit in {PLACES[7]}.",
                f"{p} will present the {r.choice(PROJECTS)} status at {r.choice(PLACES)}.",
            ]
        )
    if kind == "todo":
        return f"- [{r.choice([' ', 'x'])}] {r.choice(TASKS)}" + r.choice(
            ["", f" (due {_date(r)})", f" — ask {q}", f" at {r.choice(PLACES)}"]
        )
    if kind == "travel":
        return r.choice(
            [
                f"Flight to {r.choice(PLACES)} on {_date(r)}, seat {r.randint(1, 40)}{r.choice('ABCDEF')}.",
                f"Hotel near {r.choice(PLACES)} booked for {r.randint(2, 9)} nights, confirmation "
                f"{r.randint(100000, 999999)}.",
                f"{q} recommended a small restaurant close to {r.choice(PLACES)}.",
                f"Remember the adapter, the charger and {q}'s book.",
            ]
        )
    return r.choice(
        [
            f"Today I felt {r.choice(FEELINGS)}; spent the morning on the {r.choice(PROJECTS)}.",
            f"Had lunch with {p} at {r.choice(PLACES)}, talked about {r.choice(TOPICS)}.",
            f"Need to {r.choice(TASKS)} and then {r.choice(TASKS)}.",
            f"{q}'s phone number changed; new address is {r.randint(1, 200)} "
            f"{r.choice(['Oak Street', 'Rue Cler', 'Hauptstraße', 'Elm Avenue'])}.",
            f"Idea for the {r.choice(PROJECTS)}: start smaller and measure {r.choice(TOPICS)} first.",
        ]
    )


def make_notes(n: int, seed: int = 7) -> list[str]:
    """Deterministic note-like paragraphs of 30–250 words."""
    r = random.Random(seed)
    notes = []
    for _ in range(n):
        kind = r.choice(["meeting", "todo", "travel", "journal"])
        target = r.randint(30, 250)
        header = {
            "meeting": f"Meeting notes {_date(r)} — {r.choice(PROJECTS)} with {_person(r)}.",
            "todo": f"Todo for {_date(r)}:",
            "travel": f"Trip to {r.choice(PLACES)}, {_date(r)}.",
            "journal": f"Journal, {_date(r)}.",
        }[kind]
        words = header.split()
        while len(words) < target:
            words += _sentence(r, kind).split()
        notes.append(" ".join(words[:target]))
    return notes


class Bare:
    """The reference: onnxruntime + tokenizers with no wrapper (same settings as ours)."""

    def __init__(self, threads: int, batch_size: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.sess = ort.InferenceSession(
            str(minilm.default_model_path()), opts, providers=["CPUExecutionProvider"]
        )
        self.tok = Tokenizer.from_file(str(minilm.default_tokenizer_path()))
        self.tok.enable_truncation(max_length=256)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self.names = {i.name for i in self.sess.get_inputs()}
        self.bs = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), 384), dtype=np.float32)
        for s in range(0, len(texts), self.bs):
            idx = order[s : s + self.bs]
            enc = self.tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.sess.run(None, feeds)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def _bare_query(bare: Bare, text: str) -> np.ndarray:
    return bare.embed([text])[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer notes and queries")
    args = ap.parse_args()
    n_notes, slice_size, n_queries = (300, 100, 200) if args.quick else (2000, 250, 400)
    load_before = os.getloadavg()[0]

    t0 = time.perf_counter()
    ours = MiniLMEmbedder()  # cold: includes the model checksum
    load_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    MiniLMEmbedder()  # warm: checksum already verified in this process
    load_warm = time.perf_counter() - t0
    bare = Bare(ours.threads, ours.batch_size)

    notes = make_notes(n_notes)
    words = [len(n.split()) for n in notes]
    ours.embed(notes[:64])  # warm both sessions' allocators before timing
    bare.embed(notes[:64])

    # One pass over all notes each, interleaved slice by slice (alternating who goes first) so
    # both see the same machine load; a full pass per repetition would take many minutes here.
    ours_t = bare_t = 0.0
    slice_ratios = []
    max_diff = 0.0
    for k, s0 in enumerate(range(0, n_notes, slice_size)):
        part = notes[s0 : s0 + slice_size]
        times: dict[str, float] = {}
        vecs: dict[str, np.ndarray] = {}
        runs = [("ours", ours.embed), ("bare", bare.embed)]
        for label, fn in runs if k % 2 == 0 else runs[::-1]:
            t0 = time.perf_counter()
            vecs[label] = fn(part)
            times[label] = time.perf_counter() - t0
        ours_t += times["ours"]
        bare_t += times["bare"]
        slice_ratios.append(times["bare"] / times["ours"])
        max_diff = max(max_diff, float(np.abs(vecs["ours"] - vecs["bare"]).max()))

    rng = random.Random(1)
    queries = [n[: rng.randint(20, 90)] for n in (notes * 2)[:n_queries]]
    for q in queries[:20]:
        ours.embed_query(q)
        _bare_query(bare, q)
    lat: list[float] = []
    lat_bare: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        ours.embed_query(q)
        lat.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        _bare_query(bare, q)
        lat_bare.append((time.perf_counter() - t0) * 1000)

    def summary(xs: list[float]) -> dict[str, float]:
        return {"p50": round(_pct(xs, 0.50), 3), "p95": round(_pct(xs, 0.95), 3), "max": round(max(xs), 3)}

    ours_sps = n_notes / ours_t
    bare_sps = n_notes / bare_t
    result: dict[str, Any] = {
        "bench": "embedder",
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "logical_cpus": os.cpu_count(),
            "loadavg_1m_before": round(load_before, 2),
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
        },
        "notes": n_notes,
        "words_min_mean_max": [min(words), round(statistics.mean(words), 1), max(words)],
        "batch_size": ours.batch_size,
        "threads": ours.threads,
        "interleaved_slices": len(slice_ratios),
        "throughput_sps": {"minilm_embedder": round(ours_sps, 2), "bare_onnxruntime": round(bare_sps, 2)},
        "throughput_ratio": round(ours_sps / bare_sps, 3),
        "throughput_ratio_median_slice": round(statistics.median(slice_ratios), 3),
        "throughput_ratio_target": 0.95,
        "max_abs_diff_vs_bare": max_diff,
        "query_latency_ms": {"n": len(lat), **summary(lat)},
        "query_latency_bare_ms": summary(lat_bare),
        "query_p95_target_ms": 5.0,
        "load_s": {"cold": round(load_cold, 3), "warm": round(load_warm, 3)},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
