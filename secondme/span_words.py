"""The words short answers are cut with: function words that never begin or end a span,
month names, and what a date or a number looks like in a chat sentence."""

from __future__ import annotations

import re

MONTHS = ("january february march april may june july august september october november "
          "december").split()

# Function words that never begin or end a span ("into classic rock" -> "classic rock").
# Words that open a noun phrase without being part of what it names ("the beach", "my bike").
DETERMINERS = frozenset("a an the my our his her their your some".split())

EDGE = frozenset("""
a an the to into onto in on at of for from with about by as up out over off than like just really
so very too also is are was were be been being am do does did have has had get got getting i me my
you your he him his she her we us our they them their it its this that these those there here
some any all what which who whom whose how why when where yes no not and or but if then now
lately recently ever even still already again actually definitely totally pretty quite
s t ve re ll d m i'm i've i'd i'll it's that's we're we've they're you're he's she's there's
here's what's let's gonna wanna now myself yourself himself herself ourselves themselves
called named titled
""".split()) - {"a", "an", "the"}

# A date as written in a sentence: "2 May", "May 2, 2023", "May 2023", "2021".
# Notes shorten months ("15 Jan", "Nov 2027") and give ranges of days ("14–20 Dec"); a
# shortened month counts only beside a day or a year ("Jan" alone is as likely a name).
_SHORT_MONTH = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
_ANY_MONTH = r"(?:" + "|".join(MONTHS) + r"|" + _SHORT_MONTH + r")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PHRASE = re.compile(
    r"\b(?:" + _DAY + r"(?:\s?[–-]\s?" + _DAY + r")?\s+(?:of\s+)?" + _ANY_MONTH + r"(?:,?\s+\d{4})?|"
    + _ANY_MONTH + r"\s+" + _DAY + r"(?:,?\s+\d{4})?|"
    r"(?:" + "|".join(MONTHS) + r")(?:,?\s+\d{4})?|" + _SHORT_MONTH + r",?\s+\d{4}|(?:19|20)\d\d)\b",
    re.IGNORECASE)

# Words that count: a number said in words, or an amount.
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                "fifteen twenty thirty forty fifty hundred thousand couple few several many "
                "multiple once twice dozen half").split()
# A number with what it counts ("about four months", "$450 a", "two dogs").
NUMBER = re.compile(
    r"(?:(?:about|around|over|under|almost|nearly|roughly|only|just|more than|less than|at least|"
    r"just under|just over)\s+)?"
    r"(?:[$£€]\s?\d[\d,.]*(?:k|m|bn)?(?:\s?[–-]\s?[$£€]?\d[\d,.]*(?:k|m|bn)?)?(?![\w])|(?:(?<![\w-])[-−+](?=\d))?\d[\d,.]*(?:\s?%|k\b|(?:g|kg|mg|ml|l|km|m|cm|mm|lb|lbs|oz|mi)\b)?|"
    r"(?:a\s+)?\b(?:" + "|".join(NUMBER_WORDS) + r")\b|an?\b(?=\s+(?:year|month|week|day|hour|minute|time)s?\b))"
    r"(?:\s+(?:and\s+a\s+half\s+)?(?:[a-z][\w-]*)){0,2}",
    re.IGNORECASE)


def norm(w: str) -> str:
    """A word as spans compare it: lowercased, curly apostrophe made straight, edge
    punctuation off."""
    return w.replace("’", "'").strip(".,'\"").lower()


INTERJECTIONS = frozenset("hey hi hello wow oh sorry thanks thank yeah yep congrats congratulations aw "
                          "aww haha omg ok okay well great awesome cool nice good morning".split())
_VAGUE = frozenset("maybe another other old new great good bad nice fine such same more most".split())


def says_nothing(span: str) -> bool:
    """Whether a one-word span carries no answer of its own ("sorry", "great", "maybe"): the
    sentence it came from is shown instead."""
    ws = span.split()
    if len(ws) != 1:
        return False
    w = norm(ws[0])
    return w in INTERJECTIONS or w in _VAGUE or not w


CHAT_VERBS = frozenset("find found love loved like liked enjoy enjoyed got have started start went "
                       "made make took take tried try want wanted think thought know feel felt see "
                       "saw use used doing did going gonna guess bet consider considered".split())
# The small words inside a name: "Bank of England", "Casa do Largo", "Ludwig van Beethoven".
_PARTICLE = r"(?:of|de|do|da|dos|das|del|della|di|du|des|van|von|der|den|&)\s+"
# A run of capitalised words, with the particles between them: a name.
PROPER = re.compile(r"(?<![\w'])(?:[A-Z][\w'’-]*)(?:\s+(?:" + _PARTICLE + r"|the\s+)?[A-Z][\w'’-]*)*")
PLACE_PP = re.compile(r"\b(?:in|at|to|from|near|around|visited|visiting|explore|exploring)\s+"
                      r"((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:" + _PARTICLE + r")?[A-Z][\w'’-]*)*)")
# Months and weekdays as notes shorten them ("installed Oct 2019", "Tue 16 Mar"): never names.
SHORT_DATES = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs "
                        "fri sat sun".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
