"""Field understanding: everything a form says about one input → a WHATWG autocomplete token.

A label alone is not enough ("Enter ZIP Code" is a postcode in a checkout and a store search
box on a store locator; "Name" is the family name next to a "Prénom" box). So a field is
described by all a form gives (:class:`FieldDescription`) and read in this order:

1. kinds of input that never take a profile value (checkbox, radio, password, search, hidden…);
2. a valid ``autocomplete`` attribute wins (card, password and one-time-code tokens → nothing);
3. words that mark consent, search, voucher, card, captcha and other non-profile fields;
4. the longest synonym (any of 18 languages, :mod:`secondme.profile.field_synonyms`) found in
   the label, then the placeholder, then ``name``/``id``, then what the select options and the
   input type say; then context fixes (a "Name" next to a given-name box is the family name,
   a country code outside a phone group is the country, a 4-character street box is the
   house number);
5. which one field a text naming several asks for ("Фамилия Имя Отчество" is the whole name),
   the street token the control can hold (WHATWG: street-address is multi-line, so a one-line
   ``<input>`` gets a line), and the families that name a profile word but are not the
   person's own value: another person's (a father, a referee), a yes/no question, a kind of
   a thing ("Address type"), a place of birth, an "alternate" phone, a 4-character unit box.

Text is compared after Unicode NFKC + case folding, with punctuation and "required" marks
removed; no accents are folded away (that would merge words of different languages and
breaks non-Latin scripts). Phrases in CJK, kana or Hangul match as substrings because those
scripts do not separate words; others match whole words, with German/Dutch compound heads
("Lieferadresse") and short inflection endings ("адреса", "adresiniz") allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from secondme.profile import field_synonyms as FS
from secondme.profile.label_match import (
    HOUSE_NUMBER,
    _contains,
    _is_cjk,
    _kinds,
    _other_person,
    best_token,
    negative_kind,
    normalize,
    tokens_in,
)

# The WHATWG autofill field names (HTML Standard 4.10.18.7.1).
WHATWG_TOKENS = frozenset((
    "name honorific-prefix given-name additional-name family-name honorific-suffix nickname username "
    "new-password current-password one-time-code organization-title organization street-address "
    "address-line1 address-line2 address-line3 address-level4 address-level3 address-level2 "
    "address-level1 country country-name postal-code cc-name cc-given-name cc-additional-name "
    "cc-family-name cc-number cc-exp cc-exp-month cc-exp-year cc-csc cc-type transaction-currency "
    "transaction-amount language bday bday-day bday-month bday-year sex url photo tel tel-country-code "
    "tel-national tel-area-code tel-local tel-local-prefix tel-local-suffix tel-extension email impp"
).split())
# Tokens a profile must never fill: cards, passwords, codes, payments.
NEVER_FILL = frozenset(t for t in WHATWG_TOKENS if t.startswith(("cc-", "transaction-"))) | {
    "new-password", "current-password", "one-time-code", "photo", "impp"}
# Input types that carry no profile value (HTML "type" attribute).
NO_VALUE_TYPES = frozenset("checkbox radio password hidden submit button reset file image search range color".split())
# Contact-type and section words allowed before the field name in an autocomplete attribute.
_AC_PREFIXES = frozenset("shipping billing home work mobile fax pager".split())
# Words that say a field belongs to a phone number (for "country code" / "area code").
_PHONE_WORDS = ("phone", "tel", "mobile", "telefon", "téléphone", "teléfono", "telefone", "telefoon",
                "телефон", "電話", "电话", "전화", "फ़ोन", "फोन", "telepon", "هاتف", "handy")
_BIRTH_WORDS = ("birth", "dob", "geburt", "naissance", "nacimiento", "nascita", "nascimento", "geboorte",
                "urodzenia", "doğum", "рождения", "народження", "生年", "出生", "생년", "출생", "जन्म", "lahir",
                "ميلاد")

# Options of a yes/no question (CLDR's yes/no strings, yesstr/nostr, of the 18 languages): a
# select or radio group that answers a question, never a profile value.
_YES_NO = frozenset((
    "yes no ja nein oui non sí si sì não sim nee tak nie evet hayır да нет так ні はい いいえ 是 否 예 아니요 아니오 "
    "हाँ हां नहीं ya tidak نعم لا"
).split())
_ADDRESS_TOKENS = frozenset(("street-address", "address-line1", "address-line2", "address-line3", "address-level1",
                             "address-level2", "address-level3", "address-level4", "postal-code", "country",
                             "country-name", HOUSE_NUMBER))

_BRACKETS_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_STRONG_NEGATIVE = frozenset(("card", "password", "captcha", "security-question", "phonetic"))

@dataclass(frozen=True)
class FieldDescription:
    """What a form says about one input: its texts, attributes and neighbours."""

    label: str = ""
    placeholder: str = ""
    name: str = ""
    id: str = ""
    autocomplete: str = ""
    type: str = "text"
    maxlength: int | None = None
    options: tuple[str, ...] = ()
    section: str = ""
    neighbours: tuple[str, ...] = ()
    role: str = ""
    tag: str = "input"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FieldDescription:
        """Build from JSON (the browser's or ``--field-json``); unknown keys are ignored."""
        def text(k: str, *alts: str) -> str:
            for key in (k, *alts):
                v = d.get(key)
                if v is not None:
                    return str(v)
            return ""
        ml = d.get("maxlength", d.get("maxLength"))
        try:
            maxlength = int(ml) if ml not in (None, "", -1) else None
        except (TypeError, ValueError):
            maxlength = None
        if maxlength is not None and maxlength <= 0:
            maxlength = None
        opts = d.get("options") or ()
        options = tuple(str(o.get("text") or o.get("label") or o.get("value") or "") if isinstance(o, Mapping)
                        else str(o) for o in opts)
        return cls(label=text("label"), placeholder=text("placeholder"), name=text("name"), id=text("id"),
                   autocomplete=text("autocomplete"), type=(text("type") or "text").lower(),
                   maxlength=maxlength, options=options, section=text("section"),
                   neighbours=tuple(str(n) for n in d.get("neighbours", d.get("neighbors", ())) or ()),
                   role=text("role"), tag=(text("tag") or "input").lower())


@dataclass(frozen=True)
class Understanding:
    """The token a field asks for (None: leave it empty) and why."""

    token: str | None
    # "autocomplete" | "label" | "placeholder" | "name" | "options" | "type" | "negative:<kind>"
    # | "other-person" | "none"
    reason: str
    negative: bool = False


def parse_autocomplete(value: str) -> str | None:
    """The field name in an ``autocomplete`` attribute ("section-a shipping tel" → "tel"),
    None when absent, "on"/"off" or not a WHATWG name."""
    toks = [t for t in value.lower().split() if t != "webauthn"]
    if not toks or toks[-1] in ("on", "off"):
        return None
    rest = [t for t in toks[:-1] if not t.startswith("section-")]
    if any(t not in _AC_PREFIXES for t in rest):
        return None
    return toks[-1] if toks[-1] in WHATWG_TOKENS else None


def _attr_text(d: FieldDescription) -> str:
    return normalize(" ".join(x.replace("_", " ").replace("-", " ").replace("[", " ").replace("]", " ")
                              for x in (d.name, d.id)))


_LINE_RE = re.compile(r"(?:address|addr|line|street|adresse|ligne|zeile|adres|regel|dirección|línea|indirizzo|"
                      r"riga|endereço|linha|linia|satırı|строка|рядок|baris|سطر|عنوان)\s*([123])$")

def _line_from_name(d: FieldDescription) -> str | None:
    """The address line the ``name``/``id`` numbers: "address2", "addressLine2", "address.line2";
    a bracketed index counts from 0 as arrays do (Magento's ``street[0]``, ``street[1]``), and an
    "additional" line counts after the street line."""
    for raw in (d.name, d.id):
        m = re.search(r"(?:street|address|addr|line)\w*\[([0-2])\]$", raw, re.IGNORECASE)
        if m:
            return f"address-line{int(m.group(1)) + 1}"
    attrs = _attr_text(d)
    line = _LINE_RE.search(attrs)
    if line is None:
        return None
    n = int(line.group(1))
    if re.search(r"\b(?:additional|extra)\b", attrs):
        n = min(n + 1, 3)  # Shopware's additionalAddressLine1 is the first line *after* the street
    return f"address-line{n}"


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _calling_codes(options: tuple[str, ...]) -> bool:
    """Whether most options start with an international calling code ("+34 España")."""
    real = [o for o in options if o.strip()]
    return len(real) >= 2 and sum(1 for o in real if re.match(r"^\s*\+\d{1,4}\b", o)) >= max(2, len(real) // 2)


def _from_options(options: tuple[str, ...]) -> str | None:
    """What a select's options say: days, months, years, countries or titles."""
    opts = [normalize(o) for o in options if normalize(o)]
    if len(opts) < 2:
        return None
    nums = [int(o) for o in opts if o.isdigit()]
    if len(nums) >= len(opts) - 1 and nums:
        if all(1900 <= n <= 2100 for n in nums) and len(nums) >= 10:
            return "bday-year"
        if max(nums) == 31 and min(nums) >= 1:
            return "bday-day"
        if max(nums) == 12 and min(nums) >= 1:
            return "bday-month"
    if sum(1 for o in opts if o[:3] in _MONTH_NAMES) >= 10:
        return "bday-month"
    if _calling_codes(options):
        return "tel-country-code"  # "+34 España": calling codes, whatever the label calls them
    from secondme.profile.places import country_code
    if sum(1 for o in options if country_code(o)) >= max(3, len(opts) // 2):
        return "country-name"
    if sum(1 for o in options if len(o.strip()) == 2 and o.strip().isupper()) >= max(3, len(opts) // 2):
        return "country"
    if sum(1 for o in opts if o in ("mr", "mrs", "ms", "miss", "dr", "herr", "frau", "m", "mme", "sr", "sra")) >= 2:
        return "honorific-prefix"
    return None


def _date_part(text: str) -> str | None:
    t = text.replace(" ", "")
    if t in ("dd", "jj", "tt", "gg", "d"):
        return "bday-day"
    if t in ("mm", "m"):
        return "bday-month"
    if t in ("yyyy", "jjjj", "aaaa", "rrrr", "yy", "åååå"):
        return "bday-year"
    return None


def understand(d: FieldDescription) -> Understanding:
    """The WHATWG token ``d`` asks for, or None when the field must stay empty."""
    typ = (d.type or "text").lower()
    by_control = _by_control(d, typ)
    if by_control is not None:
        return by_control
    label, ph, attrs = normalize(d.label), normalize(d.placeholder), _attr_text(d)
    context = normalize(" ".join((d.section, *d.neighbours)))
    ruled_out = _ruled_out_by_words(d, label, ph, attrs, context)
    if ruled_out is not None:
        return ruled_out
    token, reason = _from_words(d, label, ph, attrs)
    why_not = _not_profile(token, d, label, attrs)
    if why_not is not None:
        return Understanding(None, f"negative:{why_not}", True)
    token, reason = _with_options(token, reason, d)
    # An input of type email/url accepts nothing else, and type tel only phone numbers (or
    # their parts): the type overrides words that name something else.
    by_type = {"email": "email", "tel": "tel", "url": "url"}.get(typ)
    if by_type is not None and (token is None or not token.startswith(by_type)):
        return Understanding(by_type, "type")
    if token is None:
        return Understanding(None, "none")
    return Understanding(_in_context(token, d, label, ph, attrs, context), reason)


def _by_control(d: FieldDescription, typ: str) -> Understanding | None:
    """What the control itself says (its type, role or autocomplete), or None to read its words."""
    if typ in NO_VALUE_TYPES:
        return Understanding(None, f"negative:{typ}", True)
    role = d.role.lower()
    if role == "search" or role in ("checkbox", "radio", "switch"):
        return Understanding(None, f"negative:{role}", True)
    ac = parse_autocomplete(d.autocomplete)
    if ac in ("new-password", "current-password") and typ != "password":
        # Sites put autocomplete="new-password" on address boxes because browsers ignore "off";
        # a box that shows its text is not a password box, so its words decide.
        ac = None
    if ac in ("address-line1", "address-line2", "address-line3"):
        # A copied autocomplete ("address-line1" on name="address2") loses to the line the
        # field's own name gives.
        ac = _line_from_name(d) or ac
    if ac is None:
        return None
    if ac in NEVER_FILL:
        return Understanding(None, "negative:autocomplete", True)
    return Understanding(ac, "autocomplete")


def _ruled_out_by_words(d: FieldDescription, label: str, ph: str, attrs: str, context: str) -> Understanding | None:
    """A field whose words (or its section's) say it is no profile field, or None."""
    # Words in brackets are examples or asides ("Other details (e.g. block, landmark)"): only
    # the strong kinds (card, password, captcha, security question) count there.
    core = normalize(_BRACKETS_RE.sub(" ", d.label))
    for text in (core, label, ph, attrs):
        kind = negative_kind(text)
        if kind is not None and (text is not label or kind in _STRONG_NEGATIVE or not core):
            return Understanding(None, f"negative:{kind}", True)
    if negative_kind(context) == "search":
        return Understanding(None, "negative:search", True)
    if negative_kind(normalize(d.section)) == "voucher":
        # A gift-card section's "Recipient's email", "From": the gift's details, not the person's.
        return Understanding(None, "negative:voucher", True)
    if any(_contains(label, p, c) or _contains(attrs, p, c) for p, c in _other_person()):
        # "Emergency contact phone": someone else's number; no profile token, but not a
        # never-fill field either (Second Me's own emergency-contact field may answer it).
        return Understanding(None, "other-person")
    return None


def _from_words(d: FieldDescription, label: str, ph: str, attrs: str) -> tuple[str | None, str]:
    """(token, where it was read) from the label, else the placeholder, else the name/id."""
    token, reason = None, "none"
    for text, why in ((label, "label"), (ph, "placeholder"), (attrs, "name")):
        hit = best_token(text)
        if hit is not None:
            token, reason = hit[0], why
            break
    if reason == "label" and "/" in d.label:
        # "Land / Region", "País / Región": alternatives for one box; the first names it.
        first = best_token(normalize(d.label.split("/")[0]))
        if first is not None:
            token = first[0]
    token = _name_part(token, reason, d, attrs)
    token = _address_line(token, reason, d, label, attrs)
    words = set(label.split())
    if token == "name" and words & {"house", "building"} and words & {"number", "no", "nr"}:
        token = HOUSE_NUMBER  # "House name or number": the premise, not the street line
    return _one_field(token, d, label, ph, attrs, reason), reason


def _name_part(token: str | None, reason: str, d: FieldDescription, attrs: str) -> str | None:
    """Which part of a name a "name" field asks for, when its attributes or a bracket say."""
    if token == "name" and reason in ("label", "placeholder"):
        # "Nombre" / "이름" (name or first name) over name="firstName": the attribute says which part.
        by_attr = best_token(attrs)
        if by_attr is not None and by_attr[0] in ("given-name", "family-name", "additional-name"):
            token = by_attr[0]
    if token == "name":
        # "お名前（姓）": the bracketed qualifier says which part of the name.
        for part in re.findall(r"[(（]([^)）]+)[)）]", d.label):
            hit = best_token(normalize(part))
            if hit is not None and hit[0] in ("given-name", "family-name", "additional-name"):
                token = hit[0]
    return token


def _address_line(token: str | None, reason: str, d: FieldDescription, label: str, attrs: str) -> str | None:
    """Which street line an address field is, from its label's number or its name/id."""
    if token == "street-address" and d.tag != "textarea":
        # A one-line box named address1/address2 is that line ("Address" over name="address1").
        by_attr = best_token(attrs)
        if by_attr is not None and by_attr[0] in ("address-line1", "address-line2", "address-line3"):
            token = by_attr[0]
    line = _LINE_RE.search(label)
    if line and token in ("street-address", "address-line1", "address-line2", "address-line3"):
        token = f"address-line{line.group(1)}"  # "Street Address 2", "Adresse ligne 2"
    elif token in ("address-line1", "address-line2", "address-line3", HOUSE_NUMBER) and reason == "label":
        # The label says what goes in the line ("House no., building", "Road, area, colony");
        # the site's own name="addressLine2" says which line it is.
        token = _line_from_name(d) or token
    return token


def _with_options(token: str | None, reason: str, d: FieldDescription) -> tuple[str | None, str]:
    """A select's options over its words when they say more (days, countries, calling codes)."""
    if not d.options:
        return token, reason
    from_opts = _from_options(d.options)
    if from_opts is not None and (token is None or token in ("bday", "country-name", "country")
                                  or (from_opts == "tel-country-code" and token.startswith("tel"))
                                  or (token.startswith("bday") and from_opts.startswith("bday"))):
        return from_opts, "options"
    return token, reason


def _one_field(token: str | None, d: FieldDescription, label: str, ph: str, attrs: str, why: str) -> str | None:
    """Which one field a text that names several parts asks for, and the street token the
    control can hold."""
    text = {"label": label, "placeholder": ph, "name": attrs}.get(why, "")
    named = tokens_in(text)
    if token in ("given-name", "family-name", "additional-name", "name") and why != "name" \
            and {"given-name", "family-name"} <= named:
        return "name"  # "Фамилия Имя Отчество", "Nachname, Vorname": one box for the whole name
    if token in ("address-line2", HOUSE_NUMBER) and "address-line1" in named and why == "label" \
            and _line_from_name(d) is None and not _LINE_RE.search(label):
        token = "address-line1"  # "番地・ビル名", "Street, house no.": the line that starts with the street
    if token == "street-address" and d.tag != "textarea" and (d.name or d.id):
        # WHATWG puts street-address in the "multiline" control group: a one-line <input> holds
        # one line (the one its name numbers, else the first). A bare question with no control
        # attributes ("fill --label Address") still gets the whole street address.
        return _line_from_name(d) or "address-line1"
    if token == "address-line1" and d.tag == "textarea" and "address-line2" not in {
            t for n in d.neighbours for t in tokens_in(normalize(n))}:
        return "street-address"  # a multi-line box with no second-line box beside it takes both lines
    return token


def _not_profile(token: str | None, d: FieldDescription, label: str, attrs: str) -> str | None:
    """Why a field whose words name a profile token must still stay empty, or None."""
    opts = [normalize(o) for o in d.options if normalize(o)]
    if len(opts) >= 2 and sum(o in _YES_NO for o in opts) >= len(opts) - 1:
        return "yes-no"  # "Are you authorized to work in this country?" [Yes, No]
    if token is None:
        return None
    if token.startswith("tel") and token != "tel-country-code" and opts and not any(
            any(ch.isdigit() for ch in o) for o in opts):
        return "category"  # "Phone type" [Mobile, Landline]: options with no digits hold no number
    words, joined = label.split(), label.replace(" ", "")
    if words[:1] == ["type"] and words[1:2] and words[1] in ("your", "in", "the", "a", "an", "here"):
        words = words[1:]  # "Type your address": the verb, not a kind
    if token != "sex" and any(k in joined if any(_is_cjk(c) for c in k) else k in words for k in _kinds()):
        return "category"  # "Address type", "نوع العنوان": a kind of the thing, not the thing
    if token in ("address-line2", "address-line3") and d.maxlength is not None and d.maxlength <= 5:
        # "Toevoeging" (maxlength 4): room for a house-number suffix or a unit number alone,
        # which the profile does not hold apart from its second address line ("Apt 4B").
        return "unit-number"
    if token in _ADDRESS_TOKENS and any(w in label or w in attrs for w in _BIRTH_WORDS):
        return "birthplace"  # "Comune di nascita", "Place of birth": not where the person lives
    if token.startswith("bday") and tokens_in(label) & _ADDRESS_TOKENS:
        return "birthplace"  # "Ciudad de nacimiento": the birth's place, not its date
    if (token.startswith("tel") or token == "email") and any(
            _contains(label, normalize(w), any(_is_cjk(c) for c in w)) for w in FS.ALTERNATE):
        return "alternate"  # "Alternate phone": another number than the one the profile holds
    return None


def _in_context(token: str, d: FieldDescription, label: str, ph: str, attrs: str, context: str) -> str:
    """Context fixes for a token read from words."""
    near = [best_token(normalize(n)) for n in d.neighbours]
    near_tokens = {n[0] for n in near if n is not None}
    everything = " ".join((label, ph, attrs, context))
    if token in ("name", "family-name"):
        return _name_in_context(token, near_tokens)
    if token.startswith("tel"):
        return _tel_in_context(token, d, near_tokens, everything)
    if token.startswith("bday"):
        return _bday_in_context(token, d, label, ph, near_tokens, everything)
    if token in ("address-line1", "street-address") and d.maxlength is not None and d.maxlength <= 8:
        return HOUSE_NUMBER
    if token == "country-name" and d.options and all(len(o.strip()) == 2 for o in d.options if o.strip()):
        return "country"
    return token


def _name_in_context(token: str, near_tokens: set[str]) -> str:
    # A "name" box beside a first-name box (and no last-name box) asks for the other part.
    # (A French "Nom" read as family-name stays family-name whatever is beside it.)
    if token == "name":
        if "given-name" in near_tokens and "family-name" not in near_tokens:
            return "family-name"
        if "family-name" in near_tokens and "given-name" not in near_tokens:
            return "given-name"
    return token


def _tel_in_context(token: str, d: FieldDescription, near_tokens: set[str], everything: str) -> str:
    if token == "tel-country-code" and not any(w in everything for w in _PHONE_WORDS) \
            and not _calling_codes(d.options) and not (near_tokens & {"tel", "tel-national", "tel-local", "tel-area-code"}):
        return "country"
    if token == "tel" and "tel-country-code" in near_tokens:
        # Next to its own country-code box, the number box holds the rest (WHATWG tel-national).
        return "tel-national"
    if token == "tel" and d.maxlength is not None and d.maxlength <= 4 and "tel-country-code" not in near_tokens \
            and ("tel" in near_tokens):
        return "tel-area-code"
    return token


def _bday_in_context(token: str, d: FieldDescription, label: str, ph: str, near_tokens: set[str],
                     everything: str) -> str:
    if token in ("bday", "bday-day", "bday-month", "bday-year"):
        part = _date_part(ph) or _date_part(label)
        if part is not None:
            return part
        if token == "bday" and d.maxlength == 4:
            return "bday-year"
    # Otherwise the token stands: a lone "Year" box in a birth-date group (its label alone, no
    # birth word, no birth-date neighbour) is kept as it is.
    return token


def tokens_of(descs: Iterable[FieldDescription]) -> list[str | None]:
    """``understand`` over a whole form."""
    return [understand(d).token for d in descs]
