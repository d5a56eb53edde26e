"""E-mail: an mbox file (Thunderbird, Apple Mail, Google Takeout's ``All mail.mbox``) or a
folder of ``.eml`` files (one message each, RFC 5322), read with the standard ``email`` package
(MIME structure; bodies decoded from base64 / quoted-printable in their charset, RFC 2047
headers decoded; ``_PARSER`` says why compat32 rather than policy.default).

A message becomes one memory: its subject and its own words (the plain-text body, else the
HTML body turned into text; quoted replies, "-----Original Message-----" tails and signatures
left out, since they repeat other messages). Text attachments are added to it; other
attachments are counted as skipped. Threads are kept: a message's conversation is the first
Message-ID of its ``References`` (the thread's root), else the thread of its ``In-Reply-To``,
else itself, so forgetting a conversation forgets the whole thread.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from datetime import UTC
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import IO

from secondme.errors import UserError
from secondme.importers.base import Sequencer, Tally, conversation_source, stable_id
from secondme.ingest.formats.html import parse_html
from secondme.memory.items import NewMemory

TEXT_ATTACHMENTS = ("text/plain", "text/markdown", "text/x-markdown")
ATTACHMENT_LIMIT = 20_000
_ATTRIBUTION = re.compile(r"^(?:On .{4,200} wrote:|Am .{4,200} schrieb .{1,200}:|Le .{4,200} a écrit ?:"
                          r"|El .{4,200} escribió:)\s*$")
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine"
                       r"|Mensaje original)\s*-{2,}\s*$", re.I)
_ID = re.compile(r"<[^<>\s]+>")


class Threads:
    """Message-ID → its parent, learnt from every message's headers in a first pass, so a reply
    finds its thread's root whatever order the messages come in (a folder's file order, an
    mbox appended to by several clients)."""

    def __init__(self) -> None:
        """An empty map: nothing learnt yet."""
        self._parent: dict[str, str] = {}

    def learn(self, msg: Message, own: str) -> None:
        """Record the parent of message ``own`` from its References (the thread's root) or In-Reply-To."""
        refs = _ID.findall(_raw(msg, "references"))
        parent = _ID.findall(_raw(msg, "in-reply-to"))
        # References lists the thread from its root: the first one is the root itself.
        up = refs[0] if refs else parent[0] if parent else None
        if up and up != own:
            self._parent[own] = up

    def root(self, own: str) -> str:
        """The thread root of message ``own``: its own id when it has no known
        parent (a cycle stops the walk)."""
        seen = {own}
        node = own
        while node in self._parent and self._parent[node] not in seen:
            node = self._parent[node]
            seen.add(node)
        return node


def _own_id(msg: Message) -> str:
    found = _ID.findall(_raw(msg, "message-id"))
    if found:
        return found[0]
    return f"<{stable_id(_raw(msg, 'from'), _raw(msg, 'date'), _raw(msg, 'subject'))}@secondme>"


_HEADERS = BytesHeaderParser(policy=policy.compat32)  # only ids are read: raw is enough


def _head(fh: IO[bytes]) -> Message:
    """Only the header section of a message (read up to the first blank line)."""
    lines: list[bytes] = []
    size = 0
    for line in fh:
        if not line.strip(b"\r\n") or size > 1_000_000:
            break
        lines.append(line)
        size += len(line)
    return _HEADERS.parsebytes(b"".join(lines))


def own_words(text: str) -> str:
    """The message without what it quotes: '>' lines, the "On … wrote:" line before them, an
    Outlook "Original Message" tail, and the signature after "-- "."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if _ORIGINAL.match(line) or line == "-- ":
            break
        if line.lstrip().startswith(">"):
            continue
        if _ATTRIBUTION.match(line.strip()):
            rest = [x for x in lines[i + 1:] if x.strip()]
            if not rest or rest[0].lstrip().startswith(">"):
                continue
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _content(part: Message) -> str:
    """A text part's words: transfer encoding (base64, quoted-printable) undone, then its
    charset (an unknown or lying charset read as Latin-1, which keeps every byte)."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return str(raw or "")
    charset = part.get_content_charset() or "utf-8"
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeError):
        return raw.decode("latin-1")


# Headers are read from their raw text and decoded here (RFC 2047 words, dates, addresses).
def _raw(msg: Message, name: str) -> str:
    for k, v in msg.items():
        if k.lower() == name:
            return str(v)
    return ""


def _decoded(raw: str) -> str:
    """An RFC 2047 header (``=?iso-8859-1?q?Jos=E9?=``) as text, unfolded."""
    try:
        return " ".join(str(make_header(decode_header(raw))).split())
    except (LookupError, UnicodeError, ValueError, HeaderParseError):
        return " ".join(raw.split())


def _sender(msg: Message) -> str | None:
    name, addr = parseaddr(_raw(msg, "from"))
    return _decoded(name) or addr or None


