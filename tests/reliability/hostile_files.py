"""Generators of hostile note files (and a few good ones) for the reliability suite.

``generate(root, count)`` writes at least ``count`` hostile files plus ``GOOD_NOTES`` good notes,
each carrying a unique word, and returns a :class:`Manifest` saying what each file is and what
the indexer may do with it. Paths are bytes (``os.fsencode``) because some names are not valid
UTF-8.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GOOD_NOTES = 50
# Suffixes the indexer reads; anything else is skipped on purpose.
NOTE_SUFFIXES = (".md", ".txt", ".pdf", ".docx", ".html", ".org", ".rst")


@dataclass
class Manifest:
    """What was written: good notes (path -> unique word) and hostile files by category."""

    good: dict[bytes, str] = field(default_factory=dict)
    bad: dict[bytes, str] = field(default_factory=dict)        # must end up indexed or failed
    skipped: dict[bytes, str] = field(default_factory=dict)    # not a note at all (fifo, loop)
    volatile: list[bytes] = field(default_factory=list)        # rewritten/deleted while indexing
    categories: dict[str, int] = field(default_factory=dict)

    def add_bad(self, path: bytes, category: str) -> None:
        self.bad[path] = category
        self.categories[category] = self.categories.get(category, 0) + 1

    @property
    def hostile_count(self) -> int:
        return len(self.bad) + len(self.skipped)


def _write(path: bytes, data: bytes) -> bytes:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def unique_word(i: int) -> str:
    """A word no generator produces by chance (letters only, so tokenizers keep it whole)."""
    letters = "bcdfghjklmnpqrstvwxz"
    tail = "".join(letters[(i // 20 ** k) % 20] for k in range(3))
    return f"quorbix{tail}"


# --- PDFs ------------------------------------------------------------------------------------------
def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (Helvetica), with a correct xref table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _bad_pdfs(rnd: random.Random) -> list[tuple[str, bytes]]:
    good = minimal_pdf("A perfectly ordinary page of text about the weather.")
    cut = rnd.randrange(20, len(good) - 20)
    xref_at = good.index(b"xref")
    random_xref = good[:xref_at] + b"xref\n0 6\n" + b"".join(
        b"%010d 00000 n \n" % rnd.randrange(0, 10**9) for _ in range(6)) + good[good.index(b"trailer"):]
    garbage_start = good.replace(b"startxref\n%d" % xref_at, b"startxref\n%d" % rnd.randrange(10**6, 10**9))
    self_ref = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
                b"%%EOF\n")
    kids_loop = good.replace(b"/Kids [3 0 R]", b"/Kids [2 0 R]")
    huge_count = good.replace(b"/Count 1", b"/Count 999999999")
    deep = b"%PDF-1.4\n1 0 obj\n" + b"[" * 20000 + b"]" * 20000 + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF"
    return [
        ("pdf-truncated", good[:cut]),
        ("pdf-random-xref", random_xref),
        ("pdf-bad-startxref", garbage_start),
        ("pdf-self-reference", self_ref),
        ("pdf-kids-loop", kids_loop),
        ("pdf-huge-count", huge_count),
        ("pdf-deep-arrays", deep),
        ("pdf-header-only", b"%PDF-1.7\n"),
        ("pdf-empty", b""),
        ("pdf-random-body", b"%PDF-1.4\n" + rnd.randbytes(rnd.randrange(100, 20000))),
    ]


# --- DOCX ------------------------------------------------------------------------------------------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body_xml: str | bytes) -> bytes:
    """A DOCX package around ``body_xml`` (the inside of ``<w:body>``)."""
    if isinstance(body_xml, str):
        body_xml = body_xml.encode()
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
           + body_xml + b"</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def docx_paragraphs(texts: list[str]) -> bytes:
    return docx_bytes("".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts))


def _deflate_stream(head: bytes, total: int, piece: bytes, tail: bytes) -> tuple[bytes, int, int]:
    """Raw-deflate ``head`` + ``piece`` repeated to ~``total`` bytes + ``tail``, never all in memory.

    Returns (compressed, crc32, uncompressed size).
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = bytearray(comp.compress(head))
    crc = zlib.crc32(head)
    block = piece * max(1, (1 << 20) // len(piece))
    left = total
    while left > 0:
        b = block[: left - left % len(piece) or len(piece)] if left < len(block) else block
        crc = zlib.crc32(b, crc)
        out += comp.compress(b)
        left -= len(b)
    size = len(head) + total - left
    out += comp.compress(tail)
    crc = zlib.crc32(tail, crc)
    out += comp.flush()
    return bytes(out), crc, size + len(tail)


def zip_bomb_docx(expanded_bytes: int, *, lie_about_size: bool = False) -> bytes:
    """A DOCX whose ``word/document.xml`` inflates to ~``expanded_bytes`` of valid WordprocessingML.

    It is a few hundred KB on disk. With ``lie_about_size`` the zip directory declares a tiny
    size for the part, as a crafted bomb would, so a guard that trusts the directory sees nothing.
    """
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    piece = b"<w:p><w:r><w:t>bomb bomb bomb bomb</w:t></w:r></w:p>"
    data, crc, size = _deflate_stream(head, expanded_bytes, piece, b"</w:body></w:document>")
    name = b"word/document.xml"
    declared = 4096 if lie_about_size else size
    out = io.BytesIO()
    entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, offset, crc, csize, usize, method

    def local(n: bytes, payload: bytes, c: int, usize: int, method: int) -> None:
        entries.append((n, out.tell(), c, len(payload), usize, method))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, c, len(payload), usize,
                              len(n), 0) + n + payload)

    for n, text in ((b"[Content_Types].xml", _CONTENT_TYPES.encode()), (b"_rels/.rels", _RELS.encode())):
        local(n, text, zlib.crc32(text), len(text), 0)
    local(name, data, crc, declared, 8)
    cd_start = out.tell()
    for n, off, c, csize, usize, method in entries:
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, c, csize, usize,
                              len(n), 0, 0, 0, 0, 0, off) + n)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0))
    return out.getvalue()


