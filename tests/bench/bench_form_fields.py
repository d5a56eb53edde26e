"""Field understanding over hand-written form fields (tests/bench/form_fields_data.py), as JSON.

Each field goes through ``form_fields.understand`` and then through the value lookup against a
complete profile, so a "fill" is what ``secondme fill`` would answer. Reported: accuracy over
fields the profile holds (expected token not None), per token and per language; the false-fill
rate over negatives (expected None: consent, search, voucher, card, captcha, password…).

HOLDOUT (107 fields) was written after the tables had been tuned on CASES; its first run scored
0.916 (98/107: "Street Address 2", "Plaatsnaam", Arabic possessives, "X name" labels). The
generic fixes that followed are in form_fields.py, so it is no longer unseen data.

Run: .venv/bin/python -m tests.bench.bench_form_fields
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

from secondme.profile.form_fields import FieldDescription, ProfileValues, understand
from tests.bench.form_fields_data import CASES, HOLDOUT, Case

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


def run(cases: list[Case] | None = None) -> dict[str, Any]:
    """Understand every case (all of CASES and HOLDOUT by default) and score it."""
    cases = CASES + HOLDOUT if cases is None else cases
    values = ProfileValues(PROFILE)
    per_token: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pos_ok = pos_n = neg_n = false_fills = 0
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
        ok = u.token == c.want and bool(filled)
        pos_n += 1
        pos_ok += ok
        per_token[c.want][1] += 1
        per_token[c.want][0] += ok
        per_lang[c.lang][1] += 1
        per_lang[c.lang][0] += ok
        if not ok:
            wrong.append({"lang": c.lang, "field": c.desc, "want": c.want, "got": u.token, "value": filled})
    return {
        "fields": len(cases), "positives": pos_n, "negatives": neg_n,
        "accuracy_on_profile_fields": round(pos_ok / pos_n, 4),
        "false_fill_rate_on_negatives": round(false_fills / neg_n, 4),
        "per_language": {k: round(a / n, 4) for k, (a, n) in sorted(per_lang.items())},
        "per_language_fields": {k: n for k, (_, n) in sorted(per_lang.items())},
        "per_token": {k: round(a / n, 4) for k, (a, n) in sorted(per_token.items())},
        "wrong": wrong,
    }


def main() -> None:
    t0 = time.perf_counter()
    out = run()
    held = run(HOLDOUT)
    out["holdout"] = {k: held[k] for k in ("fields", "accuracy_on_profile_fields", "false_fill_rate_on_negatives")}
    out["seconds"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
