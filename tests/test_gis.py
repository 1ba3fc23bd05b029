"""GIS outputs and Python maps, on a small hand-made timeline over synthetic squares."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from conftest import OfflinePage
from shapely.geometry import MultiPolygon, box
from test_reconcile import make_events, make_regions

from controlmap import gis, render
from controlmap.errors import InputError
from controlmap.palette import STATE_COLORS, STATE_LABELS
from controlmap.pipeline import BuildResult
from controlmap.reconcile import reconcile
from controlmap.records import Timeline

D = dt.date
REGIONS = make_regions({"AF-A": "Alpha", "AF-B": "Bravo", "AF-C": "Charlie"})
# Alpha: fighting on the 3rd, falls on the 5th, a second report of the fall on the 6th.
# Bravo: a claim and a denial the same day (flagged), then the government holds it.
# Charlie: no report at all.
EVENTS = make_events(
    {"region_id": "AF-A", "date": "2021-08-03", "status": "contested"},
    {"region_id": "AF-A", "date": "2021-08-05", "status": "fallen"},
    {"region_id": "AF-A", "date": "2021-08-06", "status": "fallen", "article": "b.txt"},
    {"region_id": "AF-B", "date": "2021-08-06", "status": "claimed"},
    {"region_id": "AF-B", "date": "2021-08-06", "status": "government"},
)
RUNS = [
    # region_id, state, from, to, days, conflict_days
    ("AF-A", "government", "2021-08-01", "2021-08-02", 2, 0),
    ("AF-A", "contested", "2021-08-03", "2021-08-04", 2, 0),
    ("AF-A", "taliban", "2021-08-05", "2021-08-08", 4, 0),
    ("AF-B", "government", "2021-08-01", "2021-08-08", 8, 1),
    ("AF-C", "government", "2021-08-01", "2021-08-08", 8, 0),
]


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return reconcile(EVENTS, REGIONS, start=D(2021, 8, 1), end=D(2021, 8, 8))


def _events_of(timeline: Timeline, positions: str) -> list[tuple[str, str, str]]:
    rows = timeline.events.loc[[int(p) for p in positions.split(";")]]
    return list(zip(rows["region_id"], rows["status"], rows["date"], strict=True))


def test_state_runs_group_consecutive_days_of_one_state(timeline: Timeline) -> None:
    runs = gis.state_runs(timeline)
    assert list(runs.columns) == gis.RUN_COLUMNS
    got = list(runs[["region_id", "state", "from", "to", "days", "conflict_days"]]
               .itertuples(index=False, name=None))
    assert got == RUNS
    assert runs["region"].tolist() == ["Alpha", "Alpha", "Alpha", "Bravo", "Charlie"]


def test_each_run_lists_the_distinct_events_behind_it(timeline: Timeline) -> None:
    runs = gis.state_runs(timeline).set_index(["region_id", "from"])["events"]
    assert runs[("AF-A", "2021-08-01")] == ""
    assert _events_of(timeline, runs[("AF-A", "2021-08-03")]) == [
        ("AF-A", "contested", "2021-08-03")]
    # The fall and its later confirmation, each once although the run lasts four days.
    assert _events_of(timeline, runs[("AF-A", "2021-08-05")]) == [
        ("AF-A", "fallen", "2021-08-05"), ("AF-A", "fallen", "2021-08-06")]
    assert runs[("AF-C", "2021-08-01")] == ""


def test_runs_of_one_region_tile_the_timeline_without_gaps(timeline: Timeline) -> None:
    runs = gis.state_runs(timeline)
    for _, group in runs.groupby("region_id"):
        starts = [D.fromisoformat(d) for d in group["from"]]
        ends = [D.fromisoformat(d) for d in group["to"]]
        assert starts[0] == timeline.days[0] and ends[-1] == timeline.days[-1]
        assert all(e + dt.timedelta(days=1) == s for e, s in zip(ends, starts[1:], strict=False))
        assert group["days"].sum() == len(timeline.days)
        # Neighbouring runs differ in state, or they would be one run.
        assert all(a != b for a, b in zip(group["state"], group["state"].iloc[1:], strict=False))


def test_a_region_that_returns_to_a_state_starts_a_new_run() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "fallen"},
        {"region_id": "AF-A", "date": "2021-08-04", "status": "government"},
    )
    timeline = reconcile(events, REGIONS, start=D(2021, 8, 1), end=D(2021, 8, 5))
    runs = gis.state_runs(timeline)
    alpha = runs[runs["region_id"] == "AF-A"]
    assert alpha[["state", "from", "to"]].values.tolist() == [
        ["government", "2021-08-01", "2021-08-01"],
        ["taliban", "2021-08-02", "2021-08-03"],
        ["government", "2021-08-04", "2021-08-05"],
    ]


def test_runs_do_not_depend_on_the_order_of_the_states_rows(timeline: Timeline) -> None:
    shuffled = timeline.states.sample(frac=1, random_state=7).reset_index(drop=True)
    again = Timeline(timeline.regions, timeline.days, shuffled, timeline.events,
                     timeline.counts)
    pd.testing.assert_frame_equal(gis.state_runs(again), gis.state_runs(timeline))


def test_run_events_are_sorted_as_numbers_not_text(timeline: Timeline) -> None:
    states = timeline.states.copy()
    alpha = states["region_id"] == "AF-A"
    states.loc[alpha & (states["date"] == D(2021, 8, 1)), "events"] = "10"
    states.loc[alpha & (states["date"] == D(2021, 8, 2)), "events"] = "9;10;2"
    edited = Timeline(timeline.regions, timeline.days, states, timeline.events, timeline.counts)
    assert gis.state_runs(edited)["events"].iloc[0] == "2;9;10"


def test_the_geopackage_has_regions_and_dated_state_runs(timeline: Timeline,
                                                          tmp_path: Path) -> None:
    path = gis.write_geopackage(timeline, tmp_path / "timeline.gpkg")
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"regions": "Polygon", "state_runs": "Polygon"}
    info = pyogrio.read_info(path, layer="state_runs")
    dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert list(info["fields"]) == [c for c in gis.RUN_COLUMNS]
    # Date fields (not text, not date-times): what QGIS's temporal controller reads.
    assert dtypes["from"] == dtypes["to"] == "datetime64[D]"
    assert dtypes["days"] == "int64"
    regions = gpd.read_file(path, layer="regions", engine="pyogrio")
    assert list(regions.columns) == ["region_id", "region", "geometry"]
    assert regions["region_id"].tolist() == ["AF-A", "AF-B", "AF-C"]
    runs = gpd.read_file(path, layer="state_runs", engine="pyogrio")
    assert pd.api.types.is_datetime64_any_dtype(runs["from"])
    assert runs["from"].dt.strftime("%Y-%m-%d").tolist() == [r[2] for r in RUNS]
    assert runs["to"].dt.strftime("%Y-%m-%d").tolist() == [r[3] for r in RUNS]
    assert runs.crs.to_epsg() == 4326
    alpha = regions.geometry[0]
    assert all(g.equals(alpha) for g in runs.geometry[runs["region_id"] == "AF-A"])


def test_writing_the_geopackage_again_replaces_it(timeline: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "timeline.gpkg"
    gis.write_geopackage(timeline, path)
    gis.write_geopackage(timeline, path)
    assert len(gpd.read_file(path, layer="state_runs")) == len(RUNS)


def test_a_layer_of_polygons_and_multipolygons_is_written_as_multipolygons(
        tmp_path: Path) -> None:
    regions = make_regions({"AF-A": "Alpha", "AF-B": "Bravo"})
    regions.loc[1, "geometry"] = MultiPolygon([box(61, 33, 62, 34), box(63, 33, 64, 34)])
    timeline = reconcile(make_events(), regions, start=D(2021, 8, 1), end=D(2021, 8, 2))
    path = gis.write_geopackage(timeline, tmp_path / "timeline.gpkg")
    assert {kind for _, kind in pyogrio.list_layers(path)} == {"MultiPolygon"}
    runs = gpd.read_file(path, layer="state_runs")
    assert [len(g.geoms) for g in runs.geometry] == [1, 2]


def test_the_geoparquet_round_trips(timeline: Timeline, tmp_path: Path) -> None:
    path = gis.write_geoparquet(timeline, tmp_path / "timeline.parquet")
    back = gpd.read_parquet(path)
    assert list(back.columns) == [*gis.RUN_COLUMNS, "geometry"]
    assert back["from"].tolist() == [D.fromisoformat(r[2]) for r in RUNS]
    assert back["state"].tolist() == [r[1] for r in RUNS]
    assert back.crs.to_epsg() == 4326
    expected = gis.runs_frame(timeline)
    assert back.geometry.geom_equals(expected.geometry).all()


def test_the_flat_geojson_has_one_feature_per_run_with_iso_dates(timeline: Timeline) -> None:
    data = json.loads(gis.flat_geojson_text(timeline))
    features = data["features"]
    assert data["type"] == "FeatureCollection" and len(features) == len(RUNS)
    for feature, (region_id, state, first, last, days, _) in zip(features, RUNS, strict=True):
        props = feature["properties"]
        assert (props["region_id"], props["state"], props["from"], props["to"], props["days"]) \
            == (region_id, state, first, last, days)
        assert props["start"] == f"{first}T00:00:00" and props["end"] == f"{last}T23:59:59"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", props["from"])
        assert dt.datetime.fromisoformat(props["end"]) > dt.datetime.fromisoformat(props["start"])
        assert feature["geometry"]["type"] == "Polygon"


def test_the_flat_geojson_is_byte_identical_across_calls(timeline: Timeline) -> None:
    assert gis.flat_geojson_text(timeline) == gis.flat_geojson_text(timeline)


def test_the_flat_geojson_rounds_coordinates() -> None:
    regions = make_regions({"AF-A": "Alpha"})
    regions.geometry = regions.geometry.translate(0.123456789, 0.0)
    timeline = reconcile(make_events(), regions, start=D(2021, 8, 1), end=D(2021, 8, 1))
    ring = json.loads(gis.flat_geojson_text(timeline))["features"][0]["geometry"]["coordinates"]
    assert {x for x, _ in ring[0]} == {60.123457, 61.123457}


def test_write_all_writes_the_three_files(timeline: Timeline, tmp_path: Path) -> None:
    written = gis.write_all(timeline, tmp_path / "gis")
    assert [p.name for p in written] == ["timeline.gpkg", "timeline.parquet",
                                         "timeline_runs.geojson"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert written[2].read_text(encoding="utf-8") == gis.flat_geojson_text(timeline)


def _result(timeline: Timeline, tmp_path: Path) -> BuildResult:
    index = render.render_map(timeline, tmp_path / "index.html")
    return BuildResult(tmp_path, index, timeline, (), (index,))


def test_to_folium_is_a_map_that_keeps_the_time_control(timeline: Timeline,
                                                       tmp_path: Path) -> None:
    fmap = _result(timeline, tmp_path).to_folium(title="My map")
    assert isinstance(fmap, folium.Map)
    folium.Marker([33.5, 60.5], tooltip="my own layer").add_to(fmap)
    page = fmap.get_root().render()
    block = re.search(r'<script type="application/json" id="controlmap-data">(.*?)</script>',
                      page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["title"] == "My map"
    assert data["days"][0] == "2021-08-01" and data["days"][-1] == "2021-08-08"
    assert "my own layer" in page and 'id="cm-slider"' in page


def test_the_page_is_the_rendered_folium_map(timeline: Timeline, tmp_path: Path) -> None:
    page = (tmp_path / "index.html")
    render.render_map(timeline, page, title="T")
    rendered = render.folium_map(timeline, title="T").get_root().render()
    assert page.read_text(encoding="utf-8") == rendered


def _explored_states(fmap: folium.Map) -> dict[str, tuple[str, str]]:
    """Region id -> (state label, fill colour) of the GeoJson layer on an explore map."""
    layers = [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    layer = layers[0]
    return {
        f["properties"]["region_id"]: (f["properties"]["state"],
                                       layer.style_function(f)["fillColor"])
        for f in layer.data["features"]
    }


def test_explore_shows_the_last_day_by_default(timeline: Timeline, tmp_path: Path) -> None:
    fmap = _result(timeline, tmp_path).explore()
    assert isinstance(fmap, folium.Map)
    assert _explored_states(fmap) == {
        "AF-A": (STATE_LABELS["taliban"], STATE_COLORS["taliban"]),
        "AF-B": (STATE_LABELS["government"], STATE_COLORS["government"]),
        "AF-C": (STATE_LABELS["government"], STATE_COLORS["government"]),
    }
    assert "2021-08-08" in fmap.get_root().render()


@pytest.mark.parametrize("day", ["2021-08-03", D(2021, 8, 3)])
def test_explore_shows_the_day_asked_for(timeline: Timeline, day: str | dt.date) -> None:
    assert _explored_states(gis.explore(timeline, day))["AF-A"] == (
        STATE_LABELS["contested"], STATE_COLORS["contested"])


def test_explore_draws_on_a_map_of_ones_own(timeline: Timeline) -> None:
    mine = folium.Map(tiles=None)
    assert gis.explore(timeline, m=mine) is mine


@pytest.mark.parametrize(("day", "message"), [
    ("2021-07-01", "pick one from 2021-08-01 to 2021-08-08"),
    ("13 August", "write it as YYYY-MM-DD"),
])
def test_explore_refuses_a_day_outside_the_timeline(timeline: Timeline, day: str,
                                                    message: str) -> None:
    with pytest.raises(InputError, match=message):
        gis.explore(timeline, day)


@pytest.mark.browser
def test_a_to_folium_map_with_a_layer_of_ones_own_works_offline(
        timeline: Timeline, tmp_path: Path, browser_page: OfflinePage) -> None:
    fmap = _result(timeline, tmp_path).to_folium()
    mine = folium.GeoJson({"type": "Feature", "properties": {},
                           "geometry": box(60.2, 33.2, 60.8, 33.8).__geo_interface__},
                          style_function=lambda _: {"color": "#123456"})
    mine.add_to(fmap)
    saved = tmp_path / "mine.html"
    fmap.save(str(saved))
    page = browser_page.open_map(saved, "#2021-08-03")
    assert browser_page.region_fill("AF-A") == STATE_COLORS["contested"].lower()
    page.keyboard.press("End")
    assert browser_page.region_fill("AF-A") == STATE_COLORS["taliban"].lower()
    assert page.locator('path[stroke="#123456"]').count() == 1  # the user's layer is drawn
    assert browser_page.errors == []
    assert browser_page.blocked == []
