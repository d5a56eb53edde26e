"""The values the profile rules read: a person's or organisation's name, a job title, a place, a
thing, each cut where the phrase that holds it ends (see :mod:`secondme.profile.rules`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from secondme.profile import places

_CAP = r"[A-Z][\w'’.-]*"
_NAME_WORD = r"(?:[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)*|[A-Z]{2,})"
_NAME = rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
_NOT_NAMES = frozenset("I I'm Im The A An And But So My Our We He She They It This That Mr Mrs Ms Dr Just Also "
                       "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow Yesterday "
                       "January February March April May June July August September October November December "
                       "Hi Hello Hey Yes No Not Still Now Here There".split())
_STOP = re.compile(
    r"\s+(?:and|but|because|since|so|which|where|when|who|with|at|for|in|on|from|after|before|until|"
    r"to|as|or|than|though|although|while|these|those|last|next|this|that|every|each|now|today|"
    r"yesterday|tomorrow|lately|recently|anymore|too|a lot|very much|so much|more|most|mostly|though)\b"
    r"|[.,;:!?()\[\]\"“”—–]|\s-\s", re.IGNORECASE)
_ORG = re.compile(r"(?:the\s+)?((?:[A-Z0-9][\w&'’.+-]*)(?:\s+(?:(?:of|and|&|for|de|du|la|the)\s+)?[A-Z0-9][\w&'’+-]*)*)")
_PLACE = re.compile(r"((?:[A-Z][\w'’-]+)(?:[ -](?:(?:de|da|del|la|le|sur|upon|on|am|of)[ -])?[A-Z][\w'’-]+){0,3})"
                    r"(?:,\s*((?:[A-Z][\w'’-]+)(?:\s[A-Z][\w'’-]+){0,2}|[A-Z]{2}))?")
_PRONOUN_OBJECT = frozenset("it that this them him her you me us my our your his their its what how when "
                            "to the_way there here one some something anything everything".split())


@dataclass(frozen=True)
class Found:
    """One value a rule found, for a profile field (or a relation/pet fact)."""

    field: str
    value: str
    confidence: float = 0.8


def clip(value: str, max_words: int = 6) -> str:
    """``value`` cut at the first word that ends it ("and", "because"…) and at "… ago"; empty when more
    than ``max_words`` words are left."""
    value = re.sub(r"\s+(?:\S+\s+){1,2}ago\b.*$", "", value)  # "asthma years ago": the time is not the value
    m = _STOP.search(" " + value)  # a leading "so careful" stops at once
    if m:
        value = value[:max(0, m.start() - 1)]
    words = value.strip(" '\"").split()
    if len(words) > max_words:
        return ""
    return " ".join(words)


def org(value: str) -> str:
    """The organisation name at the start of ``value`` (capitalised words, "of"/"and"… between them)
    without trailing time words; empty when there is none."""
    m = _ORG.match(value.strip())
    if not m:
        return ""
    return _proper(m.group(1).rstrip(".'’"))


def name(value: str) -> str:
    """The person's name at the start of ``value``: up to three capitalised words, no trailing time
    word; empty when there is none."""
    m = re.match(_NAME, value.strip())
    if not m:
        return ""
    return _proper(m.group(1))


def _proper(phrase: str) -> str:
    """``phrase`` without its trailing capitalised words that name nothing ("Acme Robotics
    Monday": a time word is not part of a company); empty when it starts with one."""
    words = phrase.split()
    while words and words[-1] in _NOT_NAMES:
        words.pop()
    if not words or words[0] in _NOT_NAMES:
        return ""
    return " ".join(words)


def title(value: str) -> str:
    """A job title from ``value``: no leading article, at most five words, not a pronoun; else empty."""
    v = re.sub(r"^(?:an?|the)\s+", "", value.strip(), flags=re.IGNORECASE)
    t = clip(v, 5)
    return t if t and t.split()[0].lower() not in _PRONOUN_OBJECT else ""


def place(value: str) -> list[Found]:
    """City / region / country from "Portland", "Portland, Oregon", "Lyon, France", "Canada"."""
    m = _PLACE.match(value.strip())
    if not m:
        return []
    first, second = m.group(1), m.group(2)
    if first in _NOT_NAMES or first.split()[0] in _NOT_NAMES:
        return []
    out: list[Found] = []
    if places.is_country(first):
        return [Found("country-name", first, 0.8)]
    out.append(Found("address-level2", first, 0.8))
    if second:
        if places.is_country(second):
            out.append(Found("country-name", second, 0.8))
        elif places.is_region(second):
            out.append(Found("address-level1", second, 0.75))
    return out


def thing(value: str, max_words: int = 5) -> str:
    """A noun phrase object ("Thai food", "hiking"); pronoun objects give nothing."""
    v = clip(value, max_words)
    if not v:
        return ""
    first = v.split()[0].lower()
    if first in _PRONOUN_OBJECT or (first in ("a", "an") and len(v.split()) == 1):
        return ""
    return re.sub(r"^(?:the|a|an)\s+", "", v, flags=re.IGNORECASE)