def _date(msg: Message) -> float | None:
    raw = _raw(msg, "date")
    try:
        dt = parsedate_to_datetime(raw) if raw else None
    except (ValueError, TypeError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:  # "-0000": the time is UTC with the zone unknown (RFC 5322)
        dt = dt.replace(tzinfo=UTC)
    return float(dt.timestamp())


def _parts(msg: Message) -> tuple[Message | None, list[Message]]:
    """The message's body (its first inline text/plain part, else text/html) and its
    attachments."""
    plain = html = None
    attachments: list[Message] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = str(part.get("content-disposition") or "").split(";")[0].strip().lower()
        if disposition == "attachment" or (part.get_filename() and disposition != "inline") \
                or ctype not in ("text/plain", "text/html"):
            if part is not msg or disposition == "attachment":
                attachments.append(part)
            continue
        if ctype == "text/plain" and plain is None:
            plain = part
        elif ctype == "text/html" and html is None:
            html = part
    return plain or html, attachments


def to_memory(msg: Message, threads: Threads, seq: Sequencer, tally: Tally) -> Iterator[NewMemory]:
    """The message as one memory (subject, own words, text attachments) in its thread's conversation;
    nothing when it has no date or no text."""
    at = _date(msg)
    if at is None:
        tally.skip("no readable Date header")
        return
    subject = _decoded(_raw(msg, "subject"))
    who = _sender(msg)
    own = _own_id(msg)
    root = threads.root(own)
    body = ""
    part, attachments = _parts(msg)
    if part is not None:
        text = _content(part)
        if part.get_content_type() == "text/html":
            text = parse_html(text, "mail").text
        body = own_words(text)
    extra: list[str] = []
    for att in attachments:
        ctype = att.get_content_type()
        name = _decoded(att.get_filename() or "attachment")
        if ctype in TEXT_ATTACHMENTS:
            content = _content(att).strip()
            if len(content) > ATTACHMENT_LIMIT:
                tally.skip("attachment text beyond 20,000 characters (cut)")
                content = content[:ATTACHMENT_LIMIT]
            if content:
                extra.append(f"{name}:\n{content}")
        else:
            tally.skip(f"attachment not imported ({ctype.split('/')[0]})")
    text = "\n\n".join(x for x in (subject, body, *extra) if x)
    if not body and not extra:
        tally.skip("no text in the message")
        return
    conversation = f"email:{root}"
    yield NewMemory(text=text, kind="message", at=seq.at(conversation, at), speaker=who,
                    source=conversation_source(conversation), source_id=own,
                    meta={"conversation": conversation, "title": subject})


# compat32, not policy.default: the new policy parses Content-Type again on every look-up the
# parser and the body walk make, which took three quarters of the import's time (measured on
# 500 messages: 3.4 s against 0.5 s); headers and bodies are decoded here instead.
_PARSER = BytesParser(policy=policy.compat32)


def read_mbox(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """The messages of an mbox file, threads learnt from every header first. Raises :class:`UserError`
    for a folder, an unreadable file or one with no message."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; choose the .mbox file (or import a folder of .eml files)")
    try:
        box = mailbox.mbox(str(path), create=False)
    except (OSError, mailbox.Error) as exc:
        raise UserError(f"cannot read {path}: {exc}") from exc
    try:
        try:
            keys = box.keys()  # one pass over the file for the offsets, not the messages
        except (OSError, mailbox.Error) as exc:
            raise UserError(f"cannot read {path}: {exc}") from exc
        if not keys:
            raise UserError(f"{path.name} is not an mbox file: no message in it starts with a \"From \" line")
        tally.total = len(keys)
        threads, seq = Threads(), Sequencer()
        for key in keys:
            with box.get_file(key) as fh:
                head = _head(fh)  # type: ignore[arg-type]
            threads.learn(head, _own_id(head))
        for key in keys:
            tally.done += 1
            try:
                with box.get_file(key) as fh:
                    msg = _PARSER.parse(fh)  # type: ignore[arg-type]
            except (ValueError, TypeError, LookupError) as exc:
                tally.skip(f"unreadable message ({exc.__class__.__name__})")
                continue
            yield from to_memory(msg, threads, seq, tally)
    finally:
        box.close()


def _eml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UserError(f"cannot read {path}: no such file or folder")
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".eml")


def read_eml(path: Path, tally: Tally) -> Iterator[NewMemory]:
    """The messages of one .eml file or a folder of them, threads learnt from every header first. Raises
    :class:`UserError` when there is none."""
    files = _eml_files(path)
    if not files:
        raise UserError(f"{path} holds no .eml files")
    tally.total = len(files)
    threads, seq = Threads(), Sequencer()
    for f in files:
        try:
            with open(f, "rb") as fh:
                head = _head(fh)
        except OSError:
            continue  # reported below, when the file is read
        threads.learn(head, _own_id(head))
    for f in files:
        tally.done += 1
        try:
            with open(f, "rb") as fh:
                msg = _PARSER.parse(fh)
        except OSError as exc:
            tally.skip(f"unreadable file ({exc.strerror or exc.__class__.__name__})")
            continue
        if not msg.keys():
            tally.skip("not an e-mail (no headers)")
            continue
        yield from to_memory(msg, threads, seq, tally)
