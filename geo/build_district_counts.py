"""Rebuild ``data/district_counts.csv``: how many districts each province has.

Source: the geoBoundaries ADM2 layer of Afghanistan (398 districts, the 2014
list; geoBoundaries, Runfola et al. 2020, www.geoboundaries.org), whose features
carry the province's ISO 3166-2 id in ``adm1_iso``. The province map shows
"7 of 16 districts reported taken"; this table gives the "16". Deterministic:
rows sorted by id, so running it twice gives the same bytes.

Not for runtime use: controlmap reads the committed output, never this script.

Usage::

    .venv/bin/python geo/build_district_counts.py \
        --source ../shared/geo/af_adm2_geoboundaries.geojson
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def district_counts(source: Path) -> Counter[str]:
    """Number of ADM2 features per ``adm1_iso`` in a geoBoundaries GeoJSON file."""
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    counts: Counter[str] = Counter()
    for feature in features:
        iso = str(feature["properties"].get("adm1_iso") or "").strip()
        if not iso:
            msg = f"A feature of {str(source)!r} has no adm1_iso: {feature['properties']!r}."
            raise ValueError(msg)
        counts[iso] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path,
                        default=ROOT.parent / "shared" / "geo" / "af_adm2_geoboundaries.geojson")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "district_counts.csv")
    args = parser.parse_args()
    counts = district_counts(args.source)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["region_id", "districts"])
        for iso in sorted(counts):
            writer.writerow([iso, counts[iso]])
    print(f"{args.out}: {len(counts)} provinces, {sum(counts.values())} districts")


if __name__ == "__main__":
    main()
