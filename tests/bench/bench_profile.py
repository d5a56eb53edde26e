"""Label matching accuracy over tests/core/form_labels.py, printed as JSON.

Run: .venv/bin/python -m tests.bench.bench_profile
"""

from __future__ import annotations

import json
import time

from secondme.profile.labels import field_for
from tests.core.form_labels import LABELS


def main() -> None:
    t0 = time.perf_counter()
    wrong = [{"label": label, "expected": want, "got": field_for(label)}
             for label, want in LABELS if field_for(label) != want]
    print(json.dumps({"labels": len(LABELS), "correct": len(LABELS) - len(wrong),
                      "accuracy": round(1 - len(wrong) / len(LABELS), 4), "wrong": wrong,
                      "seconds": round(time.perf_counter() - t0, 3)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
