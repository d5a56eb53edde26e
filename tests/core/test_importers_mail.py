"""E-mail import: mbox and a folder of .eml, as mail clients write them (MIME, encodings,
HTML-only mail, attachments, threads)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from secondme.app import SecondMe
from secondme.errors import UserError
from secondme.importers import IMPORTERS, Tally
from secondme.memory.items import NewMemory

# A thread of three messages, an HTML-only newsletter, a Latin-1 message in base64 and one in
# quoted-printable, a message with a PDF and a text attachment. Written as an mbox would hold
# them: "From " separator lines, a ">From " escaped line in a body, CRLF-free.
MBOX = """\
From alice@example.org Mon Mar  4 09:15:00 2024
Message-ID: <root-1@example.org>
Date: Mon, 04 Mar 2024 09:15:00 +0100
From: Alice Martin <alice@example.org>
To: Bob <bob@example.net>
Subject: Lisbon trip in May
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi Bob,
shall we book the flat in Alfama for the 12th to the 19th of May?
>From what I saw it has a terrace.

Alice

From bob@example.net Mon Mar  4 18:02:00 2024
Message-ID: <reply-2@example.net>
In-Reply-To: <root-1@example.org>
References: <root-1@example.org>
Date: Mon, 04 Mar 2024 18:02:00 +0100
From: Bob <bob@example.net>
To: Alice Martin <alice@example.org>
Subject: Re: Lisbon trip in May
Content-Type: text/plain; charset=utf-8

Yes, book it. I will pay the deposit of 300 euros.

On Mon, 4 Mar 2024 at 09:15, Alice Martin <alice@example.org> wrote:
> Hi Bob,
> shall we book the flat in Alfama for the 12th to the 19th of May?

--\x20
Bob, sent from a phone

From alice@example.org Tue Mar  5 07:30:00 2024
Message-ID: <reply-3@example.org>
In-Reply-To: <reply-2@example.net>
Date: Tue, 05 Mar 2024 07:30:00 +0100
From: Alice Martin <alice@example.org>
Subject: Re: Re: Lisbon trip in May
Content-Type: text/plain; charset=utf-8

Booked. The host is called Joaquim and his number is in the confirmation.

From news@shop.example Wed Mar  6 12:00:00 2024
Message-ID: <n-77@shop.example>
Date: Wed, 06 Mar 2024 12:00:00 +0000
From: =?utf-8?q?Caf=C3=A9_Shop?= <news@shop.example>
Subject: =?utf-8?b?U3ByaW5nIGJlYW5zIOKYlQ==?=
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p {color: red}</style></head><body><h1>Spring beans</h1>
<p>Our new <b>Ethiopian Yirgacheffe</b> roast is in.</p><script>track()</script></body></html>

From jose@example.es Thu Mar  7 10:00:00 2024
Message-ID: <latin-b64@example.es>
Date: Thu, 07 Mar 2024 10:00:00 +0100
From: =?iso-8859-1?q?Jos=E9_Garc=EDa?= <jose@example.es>
Subject: =?iso-8859-1?q?Cumplea=F1os?=
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: base64

TGEgZmllc3RhIGRlIGN1bXBsZWHxb3MgZGUgTWFy7WEgZXMgZWwgc+FiYWRvIGEgbGFzIG9jaG8u

From marie@example.fr Fri Mar  8 08:00:00 2024
Message-ID: <latin-qp@example.fr>
Date: Fri, 08 Mar 2024 08:00:00 +0100
From: Marie <marie@example.fr>
Subject: =?iso-8859-1?q?R=E9union?=
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

La r=E9union du comit=E9 est d=E9plac=E9e =E0 jeudi, salle Cl=E9ment.

From carol@example.com Sat Mar  9 11:00:00 2024
Message-ID: <att-9@example.com>
Date: Sat, 09 Mar 2024 11:00:00 +0000
From: Carol <carol@example.com>
Subject: Minutes and scan
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset=utf-8

The minutes are attached; the scan is for your records.
--XYZ
Content-Type: text/plain; charset=utf-8; name="minutes.txt"
Content-Disposition: attachment; filename="minutes.txt"

Decision: the garden party moves to the 22nd of June.
--XYZ
Content-Type: application/pdf; name="scan.pdf"
Content-Disposition: attachment; filename="scan.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK
--XYZ--

