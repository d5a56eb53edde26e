"""Heading-aware chunking: sections, sizes, overlap, line ranges, long lines, determinism."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from secondme.ingest import Chunk, ExtractedDoc, IgnorePolicy, chunk_document, extract
from secondme.ingest.extract import Heading
from tests.bench import notes_gen

LIMIT = 20 * 1024 * 1024
WORDS = re.compile(r"\S+")


def sentence(seed: int, words: int = 12) -> str:
    vocab = ["garden", "tomato", "Orrin", "Lisbon", "budget", "sprint", "kale", "river", "tram"]
    return " ".join(f"{vocab[(seed * 7 + i) % len(vocab)]}{(seed + i) % 97}" for i in range(words)) + "."


def paragraphs(start: int, count: int, sentences: int = 3) -> str:
    return "\n\n".join(" ".join(sentence(start + p * 10 + s) for s in range(sentences)) for p in range(count))


def write(tmp_path: Path, name: str, text: str) -> ExtractedDoc:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path, LIMIT)


def source_slice(tmp_path: Path, name: str, chunk: Chunk) -> str:
    lines = (tmp_path / name).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[chunk.line_start - 1 : chunk.line_end])


def test_short_note_is_one_chunk_with_context(tmp_path: Path) -> None:
    doc = write(tmp_path, "garden.md", "---\ntags: [x]\n---\n# Projects\n\n## Garden\n\nPlant kale.\n")
    chunks = chunk_document(doc)
    assert len(chunks) == 1
    chunk = chunks[0]
    assert chunk.ordinal == 0
    assert chunk.heading_path == ("Projects",)
    assert chunk.text == "Garden\n\nPlant kale."
    assert chunk.context == "Projects"
    assert chunk.embed_text == "Projects\nGarden\n\nPlant kale."
    assert (chunk.line_start, chunk.line_end) == (4, 8)
    assert chunk.word_count == 3 and chunk.char_count == len(chunk.text)


def test_title_is_prefixed_unless_it_repeats_the_first_heading(tmp_path: Path) -> None:
    doc = write(tmp_path, "a.md", "---\ntitle: Home\n---\n# Projects\n\n## Garden\n\n" + paragraphs(0, 12))
    contexts = {c.context for c in chunk_document(doc)}
    assert contexts == {"Home > Projects > Garden"}
    doc = write(tmp_path, "b.md", "# Projects\n\n## Garden\n\n" + paragraphs(0, 12))
    assert {c.context for c in chunk_document(doc)} == {"Projects > Garden"}
    text_doc = write(tmp_path, "plain.txt", "just a line")
    assert chunk_document(text_doc)[0].embed_text == "plain\njust a line"


def test_large_sections_never_share_a_chunk(tmp_path: Path) -> None:
    text = (
        "# Journal\n\n"
        + paragraphs(0, 3)
        + "\n\n## Monday\n\n"
        + paragraphs(100, 14)
        + "\n\n## Tuesday\n\n"
        + paragraphs(200, 14)
        + "\n\n# Work\n\n"
        + paragraphs(300, 9)
    )
    doc = write(tmp_path, "j.md", text)
    chunks = chunk_document(doc)
    paths = [c.heading_path for c in chunks]
    assert ("Journal", "Monday") in paths and ("Journal", "Tuesday") in paths and ("Work",) in paths
    monday = [c for c in chunks if c.heading_path == ("Journal", "Monday")]
    assert all("Tuesday" not in c.text for c in monday)
    assert paths == sorted(paths, key=paths.index)  # sections stay in document order
    for chunk in chunks:
        assert chunk.word_count <= 320
        # Line ranges point at the source text: every word of the chunk is in those lines.
        source = source_slice(tmp_path, "j.md", chunk)
        assert set(WORDS.findall(chunk.text)) <= set(WORDS.findall(source))
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    first_monday = monday[0]
    lines = (tmp_path / "j.md").read_text(encoding="utf-8").split("\n")
    assert lines[first_monday.line_start - 1] == "## Monday"


def test_overlap_between_consecutive_chunks_of_a_section(tmp_path: Path) -> None:
    doc = write(tmp_path, "long.md", "# Log\n\n" + paragraphs(0, 40, sentences=2))
    chunks = chunk_document(doc, target_words=100, max_words=150, overlap_words=20)
    assert len(chunks) > 5
    for previous, current in itertools.pairwise(chunks):
        tail = WORDS.findall(previous.text)[-20:]
        head = WORDS.findall(current.text)[:20]
        assert tail == head
        assert current.line_start <= previous.line_end + 2
    assert all(c.word_count <= 150 for c in chunks)
    # Most chunks are near the target, not tiny.
    assert sum(c.word_count >= 60 for c in chunks) >= len(chunks) - 1


def test_tiny_sections_merge_under_the_same_parent_only(tmp_path: Path) -> None:
    text = (
        "# Recipes\n\n"
        + paragraphs(0, 10)
        + "\n\n## Soup\n\nLentils.\n\n## Bread\n\nFlour and water.\n\n## Salad\n\nKale.\n\n"
        "# Travel\n\nLisbon in May.\n\n## Porto\n\nTrains.\n"
    )
    doc = write(tmp_path, "r.md", text)
    chunks = chunk_document(doc)
    merged = next(c for c in chunks if "Lentils." in c.text)
    assert "Flour and water." in merged.text and "Kale." in merged.text
    assert "Lisbon in May" not in merged.text  # different parent
    assert merged.heading_path == ("Recipes",)
    assert "Soup\n\nLentils." in merged.text  # a merged section keeps its title as a line
    travel = next(c for c in chunks if "Lisbon in May" in c.text)
    assert travel.heading_path == ("Travel",) and "Porto\n\nTrains." in travel.text


def test_long_paragraph_and_long_lines_are_split(tmp_path: Path) -> None:
    one_paragraph = "\n".join(sentence(i, 30) for i in range(60))  # 1,800 words, no blank line
    huge_line = " ".join(sentence(i, 50) for i in range(100))  # 5,000 words on one line
    doc = write(tmp_path, "p.txt", one_paragraph + "\n\n" + huge_line + "\n")
    chunks = chunk_document(doc)
    assert all(c.word_count <= 320 for c in chunks)
    assert any(c.line_start == c.line_end == 62 for c in chunks)
    body_words = WORDS.findall(doc.text)
    seen = set()
    for c in chunks:
        seen.update(WORDS.findall(c.text))
    assert set(body_words) <= seen  # nothing is lost


def test_line_without_spaces_is_cut_by_characters() -> None:
    doc = ExtractedDoc(title="blob", text="x" * 200_000, format="text")
    chunks = chunk_document(doc)
    assert all(c.word_count <= 320 and c.char_count <= 320 * 50 for c in chunks)
    # Pieces of one word are joined back without inventing spaces.
    assert all(set(c.text) == {"x"} for c in chunks)
    assert sum(c.word_count for c in chunks) >= 200_000 // 50


def test_pdf_and_docx_style_line_maps() -> None:
    text = "\n".join(["page one words"] * 3 + [""] + ["page two words"] * 3)
    doc = ExtractedDoc(title="r", text=text, format="pdf", line_map=(1, 1, 1, 2, 2, 2, 2), source_unit="page")
    chunks = chunk_document(doc, target_words=9, max_words=12, overlap_words=0)
    assert [(c.line_start, c.line_end) for c in chunks] == [(1, 1), (2, 2)]


def test_setext_and_rst_heading_markup_is_not_body(tmp_path: Path) -> None:
    doc = write(tmp_path, "s.rst", "Title\n=====\n\nIntro words.\n\nPart\n----\n\nBody words.\n")
    chunks = chunk_document(doc)
    assert len(chunks) == 1
    assert "=====" not in chunks[0].text and "----" not in chunks[0].text
    assert chunks[0].text == "Intro words.\n\nPart\n\nBody words."


def test_headings_in_html_and_org_make_sections(tmp_path: Path) -> None:
    body = "".join(f"<p>{sentence(i, 40)}</p>\n" for i in range(12))
    doc = write(tmp_path, "p.html", f"<h1>Alpha</h1>\n{body}<h2>Beta</h2>\n{body}")
    paths = {c.heading_path for c in chunk_document(doc)}
    assert paths == {("Alpha",), ("Alpha", "Beta")}
    org = write(tmp_path, "o.org", f"* One\n{paragraphs(0, 10)}\n* Two\n{paragraphs(50, 10)}\n")
    assert {c.heading_path for c in chunk_document(org)} == {("One",), ("Two",)}


def test_empty_and_whitespace_documents() -> None:
    assert chunk_document(ExtractedDoc(title="t", text="", format="text")) == []
    assert chunk_document(ExtractedDoc(title="t", text="\n  \n\t\n", format="text")) == []
    only_headings = ExtractedDoc(
        title="t", text="# A\n## B", format="markdown", headings=(Heading(1, 1, "A"), Heading(2, 2, "B"))
    )
    chunks = chunk_document(only_headings)
    assert len(chunks) == 1 and chunks[0].text == "B"


def test_deterministic(tmp_path: Path) -> None:
    doc = write(tmp_path, "d.md", "# A\n\n" + paragraphs(0, 30) + "\n\n## B\n\n" + paragraphs(9, 5))
    assert chunk_document(doc) == chunk_document(doc)


def test_bad_parameters() -> None:
    doc = ExtractedDoc(title="t", text="x", format="text")
    for kwargs in ({"target_words": 0}, {"target_words": 400}, {"overlap_words": 220}):
        with pytest.raises(ValueError):
            chunk_document(doc, **kwargs)


def test_generated_corpus_extracts_and_chunks(tmp_path: Path) -> None:
    paths = notes_gen.generate_notes(tmp_path / "a", 150, seed=3)
    again = notes_gen.generate_notes(tmp_path / "b", 150, seed=3)
    assert [p.relative_to(tmp_path / "a") for p in paths] == [p.relative_to(tmp_path / "b") for p in again]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(paths, again, strict=True))
    suffixes = {p.suffix for p in paths}
    assert ".md" in suffixes and len({p.parent for p in paths}) > 3

    found = sorted(IgnorePolicy(LIMIT).walk(tmp_path / "a"))
    assert found == sorted(paths)
    corpus = []
    for path in found:
        doc = extract(path, LIMIT)
        if doc.format == "markdown":
            assert doc.front_matter["date"] and doc.front_matter["tags"]
        chunks = chunk_document(doc)
        assert chunks and all(c.word_count <= 320 for c in chunks)
        corpus.append(" ".join(c.embed_text for c in chunks).lower())
    queries = notes_gen.sample_queries(0)
    assert len(queries) >= 20 and queries == notes_gen.sample_queries(0)
    text = " ".join(corpus)
    # Every query has at least one distinctive term that occurs in the corpus.
    for query in queries:
        assert any(len(word) > 4 and word in text for word in query.lower().split()), query
