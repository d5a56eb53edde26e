"""Finding the words of :mod:`secondme.profile.field_synonyms` in a label, a placeholder or an
attribute: normalisation, whole-word and compound matching, the longest synonym, never-fill kinds."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from secondme.profile import field_synonyms as FS

# Second Me's own part of address-line1 (not a WHATWG token).
HOUSE_NUMBER = "house-number"

# Generic words that name a field only when they are the whole label ("No." next to a street
# box is the house number; "Passport No." is not).
_WHOLE_LABEL_ONLY = frozenset((
    "no number nummer numer nr n numéro número numero nº first last day month year tag monat jahr jour mois "
    "année día mes año giorno mese anno dia mês ano dag maand jaar dzień miesiąc rok gün ay yıl день "
    "месяц год місяць рік दिन महीना वर्ष tanggal bulan tahun area д дом ara il 名 姓 国 市 省 区 區 室 "
    # "nation" alone is the country; inflected it is "National Insurance number", "nationalId".
    "nation"
).split())

_REQUIRED_RE = re.compile(
    r"\((?:required|optional|obligatoire|facultatif|optionnel|pflicht|pflichtfeld|optional|obligatorio|"
    r"opcional|obbligatorio|facoltativo|obrigatório|verplicht|optioneel|wymagane|opcjonalnie|zorunlu|"
    r"isteğe bağlı|обязательно|необязательно|обов'язково|必須|任意|必填|选填|選填|필수|선택|आवश्यक|"
    r"वैकल्पिक|wajib|opsional|مطلوب|اختياري)\)")
_MARKERS_RE = re.compile(r"(?:必須|必填|\*必填|필수|wajib diisi|pflichtfeld|obligatoire)$")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF
            or 0xF900 <= o <= 0xFAFF or 0x3130 <= o <= 0x318F or ch == "〒")


def normalize(text: str) -> str:
    """NFKC + case fold, required-marks and punctuation removed, spaces collapsed.

    Letters and combining marks of every script are kept (Devanagari vowel signs are marks),
    "e-mail" becomes "email", and camelCase / snake_case attribute names are split."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    # Turkish "İ" case-folds to "i" + combining dot; the dot carries no meaning in a label.
    s = unicodedata.normalize("NFKC", text).casefold().replace("i\u0307", "i")
    s = _REQUIRED_RE.sub(" ", s)
    s = re.sub(r"\be[\s\-‐–._]?mail", "email", s)
    s = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "'’〒" else " " for ch in s)
    s = s.replace("’", "'")
    s = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", s)  # "address1" -> "address 1"
    s = re.sub(r"\s+", " ", s).strip()
    s = _MARKERS_RE.sub("", s).strip()
    if any("\u0600" <= ch <= "\u06ff" for ch in s):
        s = _arabic(s)
    return s


def _arabic(s: str) -> str:
    """Arabic spelled one way: alef and yeh variants unified, the article "ال" dropped from
    words, since forms write "البريد" and "بريدك" (your mail) for the same field."""
    s = re.sub("[أإآ]", "ا", s).replace("ى", "ي")
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in s.split())


@dataclass(frozen=True)
class _Phrase:
    text: str
    tokens: tuple[str, ...]
    field: str
    cjk: bool


@lru_cache(maxsize=1)
def _phrases() -> tuple[_Phrase, ...]:
    seen: dict[str, _Phrase] = {}
    for table in FS.SYNONYMS.values():
        for token, phrases in table.items():
            for p in phrases:
                n = normalize(p)
                if n and n not in seen:  # the first language to claim a phrase keeps it
                    seen[n] = _Phrase(n, tuple(n.split()), token, any(_is_cjk(c) for c in n))
    return tuple(seen.values())


@lru_cache(maxsize=1)
def _negatives() -> tuple[tuple[str, str, bool], ...]:
    out = []
    for kind, phrases in FS.NEGATIVE.items():
        for p in phrases:
            n = normalize(p)
            if n:
                out.append((kind, n, any(_is_cjk(c) for c in n)))
    return tuple(out)


