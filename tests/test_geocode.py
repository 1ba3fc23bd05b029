"""Offline geocoding, the opt-in cached fallback, and points to regions."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from shapely.geometry import Point, box

from controlmap._resources import data_path
from controlmap.errors import DataError, GeocodingError, InputError
from controlmap.gazetteer import load_gazetteer
from controlmap.geocode import (
    CachedGeocoder,
    OfflineGeocoder,
    assign_regions,
    load_regions,
)


class FakeGeocoder(Geocoder):  # type: ignore[misc]
    """Stands in for Nominatim: answers from a dict and counts the questions."""

    def __init__(self, answers: dict[str, tuple[float, float]]) -> None:
        super().__init__()
        self.answers = answers
        self.queries: list[str] = []

    def geocode(self, query: str, **_: Any) -> Location | None:
        self.queries.append(query)
        if query == "explode":
            raise GeocoderServiceError("service down")
        if query not in self.answers:
            return None
        return Location(f"{query}, Somewhere", self.answers[query], {"osm_id": 1})


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    return load_regions()


def test_offline_geocode_returns_a_geopy_location() -> None:
    location = OfflineGeocoder().geocode("Mazār-e Sharīf")
    assert isinstance(location, Location)
    assert location.address == "Mazar-i-Sharif"
    assert location.raw["province_id"] == "AF-BAL"
    assert location.raw["kind"] == "capital"
    assert (location.latitude, location.longitude) == (
        location.raw["lat"], location.raw["lon"]
    )
    json.dumps(location.raw)  # plain values only: callers may serialise it


def test_offline_geocode_spellings_and_list_form() -> None:
    geocoder = OfflineGeocoder()
    first = geocoder.geocode("Firuz Koh")
    second = geocoder.geocode("CHAGHCHARAN", exactly_one=False)
    assert isinstance(first, Location) and isinstance(second, list)
    assert second[0].raw["place_id"] == first.raw["place_id"]
    assert first.raw["province_id"] == "AF-GHO"


@pytest.mark.parametrize(
    ("query", "name", "province"),
    [("Maiwand", "Maywand", "AF-KAN"), ("Arghandab, Zabul", "Arghandab", "AF-ZAB"),
     ("Arghandab, Kandahar province, Afghanistan", "Arghandab", "AF-KAN"),
     ("Fayzabad, Jowzjan", "Fayzabad", "AF-JOW"), ("Fayzabad, Badakhshan", "Faizabad", "AF-BDS"),
     ("Pul-e Hisar, Baghlan", "Puli Hisar", "AF-BGL")],
)
def test_offline_geocode_districts_and_the_province_after_a_comma(
    query: str, name: str, province: str
) -> None:
    location = OfflineGeocoder().geocode(query)
    assert isinstance(location, Location), query
    assert (location.address, location.raw["province_id"]) == (name, province)


def test_unknown_name_is_none_not_an_error() -> None:
    assert OfflineGeocoder().geocode("Atlantis") is None


def test_reverse_is_not_offered() -> None:
    with pytest.raises(NotImplementedError):
        OfflineGeocoder().reverse((34.5, 69.2))


def test_fallback_only_for_names_the_gazetteer_lacks(tmp_path: Path) -> None:
    fake = FakeGeocoder({"Sangin bazaar": (32.07, 64.83), "Paris": (48.85, 2.35)})
    geocoder = OfflineGeocoder(fallback=CachedGeocoder(fake, tmp_path / "cache.json"))
    assert geocoder.geocode("Kabul").raw["kind"] == "capital"
    assert fake.queries == []
    found = geocoder.geocode("Sangin bazaar")
    assert found.raw["kind"] == "geocoded"
    assert found.raw["province_id"] == "AF-HEL"  # from the spatial join, not the service
    abroad = geocoder.geocode("Paris")
    assert abroad.raw["province_id"] == ""
    assert geocoder.geocode("Nowhere at all") is None
    assert fake.queries == ["Sangin bazaar", "Paris", "Nowhere at all"]


def test_cached_geocoder_asks_once_and_keeps_answers_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "geocache.json"
    fake = FakeGeocoder({"Sangin": (32.07, 64.83)})
    cached = CachedGeocoder(fake, path)
    assert cached.geocode("Sangin").latitude == pytest.approx(32.07)
    assert cached.geocode("SANGIN").latitude == pytest.approx(32.07)
    assert cached.geocode("Unknownville") is None
    assert cached.geocode("Unknownville") is None
    assert fake.queries == ["Sangin", "Unknownville"]
    again = CachedGeocoder(FakeGeocoder({}), path)  # a new session reads the file
    assert again.geocode("Sangin").raw == {"osm_id": 1}
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {"sangin", "unknownville"}


def test_cached_geocoder_accepts_a_plain_function(tmp_path: Path) -> None:
    calls: list[str] = []

    def lookup(query: str) -> Location | None:
        calls.append(query)
        return Location(query, (1.0, 2.0), {})

    cached = CachedGeocoder(lookup, tmp_path / "c.json")
    assert cached.geocode("x y").longitude == 2.0
    assert cached.geocode("x-y").longitude == 2.0
    assert calls == ["x y"]


def test_fallback_failure_is_a_geocoding_error(tmp_path: Path) -> None:
    cached = CachedGeocoder(FakeGeocoder({}), tmp_path / "c.json")
    with pytest.raises(GeocodingError, match="'explode'"):
        cached.geocode("explode")


def test_corrupt_cache_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(path.name)):
        CachedGeocoder(FakeGeocoder({}), path)


def test_load_regions_default(provinces: gpd.GeoDataFrame) -> None:
    assert list(provinces.columns) == ["region_id", "region", "geometry"]
    assert len(provinces) == 34
    assert provinces["region_id"].is_monotonic_increasing


def test_load_regions_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "districts.geojson"
    layer = gpd.GeoDataFrame(
        {"code": ["D2", "D1"], "label": ["Two", "One"]},
        geometry=[box(1, 0, 2, 1), box(0, 0, 1, 1)], crs="EPSG:4326",
    )
    layer.to_file(path, driver="GeoJSON")
    regions = load_regions(path, id_field="code", name_field="label")
    assert list(regions["region_id"]) == ["D1", "D2"]
    assert list(regions["region"]) == ["One", "Two"]


def test_load_regions_reprojects(tmp_path: Path) -> None:
    path = tmp_path / "projected.gpkg"
    layer = gpd.GeoDataFrame(
        {"id": ["A"], "name": ["a"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    layer.to_file(path)
    regions = load_regions(path)
    assert str(regions.crs) == "EPSG:4326"
    assert regions.geometry.iloc[0].bounds == pytest.approx((0, 0, 1, 1), abs=1e-6)


def test_load_regions_errors_name_file_and_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_regions(tmp_path / "missing.geojson")
    garbage = tmp_path / "garbage.geojson"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"garbage\.geojson"):
        load_regions(garbage)
    table = tmp_path / "table.csv"
    table.write_text("id,name\nA,a\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no geometries"):
        load_regions(table)
    with pytest.raises(InputError, match="no field 'shapeID'"):
        load_regions(data_path("provinces.geojson"), id_field="shapeID")
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"id": ["A"], "name": ["a"]}, geometry=[Point(0, 0)],
                     crs="EPSG:4326").to_file(points, driver="GeoJSON")
    with pytest.raises(InputError, match="polygons only"):
        load_regions(points)
    duplicate = tmp_path / "dup.geojson"
    gpd.GeoDataFrame({"id": ["A", "A"], "name": ["a", "b"]},
                     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
                     crs="EPSG:4326").to_file(duplicate, driver="GeoJSON")
    with pytest.raises(InputError, match="repeats 'A'"):
        load_regions(duplicate)
    assert issubclass(DataError, ValueError)  # the bundled-file variant is a ValueError too


def test_assign_regions_inside_border_near_far(caplog: pytest.LogCaptureFixture) -> None:
    regions = gpd.GeoDataFrame(
        {"region_id": ["A", "B"], "region": ["Left", "Right"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326",
    )
    frame = pd.DataFrame(
        {"name": ["in", "border", "near", "far", "blank"],
         "lat": [0.5, 0.5, 1.05, 5.0, None], "lon": [1.5, 1.0, 0.5, 5.0, None]},
        index=[10, 11, 12, 13, 14],
    )
    with caplog.at_level(logging.WARNING, logger="controlmap.geocode"):
        result = assign_regions(frame, regions)
    assert list(result["region_id"]) == ["B", "A", "A", "", ""]
    assert list(result["region"]) == ["Right", "Left", "Left", "", ""]
    assert list(result.index) == [10, 11, 12, 13, 14]
    assert "region_id" not in frame.columns  # the input is not modified
    assert "2 point(s)" in caplog.text and "13" in caplog.text


def test_assign_regions_needs_lat_lon(provinces: gpd.GeoDataFrame) -> None:
    with pytest.raises(InputError, match="lat"):
        assign_regions(pd.DataFrame({"lon": [1.0]}), provinces)


def test_spatial_join_agrees_with_the_gazetteer_for_every_place(
    provinces: gpd.GeoDataFrame,
) -> None:
    places = load_gazetteer().places
    joined = assign_regions(places, provinces)
    disagree = joined[joined["region_id"] != joined["province_id"]]
    assert disagree.empty, disagree[["place_id", "name", "province_id", "region_id"]]
    names = provinces.set_index("region_id")["region"]
    assert (joined["province"] == joined["province_id"].map(names)).all()
