"""Tests of controlmap.evaluate: gold reading, matching rules and the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from controlmap.errors import InputError
from controlmap.evaluate import PRF, evaluate, format_report, read_gold

GOLD_HEADER = "article,place,status,date,note\n"


def _gold(tmp_path: Path, rows: str, header: str = GOLD_HEADER) -> Path:
    path = tmp_path / "gold.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def _events(rows: list[tuple[str, str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article", "place", "status", "date"])


def test_prf_arithmetic() -> None:
    prf = PRF(tp=8, fp=2, fn=8)
    assert prf.precision == pytest.approx(0.8)
    assert prf.recall == pytest.approx(0.5)
    assert prf.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    assert PRF(0, 0, 0).f1 == 1.0 and PRF(0, 3, 2).f1 == 0.0


def test_read_gold_checks_and_deduplicates(tmp_path: Path) -> None:
    path = _gold(tmp_path, "a.txt,Herat,fallen,2021-08-12,x\na.txt,Herat,fallen,2021-08-12,y\n"
                           "a.txt,Islam Qala,fallen,,no day\n")
    gold = read_gold(path)
    assert gold[["place", "date"]].values.tolist() == [["Herat", "2021-08-12"], ["Islam Qala", ""]]


def test_read_gold_note_is_optional(tmp_path: Path) -> None:
    path = _gold(tmp_path, "a.txt,Herat,fallen,2021-08-12\n", header="article,place,status,date\n")
    assert read_gold(path)["note"].tolist() == [""]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a.txt,Herat,taken,2021-08-12,", r"gold\.csv:3: status 'taken'"),
        ("a.txt,Herat,fallen,12/08/2021,", r"gold\.csv:3: date '12/08/2021'"),
        (",Herat,fallen,2021-08-12,", r"gold\.csv:3: article is empty"),
        ("a.txt,,fallen,2021-08-12,", r"gold\.csv:3: place is empty"),
    ],
)
def test_read_gold_names_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _gold(tmp_path, "a.txt,Kunduz,fallen,2021-08-08,ok\n" + row + "\n")
    with pytest.raises(InputError, match=message):
        read_gold(path)


def test_read_gold_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing column.*status"):
        read_gold(_gold(tmp_path, "a.txt,Herat,2021-08-12\n", header="article,place,date\n"))


def test_read_gold_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv"):
        read_gold(tmp_path / "nope.csv")


@pytest.fixture
def gold(tmp_path: Path) -> pd.DataFrame:
    return read_gold(_gold(tmp_path, (
        "a.txt,Herat,fallen,2021-08-12,\n"
        "a.txt,Kandahar,claimed,2021-08-13,\n"
        "a.txt,Lashkar Gah,contested,2021-08-11,\n"
        "b.txt,Kabul,government,2021-08-13,\n"
    )))


def test_perfect_output_scores_one(gold: pd.DataFrame) -> None:
    events = gold[["article", "place", "status", "date"]].copy()
    scores = evaluate(events, gold)
    assert (scores.exact.tp, scores.exact.fp, scores.exact.fn) == (4, 0, 0)
    assert scores.exact.f1 == 1.0 and scores.within_day.f1 == 1.0
    assert scores.date_errors == {0: 4}


def test_date_tolerance_claim_merge_and_unscored_articles(gold: pd.DataFrame) -> None:
    events = _events([
        ("a.txt", "Herat", "fallen", "2021-08-13"),  # a day late
        ("a.txt", "kandahar", "fallen", dt.date(2021, 8, 13)),  # claimed called fallen
        ("a.txt", "Lashkar Gah", "contested", "2021-08-11"),
        ("a.txt", "Lashkar Gah", "contested", "2021-08-11"),  # a repeat is one fact
        ("b.txt", "Kabul", "contested", "2021-08-13"),  # wrong status
        ("c.txt", "Herat", "fallen", "2021-08-12"),  # article not annotated: ignored
    ])
    scores = evaluate(events, gold)
    assert (scores.exact.tp, scores.exact.fp, scores.exact.fn) == (1, 3, 3)
    assert (scores.within_day.tp, scores.within_day.fp) == (2, 2)
    assert scores.taken_exact.tp == 2  # Lashkar Gah + Kandahar once claimed == fallen
    assert scores.taken_within_day.tp == 3
    assert (scores.taken_only.tp, scores.taken_only.fp, scores.taken_only.fn) == (1, 1, 1)
    assert scores.by_status["government"] == PRF(0, 0, 1)
    assert scores.confusion[("government", "contested")] == 1
    assert scores.confusion[("claimed", "fallen")] == 1
    assert scores.date_errors == {0: 1, 1: 1}
    assert scores.articles == 2


def test_one_extracted_fact_matches_one_gold_fact(tmp_path: Path) -> None:
    rows = "a.txt,Herat,fallen,2021-08-12,\na.txt,Herat,fallen,2021-08-13,\n"
    gold = read_gold(_gold(tmp_path, rows))
    scores = evaluate(_events([("a.txt", "Herat", "fallen", "2021-08-12")]), gold)
    assert (scores.within_day.tp, scores.within_day.fn) == (1, 1)


def test_missed_and_spurious_places_in_confusion(gold: pd.DataFrame) -> None:
    events = _events([("a.txt", "Ghazni", "fallen", "2021-08-12")])
    scores = evaluate(events, gold)
    assert scores.confusion[("none", "fallen")] == 1
    assert scores.confusion[("fallen", "none")] == 1
    assert scores.exact.precision == 0.0 and scores.exact.recall == 0.0


def test_empty_dates_match_only_empty_dates(tmp_path: Path) -> None:
    gold = read_gold(_gold(tmp_path, "a.txt,Islam Qala,fallen,,\n"))
    assert evaluate(_events([("a.txt", "Islam Qala", "fallen", "")]), gold).exact.tp == 1
    dated = _events([("a.txt", "Islam Qala", "fallen", "2021-07-09")])
    assert evaluate(dated, gold).within_day.tp == 0


def test_report_lists_every_score(gold: pd.DataFrame) -> None:
    events = _events([("a.txt", "Herat", "fallen", "2021-08-12")])
    report = format_report(evaluate(events, gold))
    for label in ("exact date", "+-1 day", "fallen+claimed as one", "Confusion", "government"):
        assert label in report
    assert "1.000  0.250  0.400" in report  # P, R, F1 of the exact comparison


def test_no_events_at_all(gold: pd.DataFrame) -> None:
    scores = evaluate(pd.DataFrame(), gold)
    assert (scores.exact.tp, scores.exact.fp, scores.exact.fn) == (0, 0, 4)


def test_events_without_the_columns_are_refused(gold: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="lacks column"):
        evaluate(pd.DataFrame({"article": ["a.txt"], "place": ["Herat"]}), gold)


def test_read_gold_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text(GOLD_HEADER + "a.txt,Herat,fallen,2021-08-12,\n", encoding="utf-8-sig")
    assert read_gold(path)["article"].tolist() == ["a.txt"]