"""


def read(kind: str, path: Path) -> tuple[list[NewMemory], Tally]:
    t = Tally()
    return list(IMPORTERS[kind].read(path, t)), t


def by_id(ms: list[NewMemory]) -> dict[str, NewMemory]:
    return {str(m.source_id): m for m in ms}


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    p = tmp_path / "All mail.mbox"
    p.write_text(MBOX, encoding="utf-8")
    return p


def test_mbox_messages_threads_encodings_and_attachments(mbox: Path) -> None:
    ms, t = read("mbox", mbox)
    m = by_id(ms)
    assert len(ms) == 7 and t.done == t.total == 7
    # The thread keeps one source: the root's Message-ID, even for a reply naming only its parent.
    thread = {m[k].source for k in ("<root-1@example.org>", "<reply-2@example.net>", "<reply-3@example.org>")}
    assert thread == {"conversation:email:<root-1@example.org>"}
    assert m["<n-77@shop.example>"].source != m["<root-1@example.org>"].source
    first = m["<root-1@example.org>"]
    assert first.speaker == "Alice Martin" and first.text.startswith("Lisbon trip in May\n\nHi Bob,")
    assert first.at == datetime(2024, 3, 4, 8, 15, tzinfo=UTC).timestamp()
    # The reply without what it quotes and without its signature.
    reply = m["<reply-2@example.net>"].text
    assert "deposit of 300 euros" in reply and "Alfama" not in reply and "sent from a phone" not in reply
    assert "wrote:" not in reply
    # HTML-only mail: the visible text, not the style or the script; the subject decoded.
    news = m["<n-77@shop.example>"]
    assert news.speaker == "Café Shop" and news.text.startswith("Spring beans ☕")
    assert "Ethiopian Yirgacheffe roast is in." in news.text and "track()" not in news.text
    assert "color" not in news.text
    # Latin-1 in base64 and in quoted-printable.
    assert m["<latin-b64@example.es>"].speaker == "José García"
    assert "La fiesta de cumpleaños de María es el sábado a las ocho." in m["<latin-b64@example.es>"].text
    assert m["<latin-qp@example.fr>"].text == "Réunion\n\nLa réunion du comité est déplacée à jeudi, salle Clément."
    # A text attachment is read; the PDF is skipped and reported.
    att = m["<att-9@example.com>"].text
    assert "minutes.txt:\nDecision: the garden party moves to the 22nd of June." in att
    assert t.skipped == {"attachment not imported (application)": 1}


def test_eml_folder_reads_each_file_and_keeps_threads(tmp_path: Path, mbox: Path) -> None:
    import mailbox

    folder = tmp_path / "mail"
    (folder / "sub").mkdir(parents=True)
    box = mailbox.mbox(str(mbox))
    for i, key in enumerate(box.keys()):
        (folder / ("sub" if i % 2 else "") / f"{i:02d}.eml").write_bytes(box.get_bytes(key))
    box.close()
    (folder / "notes.txt").write_text("not mail")
    ms, t = read("eml", folder)
    assert len(ms) == 7 and t.total == 7
    m = by_id(ms)
    assert m["<reply-3@example.org>"].source == "conversation:email:<root-1@example.org>"
    one, _ = read("eml", folder / "00.eml")
    assert [x.source_id for x in one] == ["<root-1@example.org>"]


def test_not_mail_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "x.mbox"
    p.write_text('{"not": "mail"}\n')
    with pytest.raises(UserError, match="not an mbox"):
        read("mbox", p)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match=r"no \.eml files"):
        read("eml", empty)


def test_mbox_import_into_memory_is_idempotent_and_recalled(notes_ctx: SecondMe, mbox: Path) -> None:
    r1 = notes_ctx.memory.import_file("mbox", str(mbox))
    assert (r1.read, r1.added, r1.already) == (7, 7, 0)
    thread = next(c for c in r1.conversations if c.conversation == "email:<root-1@example.org>")
    assert (thread.read, thread.added, thread.title) == (3, 3, "Lisbon trip in May")
    r2 = notes_ctx.memory.import_file("mbox", str(mbox))
    assert (r2.added, r2.already) == (0, 7)
    hits = notes_ctx.memory.recall("what is the name of the host of our Lisbon flat?", k=10)
    assert "<reply-3@example.org>" in [h.source_id for h in hits]
    # Forgetting the thread forgets its three messages.
    assert notes_ctx.memory.forget("conversation:email:<root-1@example.org>") == 3
