"""Extraction over several worker processes gives the same outputs as over one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from controlmap.errors import InputError
from controlmap.pipeline import build
from controlmap.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OUTPUTS = ("events.csv", "articles.csv", "counts.csv", "unresolved.csv", "timeline.csv",
           "index.html")


def test_two_workers_write_byte_identical_outputs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    # More articles than one task holds, so several tasks are in flight at once.
    for i in range(12):
        (corpus / f"extra_{i:02d}.txt").write_text(
            f"Fighting in Kunduz\n\nKABUL, Aug 8, 2021. The Taliban captured Kunduz on Sunday, "
            f"officials said. Clashes went on near Sar-e Pul for a {i + 2}nd day.\n",
            encoding="utf-8")
    one = build(corpus, tmp_path / "one", settings=Settings(jobs=1))
    two = build(corpus, tmp_path / "two", settings=Settings(jobs=2))
    assert len(one.timeline.events) > 12
    for name in OUTPUTS:
        single, double = (tmp_path / run / name for run in ("one", "two"))
        assert single.read_bytes() == double.read_bytes(), name
    assert two.problems == one.problems


def test_jobs_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="jobs must be at least 1"):
        build(SEEDS, tmp_path / "out", settings=Settings(jobs=0))
