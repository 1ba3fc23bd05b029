"""The one settings object of a controlmap run, passed explicitly to every stage.

Not for defaults hidden in modules: anything a user can change lives here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .records import Level


@dataclass(frozen=True)
class Settings:
    """Options of one run. Every field has a default that builds the bundled map."""

    # conflict profile folder (sides, seats of government, data layers); None: the
    # bundled Afghanistan 2021 profile. Explicit places/boundaries override its layers.
    conflict: Path | None = None
    start: dt.date | None = None  # first day of the timeline; default: day before first event
    end: dt.date | None = None  # last day; default: day of the last dated event
    baseline: Path | None = None  # CSV region_id,state: the state before any event
    boundaries: Path | None = None  # polygon layer; default: the bundled layer of `regions`
    # What the regions are, and so what moves one (README, control rules); also the
    # bundled layer drawn when boundaries is None.
    regions: Level = "provinces"
    id_field: str = "id"
    name_field: str = "name"
    places: Path | None = None  # gazetteer CSV; default: bundled data/places.csv
    tiles: bool = False  # opt-in basemap (needs the network when the map is opened)
    title: str | None = None  # None: "Who controls what" and the timeline's date range
    base_url: str = ""  # where index.html will be served; makes embed.html's src absolute
    jobs: int | None = None  # worker processes for extraction; None: one per core
    confirm_days: int = 3  # a single outlet's fall contradicted within this many days is a claim
    stale_days: int = 14  # contested with no report for longer than this is drawn as stale
