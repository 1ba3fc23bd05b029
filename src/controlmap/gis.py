"""The timeline as files that GIS tools animate, and as maps to extend from Python.

A `Timeline` holds one row per region per day; GIS tools want one feature per
region per *run* of days in the same state, with a start and an end date
(QGIS's temporal controller, kepler.gl's time filter). `state_runs` makes those
runs; `write_geopackage`, `write_geoparquet` and `flat_geojson_text` write them
with each region's geometry, and `write_all` writes the three into a folder.
`explore` draws one day with geopandas' ``explore``, a `folium.Map` to add
one's own layers to (`render.folium_map` is the same for the whole timeline,
time control included).

Not for deciding states (`reconcile`) nor for the self-contained page (`render`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .palette import STATE_COLORS, STATE_LABELS
from .records import STATES, Timeline

logger = logging.getLogger(__name__)

#: Columns of `state_runs`, in order.
RUN_COLUMNS = ["region_id", "region", "state", "from", "to", "days", "conflict_days", "events"]
#: Files `write_all` writes, in order.
GEOPACKAGE, GEOPARQUET, RUNS_GEOJSON = "timeline.gpkg", "timeline.parquet", "timeline_runs.geojson"

_DECIMALS = 6  # GeoJSON coordinates: 1e-6 degree is about 11 cm, below any boundary's accuracy


_STAMP = "2000-01-01T00:00:00.000Z"  # the GeoPackage's "last change" time

def state_runs(timeline: Timeline) -> pd.DataFrame:
    """One row per region per run of consecutive days in the same state.

    Parameters
    ----------
    timeline
        The reconciled timeline (`reconcile.reconcile`).

    Returns
    -------
    pandas.DataFrame
        RUN_COLUMNS: ``from`` and ``to`` are the run's first and last day (ISO,
        inclusive), ``days`` its length, ``conflict_days`` how many of its days
        were flagged, ``events`` the distinct rows of ``events.csv`` behind it,
        ascending and ``;``-joined (empty when no report moved the region).
        Ordered by ``region_id``, then ``from``.
    """
    states = timeline.states
    # Integer codes, so that runs are found with array operations only.
    region_codes, _ = pd.factorize(states["region_id"].astype(str), sort=True)
    day_codes, day_values = pd.factorize(states["date"], sort=True)
    state_codes, _ = pd.factorize(states["state"])
    order = np.lexsort((day_codes, region_codes))  # each region's days in date order
    rows = len(order)
    region_codes, state_codes = region_codes[order], state_codes[order]
    new_run = np.ones(rows, dtype=bool)
    new_run[1:] = (region_codes[1:] != region_codes[:-1]) | (state_codes[1:] != state_codes[:-1])
    starts = np.flatnonzero(new_run)
    lengths = np.diff(np.append(starts, rows))
    first, last = order[starts], order[starts + lengths - 1]  # rows of each run's ends
    days = np.asarray(day_values, dtype=object)
    conflict = states["conflict"].astype(bool).to_numpy()[order].astype(np.int64)
    # Event lists as codes too: equal lists are then equal integers.
    list_codes, lists = pd.factorize(states["events"].fillna("").astype(str))
    return pd.DataFrame({
        "region_id": _strings(states["region_id"], first),
        "region": _strings(states["region"], first),
        "state": _strings(states["state"], first),
        "from": [_iso(day) for day in days[day_codes[first]]],
        "to": [_iso(day) for day in days[day_codes[last]]],
        "days": lengths.astype(np.int64),
        "conflict_days": (np.add.reduceat(conflict, starts) if rows
                          else np.zeros(0, dtype=np.int64)),
        "events": _run_events(list_codes[order], np.asarray(lists, dtype=object),
                              np.cumsum(new_run) - 1, len(starts)),
    }, columns=RUN_COLUMNS)


def _strings(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    return column.iloc[rows].astype(str).to_numpy(dtype=object)


def _run_events(codes: np.ndarray, lists: np.ndarray, run_of_row: np.ndarray,
                runs: int) -> list[str]:
    """Per run: the distinct event positions of its days, ascending, ``;``-joined.

    ``codes`` are the rows' event lists in run order, as positions in ``lists``.
    """
    # A run's days mostly repeat one list: only a list that differs from the day
    # before is split, so the work grows with the distinct lists, not the days.
    changed = np.ones(len(codes), dtype=bool)
    changed[1:] = (codes[1:] != codes[:-1]) | (run_of_row[1:] != run_of_row[:-1])
    positions: list[set[int]] = [set() for _ in range(runs)]
    for run, code in zip(run_of_row[changed], codes[changed], strict=True):
        if lists[code]:
            positions[run].update(int(p) for p in lists[code].split(";"))
    return [";".join(map(str, sorted(p))) for p in positions]


def runs_frame(timeline: Timeline) -> Any:
    """`state_runs` with each region's geometry, as a GeoDataFrame (EPSG:4326).

    ``from`` and ``to`` hold ``datetime.date`` values, so that a GeoPackage or
    GeoParquet written from it has real date fields.
    """
    import geopandas as gpd

    runs = state_runs(timeline)
    layer = _layer(timeline)
    geometry = layer.set_index("region_id").geometry.reindex(runs["region_id"])
    runs["from"] = [dt.date.fromisoformat(day) for day in runs["from"]]
    runs["to"] = [dt.date.fromisoformat(day) for day in runs["to"]]
    return gpd.GeoDataFrame(runs, geometry=geometry.to_numpy(), crs=layer.crs)


def write_geopackage(timeline: Timeline, path: Path | str) -> Path:
    """Write ``timeline.gpkg``: layers ``regions`` and ``state_runs`` (runs with geometry).

    ``from`` and ``to`` are GeoPackage Date fields, which QGIS's temporal
    controller reads as "separate fields for start and end date". An existing
    file at ``path`` is replaced.
    """
    import pyogrio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # GDAL adds layers to an existing GeoPackage
    # GDAL stamps the time of writing into the file; a fixed stamp keeps the same
    # timeline's file byte-identical.
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _STAMP})
    try:
        # Through Arrow, date values become Date fields (plain writes make them text).
        pyogrio.write_dataframe(_layer(timeline), path, layer="regions", driver="GPKG",
                                use_arrow=True)
        pyogrio.write_dataframe(runs_frame(timeline), path, layer="state_runs",
                                driver="GPKG", use_arrow=True)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    logger.info("Wrote the GeoPackage %s", path)
    return path


def write_geoparquet(timeline: Timeline, path: Path | str) -> Path:
    """Write the state runs with geometry as GeoParquet (``from``/``to`` as Arrow dates)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    runs_frame(timeline).to_parquet(path, index=False)
    logger.info("Wrote the GeoParquet file %s", path)
    return path


