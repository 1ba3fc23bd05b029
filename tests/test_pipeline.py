"""The whole pipeline on the sample articles and on hostile input."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest

import controlmap
from controlmap.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ("index.html", "embed.html", "events.csv", "articles.csv", "counts.csv",
           "unresolved.csv", "timeline.csv", "timeline.geojson", "timeline_runs.geojson",
           "timeline.gpkg", "timeline.parquet")


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> controlmap.BuildResult:
    return controlmap.build(ROOT / "seeds", out=tmp_path_factory.mktemp("seeds"))


def test_every_region_has_one_state_per_day(seeds_build: controlmap.BuildResult) -> None:
    timeline = pd.read_csv(seeds_build.out / "timeline.csv", dtype=str, keep_default_na=False)
    days = seeds_build.timeline.days
    assert len(timeline) == len(days) * 34
    assert timeline.groupby("date")["region_id"].nunique().eq(34).all()
    assert set(timeline["state"]) <= {"government", "contested", "claimed", "taliban"}
    assert days == tuple(sorted(days))
    assert all((b - a).days == 1 for a, b in itertools.pairwise(days))


def test_kabul_stays_with_the_government(seeds_build: controlmap.BuildResult) -> None:
    events = pd.read_csv(seeds_build.out / "events.csv", dtype=str, keep_default_na=False)
    kabul = events[events["place"] == "Kabul"]
    assert set(kabul["status"]) <= {"government"}
    timeline = pd.read_csv(seeds_build.out / "timeline.csv", dtype=str, keep_default_na=False)
    assert set(timeline.loc[timeline["region_id"] == "AF-KAB", "state"]) == {"government"}


def test_herat_is_taliban_by_the_last_day(seeds_build: controlmap.BuildResult) -> None:
    states = seeds_build.timeline.states
    last = states[states["date"] == seeds_build.timeline.days[-1]]
    assert last.set_index("region_id").loc["AF-HER", "state"] == "taliban"
    first = states[states["date"] == seeds_build.timeline.days[0]]
    assert first.set_index("region_id").loc["AF-HER", "state"] == "government"


def test_every_coloured_region_day_has_evidence(seeds_build: controlmap.BuildResult) -> None:
    states = seeds_build.timeline.states
    moved = states[states["state"] != "government"]
    assert len(moved) > 0
    assert (moved["events"].astype(str).str.len() > 0).all()


def test_timeline_rows_point_at_their_events_in_events_csv(
    seeds_build: controlmap.BuildResult,
) -> None:
    events = pd.read_csv(seeds_build.out / "events.csv", dtype=str, keep_default_na=False)
    timeline = pd.read_csv(seeds_build.out / "timeline.csv", dtype=str, keep_default_na=False)
    taliban = timeline[timeline["state"] == "taliban"]
    assert len(taliban) > 0
    for row in taliban.itertuples():
        cited = events.iloc[[int(i) for i in row.events.split(";")]]
        assert set(cited["region_id"]) == {row.region_id}
        assert "fallen" in set(cited["status"]) or "claimed" in set(cited["status"])
        assert (cited["date"] <= row.date).all()


def test_the_articles_table_lists_every_seed(seeds_build: controlmap.BuildResult) -> None:
    articles = pd.read_csv(seeds_build.out / "articles.csv", dtype=str, keep_default_na=False)
    assert sorted(articles["file"]) == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert (articles["published"].str.startswith("2021-08")).all()
    assert (articles["events"].astype(int) > 0).all()


def test_the_same_corpus_gives_byte_identical_outputs(
    seeds_build: controlmap.BuildResult, tmp_path: Path
) -> None:
    again = controlmap.build(ROOT / "seeds", out=tmp_path)
    for name in OUTPUTS:
        assert (again.out / name).read_bytes() == (seeds_build.out / name).read_bytes(), name


def test_a_date_range_and_a_baseline_are_applied(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    baseline.write_text("region_id,state\nAF-PAN,contested\n", encoding="utf-8")
    settings = controlmap.Settings(start=dt.date(2021, 8, 1), end=dt.date(2021, 8, 20),
                                   baseline=baseline)
    result = controlmap.build(ROOT / "seeds", out=tmp_path / "out", settings=settings)
    assert result.timeline.days[0] == dt.date(2021, 8, 1)
    assert result.timeline.days[-1] == dt.date(2021, 8, 20)
    first = result.timeline.states[result.timeline.states["date"] == dt.date(2021, 8, 1)]
    assert first.set_index("region_id").loc["AF-PAN", "state"] == "contested"


def test_bad_files_are_reported_and_the_rest_is_processed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "report.txt").write_text(
        "Published August 14, 2021\n\nThe Taliban captured Gardez, the capital of Paktia "
        "province, on Saturday, a provincial council member said.\n",
        encoding="utf-8",
    )
    result = controlmap.build(corpus, out=tmp_path / "out")
    named = {p.file for p in result.problems}
    assert {"empty.txt", "binary.txt"} <= named
    articles = pd.read_csv(tmp_path / "out" / "articles.csv", dtype=str, keep_default_na=False)
    assert set(articles["file"]) == {"empty.txt", "binary.txt", "report.txt"}
    assert articles.set_index("file").loc["binary.txt", "problems"] != ""
    events = pd.read_csv(tmp_path / "out" / "events.csv", dtype=str, keep_default_na=False)
    gardez = events[events["place"] == "Gardez"]
    assert list(gardez["status"]) == ["fallen"]
    assert list(gardez["date"]) == ["2021-08-14"]


def test_a_bad_baseline_names_the_file(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    baseline.write_text("region_id,state\nAF-HER,occupied\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"baseline\.csv"):
        controlmap.build(ROOT / "seeds", out=tmp_path / "out",
                         settings=controlmap.Settings(baseline=baseline))


def test_extraction_keeps_no_article_text() -> None:
    from controlmap.pipeline import run_extraction

    extractions, _problems = run_extraction(ROOT / "seeds")
    assert len(extractions) == 5
    assert all(x.article.text == "" and x.article.title for x in extractions)
    assert sum(len(x.events) for x in extractions) > 20


def test_the_map_credits_its_data_layers(
    seeds_build: controlmap.BuildResult, tmp_path: Path
) -> None:
    from test_render import embedded

    data = embedded(seeds_build.index.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["attribution"] and "GeoNames" in data["attribution"]
    layer = tmp_path / "my-districts.geojson"
    layer.write_text((ROOT / "data" / "provinces.geojson").read_text("utf-8"), "utf-8")
    other = controlmap.build(ROOT / "seeds", out=tmp_path / "out",
                             settings=controlmap.Settings(boundaries=layer))
    credit = embedded(other.index.read_text(encoding="utf-8"))["attribution"]
    assert "my-districts.geojson" in credit and "Natural Earth" not in credit


def test_a_corpus_without_articles_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"No article to read in .*empty.*\.txt"):
        controlmap.build(tmp_path / "empty", out=tmp_path / "out")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "noise.txt").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"noise\.txt"):
        controlmap.build(tmp_path / "bad", out=tmp_path / "out")
