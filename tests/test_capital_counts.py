"""Counts of fallen provincial capitals: only a total counts, never a day's or a week's tally."""

from __future__ import annotations

import datetime as dt

import pytest

from controlmap.extract import extract_article
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import Article


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _counts(sentence: str, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    article = Article(id="a.txt", text=sentence + "\n", published=dt.date(2021, 8, 13))
    return [(c.count, c.total) for c in extract_article(article, gazetteer).counts]


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("The movement now controls 17 provincial capitals, a spokesman said.", 17),
        ("The insurgents have now overrun eleven provincial capitals.", 11),
        ("Fighters have seized a total of 14 provincial capitals since last week.", 14),
        ("Thirteen provincial capitals have fallen to the militants so far.", 13),
        ("To date, six provincial capitals are in insurgent hands.", 6),
    ],
)
def test_a_total_said_to_be_one_counts(gazetteer: Gazetteer, sentence: str, count: int) -> None:
    assert _counts(sentence, gazetteer) == [(count, 34)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The militants captured four provincial capitals on Saturday.",
        "Insurgents took two provincial capitals in a single day.",
        "The group seized seven provincial capitals in a week.",
        "Three provincial capitals fell on Monday alone.",
    ],
)
def test_a_count_of_one_day_or_week_is_no_total(gazetteer: Gazetteer, sentence: str) -> None:
    assert _counts(sentence, gazetteer) == []
