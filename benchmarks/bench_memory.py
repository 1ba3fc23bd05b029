"""Peak memory of extracting one very long list sentence: memory must grow linearly.

A sentence that names thousands of places ("The Taliban captured A, B, C, ...
and Z on Friday.", the shape of a scraped index page or a list of districts)
must cost memory in proportion to its length, not to its length times the
number of names in it. The sentence is built from the capitals, cities and towns
of the bundled gazetteer, repeated until it holds ``--names`` names; the peak
is measured with tracemalloc around `extract_article` alone (the gazetteer is
loaded before), and for half as many names, so that the growth can be read.

Usage::

    .venv/bin/python benchmarks/bench_memory.py                 # 15,000 names
    .venv/bin/python benchmarks/bench_memory.py --names 4000 --limit-mb 300

Exit code 1 when the peak for ``--names`` exceeds ``--limit-mb`` (default 300).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc

from controlmap.extract import extract_article
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import Article


def list_sentence(gazetteer: Gazetteer, names: int) -> str:
    """One sentence naming ``names`` places of ``gazetteer`` (repeating them as needed)."""
    table = gazetteer.places
    pool = sorted(table.loc[table["kind"].isin(["capital", "city", "town"]), "name"])
    listed = [pool[i % len(pool)] for i in range(names)]
    return ("The Taliban captured " + ", ".join(listed[:-1]) + " and " + listed[-1]
            + " on Friday, officials said.")


def peak_mb(gazetteer: Gazetteer, names: int) -> tuple[float, int, int, float]:
    """(peak MB, sentence length in characters, events found, seconds) for one sentence."""
    text = list_sentence(gazetteer, names)
    article = Article(id="list.txt", text=text, published=dt.date(2021, 8, 14))
    tracemalloc.start()
    started = time.perf_counter()
    extraction = extract_article(article, gazetteer)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, len(text), len(extraction.events), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=15_000)
    parser.add_argument("--limit-mb", type=float, default=300.0)
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    peak = 0.0
    for names in (args.names // 2, args.names):
        peak, chars, events, seconds = peak_mb(gazetteer, names)
        print(f"{names:>7,} names, {chars / 1000:>7,.0f} KB sentence: peak {peak:>8,.1f} MB, "
              f"{events:,} events, {seconds:.1f} s")
    if peak > args.limit_mb:
        print(f"peak {peak:,.1f} MB is over the limit of {args.limit_mb:,.0f} MB")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
