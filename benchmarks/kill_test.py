"""Kill ``controlmap build`` with SIGKILL at random moments; the output set must stay whole.

Two synthetic corpora (``bench_build.write_corpus``, of different sizes so their
outputs differ) are first built once each into reference folders. Then one
output folder is built again and again, alternating the corpora, and each build
is killed with ``kill -9`` at a random moment between its start and a little
after the time a whole build into that folder took. After each kill the folder must hold one
complete output set, byte for byte the reference set of the previous corpus (the
build died before its journal) or of the new one, never a mix:

* with no commit journal left, every file the manifest lists is checked against
  the reference build (sha256);
* with a journal left (the build died between renames), ``_outputs.recover`` is
  run first, as the next controlmap command on the folder would, and the set
  must then be the new one.

No file with an output name may lie outside the manifest, and no temporary file
may remain after recovery. Exit code 1 if any try breaks this.

Usage::

    .venv/bin/python benchmarks/kill_test.py             # 20 tries
    .venv/bin/python benchmarks/kill_test.py --tries 50 --articles 600
    .venv/bin/python benchmarks/kill_test.py --late 0.2  # near the commit
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import write_corpus

from controlmap import _outputs


def _build(corpus: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "controlmap", "-q", "build", str(corpus), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _set_of(folder: Path) -> dict[str, str]:
    manifest = _outputs.read_manifest(folder)
    if manifest is None:
        return {}
    return dict(manifest.outputs)


def _state(out: Path, references: dict[str, dict[str, str]]) -> str:
    """Which complete set ``out`` holds ('A' or 'B'), or what is wrong with it."""
    files = _set_of(out)
    if not files:
        return "no manifest"
    stray = {p.name for p in out.iterdir()} & _outputs.OUTPUT_NAMES
    stray -= set(files) | {_outputs.MANIFEST}
    if stray:
        return f"files outside the manifest: {sorted(stray)}"
    on_disk = {name: _outputs.sha256_of(out / name) for name in files if (out / name).is_file()}
    for label, reference in references.items():
        if files == reference and on_disk == reference:
            return label
    return "MIXED: " + ", ".join(
        f"{name}" for name in sorted(files) if on_disk.get(name) != files[name]
    ) if on_disk != files else "a complete set matching no reference"


def main() -> None:
    """Run the kill tries and print one line per try, then a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--late", type=float, default=1.0, metavar="FRACTION",
                        help="kill only in the last FRACTION of a build, where the files are "
                             "written and renamed (default 1: anywhere)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpora = {"A": root / "corpus-a", "B": root / "corpus-b"}
        write_corpus(corpora["A"], args.articles)
        write_corpus(corpora["B"], args.articles + 25)
        references: dict[str, dict[str, str]] = {}
        for label, corpus in corpora.items():
            if _build(corpus, root / f"ref-{label}").wait() != 0:
                sys.exit(f"the reference build of corpus {label} failed")
            references[label] = _set_of(root / f"ref-{label}")
        out = root / "out"
        start = time.perf_counter()
        if _build(corpora["A"], out).wait() != 0:
            sys.exit("the first build failed")
        seconds = time.perf_counter() - start
        earliest = seconds * (1 - args.late)
        print(f"a whole build takes {seconds:.1f} s; killing at random in "
              f"[{earliest:.1f}, {seconds * 1.1:.1f}] s")
        previous, failures, journals, finished = "A", 0, 0, 0
        for number in range(1, args.tries + 1):
            new = "B" if previous == "A" else "A"
            moment = rng.uniform(earliest, seconds * 1.1)
            process = _build(corpora[new], out)
            time.sleep(moment)
            killed = process.poll() is None
            if killed:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            finished += not killed
            journal = (out / ".controlmap-commit.json").is_file()
            if journal:
                journals += 1
                _outputs.recover(out)
            state = _state(out, references)
            leftovers = [p.name for p in out.iterdir() if p.name.startswith(".controlmap-tmp-")]
            if leftovers and not journal:
                _outputs.recover(out)  # swept by the next command; harmless meanwhile
                leftovers = [p.name for p in out.iterdir()
                             if p.name.startswith(".controlmap-tmp-")]
            ok = state in (previous, new) and not leftovers and not (journal and state != new)
            failures += not ok
            print(f"{number:>3}  {moment:5.2f} s  {'killed' if killed else 'finished':>8}  "
                  f"{'journal ' if journal else '':8} set {state:<3} "
                  f"({'previous' if state == previous else 'new' if state == new else '?'})"
                  f"{'' if ok else '  <-- FAIL'}")
            previous = state if state in ("A", "B") else previous
        print(f"{args.tries} tries: {args.tries - finished} killed, {finished} finished, "
              f"{journals} left a journal that recovery completed; "
              f"{failures} inconsistent output sets")
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