def flat_geojson_text(timeline: Timeline) -> str:
    """The state runs as GeoJSON: one feature per region per run.

    Properties are the RUN_COLUMNS (``from``/``to`` ISO dates) and ``start``/``end``
    as ISO datetimes covering whole days (``YYYY-MM-DDT00:00:00`` to
    ``YYYY-MM-DDT23:59:59``), the form kepler.gl and QGIS both read as time.
    Coordinates are rounded to 6 decimals and keys sorted, so the same
    timeline gives the same text.
    """
    import shapely

    runs = state_runs(timeline)
    layer = _layer(timeline)
    shapes = {
        str(region_id): shapely.transform(geometry, lambda xy: np.round(xy, _DECIMALS))
        .__geo_interface__
        for region_id, geometry in zip(layer["region_id"], layer.geometry, strict=True)
    }
    features = [
        {
            "type": "Feature",
            "properties": run | {"start": f"{run['from']}T00:00:00",
                                 "end": f"{run['to']}T23:59:59"},
            "geometry": shapes[run["region_id"]],
        }
        for run in runs.to_dict("records")
    ]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, sort_keys=True, default=_json_default)


def write_all(timeline: Timeline, out_dir: Path | str) -> tuple[Path, ...]:
    """Write ``timeline.gpkg``, ``timeline.parquet`` and ``timeline_runs.geojson`` to ``out_dir``.

    Returns the paths written, in that order; ``out_dir`` is created if missing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    geojson = out / RUNS_GEOJSON
    geojson.write_text(flat_geojson_text(timeline), encoding="utf-8")
    return (write_geopackage(timeline, out / GEOPACKAGE),
            write_geoparquet(timeline, out / GEOPARQUET), geojson)


def explore(
    timeline: Timeline,
    day: dt.date | str | None = None,
    *,
    m: Any = None,
    tiles: str | None = None,
    name: str | None = None,
) -> Any:
    """One day's states as an interactive `folium.Map`, like geopandas' ``explore``.

    Drawn with folium directly: geopandas' own ``explore`` needs mapclassify
    (and with it scipy and scikit-learn) only to classify numbers, which a
    map of four named states does not need.

    Parameters
    ----------
    timeline
        The reconciled timeline.
    day
        A day of the timeline (a date or ISO string); default: its last day.
    m
        A `folium.Map` to draw on (as geopandas' ``m=``); default: a new one.
    tiles
        Basemap of a new map, e.g. ``"OpenStreetMap"`` (fetched from the
        network); default none.
    name
        Name of the layer in a layer control; default the day.

    Returns
    -------
    folium.Map
        Regions coloured by state with the map's palette, a legend and a
        tooltip of region, state, whether reports disagreed and the rows of
        ``events.csv`` behind the state.

    Raises
    ------
    InputError
        ``day`` is not a date of the timeline.
    """
    import folium

    chosen = _day(timeline, day)
    states = timeline.states
    today = states.loc[states["date"] == chosen, ["region_id", "state", "events", "conflict"]]
    today = today.assign(region_id=today["region_id"].astype(str),
                         events=today["events"].fillna("").astype(str),
                         conflict=today["conflict"].astype(bool))
    layer = _layer(timeline).merge(today, on="region_id", how="left")
    layer["color"] = layer["state"].map(STATE_COLORS)
    layer["state"] = layer["state"].map(STATE_LABELS)
    minx, miny, maxx, maxy = (float(v) for v in layer.total_bounds)
    if m is None:
        m = folium.Map(tiles=tiles)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    folium.GeoJson(
        layer,
        name=name or chosen.isoformat(),
        style_function=lambda feature: {
            "fillColor": feature["properties"]["color"], "fillOpacity": 0.7,
            "color": "#333333", "weight": 1,
        },
        tooltip=folium.GeoJsonTooltip(["region", "state", "conflict", "events"]),
    ).add_to(m)
    m.get_root().html.add_child(folium.Element(_legend(chosen)))
    return m


def _legend(day: dt.date) -> str:
    """The palette as a small fixed legend; all text is ours, and escaped anyway."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;margin-right:6px;'
        f'background:{STATE_COLORS[s]}"></span>{html.escape(STATE_LABELS[s])}</div>'
        for s in STATES
    )
    return (f'<div style="position:fixed;bottom:24px;left:12px;z-index:1000;background:#fff;'
            f'padding:6px 8px;font:12px sans-serif;border-radius:4px">'
            f"<strong>{day.isoformat()}</strong>{rows}</div>")


def _day(timeline: Timeline, day: dt.date | str | None) -> dt.date:
    if not timeline.days:
        raise InputError("The timeline has no day to show.")
    if day is None:
        return timeline.days[-1]
    try:
        chosen = dt.date.fromisoformat(day) if isinstance(day, str) else day
    except ValueError as err:
        raise InputError(f"Day {day!r} is not a date; write it as YYYY-MM-DD.") from err
    if chosen not in timeline.days:
        msg = (f"Day {chosen.isoformat()!r} is not in the timeline; pick one from "
               f"{timeline.days[0].isoformat()} to {timeline.days[-1].isoformat()}.")
        raise InputError(msg)
    return chosen


def _layer(timeline: Timeline) -> Any:
    """The regions layer with string ids, in EPSG:4326."""
    layer = timeline.regions.loc[:, ["region_id", "region", "geometry"]].copy()
    layer["region_id"] = layer["region_id"].astype(str)
    layer["region"] = layer["region"].astype(str)
    return layer.to_crs("EPSG:4326") if layer.crs is not None else layer


def _iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, dt.date) else str(day)


def _json_default(value: Any) -> Any:
    # numpy scalars from the runs table (counts) are not JSON types.
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
