"""Typed records passed between pipeline stages, and the column lists of the tables.

Every stage hands the next one of these frozen dataclasses (or a DataFrame
with one of the documented column lists below); nothing travels between
modules as a dict with string keys. Not for behaviour: records only hold data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd


Status = Literal["fallen", "claimed", "contested", "government"]
State = Literal["government", "contested", "claimed", "taliban"]
DateSource = Literal["sidecar", "url", "text", "corpus", "unknown"]
# How sure a publication date is: "given" by the user (sidecar, JSONL record); "high"
# (a dated dateline, a URL date, a page date the events agree with); "medium" (one
# more step: a dateline's year from the corpus, a weekday vouching for an event
# date, an unchecked page date); "low" (only the other articles' dates).
DateConfidence = Literal["given", "high", "medium", "low"]
Level = Literal["provinces", "districts"]

STATUSES: tuple[Status, ...] = ("fallen", "claimed", "contested", "government")
STATES: tuple[State, ...] = ("government", "contested", "claimed", "taliban")
LEVELS: tuple[Level, ...] = ("provinces", "districts")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input; reported, never raised, so the rest goes on."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Article:
    """One news article, as loaded from the corpus."""

    id: str  # stable: path relative to the corpus root ("a.jsonl#3" for a JSONL line)
    text: str
    title: str = ""
    published: dt.date | None = None
    published_source: DateSource = "unknown"
    url: str = ""
    outlet: str = ""
    path: Path | None = None
    published_confidence: DateConfidence | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: a canonical place and where it is."""

    place_id: str
    name: str
    kind: str  # capital, city, town, district, border_crossing, airport, base, province
    province_id: str  # ISO 3166-2, e.g. "AF-HER"
    province: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Mention:
    """A gazetteer name found in a text, with offsets into that text."""

    place: Place
    start: int
    end: int
    surface: str  # the text as written in the article


@dataclass(frozen=True)
class Event:
    """One report about control of one place on one day, with its evidence."""

    article: str
    place: str
    place_id: str
    kind: str
    province_id: str
    province: str
    status: Status
    date: dt.date | None
    actor: str
    confidence: float
    evidence: str
    start: int
    end: int
    lat: float
    lon: float
    title: str = ""
    outlet: str = ""
    url: str = ""


@dataclass(frozen=True)
class CapitalCount:
    """A report of how many provincial capitals had fallen ("12 of the 34 capitals")."""

    article: str
    date: dt.date | None
    count: int
    total: int
    evidence: str


@dataclass(frozen=True)
class Unresolved:
    """A sentence that reads like a control statement about a name we could not place."""

    article: str
    name: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    events: tuple[Event, ...] = ()
    counts: tuple[CapitalCount, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)


# Column lists of the CSV outputs; README documents each one.
EVENT_COLUMNS = [
    "article", "place", "place_id", "kind", "province_id", "province", "status", "date",
    "actor", "confidence", "evidence", "start", "end", "lat", "lon", "title", "outlet", "url",
]
ARTICLE_COLUMNS = [
    "file", "title", "published", "published_source", "published_confidence", "url", "outlet",
    "events", "problems",
]
TIMELINE_COLUMNS = [
    "date", "region_id", "region", "state", "events", "conflict", "stale", "districts_taken",
    "districts_total",
]
COUNT_COLUMNS = ["article", "date", "count", "total", "evidence"]
PLACE_STATE_COLUMNS = ["place_id", "place", "lat", "lon", "region_id", "day", "state"]
UNRESOLVED_COLUMNS = ["article", "name", "sentence", "start", "end"]


@dataclass(frozen=True)
class Timeline:
    """One state per region per day, with the events behind each state.

    ``regions`` is a GeoDataFrame (``region_id``, ``region``, ``geometry``, EPSG:4326).
    ``states`` has TIMELINE_COLUMNS, one row per day x region, ordered by date then
    region_id; ``date`` holds ``datetime.date`` values, ``events`` the positions
    (in ``events``) of the events that justify the state, joined by ";", and
    ``conflict`` is True where same-day reports disagreed or a single outlet's fall was
    contradicted, ``stale`` is True where a ``contested`` state has had no report for
    longer than the staleness window, ``districts_taken`` (int) counts the places below the
    region's level that reports have taken by that day and ``districts_total`` (Int64,
    ``<NA>`` when unknown) is how many districts the region has.
    ``events`` has EVENT_COLUMNS plus ``region_id`` and ``region``.
    ``counts`` has COUNT_COLUMNS (reported numbers of fallen capitals).
    ``places`` has PLACE_STATE_COLUMNS: each reported provincial capital's own state
    (by its own reports only), one row per day it changes, ``day`` an offset into
    ``days`` (0 also for reports before the first day); None when not worked out.
    """

    regions: Any
    days: tuple[dt.date, ...]
    states: pd.DataFrame
    events: pd.DataFrame
    counts: pd.DataFrame
    places: pd.DataFrame | None = None
