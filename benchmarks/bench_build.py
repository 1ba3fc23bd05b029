"""Time and peak memory of the whole pipeline (`controlmap.build`) on synthetic corpora.

Writes corpora of synthetic ~5 KB articles (the sentence templates of
``bench_extract.py``, none from the sample articles) as .txt files with an
``articles.csv`` sidecar, then builds each in a fresh process and reports the
wall time and the peak resident memory, so you can see whether memory stays flat
as the corpus grows.

Usage::

    .venv/bin/python benchmarks/bench_build.py                  # 500 and 2,000 articles
    .venv/bin/python benchmarks/bench_build.py --sizes 1000 4000
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_extract import synthetic_articles

from controlmap.gazetteer import load_gazetteer

CHILD = """
import resource, sys
import controlmap
result = controlmap.build(sys.argv[1], out=sys.argv[2])
print(len(result.timeline.events), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_corpus(folder: Path, count: int) -> int:
    """Write ``count`` synthetic articles and their sidecar; return the bytes written."""
    folder.mkdir(parents=True)
    size = 0
    with (folder / "articles.csv").open("w", newline="", encoding="utf-8") as sidecar:
        writer = csv.writer(sidecar)
        writer.writerow(["file", "published", "outlet"])
        for article in synthetic_articles(count, load_gazetteer()):
            name = Path(article.id).name
            (folder / name).write_text(article.text, encoding="utf-8")
            size += len(article.text.encode("utf-8"))
            writer.writerow([name, article.published, "Synthetic Wire"])
    return size


def main() -> None:
    """Build synthetic corpora of the given sizes and print time and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    args = parser.parse_args()
    print(f"{'articles':>8} {'MB':>6} {'seconds':>8} {'art/s':>7} {'events':>7} {'peak RSS':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.sizes:
            corpus = Path(tmp) / f"corpus-{count}"
            size = write_corpus(corpus, count)
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(corpus), str(Path(tmp) / f"out-{count}")],
                capture_output=True, text=True, check=True,
            )
            seconds = time.perf_counter() - start
            events, peak_kb = (int(x) for x in done.stdout.split())
            print(f"{count:>8} {size / 1e6:>6.1f} {seconds:>8.1f} {count / seconds:>7.0f} "
                  f"{events:>7} {peak_kb / 1024:>7.0f} MB")


if __name__ == "__main__":
    main()
