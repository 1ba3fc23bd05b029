"""Conflict profiles: who fights whom, where, and in which words news names them.

A profile is a folder with a ``conflict.toml``: its sides, seats of government, the
number of capitals, date hints, the paths of its gazetteer and boundary layers, and
their credit line.
The map's labels, the ``actor`` column and the rules' attacker words come from it,
so that a new conflict is a folder rather than an edit to the code. Afghanistan 2021
is the bundled default. Not for extraction rules themselves (``rules/triggers.toml``).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError

#: The file that makes a folder a conflict profile.
PROFILE_FILE = "conflict.toml"
_DEFAULT = "afghanistan-2021"


@dataclass(frozen=True)
class Side:
    """One party: its label on the map, the words news uses for it, its colour."""

    label: str
    names: tuple[str, ...]
    color: str
    short: str  # in running text ("government → Taliban"); by default the label


@dataclass(frozen=True)
class Layer:
    """A polygon layer of the profile and the fields holding region id and name."""

    path: Path
    id_field: str = "id"
    name_field: str = "name"


@dataclass(frozen=True)
class Profile:
    """A conflict: sides, seats of government, capitals count, dates and data paths."""

    name: str
    attacker: Side
    defender: Side
    third: Side | None  # a resistance or other side fighting the attacker
    seats_of_government: tuple[str, ...]
    capitals: int  # regions of the coverage check ("7 of 34 capitals")
    date_range: tuple[dt.date, dt.date] | None  # hint only; the corpus decides
    places: Path
    provinces: Layer
    districts: Layer | None
    attribution: str | None  # credit line of the data layers on the map
    root: Path


def default_profile_dir() -> Path:
    """Folder of the bundled Afghanistan 2021 profile."""
    return Path(str(resources.files("controlmap").joinpath("conflicts", _DEFAULT)))


def load_profile(path: Path | str | None = None) -> Profile:
    """Read a conflict profile.

    Parameters
    ----------
    path
        A profile folder (holding ``conflict.toml``) or the TOML file itself; by
        default the bundled Afghanistan 2021 profile.

    Raises
    ------
    InputError
        When the file cannot be read, or a key is missing or of the wrong type (the
        message names the file and the key).
    """
    return _load(Path(path).resolve() if path is not None else default_profile_dir())


@functools.cache
def _load(path: Path) -> Profile:
    file = path / PROFILE_FILE if path.is_dir() else path
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"cannot read the conflict profile {str(file)!r}: {err}") from err
    reader = _Reader(table, file)
    sides = reader.table("sides")
    third = [k for k in sides if k not in ("attacker", "defender")]
    data = reader.table("data")
    return Profile(
        name=reader.text(table, "name"),
        attacker=reader.side(sides, "attacker"),
        defender=reader.side(sides, "defender"),
        third=reader.side(sides, third[0]) if third else None,
        seats_of_government=tuple(reader.words(table, "seats_of_government")),
        capitals=reader.count(table, "capitals"),
        date_range=reader.dates(table),
        places=reader.path(data, "places"),
        provinces=reader.layer(data, "provinces"),
        districts=reader.layer(data, "districts") if "districts" in data else None,
        attribution=reader.text(data, "attribution") if "attribution" in data else None,
        root=file.parent,
    )


class _Reader:
    """Typed reads from one profile's table; errors name the file and the key."""

    def __init__(self, table: dict[str, Any], file: Path) -> None:
        self._table, self._file = table, file

    def _fail(self, key: str, problem: str) -> InputError:
        return InputError(f"conflict profile {str(self._file)!r}: key {key!r} {problem}.")

    def table(self, key: str) -> dict[str, Any]:
        value = self._table.get(key)
        if not isinstance(value, dict):
            raise self._fail(key, "is missing or not a table")
        return value

    def text(self, table: dict[str, Any], key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, "is missing or not a non-empty string")
        return value

    def words(self, table: dict[str, Any], key: str) -> list[str]:
        value = table.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise self._fail(key, "is missing or not a list of strings")
        return value

    def count(self, table: dict[str, Any], key: str) -> int:
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self._fail(key, "is missing or not a positive whole number")
        return value

    def side(self, sides: dict[str, Any], key: str) -> Side:
        side = sides.get(key)
        if not isinstance(side, dict):
            raise self._fail(f"sides.{key}", "is missing or not a table")
        names = self.words(side, "names") if "names" in side else []
        if not names:
            raise self._fail(f"sides.{key}.names", "is missing or empty")
        label = self.text(side, "label")
        short = self.text(side, "short") if "short" in side else label
        return Side(label, tuple(names), self.text(side, "color"), short)

    def dates(self, table: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
        if "date_range" not in table:
            return None
        value = table["date_range"]
        try:
            first, last = (v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
                           for v in value)
        except (TypeError, ValueError) as err:
            raise self._fail("date_range", "is not two YYYY-MM-DD dates") from err
        return first, last

    def path(self, table: dict[str, Any], key: str) -> Path:
        path = self._file.parent / self.text(table, key)
        if not path.is_file():
            raise self._fail(f"data.{key}", f"names {str(path)!r}, which is not a file")
        return path.resolve()

    def layer(self, table: dict[str, Any], key: str) -> Layer:
        value = table.get(key)
        if isinstance(value, str):
            return Layer(self.path(table, key))
        if not isinstance(value, dict):
            raise self._fail(f"data.{key}", "is missing or not a path or table")
        return Layer(self.path(value, "path"), value.get("id_field", "id"),
                     value.get("name_field", "name"))