def _bad_docx(rnd: random.Random) -> list[tuple[str, bytes]]:
    ok = docx_paragraphs(["An ordinary paragraph about the garden."])
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as z:
        for i in range(12000):
            z.writestr(f"word/media/p{i}.xml", "")
        z.writestr("word/document.xml", "<x/>")
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i + 1} "{("&lol" + (str(i) if i else "") + ";") * 10}">' for i in range(9))
              + f']><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    laughs_zip = io.BytesIO()
    with zipfile.ZipFile(laughs_zip, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", laughs)
    deep = docx_bytes("<w:p>" + "<w:r>" * 5000 + "</w:r>" * 5000 + "</w:p>")
    return [
        ("docx-truncated", ok[: rnd.randrange(10, len(ok) - 10)]),
        ("docx-not-a-zip", b"PK\x03\x04" + rnd.randbytes(3000)),
        ("docx-no-document", _zip_of({"hello.txt": b"hi"})),
        ("docx-broken-xml", docx_bytes("<w:p><w:r><w:t>unclosed")),
        ("docx-many-parts", many.getvalue()),
        ("docx-billion-laughs", laughs_zip.getvalue()),
        ("docx-deep-xml", deep),
        ("docx-corrupt-crc", ok[:-60] + bytes(b ^ 0x55 for b in ok[-60:-40]) + ok[-40:]),
    ]


def _zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, b in files.items():
            z.writestr(n, b)
    return buf.getvalue()


# --- text encodings and structures -----------------------------------------------------------------
_WORDS = ("river", "lantern", "copper", "meadow", "signal", "harbor", "violet", "engine", "pebble", "orbit")


def _prose(rnd: random.Random, n: int) -> str:
    return " ".join(rnd.choice(_WORDS) for _ in range(n))


def _encodings(rnd: random.Random) -> list[tuple[str, str, bytes]]:
    text = "Café crème, naïve façade — déjà vu. " + _prose(rnd, 40)
    return [
        ("utf16-no-bom", ".txt", text.encode("utf-16-le")),
        ("utf16be-no-bom", ".md", text.encode("utf-16-be")),
        ("utf16-bom-odd-length", ".txt", b"\xff\xfe" + text.encode("utf-16-le")[:-1]),
        ("utf32-bom", ".md", text.encode("utf-32")),
        ("latin1", ".txt", text.encode("latin-1", "replace")),
        ("cp1252-undefined-bytes", ".md", text.encode("latin-1", "replace") + b"\x81\x8d\x90"),
        ("broken-utf8", ".md", text.encode() + b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" + text.encode()),
        ("mixed-utf8-latin1", ".txt", text.encode() + b"\n" + text.encode("latin-1", "replace")),
        ("utf8-bom-then-garbage", ".md", b"\xef\xbb\xbf" + rnd.randbytes(500)),
        ("overlong-utf8", ".md", b"abc \xc0\xaf \xe0\x80\xaf \xed\xa0\x80 surrogates" * 50),
        ("nul-only", ".txt", b"\x00" * rnd.randrange(1, 5000)),
        ("control-chars", ".md", bytes(rnd.randrange(1, 32) for _ in range(2000))),
        ("empty", ".md", b""),
        ("whitespace-only", ".txt", b" \n\t\r\n" * 200),
        ("crlf-and-cr", ".md", b"# Title\r\nline one\rline two\r\n\r\n" * 50),
        ("shifted-html-entities", ".html", b"<p>&#0; &#x110000; &#xD800; &bogus; &amp" * 200),
    ]


def _structures(rnd: random.Random, depth: int) -> list[tuple[str, str, bytes]]:
    return [
        ("deep-html", ".html", ("<div>" * depth + "deep html text" + "</div>" * depth).encode()),
        ("deep-html-unclosed", ".htm", ("<div><span><b>" * depth).encode()),
        ("deep-markdown-quotes", ".md", ("> " * depth + "deeply quoted text\n").encode()),
        ("deep-markdown-lists", ".md", "".join("  " * i + f"- item {i}\n" for i in range(depth)).encode()),
        ("deep-markdown-brackets", ".md", ("[" * depth + "x" + "](" * depth + ")").encode()),
        ("deep-markdown-emphasis", ".md", ("*_" * depth + "text" + "_*" * depth).encode()),
        ("many-headings", ".md", "".join(f"{'#' * (i % 6 + 1)} H{i}\n" for i in range(1000)).encode()),
        ("huge-heading", ".md", b"# " + b"title " * 100_000 + b"\n\n" + (b"body text of the section. " * 20 + b"\n\n") * 60),
        ("huge-title-html", ".html", b"<title>" + b"t " * 500_000 + b"</title><p>" + b"para " * 5000 + b"</p>"),
        ("deep-org", ".org", "".join("*" * (i + 1) + f" heading {i}\n" for i in range(depth)).encode()),
        ("rst-underline-storm", ".rst", ("Title\n" + "=" * 5000 + "\n") .encode() * 20),
        ("front-matter-unclosed", ".md", b"---\ntitle: x\n" + b"key: value\n" * 5000),
        ("front-matter-binaryish", ".md", b"---\n\x01\x02: \x03\n---\nbody text\n"),
        ("html-script-only", ".html", b"<script>" + b"var a=1;" * 5000 + b"</script>"),
    ]


def huge_line(size: int, rnd: random.Random, kind: str) -> bytes:
    """One line of ``size`` bytes: prose, one endless word, or words too long for the tokenizer."""
    if kind == "prose":
        chunk = (_prose(rnd, 200) + " ").encode()
    elif kind == "long-words":
        chunk = b" ".join(bytes(rnd.randrange(97, 123) for _ in range(300)) for _ in range(8)) + b" "
    else:
        return b"x" * size
    return (chunk * (size // len(chunk) + 1))[:size]


def generate(root: Path, count: int = 1000, *, seed: int = 1234, huge_mb: int = 3, prose_kb: int = 64,
             depth: int = 2000, bomb_mb: int = 300) -> Manifest:
    """Write ``count``+ hostile files and ``GOOD_NOTES`` good notes under ``root``.

    Single lines of ``huge_mb`` MB (one endless word, words longer than the tokenizer reads),
    one of ``prose_kb`` KB of real words (each of its chunks costs a full embedding), nesting
    ``depth`` levels deep, zip bombs inflating to ``bomb_mb`` MB, one file over the size limit.
    """
    rnd = random.Random(seed)
    base = os.fsencode(root)
    os.makedirs(base, exist_ok=True)
    m = Manifest()
    seq = iter(range(10**9))

    def path(sub: bytes, name: bytes) -> bytes:
        return os.path.join(base, sub, name) if sub else os.path.join(base, name)

    def bad(category: str, suffix: str, data: bytes, sub: bytes = b"bad", name: bytes | None = None) -> None:
        n = name if name is not None else f"{category}-{next(seq):05d}{suffix}".encode()
        m.add_bad(_write(path(sub, n), data), category)

    # Good notes, some in awkward places (deep folders, odd names).
    for i in range(GOOD_NOTES):
        w = unique_word(i)
        text = f"# Good note {i}\n\nThe {w} appears only in this note, next to {_prose(rnd, 30)}.\n"
        sub = b"good" if i % 5 else os.path.join(b"good", *[b"n%02d" % k for k in range(30)])
        suffix = (".md", ".txt", ".org", ".html", ".docx", ".pdf")[i % 6]
        if suffix == ".docx":
            data = docx_paragraphs([f"Good note {i}", f"The {w} appears only in this note."])
        elif suffix == ".pdf":
            data = minimal_pdf(f"Good note {i}. The {w} appears only in this note.")
        elif suffix == ".html":
            data = f"<html><body><h1>Good {i}</h1><p>The {w} appears only in this note.</p></body></html>".encode()
        else:
            data = text.encode()
        name = f"good-{i:03d}{suffix}".encode() if i % 7 else f"good {i}\nwith newline{suffix}".encode()
        m.good[_write(path(sub, name), data)] = w

    # Fixed hostile cases.
    for cat, data in _bad_pdfs(rnd):
        bad(cat, ".pdf", data)
    for cat, data in _bad_docx(rnd):
        bad(cat, ".docx", data)
    bad("docx-zip-bomb", ".docx", zip_bomb_docx(bomb_mb * 1024 * 1024))
    bad("docx-zip-bomb-lying", ".docx", zip_bomb_docx(bomb_mb * 1024 * 1024, lie_about_size=True))
    for cat, suffix, data in _encodings(rnd):
        bad(cat, suffix, data)
    for cat, suffix, data in _structures(rnd, depth):
        bad(cat, suffix, data)
    bad("huge-line", ".txt", huge_line(huge_mb << 20, rnd, "one-word"))
    bad("huge-line", ".md", huge_line(huge_mb << 20, rnd, "long-words"))
    bad("huge-line", ".md", huge_line(prose_kb << 10, rnd, "prose"))
    bad("over-size-limit", ".md", b"# Big\n" + b"y" * (21 << 20))
    # Wrong extensions: real content of one format named as another.
    wrong: list[tuple[str, bytes]] = [
        (".md", minimal_pdf("pdf named md")), (".txt", docx_paragraphs(["docx named txt"])),
        (".pdf", b"# markdown named pdf\n"), (".docx", minimal_pdf("pdf named docx")),
        (".md", b"\x89PNG\r\n\x1a\n" + rnd.randbytes(3000)), (".html", b"\x7fELF" + rnd.randbytes(3000)),
        (".txt", zlib.compress(rnd.randbytes(3000))), (".pdf", b"<html><body>html named pdf</body></html>"),
    ]
    for suffix, data in wrong:
        bad("wrong-extension", suffix, data)
    # Names that are not valid UTF-8, or hold newlines, tabs, or escape sequences.
    for i, raw in enumerate([b"bad\xff\xfename.md", b"latin1-caf\xe9.txt", b"line\nbreak.md", b"tab\there.md",
                             b"esc\x1b[31mred.md", b"\xed\xa0\x80surrogate.md", b"cr\rname.txt",
                             b"-leading-dash.md", b" spaces .md", b"\xf0\x9f\x92\xa9 emoji.md"]):
        bad("odd-name", "", f"A note with an odd name number {i}.".encode(), sub=b"names", name=raw)
    bad("odd-name-invalid-dir", "", b"inside an invalid folder name", sub=b"names/dir\xff\xfe", name=b"n.md")
    # Deeply nested folders.
    deep_sub = os.path.join(b"deep", *[b"d%03d" % k for k in range(120)])
    bad("deep-folder", ".md", b"# Deep\nA note at the bottom of 120 folders.\n", sub=deep_sub)
    # Things that are not notes at all: skipped, never read.
    fifo = path(b"skip", b"pipe.md")
    os.makedirs(os.path.dirname(fifo), exist_ok=True)
    os.mkfifo(fifo)
    m.skipped[fifo] = "fifo"
    loop = path(b"skip", b"loop")
    os.symlink(os.path.join(base, b"skip"), loop)
    m.skipped[loop] = "symlink-loop"
    dangling = path(b"skip", b"dangling.md")
    os.symlink(b"/nonexistent/target.md", dangling)
    m.skipped[dangling] = "broken-symlink"
    # Files that will be rewritten or deleted while the indexer runs.
    for i in range(40):
        p = path(b"volatile", b"v%03d.md" % i)
        m.volatile.append(_write(p, f"# Volatile {i}\n{_prose(rnd, 50)}\n".encode()))
    # Fill the rest with random bytes under note suffixes (and random bytes in random folders).
    makers: list[Callable[[], tuple[str, str, bytes]]] = [
        lambda: ("random-bytes", rnd.choice(NOTE_SUFFIXES), rnd.randbytes(rnd.choice((1, 17, 512, 4096, 65536)))),
        lambda: ("random-ascii", rnd.choice((".md", ".txt")),
                 bytes(rnd.randrange(32, 127) for _ in range(rnd.randrange(1, 200)))),
        lambda: ("random-utf8", rnd.choice((".md", ".txt", ".org")),
                 "".join(chr(rnd.randrange(0x20, 0x2FFF)) for _ in range(rnd.randrange(1, 100)))
                 .encode("utf-8", "replace")),
        lambda: ("random-bytes-pdf-header", ".pdf", b"%PDF-1." + rnd.randbytes(rnd.randrange(10, 4000))),
        lambda: ("random-bytes-zip-header", ".docx", b"PK\x03\x04" + rnd.randbytes(rnd.randrange(10, 4000))),
    ]
    while len(m.bad) < count:
        cat, suffix, data = rnd.choice(makers)()
        bad(cat, suffix, data, sub=b"rand/%02d" % rnd.randrange(20))
    return m
