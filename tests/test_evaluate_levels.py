"""Scoring by level against gold in the development-set format (``file``, ``gold_events``).

A made-up province "Alpha" (AF-ALP) with its capital Alphaville and two districts,
North (which holds the capital) and South, whose centre is the town Southgate
(also spelt "Sowthgate").
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from controlmap.errors import InputError
from controlmap.evaluate import (
    LevelScores,
    evaluate_levels,
    format_level_report,
    is_index_gold,
    read_index_gold,
)
from controlmap.gazetteer import PLACE_COLUMNS, Gazetteer

DISTRICTS = gpd.GeoDataFrame(
    {"region_id": ["D-N", "D-S"], "region": ["North", "South"],
     "province_id": ["AF-ALP", "AF-ALP"]},
    geometry=[box(60, 34, 61, 35), box(60, 33, 61, 34)], crs="EPSG:4326",
)


def _gazetteer() -> Gazetteer:
    rows = [
        ("AF-ALP", "Alpha", "province", 34.0, 60.5, ""),
        ("P1", "Alphaville", "capital", 34.5, 60.5, "Alfaville"),
        ("P2", "South", "district", 33.5, 60.5, "Sowth"),
        ("P3", "Southgate", "town", 33.4, 60.4, "Sowthgate"),
    ]
    table = pd.DataFrame(
        [{"place_id": pid, "name": name, "kind": kind, "province_id": "AF-ALP",
          "province": "Alpha", "lat": lat, "lon": lon, "population": 0, "aliases": aliases}
         for pid, name, kind, lat, lon, aliases in rows],
        columns=PLACE_COLUMNS,
    )
    return Gazetteer(table)


def _index(tmp_path: Path, rows: dict[str, str]) -> Path:
    path = tmp_path / "index.csv"
    lines = ["file,url,outlet,published,gold_events"]
    lines += [f'{file},,,,"{events}"' for file, events in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _event(article: str, place: str, kind: str, status: str, date: str,
           lat: float = 34.5, lon: float = 60.5) -> dict[str, object]:
    return {"article": article, "place": place, "kind": kind, "province_id": "AF-ALP",
            "status": status, "date": date, "lat": lat, "lon": lon}


def _score(tmp_path: Path, gold: dict[str, str], events: list[dict[str, object]],
           corpus: list[str] | None = None) -> LevelScores:
    return evaluate_levels(pd.DataFrame(events), read_index_gold(_index(tmp_path, gold)),
                           gazetteer=_gazetteer(), districts=DISTRICTS, corpus_articles=corpus)


def test_capitals_match_by_province_and_status_class(tmp_path: Path) -> None:
    gold = {"a.txt": "Alfaville|Alpha|2021-08-10|fallen;Alphaville|Alpha||government"}
    events = [_event("a.txt", "Alphaville", "capital", "claimed", "2021-08-11"),
              _event("a.txt", "Alpha", "province", "government", "2021-08-02")]
    scores = _score(tmp_path, gold, events)
    assert (scores.precision, scores.recall) == (1.0, 1.0)
    assert scores.exact_dates == (0, 1)
    assert scores.recall_by_level["capital"] == (2, 2)


def test_dates_more_than_a_day_apart_miss(tmp_path: Path) -> None:
    scores = _score(tmp_path, {"a.txt": "Alphaville|Alpha|2021-08-10|fallen"},
                    [_event("a.txt", "Alphaville", "capital", "fallen", "2021-08-12")])
    assert scores.recall == 0.0
    assert scores.precision == 1.0  # as score.py: precision compares keys, not dates
    assert scores.missed == ("a.txt: Alphaville taken 2021-08-10",)


def test_districts_match_by_polygon_and_other_places_by_province(tmp_path: Path) -> None:
    gold = {"a.txt": "Sowth|Alpha|2021-06-01|fallen;Southgate|Alpha|2021-06-02|contested"}
    events = [
        _event("a.txt", "South", "district", "fallen", "2021-06-01", lat=33.5),
        # a town of the district: matches the gold place that is no district
        _event("a.txt", "Southgate", "town", "contested", "2021-06-02", lat=33.4, lon=60.4),
        # right status, wrong district: spurious
        _event("a.txt", "Northtown", "town", "fallen", "2021-06-01", lat=34.9),
    ]
    scores = _score(tmp_path, gold, events)
    assert scores.recall == 1.0
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.spurious == ("a.txt: district D-N taken",)


def test_unknown_places_and_missing_articles_are_named(tmp_path: Path) -> None:
    gold = {"a.txt": "Nowhere Pass|Alpha||fallen", "gone.txt": "Alphaville|Alpha||fallen",
            "quiet.txt": ""}
    scores = _score(tmp_path, gold, [], corpus=["a.txt", "quiet.txt"])
    assert scores.unknown_places == ("a.txt: Nowhere Pass (Alpha)",)
    assert scores.missing_articles == ("gone.txt",)
    report = format_level_report(scores, show=5)
    assert "Nowhere Pass" in report and "gone.txt" in report and "missed:" in report


def test_events_of_articles_outside_the_gold_are_ignored(tmp_path: Path) -> None:
    scores = _score(tmp_path, {"a.txt": "Alphaville|Alpha||fallen"},
                    [_event("a.txt", "Alphaville", "capital", "fallen", ""),
                     _event("other.txt", "Alphaville", "capital", "government", "")])
    assert (scores.precision, scores.recall, scores.predicted) == (1.0, 1.0, 1)


def test_format_detection_and_malformed_entries(tmp_path: Path) -> None:
    good = _index(tmp_path, {"a.txt": "Alphaville|Alpha||fallen"})
    assert is_index_gold(good)
    legacy = tmp_path / "gold.csv"
    legacy.write_text("article,place,status,date\n", encoding="utf-8")
    assert not is_index_gold(legacy)
    bad = _index(tmp_path, {"a.txt": "Alphaville|Alpha|14 Aug|fallen;Alphaville|Alpha||taken"})
    with pytest.raises(InputError, match=r"index.csv:2: .*14 Aug.*\n.*'taken'"):
        read_index_gold(bad)


def test_cli_scores_a_gold_index_with_the_bundled_layers(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from controlmap.cli import cli

    events = tmp_path / "events.csv"
    pd.DataFrame([
        {"article": "a.txt", "place": "Maymana", "kind": "capital", "province_id": "AF-FYB",
         "status": "fallen", "date": "2021-08-14", "lat": 35.92, "lon": 64.78},
        {"article": "a.txt", "place": "Maywand", "kind": "district", "province_id": "AF-KAN",
         "status": "contested", "date": "2021-07-01", "lat": "", "lon": ""},
    ]).to_csv(events, index=False)
    (tmp_path / "articles.csv").write_text("file\na.txt\n", encoding="utf-8")
    gold = _index(tmp_path, {
        "a.txt": "Maimana|Faryab|2021-08-13|claimed;Maiwand|Kandahar|2021-07-01|contested",
        "b.txt": "Herat|Herat|2021-08-12|fallen",
    })
    result = CliRunner().invoke(cli, ["evaluate", str(events), str(gold), "--show", "5"])
    assert result.exit_code == 0, result.output
    # Maimana is an alias of the capital Maymana; Maiwand of the district Maywand, which
    # the event without coordinates cannot be placed in: one match of three.
    assert "recall at capital level: 1/2" in result.output
    assert "recall at district level: 0/1" in result.output
    assert "gold articles missing from the corpus (1): b.txt" in result.output


def test_cli_resolves_aliases_in_a_gold_table(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from controlmap.cli import cli

    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(cli, ["extract", str(_seed_like(tmp_path)), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    events = tmp_path / "out" / "events.csv"
    gold = tmp_path / "gold.csv"
    gold.write_text("article,place,status,date\nwire.txt,Maimana,fallen,2021-08-14\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(events), str(gold)])
    assert result.exit_code == 0, result.output
    exact = next(line for line in result.output.splitlines() if "exact date" in line)
    assert exact.split()[-3:] == ["1", "0", "0"]  # TP FP FN


def _seed_like(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.txt").write_text(
        "Maymana falls\n\nThe Taliban captured Maymana on Saturday, officials said.\n",
        encoding="utf-8")
    (corpus / "articles.csv").write_text("file,published\nwire.txt,2021-08-15\n",
                                         encoding="utf-8")
    return corpus
