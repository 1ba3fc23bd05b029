"""Every file the package reads at run time is declared as package data, so a wheel has it."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "controlmap"


def test_every_resource_file_is_package_data() -> None:
    pyproject = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["controlmap"]
    # os.walk, not rglob: data/ is a symlink to the repository's data folder.
    resources = [
        (Path(folder) / name).relative_to(PACKAGE).as_posix()
        for folder, _dirs, names in os.walk(PACKAGE, followlinks=True)
        for name in names
        if not name.endswith((".py", ".pyc")) and "__pycache__" not in folder
    ]
    assert {"data/places.csv", "data/provinces.geojson", "templates/map.js"} <= set(resources)
    missing = [r for r in resources if not any(fnmatch.fnmatch(r, p) for p in patterns)]
    assert missing == []
