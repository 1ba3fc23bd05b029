"""Tests of controlmap.extract on long lists of places: every member is read, memory stays flat.

A predicate reaches a limited number of characters, so in a long list ("the
Taliban captured A, B, C, ... and T") the members far from the verb must share
the statement of their neighbours rather than vanish. Every sentence here was
written for these tests.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest

from controlmap.extract import extract_article
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import Article

PUBLISHED = dt.date(2021, 8, 14)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _capitals(gazetteer: Gazetteer, count: int) -> list[str]:
    table = gazetteer.places
    return sorted(table.loc[table["kind"] == "capital", "name"])[:count]


def _listing(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1]


def _events(gazetteer: Gazetteer, text: str) -> set[tuple[str, str]]:
    article = Article(id="a.txt", text=text, published=PUBLISHED)
    return {(e.place, e.status) for e in extract_article(article, gazetteer).events}


@pytest.mark.parametrize(
    ("template", "status"),
    [
        ("The Taliban captured {places} on Friday, officials said.", "fallen"),
        ("In a week of rapid advances, {places} fell to the Taliban.", "fallen"),
        ("Government forces still hold {places}, the defence ministry said.", "government"),
        ("Heavy fighting was reported around {places} on Thursday.", "contested"),
    ],
)
def test_every_member_of_a_long_list_is_read(
    gazetteer: Gazetteer, template: str, status: str
) -> None:
    names = _capitals(gazetteer, 20)
    assert _events(gazetteer, template.format(places=_listing(names))) == {
        (name, status) for name in names
    }


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a province that only locates the capital after it stays out of the list
        ("The provincial capital of Logar, Pul-i-Alam, fell on Friday.",
         {("Pul-i-Alam", "fallen")}),
        # part of a longer name is no member ("Kabul University" is not Kabul)
        ("The Taliban seized Herat, Kabul University and Kandahar on Friday.",
         {("Herat", "fallen"), ("Kandahar", "fallen")}),
        # two clauses joined by a comma are not a list
        ("Herat fell on Friday, Kandahar residents said.", {("Herat", "fallen")}),
    ],
)
def test_what_is_not_a_list_member(
    gazetteer: Gazetteer, sentence: str, expected: set[tuple[str, str]]
) -> None:
    assert _events(gazetteer, sentence) == expected


def test_a_long_list_sentence_costs_memory_in_proportion_to_its_length(
    gazetteer: Gazetteer,
) -> None:
    # 3,000 names, about 30 KB: one copy of the sentence per name would be ~90 MB.
    names = [_capitals(gazetteer, 34)[i % 34] for i in range(3000)]
    text = "The Taliban captured " + _listing(names) + " on Friday."
    article = Article(id="a.txt", text=text, published=PUBLISHED)
    tracemalloc.start()
    try:
        events = extract_article(article, gazetteer).events
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len({e.place for e in events}) == 34
    assert peak < 40 * len(text) + 5_000_000
    # every event of the sentence shares one evidence string
    assert len({id(e.evidence) for e in events}) == 1
