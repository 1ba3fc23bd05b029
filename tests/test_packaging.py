"""Every file the package reads at run time is declared as package data, so a wheel has it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "controlmap"


def test_every_resource_file_is_package_data() -> None:
    pyproject = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["controlmap"]
    resources = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert {"data/places.csv", "data/provinces.geojson", "templates/map.js"} <= set(resources)
    missing = [r for r in resources if not any(fnmatch.fnmatch(r, p) for p in patterns)]
    assert missing == []
