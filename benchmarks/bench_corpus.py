"""Time corpus loading and date finding, and check that memory stays flat as the corpus grows.

Writes synthetic corpora (text, HTML and JSONL articles of about 6 kB, a third
of them dated only by weekdays so corpus anchoring runs) to a temporary folder,
then reports for each size: load time (the first pass) with its peak traced
memory and the per-article metadata it keeps, and iteration time (the second
pass) with its peak memory above that metadata, which should not grow with
the corpus. Then times `find_dates` on
sentences with and without dates. Usage::

    .venv/bin/python benchmarks/bench_corpus.py --sizes 200 1000 4000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from controlmap.corpus import load_corpus
from controlmap.dates import find_dates

TOWNS = ["Alderton", "Brackley", "Corvale", "Dunmore", "Eastwick", "Fallowby", "Greyhaven",
         "Hollins", "Ironbridge", "Jarrow"]
FILLER = ("Residents described long queues at the bakeries and the single working fuel "
          "station, and aid workers said roads to the south remained closed to trucks. ")


def _article(i: int) -> str:
    town, other = TOWNS[i % len(TOWNS)], TOWNS[(i * 7 + 3) % len(TOWNS)]
    day = dt.date(2021, 7, 1) + dt.timedelta(days=i % 40)
    if i % 3 == 0:
        dated = f"Militias entered {town} on Friday and shelled {other} late last night."
    else:
        dated = (f"Militias entered {town} on {day:%A}, {day:%B} {day.day}, {day.year}, "
                 f"and shelled {other} on Friday.")
    return f"Fighting around {town}\n\n{dated}\n\n" + FILLER * 40


def write_corpus(folder: Path, size: int) -> None:
    lines = []
    for i in range(size):
        text = _article(i)
        if i % 10 == 0:
            lines.append(json.dumps({"text": text, "title": f"Wire {i}"}))
        elif i % 10 == 1:
            paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            (folder / f"a{i:06d}.html").write_text(
                f"<html><head><title>Story {i}</title></head><body><nav>Home | World</nav>"
                f"<article>{paragraphs}</article></body></html>", encoding="utf-8")
        else:
            (folder / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_corpus(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, size)
        tracemalloc.start()
        start = time.perf_counter()
        corpus = load_corpus(folder)
        load_s = time.perf_counter() - start
        kept, load_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        count = sum(1 for _ in corpus)
        iter_s = time.perf_counter() - start
        iter_peak = tracemalloc.get_traced_memory()[1] - kept
        tracemalloc.stop()
        sources = Counter(a.published_source for a in corpus)
        mib = 2**20
        print(f"{size:>6} articles: load {load_s:6.2f} s (peak {load_peak / mib:5.1f} MiB, "
              f"metadata kept {kept / mib:5.1f} MiB); iterate {iter_s:5.2f} s "
              f"(peak {iter_peak / mib:4.1f} MiB above the metadata); {count} articles, "
              f"{dict(sorted(sources.items()))}")


def bench_find_dates(repeat: int) -> None:
    published = dt.date(2021, 8, 13)
    sentences = {
        "no date": "Rebel fighters entered the northern town after a long siege, officials said.",
        "weekday": "Rebel fighters entered the northern town on Thursday, officials said.",
        "explicit": "The deal signed on 12 August 2021 was ratified 2021-08-20 on Friday.",
    }
    for name, sentence in sentences.items():
        start = time.perf_counter()
        for _ in range(repeat):
            find_dates(sentence, published)
        per = (time.perf_counter() - start) / repeat
        print(f"find_dates ({name}): {per * 1e6:6.1f} µs per sentence")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 4000])
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    for size in args.sizes:
        bench_corpus(size)
    bench_find_dates(args.repeat)


if __name__ == "__main__":
    main()
