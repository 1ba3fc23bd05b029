"""Geocoding: place names to points, points to regions, all offline unless asked otherwise.

`OfflineGeocoder` answers geopy's ``geocode`` from the bundled gazetteer, so any
code written against geopy works without a network. `CachedGeocoder` wraps any
other geopy geocoder (Nominatim behind geopy's ``RateLimiter``, say) and keeps
its answers in a JSON file; it is only ever called when a user passes it in as
the offline geocoder's ``fallback``. `load_regions` reads a polygon layer
(default: the 34 provinces) and `assign_regions` puts points into it with a
geopandas spatial join. Not for finding names in text (`controlmap.gazetteer`)
nor for deciding what happened there (the extractor).
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from geopy.exc import GeopyError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from controlmap._resources import data_path
from controlmap.errors import DataError, GeocodingError, InputError
from controlmap.gazetteer import Gazetteer, load_gazetteer, name_key

logger = logging.getLogger(__name__)

REGION_COLUMNS = ["region_id", "region", "geometry"]
# The bundled region layers, by level: the 34 provinces (Natural Earth) and the
# 398 districts (geoBoundaries ADM2), both with an ``id`` and a ``name`` field.
BUNDLED_REGIONS = {"provinces": "provinces.geojson", "districts": "districts.geojson"}
# Points this close to a region (in degrees, ~10 km) but outside every polygon
# belong to the nearest one: border posts sit on borders that simplification moved.
NEAR_TOLERANCE = 0.1

GeocodeFunction = Callable[[str], Location | None]


class CachedGeocoder:
    """Any geopy geocoder, with its answers (including "not found") cached in a JSON file.

    Parameters
    ----------
    geocoder
        A geopy geocoder (its ``geocode`` is used) or any callable taking a
        query and returning a ``Location`` or None, such as
        ``RateLimiter(Nominatim(user_agent=...).geocode, min_delay_seconds=1)``.
    path
        The JSON cache file; created on the first answer, read if it exists.

    Raises
    ------
    InputError
        When the cache file exists but is not a JSON object.
    """

    def __init__(self, geocoder: Geocoder | GeocodeFunction, path: Path) -> None:
        self._geocode: GeocodeFunction = (
            geocoder.geocode if isinstance(geocoder, Geocoder) else geocoder
        )
        self.path = Path(path)
        self._cache = _read_cache(self.path)

    def geocode(self, query: str) -> Location | None:
        """The cached answer for a query, asking the wrapped geocoder on a miss.

        Raises
        ------
        GeocodingError
            When the wrapped geocoder fails (network, quota, service error).
        """
        key = name_key(query)
        if key in self._cache:
            return _location_from_json(self._cache[key])
        logger.info("asking the fallback geocoder for %r", query)
        try:
            location = self._geocode(query)
        except GeopyError as err:
            msg = f"the fallback geocoder failed for {query!r}: {err}"
            raise GeocodingError(msg) from err
        self._cache[key] = _location_to_json(location)
        _write_cache(self.path, self._cache)
        return location


class OfflineGeocoder(Geocoder):  # type: ignore[misc]
    """A geopy geocoder answering from the gazetteer, with an optional opt-in fallback.

    Parameters
    ----------
    gazetteer
        The gazetteer to answer from (default: the bundled one).
    fallback
        Asked only for names the gazetteer lacks; None (the default) means never
        use the network. Its answers get ``province_id``/``province`` in ``raw``
        from a spatial join with ``regions``.
    regions
        The region layer for fallback answers (default: the bundled provinces).

    Examples
    --------
    >>> OfflineGeocoder().geocode("Mazar-e Sharif").raw["province_id"]
    'AF-BAL'
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        fallback: CachedGeocoder | None = None,
        regions: gpd.GeoDataFrame | None = None,
    ) -> None:
        super().__init__()
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
        self.fallback = fallback
        self._regions = regions

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: float | None = None
    ) -> Location | list[Location] | None:
        """A name's location, or None when neither the gazetteer nor the fallback knows it.

        Parameters
        ----------
        query
            A place name in any spelling the gazetteer knows.
        exactly_one
            Return one ``Location`` (True) or a one-element list (False), as geopy does.
        timeout
            Ignored (kept for geopy's interface); no network is used unless a
            fallback was given.

        Returns
        -------
        A ``Location`` whose ``address`` is the canonical name and whose ``raw``
        is the gazetteer row (``place_id``, ``name``, ``kind``, ``province_id``,
        ``province``, ``lat``, ``lon``, ``population``, ``aliases``), or None.
        """
        location = self._from_gazetteer(query)
        if location is None and self.fallback is not None:
            location = self._from_fallback(self.fallback, query)
        if location is None:
            return None
        return location if exactly_one else [location]

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: float | None = None) -> Any:
        """Not offered: the gazetteer maps names to points, not points to names."""
        msg = "OfflineGeocoder does not reverse-geocode; use assign_regions for point -> region"
        raise NotImplementedError(msg)

    def _from_gazetteer(self, query: str) -> Location | None:
        """The gazetteer's answer, with the full table row as ``raw``.

        A query in the usual geocoder form "place, province[, country]" picks,
        among places sharing the name, the one in that province ("Arghandab,
        Zabul" is Zabul's district, "Arghandab, Kandahar" Kandahar's).
        """
        name, _, context = query.partition(",")
        province = None
        for part in filter(str.strip, context.split(",")):
            found = self.gazetteer.lookup(part)
            if found is not None:
                province = found.province_id
                break
        place = self.gazetteer.lookup(name, province_id=province)
        if place is None:
            return None
        table = self.gazetteer.places
        row = table.loc[table["place_id"] == place.place_id].iloc[0]
        raw = {column: _plain(row[column]) for column in table.columns}
        return Location(place.name, (place.lat, place.lon), raw)

    def _from_fallback(self, fallback: CachedGeocoder, query: str) -> Location | None:
        """The fallback's answer, with the region of its point added to ``raw``."""
        found = fallback.geocode(query)
        if found is None:
            return None
        if self._regions is None:
            self._regions = load_regions()
        point = pd.DataFrame({"lat": [found.latitude], "lon": [found.longitude]})
        region = assign_regions(point, self._regions).iloc[0]
        raw = {
            "place_id": "", "name": found.address, "kind": "geocoded",
            "province_id": region["region_id"], "province": region["region"],
            "lat": found.latitude, "lon": found.longitude, "population": 0, "aliases": "",
            "source": found.raw,
        }
        return Location(found.address, (found.latitude, found.longitude), raw)


