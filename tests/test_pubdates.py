"""Publication dates without a sidecar: only on evidence, with how sure each is.

Datelines and bylines as outlets write them, year-less dates given a year by the
rest of the corpus, URL dates, and the template a user fills in when dates stay
unknown. Every text here was written for these tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from controlmap import dates, pipeline
from controlmap.cli import cli
from controlmap.corpus import load_corpus
from controlmap.errors import UndatedError

D = dt.date


# --- datelines and bylines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "month", "day", "year"),
    [
        ("KABUL, Aug 13 (Wire) - Rebels took the pass.", 8, 13, None),
        ("MOSCOW, August 13. /AGENCY/. Rebels took the pass.", 8, 13, None),
        ("Kabul, Aug 14 (NEWS): Rebels took the pass.", 8, 14, None),
        ("Islamabad, Oct. 4, (dpa/Wire) - Rebels took the pass.", 10, 4, None),
        ("HERAT, July 8: Rebels took the pass.", 7, 8, None),
        ("Kabul [Afghanistan] September 5 (NEWS): Rebels took the pass.", 9, 5, None),
        ("Kabul, Aug 15 Rebels took the pass overnight.", 8, 15, None),
        ("KABUL (Daily News / Wire - 15th August, 2021) Rebels took the pass.", 8, 15, 2021),
    ],
)
def test_datelines_as_outlets_write_them(
    opening: str, month: int, day: int, year: int | None
) -> None:
    clues = dates.collect_clues(f"Rebels take the pass\n\n{opening}\n")
    assert [c for c in clues.dates if c.kind == "dateline"] == [
        dates.DateClue("dateline", month, day, year)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials said, August 13 was the hardest day.",  # no place before the date
        "The rebels took the pass on August 13 after a siege.",
    ],
)
def test_a_date_inside_prose_is_no_dateline(sentence: str) -> None:
    assert not [c for c in dates.collect_clues(sentence).dates if c.kind == "dateline"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("by Staff Writer, August 10, 2021", D(2021, 8, 10)),
        ("Jane Roe, Daily Wire, 26 August 2021", D(2021, 8, 26)),
        ("WIRE, AGENCY, Monday 16 Aug 2021", D(2021, 8, 16)),
        ("Kabul, the capital, fell in 2021", None),
    ],
)
def test_bylines_ending_in_a_date_are_date_lines(line: str, expected: D | None) -> None:
    assert dates.line_date(line) == expected


def test_weekday_with_its_date_in_parentheses() -> None:
    (mention,) = dates.find_dates("Rebels took the city on Wednesday (Aug 11), he said.",
                                  D(2021, 8, 12))
    assert (mention.text, mention.date) == ("Wednesday (Aug 11", D(2021, 8, 11))


# --- how sure a date is --------------------------------------------------------------------------


def test_a_dated_dateline_is_high() -> None:
    decided = dates.published_from_clues(dates.collect_clues(
        "KABUL, Aug. 13, 2021 (Wire) - Rebels took the pass on Thursday."))
    assert (decided.date, decided.basis, decided.confidence) == (
        D(2021, 8, 13), "dateline", "high")


def test_a_year_less_dateline_waits_for_the_corpus() -> None:
    clues = dates.collect_clues("KABUL, Aug 13 (Wire) - Rebels took the pass on Thursday.")
    alone = dates.published_from_clues(clues)
    assert alone.date is None and "dateline without a year" in alone.reason
    decided = dates.published_from_clues(clues, known=[D(2021, 8, 10), D(2021, 8, 16)])
    assert (decided.date, decided.confidence) == (D(2021, 8, 13), "medium")


def test_reported_weekdays_tell_adjacent_years_apart_for_a_dateline() -> None:
    # 4 October was a Monday in 2021 and a Tuesday in 2022: "late on Monday" and
    # "on Tuesday" are the two days before a 2022 report, a week apart in 2021.
    clues = dates.collect_clues("Islamabad, Oct. 4, (Wire) - The group said late on Monday "
                                "that it took the district. Fighting went on on Tuesday.")
    decided = dates.published_from_clues(clues, known=[D(2021, 9, 5), D(2022, 5, 7)])
    assert decided.date == D(2022, 10, 4)


def test_a_year_less_date_needs_a_vouching_weekday_to_take_the_corpus_year() -> None:
    vouched = dates.collect_clues("Rebels entered the capital today, Sunday, August 15.")
    assert dates.published_from_clues(vouched, known=[D(2021, 8, 13)]).date == D(2021, 8, 15)
    recap = dates.collect_clues("Since the fall of the capital on August 15, rebels have "
                                "regrouped. On Monday they attacked a valley.")
    assert dates.published_from_clues(recap, known=[D(2021, 8, 13)]).date is None
    # 15 August was a Monday in 2022, but the corpus is about 2021.
    known = [D(2021, 8, 13), D(2021, 8, 20), D(2022, 10, 1)]
    assert dates.published_from_clues(recap, known=known).date is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/world/2021/08/13/rebels-take-pass", D(2021, 8, 13)),
        ("https://news.example/2021-08-13/rebels-take-pass", D(2021, 8, 13)),
        ("https://news.example/story_20210813_rebels.html", D(2021, 8, 13)),
        ("https://news.example/archives/2021/8/3/2003757342", D(2021, 8, 3)),
        ("https://news.example/story/2003757342", None),  # an id, not a date
        ("https://news.example/2021/13/45/", None),
        ("", None),
    ],
)
def test_url_dates(url: str, expected: D | None) -> None:
    assert dates.url_date(url) == expected


# --- the corpus ----------------------------------------------------------------------------------


def test_url_date_in_the_sidecar_dates_the_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Rebels took the pass on Friday.\n", encoding="utf-8")
    (tmp_path / "articles.csv").write_text(
        "file,url\na.txt,https://news.example/2021/08/14/pass\n", encoding="utf-8")
    (article,) = load_corpus(tmp_path)
    assert (article.published, article.published_source, article.published_confidence) == (
        D(2021, 8, 14), "url", "high")


def test_url_date_in_a_jsonl_record_dates_the_line(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"text": "Rebels took the pass on Friday.",
                    "url": "https://news.example/2021/08/14/pass"}) + "\n", encoding="utf-8")
    (article,) = load_corpus(tmp_path)
    assert (article.published, article.published_source) == (D(2021, 8, 14), "url")


def test_page_date_inside_the_corpus_period_is_kept(tmp_path: Path) -> None:
    for name, day in (("a.txt", "Aug. 12, 2021"), ("c.txt", "Oct. 4, 2022")):
        (tmp_path / name).write_text(
            f"Pass taken\n\nKABUL, {day} (Wire) - Rebels took the pass.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Rebels return\n\nMay 7, 2022\n\nRebels took back a valley on Friday.\n",
        encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    assert (articles["b.txt"].published, articles["b.txt"].published_confidence) == (
        D(2022, 5, 7), "medium")


def test_year_less_datelines_take_the_year_of_the_dated_articles(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Pass taken\n\nKABUL, Aug. 12, 2021 (Wire) - Rebels took the pass.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Port taken\n\nKABUL, Aug 14 (Wire) - Rebels took the port on Friday.\n",
        encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    b = articles["b.txt"]
    assert (b.published, b.published_source, b.published_confidence) == (
        D(2021, 8, 14), "text", "medium")
    assert b.problems == ()


def test_explicitly_dated_events_of_dated_articles_date_weekday_only_ones(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text(
        "Two towns fall\n\nKABUL, Aug. 14, 2021 (Wire) - Militias took Dunmore on "
        "August 12 and Corvale on August 13, officials said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Two towns fall\n\nMilitias took Dunmore on Thursday. Corvale fell on Friday.\n",
        encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    # 12 and 13 August 2021 were a Thursday and a Friday.
    assert (articles["b.txt"].published, articles["b.txt"].published_source) == (
        D(2021, 8, 13), "corpus")


def test_a_scrape_date_gives_no_year_to_datelines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "vineri, 19 aprilie 2024 - 7:26\nRebels shelled the pass on Friday.\n",
        encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "KABUL, Aug. 12, 2021 (Wire) - Rebels took the port.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(
        "KABUL, April 19 (Wire) - Rebels took the pass on Thursday.\n", encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    # 19 April 2024 was a Friday, with Thursday the day before; but 2024 is only
    # the page's header, and the corpus's sure dates are of 2021.
    assert articles["c.txt"].published == D(2021, 4, 19)
    assert articles["a.txt"].published is None


# --- the template and the build ------------------------------------------------------------------


def _corpus(folder: Path, *, dated: bool) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Rebels take the city\n\nThe Taliban captured Ghazni on Thursday, officials said.\n",
        encoding="utf-8")
    if dated:
        (folder / "b.txt").write_text(
            "Rebels take the city\n\nKABUL, Aug. 13, 2021 (Wire) - The Taliban captured "
            "Herat on Thursday, officials said.\n", encoding="utf-8")
    return folder


def test_build_writes_a_template_for_the_unknown_dates(tmp_path: Path) -> None:
    result = pipeline.build(_corpus(tmp_path / "corpus", dated=True), tmp_path / "out")
    template = tmp_path / "out" / pipeline.DATE_TEMPLATE
    with template.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows == [{"file": "a.txt", "published": "", "url": "", "outlet": "",
                     "title": "Rebels take the city"}]
    with (tmp_path / "out" / "articles.csv").open(encoding="utf-8", newline="") as stream:
        articles = {r["file"]: r for r in csv.DictReader(stream)}
    assert articles["a.txt"]["problems"].startswith("publication date unknown (")
    assert (articles["b.txt"]["published"], articles["b.txt"]["published_confidence"]) == (
        "2021-08-13", "high")
    assert result.timeline.days  # Herat's fall is dated: there is a map
    # Once every date is given, the template goes.
    (tmp_path / "corpus" / "articles.csv").write_text("file,published\na.txt,2021-08-13\n",
                                                      encoding="utf-8")
    pipeline.build(tmp_path / "corpus", tmp_path / "out")
    assert not template.exists()


def test_a_corpus_without_any_date_names_the_template(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", dated=False)
    with pytest.raises(UndatedError, match=r"articles\.template\.csv"):
        pipeline.build(corpus, tmp_path / "out")
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 1, result.output
    assert "no map" in result.output and "articles.template.csv" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "cli" / "articles.csv").is_file()


def test_the_cli_says_how_to_give_missing_dates(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", dated=True)
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 article(s) have no sure publication date" in result.output
    assert str(tmp_path / "out" / "articles.template.csv") in result.output
    assert str(corpus / "articles.csv") in result.output
