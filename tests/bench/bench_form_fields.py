"""Field understanding over hand-written form fields (tests/bench/form_fields_data.py), as JSON.

Each field goes through ``form_fields.understand`` and then through the value lookup against a
complete profile, so a "fill" is what ``secondme fill`` would answer. Reported: accuracy over
fields the profile holds (expected token not None), per token and per language; the false-fill
rate over negatives (expected None: consent, search, voucher, card, captcha, password…).

HOLDOUT (107 fields) was written after the tables had been tuned on CASES; its first run scored
0.916 (98/107: "Street Address 2", "Plaatsnaam", Arabic possessives, "X name" labels). The
generic fixes that followed are in form_fields.py, so it is no longer unseen data.

HOLDOUT2 (431 fields, 284 the profile holds, 147 negatives, all 18 languages;
tests/bench/form_fields_holdout2.py) was written before its author read the synonym tables or
the mapper's rules. Its first run, before any fix, is the honest held-out figure: 0.8944 on
profile fields by strict token (0.9472 counting "country" for "country-name" on a country
<select>, which picks the same option), false fills 0.0544 (8/147: "National Insurance number"
and a national-ID name as the country, a security answer as the name, an emergency contact's
phone, a store-locator CEP box, a parcel-locker number as the house number, "Adres Başlığı" /
"Label Alamat" as the street). Lowest languages then: ko 0.79, zh-Hant 0.80, hi 0.81, nl 0.82.
The general fixes that followed (see git log) make it a tuned set too; its remaining misses are
one convention the set and the tables disagree on (a one-line "Address" box: the whole street
address or its first line) plus a lone Portuguese "Nome" with no context. (Turkish "İl" and
Taiwanese "縣市" now follow Google's address data, as the set does: the province/county.)

HOLDOUT3 (365 fields, 245 the profile holds, 120 negatives, all 18 languages, 16-39 a language;
tests/bench/form_fields_holdout3.py) was written, like HOLDOUT2, before its author read the
tables or the rules. Its first run, as committed (58c6c02), is the honest generalization figure:
0.9367 on profile fields by strict token (0.9494 select-equivalent), false fills 0.1953
(25/128). Eight of those 25 were house-number boxes the set had marked None without knowing
Second Me's house-number part, which fills the number alone; relabelled, the untuned figures
are 0.9388 strict (0.951), false fills 0.1417 (17/120). Per language then (all fields):
ar 0.84, de 0.95, en 0.90, es 0.86, fr 0.95, hi 0.81, id 0.88, it 0.95, ja 0.94, ko 0.95, nl 0.88,
pl 0.94, pt 0.96, ru 0.94, tr 1.0, uk 1.0, zh-Hans 0.90, zh-Hant 0.89. The misses were families,
not words: other people's details (a referee, a father's or mother's name, a travel companion),
a yes/no question about "this country", a phone-type and an address-type select, a place of
birth, an alternate phone, courier directions, a convenience-store pickup, a one-line box
given the whole street address, a textarea given one line, calling-code options read as an
area code. The general rules for them are in form_fields.py (``_one_field``, ``_not_profile``)
and field_synonyms.py (recipient, directions, relatives, ALTERNATE, KIND), so this set is
tuned now too: after them 0.9714 strict (0.9837), false fills 0.0167 (2/120). The tuned set then
had a Dutch "Tussenvoegsel" (a surname particle, "van der") as the middle name; corrected, it
stays empty and false fills are 0.0083 (1/120). What it still misses is a disagreement of
convention with the tuned set (a Polish "Nr lokalu" it fills with line 2) and real ambiguity
("Distrito", "المنطقة / الحي", "出生年月", a number box beside a "Prefijo" label).

Run: .venv/bin/python -m tests.bench.bench_form_fields
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

from secondme.profile.form_fields import FieldDescription, understand
from secondme.profile.form_values import ProfileValues
from tests.bench.form_fields_data import CASES, HOLDOUT, Case
from tests.bench.form_fields_holdout2 import HOLDOUT2
from tests.bench.form_fields_holdout3 import HOLDOUT3

# One person with every field set, as the profile stores them (parts are derived).
PROFILE = {
    "name": "Ana Sofia Reyes", "honorific-prefix": "Ms", "given-name": "Ana", "additional-name": "Sofia",
    "family-name": "Reyes", "honorific-suffix": "PhD", "nickname": "Ani", "username": "anareyes",
    "organization": "Northwind Traders", "organization-title": "Logistics Manager",
    "street-address": "1200 Harbor Avenue\nApt 4B", "address-line1": "1200 Harbor Avenue",
    "address-line2": "Apt 4B", "address-line3": "Building C", "address-level3": "Harbor District",
    "address-level2": "Seattle", "address-level1": "WA", "postal-code": "98101",
    "country-name": "United States", "tel": "+1 206 555 0143 ext. 12", "email": "ana@example.org",
    "url": "https://ana.example.org", "bday": "1988-07-21", "sex": "female", "language": "English",
}


def _same_option(c: Case, got: str | None) -> bool:
    """On a <select>, "country" (the code) and "country-name" pick the same option
    (``secondme.browser.answer.match_option`` matches either by code), so either counts; the
    strict token figure is reported beside it."""
    return (c.desc.get("tag") == "select" and bool(c.desc.get("options"))
            and {c.want, got} <= {"country", "country-name"})


def run(cases: list[Case] | None = None) -> dict[str, Any]:
    """Understand every case (all of CASES and HOLDOUT by default) and score it."""
    cases = CASES + HOLDOUT if cases is None else cases
    values = ProfileValues(PROFILE)
    per_token: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang_pos: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pos_ok = pos_n = neg_n = false_fills = strict_ok = 0
    wrong: list[dict[str, Any]] = []
    for c in cases:
        u = understand(FieldDescription.from_dict(c.desc))
        filled = values.get(u.token) if u.token else None
        if c.want is None:
            neg_n += 1
            if filled:
                false_fills += 1
                wrong.append({"lang": c.lang, "field": c.desc, "want": None, "got": u.token, "value": filled})
            per_lang[c.lang][1] += 1
            per_lang[c.lang][0] += 0 if filled else 1
            continue
        strict = u.token == c.want and bool(filled)
        ok = (strict or _same_option(c, u.token)) and bool(filled)
        strict_ok += strict
        pos_n += 1
        pos_ok += ok
        per_token[c.want][1] += 1
        per_token[c.want][0] += ok
        per_lang[c.lang][1] += 1
        per_lang[c.lang][0] += ok
        per_lang_pos[c.lang][1] += 1
        per_lang_pos[c.lang][0] += ok
        if not ok:
            wrong.append({"lang": c.lang, "field": c.desc, "want": c.want, "got": u.token, "value": filled})
    return {
        "fields": len(cases), "positives": pos_n, "negatives": neg_n,
        "accuracy_on_profile_fields": round(pos_ok / pos_n, 4),
        "accuracy_on_profile_fields_strict_tokens": round(strict_ok / pos_n, 4),
        "false_fill_rate_on_negatives": round(false_fills / neg_n, 4),
        "per_language": {k: round(a / n, 4) for k, (a, n) in sorted(per_lang.items())},
        "per_language_fields": {k: n for k, (_, n) in sorted(per_lang.items())},
        "per_language_on_profile_fields": {k: round(a / n, 4) for k, (a, n) in sorted(per_lang_pos.items())},
        "per_token": {k: round(a / n, 4) for k, (a, n) in sorted(per_token.items())},
        "wrong": wrong,
    }


def main() -> None:
    t0 = time.perf_counter()
    out = run()
    held = run(HOLDOUT)
    out["holdout"] = {k: held[k] for k in ("fields", "accuracy_on_profile_fields", "false_fill_rate_on_negatives")}
    # Reported on its own, in full (misses included), so the figure on unseen-style fields stays visible.
    out["holdout2"] = run(HOLDOUT2)
    out["holdout3"] = run(HOLDOUT3)
    out["seconds"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
