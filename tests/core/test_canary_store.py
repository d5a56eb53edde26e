"""Nothing private is readable anywhere in the data directory after writing through the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from secondme.app import SecondMe
from tests.canary import needles, scan

CANARIES = ["Zyxwvut-canary-7781", "Quibblestone Lane 42", "canary.private@example.org"]


def test_canary_strings_and_vector_never_reach_disk(ctx: SecondMe, data_dir: Path) -> None:
    vec = np.random.default_rng(7).standard_normal(384).astype(np.float32)
    with ctx.store.write() as w:
        f = w.insert("folders", {"path_hash": ctx.store.keyed_hash(f"/x/{CANARIES[0]}", "path"), "added_at": 1.0},
                     {"path": f"/x/{CANARIES[0]}".encode()})
        d = w.insert("documents", {"folder_id": f, "path_hash": "p"},
                     {"path": f"/x/{CANARIES[0]}/note.md".encode(), "title": CANARIES[1]})
        w.insert("chunks", {"document_id": d, "ordinal": 0},
                 {"text": " ".join(CANARIES), "embedding": vec.tobytes()})
        w.insert("memories", {"kind": "fact", "created_at": 1.0},
                 {"text": CANARIES[2], "meta": {"k": CANARIES[1]}, "embedding": vec.tobytes()})
        w.insert("profile_fields", {"field": "email"}, {"value": {"v": CANARIES[2]}})
    ctx.set_private("folder", CANARIES[0])
    # The needle check itself works: a plain file holding a canary is found.
    probe = data_dir.parent / "probe"
    probe.mkdir()
    (probe / "x.bin").write_bytes(b"..." + CANARIES[1].encode("utf-16-le") + vec[:4].tobytes())
    assert len(scan(probe, needles(CANARIES, [vec]))) == 2
    # Uncommitted WAL content counts too: scan while open, then after close.
    assert scan(data_dir, needles(CANARIES, [vec])) == []
    ctx.close()
    assert scan(data_dir, needles(CANARIES, [vec])) == []
