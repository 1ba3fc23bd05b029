"""Tests of the roles a place plays in a control statement, read from case files.

Each row of ``tests/extract/cases/*.csv`` is one short article written for these
tests (none is taken from a real report): ``text``, its publication date
``published`` and the ``expected`` events, ``Place:status`` or
``Place:status:YYYY-MM-DD`` separated by ``;`` (an empty date is written ``Place:status:-``;
without a date part the date is not checked). An empty ``expected`` means no event.
``rule`` names the rule of news prose the row exercises. A place is written as news
spells it and resolved through the gazetteer, so the cases hold whichever canonical
name the gazetteer gives it.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from controlmap.extract import extract_article
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import Article

CASES = Path(__file__).parent / "extract" / "cases"


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for path in sorted(CASES.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append((f"{path.stem}:{row['rule']}", row["text"], row["published"],
                             row["expected"]))
    return rows


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(("rule", "text", "published", "expected"), _rows())
def test_case(gazetteer: Gazetteer, rule: str, text: str, published: str, expected: str) -> None:
    article = Article(id="case.txt", text=text, published=dt.date.fromisoformat(published),
                      published_source="sidecar")
    events = extract_article(article, gazetteer).events
    wanted = [item.split(":") for item in expected.split(";") if item.strip()]
    for parts in wanted:
        parts[0] = _canonical(gazetteer, parts[0])
    got_dated = {(e.place, e.status, e.date.isoformat() if e.date else "-") for e in events}
    got = {(e.place, e.status) for e in events}
    assert got == {(parts[0], parts[1]) for parts in wanted}, rule
    for parts in wanted:
        if len(parts) == 3:
            assert tuple(parts) in got_dated, (rule, parts)


def _canonical(gazetteer: Gazetteer, written: str) -> str:
    """The gazetteer's name for a place as news writes it ("Maimana" -> "Maymana")."""
    found = gazetteer.find(written)
    return found[0].place.name if found else written


def test_case_files_exist() -> None:
    assert len(_rows()) >= 10
