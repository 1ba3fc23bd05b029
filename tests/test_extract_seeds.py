"""Accuracy of the extractor on the five sample articles against seeds/gold.csv.

The gold table was written by reading the articles; this test runs the real
corpus loader, gazetteer and extractor and scores them with `evaluate`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from controlmap.corpus import load_corpus
from controlmap.evaluate import Scores, evaluate, format_report, read_gold
from controlmap.events_table import events_frame
from controlmap.extract import extract_events
from controlmap.gazetteer import load_gazetteer

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    extractions = extract_events(load_corpus(SEEDS), load_gazetteer())
    return events_frame(e for x in extractions for e in x.events)


@pytest.fixture(scope="module")
def scores(events: pd.DataFrame) -> Scores:
    return evaluate(events, read_gold(SEEDS / "gold.csv"))


def test_falls_and_claims_with_exact_dates(scores: Scores) -> None:
    assert scores.taken_only.f1 >= 0.9, format_report(scores)


def test_all_statuses_with_exact_dates(scores: Scores) -> None:
    assert scores.exact.f1 >= 0.9, format_report(scores)
    assert scores.within_day.f1 >= 0.9, format_report(scores)


def test_kabul_is_never_anything_but_government(events: pd.DataFrame) -> None:
    kabul = events[events["place"] == "Kabul"]
    assert set(kabul["status"]) <= {"government"}, kabul[["article", "status", "evidence"]]


def test_every_seed_article_gives_events_with_dates(events: pd.DataFrame) -> None:
    assert events["article"].nunique() == 5
    assert (events["date"] != "").all()
    assert events["evidence"].str.len().gt(20).all()
