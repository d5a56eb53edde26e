"""Plain text: no structure beyond paragraphs; the title is the file name."""

from __future__ import annotations

from secondme.ingest.formats.common import ExtractedDoc


def parse_text(text: str, stem: str) -> ExtractedDoc:
    """Wrap decoded plain text.

    The file name is the title: plain-text notes rarely mark a title line, and the name is
    information the body does not already carry.
    """
    return ExtractedDoc(title=stem, text=text, format="text")
