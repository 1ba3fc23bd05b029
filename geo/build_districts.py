"""Rebuild ``data/districts.geojson``: Afghanistan's 398 districts, simplified, with ISO ids.

Source: the geoBoundaries ADM2 layer for Afghanistan (2014 district list, 398
districts, public domain; cite Runfola et al. 2020, see ``data/README.md``), as
the copy at ``../shared/geo/af_adm2_geoboundaries.geojson`` with the fields
``gb_shapeID``, ``name``, ``adm1_iso`` and ``adm1_name``. The script tidies the
names (collapsed spaces, "Qala-I- Naw" -> "Qala-i-Naw", "Khost(Matun)" ->
"Khost (Matun)"), gives every district a readable stable id (its province's ISO
code and a slug of its name, ``AF-KAN-maywand``), cleans the source as a
coverage (its few slivers of gap between neighbours are merged into the
neighbour with the longest shared border), simplifies it as one coverage so
neighbours keep sharing their borders exactly, and writes a deterministic file.

The name helpers (`clean_name`, `district_id`) are also used by
``geo/build_places.py``, which puts every district into the gazetteer.

Not for runtime use: controlmap reads the committed output, never this script.

Usage::

    .venv/bin/python geo/build_districts.py
    .venv/bin/python geo/build_districts.py --source path/to/af_adm2_geoboundaries.geojson
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

logger = logging.getLogger("build_districts")

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "geo" / "af_adm2_geoboundaries.geojson"
EXPECTED_DISTRICTS = 398

# Gaps narrower than this (degrees, ~1 km) between source districts are slivers
# of digitising, merged into a neighbour; the source has about twenty, all tiny.
GAP_WIDTH = 0.01
# Coverage simplification tolerance (degrees, ~1 km) and output precision (4
# decimals, ~11 m): keeps a district's shape at the scale of a country map and
# the file near 400 KB, so a 120-day district map stays under 1 MB.
TOLERANCE = 0.01
DECIMALS = 4

_SPACES = re.compile(r"\s+")
_EZAFE = re.compile(r"\s*-\s*([IiEe])\s*-\s*")
_PAREN = re.compile(r"\s*\(\s*([^)]*?)\s*\)")


@dataclass(frozen=True)
class District:
    """One district as the bundled layer describes it."""

    region_id: str  # "AF-KAN-maywand"
    name: str  # tidied geoBoundaries name, "Qala-i-Naw", "Khost (Matun)"
    province_id: str  # ISO 3166-2 code of its province
    province: str  # the province's name in data/provinces.geojson
    shape_id: str  # geoBoundaries' gb_shapeID, for going back to the source
    geometry: BaseGeometry


def clean_name(raw: str) -> str:
    """A geoBoundaries district name with its typing slips tidied.

    Spaces are collapsed, the connector of "Dahana-I- Ghuri" becomes "-i-", a
    bracketed alternative name gets one space before it and none inside, and a
    lower-case word other than "wa" (and) is capitalised.
    """
    name = _SPACES.sub(" ", raw).strip()
    name = _EZAFE.sub(lambda m: f"-{m.group(1).lower()}-", name)
    name = _PAREN.sub(lambda m: f" ({m.group(1)})", name).strip()
    name = re.sub(r"\s*-\s*", "-", name)
    words = [w if w == "wa" or not w[:1].islower() else w.capitalize() for w in name.split(" ")]
    return " ".join(words)


def district_id(province_id: str, name: str) -> str:
    """The stable id of a district: its province's code and an ASCII slug of its name."""
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    return f"{province_id}-{slug}"


def read_source(path: Path, provinces: Mapping[str, str]) -> list[District]:
    """The districts of the geoBoundaries file, checked: 398, unique ids, known provinces."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    districts = []
    for feature in features:
        properties = feature["properties"]
        province_id = str(properties["adm1_iso"])
        if province_id not in provinces:
            msg = f"{path}: district {properties['name']!r} has an unknown province {province_id!r}"
            raise SystemExit(msg)
        name = clean_name(str(properties["name"]))
        districts.append(
            District(
                region_id=district_id(province_id, name),
                name=name,
                province_id=province_id,
                province=provinces[province_id],
                shape_id=str(properties["gb_shapeID"]),
                geometry=shape(feature["geometry"]),
            )
        )
    ids = [d.region_id for d in districts]
    if len(ids) != EXPECTED_DISTRICTS or len(set(ids)) != len(ids):
        msg = f"{path}: expected {EXPECTED_DISTRICTS} districts with unique ids, got {len(ids)}"
        raise SystemExit(msg)
    return sorted(districts, key=lambda d: d.region_id)


def simplify(geometries: Sequence[BaseGeometry]) -> list[BaseGeometry]:
    """Clean and simplify the districts as one coverage, snap to the grid, orient for GeoJSON."""
    cleaned = shapely.coverage_clean(list(geometries), gap_width=GAP_WIDTH)
    simplified = shapely.coverage_simplify(cleaned, TOLERANCE)
    snapped = shapely.set_precision(simplified, 10.0**-DECIMALS)
    oriented = list(shapely.orient_polygons(snapped, exterior_cw=False))
    bad = [i for i, geom in enumerate(oriented) if not geom.is_valid or geom.is_empty]
    if bad or not shapely.coverage_is_valid(oriented):
        msg = f"simplified district coverage is invalid (features {bad}); lower TOLERANCE"
        raise SystemExit(msg)
    return oriented


def _rounded(value: Any) -> Any:
    """Coordinates as floats rounded to DECIMALS (nested tuples become lists)."""
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return round(float(value), DECIMALS)


def to_geojson(districts: Sequence[District]) -> str:
    """Serialise the districts deterministically: sorted by id, one feature per line."""
    lines = []
    for district in sorted(districts, key=lambda d: d.region_id):
        geometry = mapping(district.geometry)
        feature = {
            "type": "Feature",
            "properties": {
                "id": district.region_id,
                "name": district.name,
                "province_id": district.province_id,
                "province": district.province,
                "gb_shapeID": district.shape_id,
            },
            "geometry": {
                "type": geometry["type"], "coordinates": _rounded(geometry["coordinates"]),
            },
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def province_names(path: Path) -> dict[str, str]:
    """ISO id -> name of the bundled provinces."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["id"]: f["properties"]["name"] for f in features}


def build(source: Path, provinces_path: Path) -> str:
    """The text of ``districts.geojson`` built from the geoBoundaries layer."""
    districts = read_source(source, province_names(provinces_path))
    simplified = simplify([d.geometry for d in districts])
    tidied = [
        District(d.region_id, d.name, d.province_id, d.province, d.shape_id, geometry)
        for d, geometry in zip(districts, simplified, strict=True)
    ]
    return to_geojson(tidied)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--provinces", type=Path, default=ROOT / "data" / "provinces.geojson")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "districts.geojson")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.source.exists():
        msg = f"{args.source} does not exist; pass the geoBoundaries AFG ADM2 GeoJSON with --source"
        raise SystemExit(msg)
    text = build(args.source, args.provinces)
    args.out.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d bytes)", args.out, len(text.encode("utf-8")))


if __name__ == "__main__":
    main()
