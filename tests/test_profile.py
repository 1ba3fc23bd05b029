"""Conflict profiles: loading, errors, and the side names reaching rules, map and exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from test_reconcile import make_events, make_regions
from test_render import embedded

from controlmap._resources import data_path
from controlmap._rules import load_rules
from controlmap.cli import cli
from controlmap.errors import InputError
from controlmap.export import _MapDrawing
from controlmap.extract import extract_article
from controlmap.gazetteer import load_gazetteer
from controlmap.palette import DEFAULT, for_profile
from controlmap.pipeline import state_palette, timeline_from_csv, with_profile
from controlmap.profile import load_profile
from controlmap.reconcile import reconcile
from controlmap.records import Article, Timeline
from controlmap.render import _map_data
from controlmap.settings import Settings

# A made-up civil war fought over the bundled Afghan places, so that only the words change.
REBELS = """\
name = "Test civil war"
seats_of_government = ["Kabul"]
capitals = 34
date_range = ["2030-01-01", "2030-12-31"]

[sides.attacker]
label = "Rebels"
names = ["rebels", "rebel fighters", "the Front"]
color = "#AA0000"

[sides.defender]
label = "Army"
names = ["army"]
color = "#0000AA"

[data]
places = "{places}"
provinces = "{provinces}"
attribution = "Test layers"
"""


def _profile_text() -> str:
    return REBELS.format(places=data_path("places.csv"), provinces=data_path("provinces.geojson"))


@pytest.fixture
def rebels(tmp_path: Path) -> Path:
    folder = tmp_path / "rebels"
    folder.mkdir()
    (folder / "conflict.toml").write_text(_profile_text(), encoding="utf-8")
    return folder


def test_default_profile_is_afghanistan_and_keeps_the_default_palette() -> None:
    profile = load_profile()
    assert profile.name == "Afghanistan 2021"
    assert (profile.attacker.label, profile.defender.label) == ("Taliban", "Government")
    assert profile.seats_of_government == ("Kabul",)
    assert profile.capitals == 34
    assert profile.places.name == "places.csv" and profile.places.is_file()
    # Outputs stay byte-identical only if the bundled profile says what the code said.
    assert for_profile(profile) == DEFAULT


def test_a_profile_is_read_from_its_folder_or_its_file(rebels: Path) -> None:
    assert load_profile(rebels) == load_profile(rebels / "conflict.toml")
    profile = load_profile(rebels)
    assert profile.attacker.names == ("rebels", "rebel fighters", "the Front")
    assert profile.date_range == (dt.date(2030, 1, 1), dt.date(2030, 12, 31))
    assert profile.districts is None and profile.third is None


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('name = "Test civil war"\n', "", "'name'"),
        ("capitals = 34", 'capitals = "many"', "'capitals'"),
        ('label = "Rebels"\n', "", "'label'"),
        ('names = ["army"]', "names = []", "'sides.defender.names'"),
        ('date_range = ["2030-01-01", "2030-12-31"]', 'date_range = ["soon"]', "'date_range'"),
        ("[sides.attacker]", "[sides.invader]", "'sides.attacker'"),
    ],
)
def test_a_bad_profile_names_its_file_and_key(tmp_path: Path, old: str, new: str,
                                              key: str) -> None:
    text = _profile_text()
    assert old in text
    (tmp_path / "conflict.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=key) as caught:
        load_profile(tmp_path)
    assert "conflict.toml" in str(caught.value)


def test_a_profile_naming_a_missing_data_file_says_so(tmp_path: Path) -> None:
    text = _profile_text().replace(str(data_path("places.csv")), "nowhere.csv")
    (tmp_path / "conflict.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"'data.places'.*nowhere\.csv"):
        load_profile(tmp_path)


def test_unreadable_toml_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "conflict.toml").write_text("name = [", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the conflict profile"):
        load_profile(tmp_path)


@pytest.mark.parametrize(
    ("sentence", "conflict", "expected"),
    [
        # "retook" gives the place to its subject when the subject is the attacker
        ("The rebels retook Herat on Thursday.", "rebels", ("fallen", "Rebels")),
        ("Taliban fighters retook Herat on Thursday.", None, ("fallen", "Taliban")),
        # a side another conflict does not know retaking a place is a government hold
        ("The rebels retook Herat on Thursday.", None, ("government", "government")),
        ("Rebel fighters seized Herat on Thursday.", "rebels", ("fallen", "Rebels")),
    ],
)
def test_the_attackers_names_decide_who_took_a_place(
    rebels: Path, sentence: str, conflict: str | None, expected: tuple[str, str]
) -> None:
    rules = load_rules(profile=load_profile(rebels if conflict else None))
    article = Article(id="a.txt", text=sentence, published=dt.date(2030, 8, 14))
    events = extract_article(article, load_gazetteer(), rules=rules).events
    assert [(e.status, e.actor) for e in events if e.place == "Herat"] == [expected]


def test_the_profile_sets_seats_of_government_and_the_count_of_capitals(tmp_path: Path) -> None:
    text = _profile_text().replace('["Kabul"]', '["Herat"]').replace("capitals = 34",
                                                                      "capitals = 12")
    (tmp_path / "conflict.toml").write_text(text, encoding="utf-8")
    rules = load_rules(profile=load_profile(tmp_path))
    assert rules.seats_of_government == frozenset({"Herat"})
    assert rules.default_total == 12


def _timeline() -> Timeline:
    regions = make_regions({"AF-HER": "Herat", "AF-KAB": "Kabul", "AF-BAL": "Balkh"})
    events = make_events(
        {"region_id": "AF-HER", "status": "fallen", "date": "2030-08-12"},
        {"region_id": "AF-BAL", "status": "claimed", "date": "2030-08-13"},
    )
    return reconcile(events, regions)


def test_the_map_data_say_the_profiles_side_names(rebels: Path) -> None:
    styles = _map_data(_timeline(), "t", for_profile(load_profile(rebels)))["styles"]
    assert styles["taliban"] == {"color": "#AA0000", "label": "Rebels", "short": "Rebels",
                                 "hatched": False}
    assert styles["government"]["label"] == "Army"
    assert styles["claimed"]["label"] == "Claimed by Rebels (unconfirmed)"
    assert "Taliban" not in str(styles)


def test_the_png_legend_says_the_profiles_side_names(rebels: Path) -> None:
    timeline = _timeline()
    drawing = _MapDrawing(timeline, title="t", source="s",
                          palette=for_profile(load_profile(rebels)))
    drawing.show(timeline.days[-1])
    assert drawing._legend is not None
    texts = [t.get_text() for t in drawing._legend.get_texts()]
    assert any(t.startswith("Rebels") for t in texts)
    assert any(t.startswith("Army") for t in texts)
    assert not any("Taliban" in t for t in texts)


def test_settings_take_the_profiles_layers_unless_given(rebels: Path, tmp_path: Path) -> None:
    profile = load_profile(rebels)
    filled = with_profile(Settings(conflict=rebels))
    assert (filled.places, filled.boundaries) == (profile.places, profile.provinces.path)
    own = tmp_path / "own.csv"
    assert with_profile(Settings(conflict=rebels, places=own)).places == own
    assert with_profile(Settings()) == Settings()


UKRAINE = Path(__file__).resolve().parent.parent / "src/controlmap/conflicts/ukraine-2022"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples/ukraine-2022"


@pytest.fixture(scope="module")
def ukraine_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ukraine") / "out"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE / "corpus"), "--out", str(out),
                                      "--conflict", str(UKRAINE), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_the_ukraine_example_finds_every_gold_event(ukraine_build: Path) -> None:
    events = pd.read_csv(ukraine_build / "events.csv", dtype=str, keep_default_na=False)
    gold = pd.read_csv(EXAMPLE / "gold.csv", dtype=str)
    found = set(events[["article", "place", "status", "date"]].itertuples(index=False))
    assert found == set(gold.itertuples(index=False))
    actors = dict(zip(events["status"], events["actor"], strict=False))
    assert actors == {"fallen": "Russian forces", "contested": "Russian forces",
                      "government": "Ukrainian forces"}


def test_the_ukraine_map_says_its_sides_and_turns_kherson_twice(ukraine_build: Path) -> None:
    data = embedded((ukraine_build / "index.html").read_text(encoding="utf-8"))
    labels = {state: style["label"] for state, style in data["styles"].items()}
    assert labels == {"government": "Ukrainian forces", "contested": "Contested",
                      "claimed": "Claimed by Russian forces (unconfirmed)",
                      "taliban": "Russian forces"}
    assert "Taliban" not in json.dumps(data)
    timeline = pd.read_csv(ukraine_build / "timeline.csv", dtype=str)
    kherson = dict(zip(timeline.loc[timeline["region_id"] == "UA-65", "date"],
                       timeline.loc[timeline["region_id"] == "UA-65", "state"], strict=True))
    assert (kherson["2022-03-01"], kherson["2022-03-02"]) == ("government", "taliban")
    assert (kherson["2022-11-10"], kherson["2022-11-11"]) == ("taliban", "government")
    # a town is no regional capital: Zaporizhzhia stays with the defender after Melitopol
    assert set(timeline.loc[timeline["region_id"] == "UA-23", "state"]) == {"government"}


def test_the_ukraine_png_legend_says_its_sides(ukraine_build: Path) -> None:
    settings = Settings(conflict=UKRAINE)
    timeline = timeline_from_csv(ukraine_build / "events.csv", settings=settings)
    drawing = _MapDrawing(timeline, title="t", source="s", palette=state_palette(settings))
    drawing.show(dt.date(2022, 6, 1))
    assert drawing._legend is not None
    texts = [t.get_text() for t in drawing._legend.get_texts()]
    assert [t.split("  ")[0] for t in texts[:2]] == [
        "Russian forces", "Claimed by Russian\nforces (unconfirmed)",
    ]
    out = ukraine_build.parent / "map.png"
    result = CliRunner().invoke(cli, ["export-png", str(ukraine_build / "events.csv"),
                                      "--out", str(out), "--conflict", str(UKRAINE)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
