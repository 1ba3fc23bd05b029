"""Whole commands of the working tree against an earlier revision: medians and ratios.

Start-up and worker processes are costs of the whole command, so this script times
complete ``python -m controlmap ...`` processes (wall clock): ``--help``, ``places
Kabul``, ``build seeds``, and a build of a synthetic corpus with ``--jobs 1`` and
``--jobs 2`` (``--jobs`` only where the revision has it). The two versions run
alternately, round after round, so drift on a shared machine hits both alike.

Usage::

    .venv/bin/python benchmarks/compare_commands.py 9e617c9
    .venv/bin/python benchmarks/compare_commands.py HEAD~5 --rounds 7 --articles 400
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_extract import synthetic_articles
from compare_extract import _export

from controlmap.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parent.parent


def _write_corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    rows = ["file,published"]
    for index, article in enumerate(synthetic_articles(count, load_gazetteer(), size=1200,
                                                       seed=11)):
        name = f"{index:05d}.txt"
        (folder / name).write_text(article.text, encoding="utf-8")
        rows.append(f"{name},2021-08-13")
    (folder / "articles.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _seconds(src: Path, args: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "controlmap", *args], cwd=cwd, env=env,
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{src}: controlmap {' '.join(args)} failed:\n"
                         f"{done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    """Alternate the two versions per command; print medians and the median ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the earlier revision (a commit, tag or HEAD~n)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=400,
                        help="articles of about 1.2 KB in the synthetic corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        before = _export(args.revision, work / "before")
        now = ROOT / "src"
        corpus = work / "corpus"
        _write_corpus(corpus, args.articles)
        has_jobs = b"jobs" in subprocess.run(
            [sys.executable, "-m", "controlmap", "build", "--help"], cwd=work,
            env={**os.environ, "PYTHONPATH": str(before)}, capture_output=True, check=False,
        ).stdout
        commands = {
            "--help": ["--help"],
            "places Kabul": ["places", "Kabul"],
            "build seeds": ["-q", "build", str(ROOT / "seeds"), "--out", str(work / "o1")],
            "build corpus -j1": ["-q", "build", str(corpus), "--out", str(work / "o2"),
                                 "--jobs", "1"],
            "build corpus -j2": ["-q", "build", str(corpus), "--out", str(work / "o3"),
                                 "--jobs", "2"],
        }
        for label, command in commands.items():
            old_args = command if has_jobs or "--jobs" not in command else command[:-2]
            # Each version writes its own folder: the newer one refuses to overwrite
            # outputs it did not write.
            old_args = [a.replace(str(work / "o"), str(work / "before-o")) for a in old_args]
            olds, news = [], []
            for _ in range(args.rounds):
                olds.append(_seconds(before, old_args, work))
                news.append(_seconds(now, command, work))
            old, new = statistics.median(olds), statistics.median(news)
            ratio = statistics.median(o / n for o, n in zip(olds, news, strict=True))
            print(f"{label:18} {args.revision}: {old:6.2f} s   now: {new:6.2f} s   "
                  f"median ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
