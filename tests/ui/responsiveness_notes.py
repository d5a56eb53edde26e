"""Generated notes for responsiveness tests and the UI benchmark."""

from __future__ import annotations

from pathlib import Path


def write_notes(root: Path, count: int) -> None:
    topics = ["garden", "travel", "work", "books", "music", "cooking", "health", "finance"]
    for i in range(count):
        t = topics[i % len(topics)]
        d = root / t
        d.mkdir(parents=True, exist_ok=True)
        (d / f"note-{i:05d}.md").write_text(
            f"# {t.title()} note {i}\n\nOn day {i} I wrote about {t} and item {i * 7 % 101}.\n"
            f"## Details\n\nMore words about {t}: alpha beta gamma {i}.\n", "utf-8")