def load_regions(
    path: Path | None = None,
    *,
    id_field: str = "id",
    name_field: str = "name",
    level: str = "provinces",
    province_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a polygon layer as regions: columns ``region_id``, ``region``, ``geometry`` (EPSG:4326).

    Parameters
    ----------
    path
        Any vector file geopandas reads (GeoJSON, GeoPackage, shapefile); None
        for the bundled layer of ``level``.
    id_field, name_field
        The layer's fields holding each region's unique id and display name.
    level
        Which bundled layer ``path=None`` means: ``"provinces"``
        (``data/provinces.geojson``, ids such as ``AF-HER``) or ``"districts"``
        (``data/districts.geojson``, ids such as ``AF-KAN-maywand``).
    province_field
        A field holding each region's province id, kept as column ``province_id``
        when the layer has it (the bundled districts do).

    Raises
    ------
    InputError
        When a user-supplied file is missing, unreadable, lacks a field, has
        empty or duplicate ids, or holds no polygons; or ``level`` is unknown.
    DataError
        The same problems in the bundled file.
    """
    if level not in BUNDLED_REGIONS:
        msg = f"unknown region level {level!r}; choose one of {', '.join(BUNDLED_REGIONS)}"
        raise InputError(msg)
    source = path if path is not None else data_path(BUNDLED_REGIONS[level])
    error = InputError if path is not None else DataError
    if not Path(source).exists():
        msg = f"region file {source} does not exist; pass an existing polygon layer"
        raise error(msg)
    try:
        layer = gpd.read_file(source)
    except (RuntimeError, OSError, ValueError) as err:  # pyogrio's errors are RuntimeErrors
        msg = f"region file {source} cannot be read as a vector layer: {err}"
        raise error(msg) from err
    if not isinstance(layer, gpd.GeoDataFrame):
        msg = f"region file {source} has no geometries; pass a polygon layer (GeoJSON, GPKG, SHP)"
        raise error(msg)
    for field in (id_field, name_field):
        if field not in layer.columns:
            fields = ", ".join(str(c) for c in layer.columns if c != "geometry")
            msg = f"region file {source} has no field {field!r}; its fields are: {fields}"
            raise error(msg)
    if layer.empty or not layer.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        msg = f"region file {source} must hold polygons only (found {sorted(set(layer.geom_type))})"
        raise error(msg)
    if layer.crs is None:
        logger.warning("region file %s has no CRS; assuming EPSG:4326 (lon/lat)", source)
        layer = layer.set_crs("EPSG:4326")
    regions = gpd.GeoDataFrame(
        {
            "region_id": layer[id_field].astype(str).str.strip(),
            "region": layer[name_field].fillna("").astype(str),
        },
        geometry=layer.geometry.to_crs("EPSG:4326").values,
        crs="EPSG:4326",
    )
    if province_field is not None and province_field in layer.columns:
        # Which province each region lies in (a district layer), for scoring by level.
        regions["province_id"] = layer[province_field].fillna("").astype(str).to_numpy()
    ids = regions["region_id"]
    if (ids == "").any() or layer[id_field].isna().any():
        msg = f"region file {source}: field {id_field!r} is empty for some features"
        raise error(msg)
    if ids.duplicated().any():
        msg = f"region file {source}: field {id_field!r} repeats {ids[ids.duplicated()].iloc[0]!r}"
        raise error(msg)
    return regions.sort_values("region_id", ignore_index=True)


def assign_regions(
    frame: pd.DataFrame, regions: gpd.GeoDataFrame, *, tolerance: float = NEAR_TOLERANCE
) -> pd.DataFrame:
    """Add the region of each point (``lat``/``lon`` columns) by a spatial join.

    A point inside (or on the border of) a region gets that region; a point
    outside every region but within ``tolerance`` degrees of one gets the
    nearest; any other point, or one without coordinates, gets an empty
    ``region_id`` and a logged warning.

    Parameters
    ----------
    frame
        A table with numeric ``lat`` and ``lon`` columns.
    regions
        As returned by `load_regions`.
    tolerance
        Largest distance, in degrees, for the nearest-region rule.

    Returns
    -------
    A copy of ``frame`` with ``region_id`` and ``region`` columns (strings).

    Raises
    ------
    InputError
        When ``frame`` lacks ``lat`` or ``lon``.
    """
    missing = [column for column in ("lat", "lon") if column not in frame.columns]
    if missing:
        msg = f"cannot assign regions: the table has no {' or '.join(missing)} column"
        raise InputError(msg)
    result = frame.copy()
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy()
    points = gpd.GeoDataFrame(
        {"row": range(len(frame))}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )
    located = points[points.geometry.is_valid & ~points.geometry.is_empty & ~pd.isna(lat + lon)]
    polygons = regions[["region_id", "region", "geometry"]]
    inside = gpd.sjoin(located, polygons, how="inner", predicate="intersects")
    # On a shared border a point touches two regions: take the smaller id, deterministically.
    inside = inside.sort_values(["row", "region_id"]).drop_duplicates("row")
    outside = located[~located["row"].isin(inside["row"])]
    near = _nearest(outside, polygons, tolerance)
    joined = pd.concat([inside[["row", "region_id", "region"]], near], ignore_index=True)
    region_id = [""] * len(frame)
    region = [""] * len(frame)
    for row, rid, name in joined.itertuples(index=False):
        region_id[row] = rid
        region[row] = name
    result["region_id"] = region_id
    result["region"] = region
    lost = [i for i, rid in enumerate(region_id) if not rid]
    if lost:
        sample = ", ".join(str(frame.index[i]) for i in lost[:5])
        logger.warning(
            "%d point(s) lie outside every region (farther than %s degrees), e.g. rows %s",
            len(lost), tolerance, sample,
        )
    return result


def _nearest(points: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, tolerance: float) -> pd.DataFrame:
    """For points outside every region: the nearest region within ``tolerance`` degrees."""
    if points.empty:
        return pd.DataFrame(columns=["row", "region_id", "region"])
    with warnings.catch_warnings():
        # Distances in degrees are only compared with a ~10 km tolerance near a
        # border, where the distortion of a geographic CRS does not matter.
        warnings.filterwarnings("ignore", message="Geometry is in a geographic CRS")
        near = gpd.sjoin_nearest(points, regions, how="inner", max_distance=tolerance)
    near = near.sort_values(["row", "region_id"]).drop_duplicates("row")
    return pd.DataFrame(near[["row", "region_id", "region"]])


def _plain(value: Any) -> Any:
    """A table cell as a plain Python value (numpy scalars become int/float)."""
    return value.item() if hasattr(value, "item") else value


def _read_cache(path: Path) -> dict[str, Any]:
    """The geocoder cache at ``path`` ({} when the file does not exist yet)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"geocoder cache {path} is not readable JSON ({err}); delete it or pass another path"
        raise InputError(msg) from err
    if not isinstance(data, dict):
        msg = f"geocoder cache {path} must hold a JSON object; delete it or pass another path"
        raise InputError(msg)
    return data


def _write_cache(path: Path, cache: dict[str, Any]) -> None:
    """Write the cache atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    text = json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(path)


def _location_to_json(location: Location | None) -> dict[str, Any] | None:
    """A geopy location as a JSON-ready dict (None stays None: "not found" is cached too)."""
    if location is None:
        return None
    return {
        "address": location.address,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "raw": location.raw,
    }


def _location_from_json(data: dict[str, Any] | None) -> Location | None:
    """The inverse of `_location_to_json`."""
    if data is None:
        return None
    return Location(data["address"], (data["latitude"], data["longitude"]), data.get("raw", {}))
