"""Extraction speed of the working tree against an earlier revision, as a ratio.

On a shared machine the absolute figures of ``bench_extract.py`` drift by a
quarter from one minute to the next, which hides the effect of a change. This
script runs both versions on the same synthetic articles (the templates of
``bench_extract.py``), in fresh processes, alternating them round after round,
and reports the median of the per-round ratios, which the drift affects far less.

Usage::

    .venv/bin/python benchmarks/compare_extract.py 56a673e
    .venv/bin/python benchmarks/compare_extract.py HEAD~3 --articles 400 --rounds 7

The earlier revision's ``src/`` is exported with ``git archive`` into a temporary
folder and put first on ``PYTHONPATH`` for its runs. Each run reports the CPU time
of extracting the articles (the least of three passes, so a pass slowed by
another process counts less).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter per version: prints CPU seconds per article.
_RUN = """
import sys, time
sys.path.insert(0, {benchmarks!r})
from bench_extract import synthetic_articles
from controlmap.extract import extract_events
from controlmap.gazetteer import load_gazetteer
gazetteer = load_gazetteer()
articles = list(synthetic_articles({count}, gazetteer, seed=5))
for _ in extract_events(articles[:50], gazetteer):
    pass
best = float("inf")
for _ in range(3):
    start = time.process_time()
    for _ in extract_events(articles, gazetteer):
        pass
    best = min(best, time.process_time() - start)
print(best / len(articles))
"""


def _export(revision: str, into: Path) -> Path:
    """Write the ``src/`` folder of ``revision`` under ``into``; return that folder."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src", "data"],
        check=True, capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="tar")
    return into / "src"


def _seconds_per_article(src: Path, count: int) -> float:
    """CPU seconds per article of the package found in ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = _RUN.format(benchmarks=str(ROOT / "benchmarks"), count=count)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    """Alternate the two versions and print each round and the median ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the earlier revision (a commit, tag or HEAD~n)")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = _export(args.revision, Path(tmp))
        now = ROOT / "src"
        ratios = []
        for index in range(args.rounds):
            old = _seconds_per_article(before, args.articles)
            new = _seconds_per_article(now, args.articles)
            ratios.append(old / new)
            print(f"round {index + 1}: {args.revision} {old * 1e3:.2f} ms/article, "
                  f"working tree {new * 1e3:.2f} ms/article, ratio {old / new:.2f}")
    print(f"median ratio over {args.rounds} rounds: {statistics.median(ratios):.2f}x "
          f"({'faster' if statistics.median(ratios) >= 1 else 'slower'} now)")


if __name__ == "__main__":
    main()
