"""Child process of test_at_rest: one full session of the real app core, full of canaries.

Usage: python -m tests.reliability.session_child MODE DATA_DIR NOTES_DIR WORK_DIR
MODE "close": lock and quit at the end. MODE "kill": print "ready" and wait to be SIGKILLed.
MODE "reopen": unlock (which cleans stale RAM folders), search, and close.

Writes WORK_DIR/vectors.npy: the embeddings the store holds for the canary notes and memories
(what a leak of vectors would expose), so the parent can look for them byte by byte.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from secondme.app import build
from tests.reliability.common import PASS, log_to

# Each canary is a made-up token that occurs nowhere else; every kind of private data has one.
CANARIES = {
    "note_text": "Zorblaxian-canary-4417",
    "note_name": "Vexquillo-canary-9023",
    "folder_name": "Plimbrostic-canary-3310",
    "question": "Thrumbeck-canary-6658",
    "memory": "Gruntwhistle-canary-2291",
    "import": "Snarfwiddle-canary-7734",
    "email": "canary.quasselbrook@example.com",
    "profile_edit": "Wobbleton-canary-5102",
    "street": "88 Fennimore-canary Crescent",
}


def session(data_dir: str, notes: Path, work: Path) -> Any:
    log_to(Path(data_dir) / "logs" / "session.log")
    ctx = build(data_dir, use_keyring=False)
    if ctx.initialized:
        ctx.unlock(PASS)
        return ctx, {}
    ctx.init(PASS)
    ctx.notes.start_watching()
    ctx.jobs.start()
    ctx.embedder.get()  # as the app does after unlock
    out: dict[str, Any] = {}
    ctx.notes.add_folder(str(notes))
    assert ctx.notes.wait_indexed(300)
    hits = ctx.notes.search(CANARIES["note_text"], k=3)
    out["note_found"] = any(CANARIES["folder_name"] in (h.path or "") for h in hits)
    ctx.memory.remember(f"My locker combination is kept by {CANARIES['memory']}.")
    ctx.memory.remember(f"My email is {CANARIES['email']}.")
    ctx.memory.remember(f"I live at {CANARIES['street']}, Springfield.")
    msgs = work / "messages.jsonl"
    with open(msgs, "w", encoding="utf-8") as fh:
        for i, (speaker, text) in enumerate([
            ("me", f"Did you talk to {CANARIES['import']} about the lease?"),
            ("friend", f"Yes, {CANARIES['import']} signs on Friday."),
        ]):
            fh.write(json.dumps({"id": f"m{i}", "conversation": "lease", "time": time.time() - 3600 + i,
                                 "speaker": speaker, "text": text}) + "\n")
    out["imported"] = ctx.memory.import_messages(str(msgs))
    ctx.notes.wait_indexed(60)
    out["recalled"] = len(ctx.memory.recall(CANARIES["memory"], k=3))
    answer = ctx.models.ask(f"Who keeps my locker combination, and is {CANARIES['question']} involved?")
    out["answer_chars"] = len(answer.text)
    ctx.profile.build()
    ctx.profile.set_field("nickname", CANARIES["profile_edit"], lock=True)
    out["jobs"] = ctx.jobs.run_now(wait=True).get("status")
    ctx.notes.wait_indexed(60)
    out["profile_fields"] = len(ctx.profile.show()["fields"])
    # The vectors a leak would expose: the stored embeddings of every chunk and memory.
    vecs = [np.frombuffer(r["embedding"], dtype=np.float32)
            for table in ("chunks", "memories")
            for r in ctx.store.select(table, columns=("embedding",)) if r.get("embedding")]
    np.save(work / "vectors.npy", np.stack(vecs))
    out["vectors"] = len(vecs)
    out["runtime_dir"] = str(ctx.session.indexes.runtime_dir)
    return ctx, out


def main() -> int:
    mode, data_dir, notes, work = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    ctx, out = session(data_dir, notes, work)
    if mode == "reopen":
        out["reopened_hits"] = len(ctx.notes.search(CANARIES["note_text"], k=3))
        ctx.close()
    elif mode == "close":
        ctx.close()
    print(json.dumps(out), flush=True)
    if mode == "kill":
        print("ready", flush=True)
        time.sleep(600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
