"""How well publication dates are inferred when no sidecar gives them.

Builds CORPUS (which should hold no ``articles.csv``) into OUT_DIR with the
library, then compares OUT_DIR/articles.csv ``published`` with the
``published`` column of INDEX_CSV (``file``, ``published``; any other
columns are ignored). Prints, for the dates inferred, the share within one
day and the largest error, the articles left unknown, and each article off by
more than a day. Works on any corpus and index file; nothing of a particular
corpus is in here. Usage::

    .venv/bin/python benchmarks/pubdate_accuracy.py CORPUS INDEX_CSV OUT_DIR [--no-build]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

from controlmap import pipeline


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def compare(articles_csv: Path, index_csv: Path) -> int:
    """Print the comparison; return 0 when every inferred date is within 3 days, else 1."""
    truth = {row["file"]: _day(row.get("published", "")) for row in _read(index_csv)}
    rows = [row for row in _read(articles_csv) if row["file"] in truth]
    inferred, unknown, off = [], [], []
    confidence: Counter[str] = Counter()
    for row in rows:
        got, want = _day(row["published"]), truth[row["file"]]
        if got is None or want is None:
            unknown.append(row)
            continue
        error = abs((got - want).days)
        inferred.append(error)
        confidence[row.get("published_confidence", "") or "-"] += 1
        if error > 1:
            off.append((error, row, want))
    near = sum(1 for e in inferred if e <= 1)
    share = near / len(inferred) if inferred else 0.0
    print(f"articles compared: {len(rows)} of {len(truth)} in the index")
    print(f"inferred: {len(inferred)}; within one day: {near} ({share:.1%}); "
          f"exact: {sum(1 for e in inferred if e == 0)}; "
          f"largest error: {max(inferred, default=0)} days")
    print(f"by confidence: {dict(sorted(confidence.items()))}")
    print(f"unknown: {len(unknown)}")
    for row in unknown:
        print(f"  {row['file']}: {row.get('problems', '')[:160]}")
    for error, row, want in sorted(off, key=lambda item: -item[0]):
        print(f"  OFF {error} days {row['file']}: {row['published']} (index {want}), "
              f"source {row.get('published_source', '')}")
    return 0 if all(e <= 3 for e in inferred) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index_csv", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--no-build", action="store_true",
                        help="Compare the articles.csv already in OUT_DIR.")
    args = parser.parse_args(argv)
    if not args.no_build:
        pipeline.build(args.corpus, args.out_dir)
    return compare(args.out_dir / "articles.csv", args.index_csv)


if __name__ == "__main__":
    sys.exit(main())
