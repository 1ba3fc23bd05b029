"""The bundled district layer, the districts in the gazetteer, and the district map."""

from __future__ import annotations

import functools
import importlib.util
import json
import statistics
import sys
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from controlmap._resources import data_path
from controlmap.cli import cli
from controlmap.errors import InputError
from controlmap.gazetteer import Gazetteer, load_gazetteer, name_key
from controlmap.geocode import assign_regions, load_regions

ROOT = Path(__file__).resolve().parent.parent
# The shared folder beside the clone (or beside the folder of git worktrees).
SOURCE = next(
    (path for path in (ROOT.parent / "shared" / "geo" / "af_adm2_geoboundaries.geojson",
                       ROOT.parent.parent / "shared" / "geo" / "af_adm2_geoboundaries.geojson")
     if path.exists()),
    ROOT.parent / "shared" / "geo" / "af_adm2_geoboundaries.geojson",
)


@functools.cache
def _script(name: str) -> ModuleType:
    """A build script from geo/ imported as a module (registered, as its dataclasses need)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "geo" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return load_regions(level="districts")


@pytest.fixture(scope="module")
def properties() -> dict[str, dict[str, str]]:
    collection = json.loads(data_path("districts.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f["properties"] for f in collection["features"]}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


# --- the layer -----------------------------------------------------------------------------


def test_398_valid_districts_with_their_province(
    districts: gpd.GeoDataFrame, properties: dict[str, dict[str, str]]
) -> None:
    assert len(districts) == 398
    assert districts.geometry.is_valid.all()
    assert districts.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    provinces = load_regions().set_index("region_id")["region"]
    for region_id, props in properties.items():
        assert set(props) == {"id", "name", "province_id", "province", "gb_shapeID"}
        assert region_id.startswith(props["province_id"] + "-")
        assert props["province"] == provinces[props["province_id"]]
        assert props["name"] == props["name"].strip() and "  " not in props["name"]
    assert {p["province_id"] for p in properties.values()} == set(provinces.index)


def test_districts_share_borders_without_gaps_or_overlaps(districts: gpd.GeoDataFrame) -> None:
    geometries = list(districts.geometry)
    assert shapely.coverage_is_valid(geometries)
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    assert len(pairs) > 398  # a connected map: many shared borders
    assert max(geometries[i].intersection(geometries[j]).area for i, j in pairs) < 1e-9
    union = shapely.union_all(geometries)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0


def test_every_district_lies_in_its_province(
    districts: gpd.GeoDataFrame, properties: dict[str, dict[str, str]]
) -> None:
    # geoBoundaries and Natural Earth draw province borders apart by a few km, so a
    # small district on such a border has only part of its area in the Natural
    # Earth province; most of every district and almost all of most are inside.
    provinces = load_regions().set_index("region_id").geometry
    shares = [
        row.geometry.intersection(provinces[properties[row.region_id]["province_id"]]).area
        / row.geometry.area
        for row in districts.itertuples()
    ]
    assert min(shares) > 0.45
    assert statistics.median(shares) > 0.97
    country = shapely.union_all(list(provinces))
    union = shapely.union_all(list(districts.geometry))
    assert union.symmetric_difference(country).area / country.area < 0.02


def test_file_stays_small() -> None:
    assert data_path("districts.geojson").stat().st_size < 500_000


def test_unknown_level_is_an_input_error() -> None:
    with pytest.raises(InputError, match="counties"):
        load_regions(level="counties")


@pytest.mark.parametrize(
    ("raw", "name", "region_id"),
    [
        ("Qala-I- Naw", "Qala-i-Naw", "AF-BDG-qala-i-naw"),
        ("Khost(Matun)", "Khost (Matun)", "AF-KHO-khost-matun"),
        ("Sia Gird ( Ghorbund)", "Sia Gird (Ghorbund)", "AF-PAR-sia-gird-ghorbund"),
        ("Zanda  Jan\n", "Zanda Jan", "AF-HER-zanda-jan"),
        ("Shaygal wa shital", "Shaygal wa Shital", "AF-KNR-shaygal-wa-shital"),
        ("Khenj (Hese- Awal)", "Khenj (Hese-Awal)", "AF-PAN-khenj-hese-awal"),
    ],
)
def test_names_are_tidied_into_stable_ids(raw: str, name: str, region_id: str) -> None:
    build = _script("build_districts")
    assert build.clean_name(raw) == name
    assert build.district_id(region_id[:6], name) == region_id


def test_serialisation_is_deterministic() -> None:
    build = _script("build_districts")
    square = shapely.box(0.0, 0.0, 1.0, 1.0)
    a = build.District("AF-AAA-a", "A", "AF-AAA", "Aaa", "1", square)
    b = build.District("AF-AAA-b", "B", "AF-AAA", "Aaa", "2", shapely.box(1.0, 0.0, 2.0, 1.0))
    assert build.to_geojson([a, b]) == build.to_geojson([b, a])
    assert [f["properties"]["id"] for f in json.loads(build.to_geojson([b, a]))["features"]] == [
        "AF-AAA-a", "AF-AAA-b",
    ]


@pytest.mark.skipif(not SOURCE.exists(), reason=f"the geoBoundaries source is not at {SOURCE}")
def test_rebuild_reproduces_the_committed_file() -> None:
    build = _script("build_districts")
    text = build.build(SOURCE, data_path("provinces.geojson"))
    assert text == data_path("districts.geojson").read_text(encoding="utf-8")


# --- districts in the gazetteer ------------------------------------------------------------


def test_every_district_is_a_place_or_has_one_at_its_centre(
    districts: gpd.GeoDataFrame, gazetteer: Gazetteer
) -> None:
    places = gazetteer.places
    rows = places[places["kind"] == "district"]
    assert set(rows["place_id"]) <= set(districts["region_id"])
    joined = assign_regions(places, districts, tolerance=1e-9)
    centres = joined[joined["kind"].isin(["capital", "border_crossing", "base"])]
    covered = set(rows["place_id"]) | set(centres["region_id"]) - {""}  # crossings on the border
    assert covered == set(districts["region_id"])
    # Each district's point lies in its own district and in its own province.
    located = joined[joined["kind"] == "district"]
    assert (located["region_id"] == located["place_id"]).all()
    assert (located["province_id"] == located["place_id"].str[:6]).all()


def test_every_capital_is_the_centre_of_its_district(
    districts: gpd.GeoDataFrame, gazetteer: Gazetteer
) -> None:
    capitals = gazetteer.places[gazetteer.places["kind"] == "capital"]
    joined = assign_regions(capitals, districts, tolerance=1e-9)
    assert (joined["region_id"].str[:6] == joined["province_id"]).all()
    assert joined["region_id"].is_unique


@pytest.mark.skipif(not SOURCE.exists(), reason=f"the geoBoundaries source is not at {SOURCE}")
def test_district_points_lie_in_the_unsimplified_district(gazetteer: Gazetteer) -> None:
    # What a scorer with the source layer checks: the point is in the right district.
    build = _script("build_districts")
    features = json.loads(SOURCE.read_text(encoding="utf-8"))["features"]
    source = gpd.GeoDataFrame(
        {"region_id": [build.district_id(f["properties"]["adm1_iso"],
                                         build.clean_name(f["properties"]["name"]))
                       for f in features],
         "region": [f["properties"]["name"] for f in features]},
        geometry=[shapely.geometry.shape(f["geometry"]) for f in features], crs="EPSG:4326",
    )
    rows = gazetteer.places[gazetteer.places["kind"] == "district"]
    joined = assign_regions(rows, source, tolerance=1e-9)
    assert (joined["region_id"] == joined["place_id"]).all()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Maywand", ["Maiwand"]),
        ("Panjwayi", ["Panjwai"]),
        ("Nirkh", ["Nerkh"]),
        ("Puli Hisar", ["Pul E Hisar", "Pul I Hisar", "Pule Hisar", "Puli Hesar"]),
        ("Naw Zad", ["Nawzad", "Nauzad", "Now Zad"]),
        ("Dih Salah", ["Deh Salah", "Deh E Salah", "Dih Saleh"]),
        ("Khanabad", ["Khan Abad"]),
        ("Jaghuri", ["Jaghori"]),
        ("Mosa Khail", ["Musa Khail", "Mosa Khel"]),
        ("Du Ab", ["Doab", "Do Ab"]),
        ("Pusht Rod", ["Posht Road", "Pusht Rud", "Pusht E Rod"]),
    ],
)
def test_spelling_variants(name: str, expected: list[str]) -> None:
    variants = _script("build_places").spelling_variants(name)
    for spelling in expected:
        assert spelling in variants
    assert name not in variants


def test_short_names_get_no_variants() -> None:
    assert _script("build_places").spelling_variants("Kama") == []


@pytest.mark.parametrize(
    ("name", "parts"),
    [("Ali Khail (Jaji)", ["Ali Khail (Jaji)", "Ali Khail", "Jaji"]), ("Maywand", ["Maywand"])],
)
def test_name_parts(name: str, parts: list[str]) -> None:
    assert _script("build_places").name_parts(name) == parts


def test_no_district_key_is_a_word_the_tables_drop(gazetteer: Gazetteer) -> None:
    curated = pd.read_csv(ROOT / "geo" / "aliases.csv", dtype=str, keep_default_na=False)
    dropped = {name_key(d) for cell in curated["drop"] for d in cell.split("|") if d}
    rows = gazetteer.places[gazetteer.places["kind"] == "district"]
    for row in rows.itertuples():
        for spelling in [row.name, *filter(None, row.aliases.split("|"))]:
            assert name_key(spelling) not in dropped, (row.name, spelling)


# --- the district map ----------------------------------------------------------------------


def test_build_seeds_on_the_district_map(tmp_path: Path) -> None:
    # 120 days, the length of the offensive's district phase: the map stays under 1 MB.
    out = tmp_path / "districts"
    result = CliRunner().invoke(
        cli,
        ["-q", "build", str(ROOT / "seeds"), "--regions", "districts", "--out", str(out),
         "--start", "2021-05-01", "--end", "2021-08-28"],
    )
    assert result.exit_code in (0, 1), result.output
    assert (out / "index.html").stat().st_size < 1_000_000
    timeline = pd.read_csv(out / "timeline.csv", dtype=str, keep_default_na=False)
    assert timeline["date"].nunique() == 120
    assert timeline["region_id"].nunique() == 398
    events = pd.read_csv(out / "events.csv", dtype=str, keep_default_na=False)
    placed = events[events["region_id"] != ""]
    assert len(placed) > 0
    assert placed["region_id"].str.match(r"^AF-[A-Z]{3}-[a-z0-9-]+$").all()
    # A capital's events are in the district that holds it.
    kandahar = placed[placed["place"] == "Kandahar"]
    assert set(kandahar["region_id"]) <= {"AF-KAN-kandahar"}
    assert "geoBoundaries" in (out / "index.html").read_text(encoding="utf-8")