@lru_cache(maxsize=1)
def _other_person() -> tuple[tuple[str, bool], ...]:
    return tuple((n, any(_is_cjk(c) for c in n)) for n in map(normalize, FS.OTHER_PERSON) if n)


@lru_cache(maxsize=1)
def _kinds() -> tuple[str, ...]:
    return tuple(n for n in map(normalize, FS.KIND) if n)


# Compound tails that only say "the name/number of": "Plaatsnaam" is the place.
_COMPOUND_TAILS = ("naam", "name", "nummer")


def _word_match(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whole-word match, letting a compound head precede the first word ("liefer|adresse"), a
    short inflection or possessive follow a word ("телефон|а", "هاتف|ك"), and a "name" tail end
    a compound ("plaats|naam"), for words long enough not to collide."""
    k = len(phrase)
    for i in range(len(words) - k + 1):
        ok = True
        for j, p in enumerate(phrase):
            w = words[i + j]
            if w == p:
                continue
            if len(p) >= 5 and j == 0 and w.endswith(p):
                continue
            if len(p) >= 4 and w.startswith(p) and (len(w) - len(p) <= 3 or w[len(p):] in _COMPOUND_TAILS):
                continue
            ok = False
            break
        if ok:
            return True
    return False


def _contains(text: str, phrase: str, cjk: bool) -> bool:
    if cjk:
        return phrase in text.replace(" ", "") or phrase in text
    return _word_match(text.split(), tuple(phrase.split()))


_SPECIFIC = ("tel-area-code", "tel-country-code", "tel-extension", "tel-local", "tel-national",
             HOUSE_NUMBER, "address-line1", "address-line2", "address-line3", "bday-day", "bday-month",
             "bday-year", "given-name", "family-name", "additional-name")


def _hits(text: str) -> list[tuple[int, int, str, str]]:
    """Every synonym found in normalised ``text``: (its length, 1 if specific, its token, it)."""
    hits: list[tuple[int, int, str, str]] = []
    for ph in _phrases():
        if ph.text in _WHOLE_LABEL_ONLY or (len(ph.text) == 1 and ph.cjk):
            hit = text == ph.text
        elif len(ph.text) <= 3 and not ph.cjk:
            hit = ph.text in text.split() or text == ph.text
        else:
            hit = _contains(text, ph.text, ph.cjk)
        if hit:
            hits.append((len(ph.text.replace(" ", "")), 1 if ph.field in _SPECIFIC else 0, ph.field, ph.text))
    return hits


def tokens_in(text: str) -> set[str]:
    """Every token some synonym in normalised ``text`` names ("Street and house number" →
    address-line1 and house-number); a phrase inside a longer one found there does not count
    ("ad" in "soyad")."""
    hits = _hits(text) if text else []
    return {h[2] for h in hits if not any(h[3] != o[3] and h[3] in o[3] for o in hits)}


def best_token(text: str) -> tuple[str, int] | None:
    """The token of the longest synonym found in normalised ``text`` and that phrase's length."""
    if not text:
        return None
    best: tuple[int, int, str, str] | None = None
    hits = _hits(text)
    for key in hits:
        if best is None or key[:2] > best[:2]:
            best = key
    if best is not None and best[2] == "name":
        # "Company name", "Nama Kota", "शहर का नाम": the name *of* something is that thing.
        others = [h for h in hits if h[2] not in ("name", "given-name", "family-name") and h[0] >= 2]
        if others:
            best = max(others, key=lambda h: h[:2])
    return None if best is None else (best[2], best[0])


def negative_kind(text: str) -> str | None:
    """Which kind of never-filled field ``text`` names (consent, search, voucher…), or None."""
    if not text:
        return None
    words = text.split()
    for kind, phrase, cjk in _negatives():
        if cjk:
            if phrase in text.replace(" ", ""):
                return kind
        elif len(phrase) <= 3:
            if phrase in words:
                return kind
        elif _word_match(words, tuple(phrase.split())) or (phrase.endswith(("suscrib", "рассылк"))
                                                        and phrase in text):
            return kind
    return None
