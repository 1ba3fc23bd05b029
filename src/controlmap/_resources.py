"""Paths of the files shipped inside the package (data layers, templates)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a bundled data file such as ``provinces.geojson`` or ``places.csv``."""
    return Path(str(resources.files("controlmap").joinpath("data", name)))


def template_text(name: str) -> str:
    """Text of a template file under ``controlmap/templates``."""
    return resources.files("controlmap").joinpath("templates", name).read_text(encoding="utf-8")
