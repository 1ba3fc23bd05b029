"""The events table: `Event` records to and from ``events.csv``.

`events_frame` lays events out as a table with the columns of
`records.EVENT_COLUMNS`, and `read_events` reads such a table back, for instance
one corrected or extended by hand, checking every row and completing hand-made
rows from the gazetteer. Not for: finding events in prose (`extract`), merging
them into one state per day (`reconcile`), or deciding where outputs are written
(`pipeline`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError
from .gazetteer import Gazetteer, load_gazetteer
from .records import EVENT_COLUMNS, STATUSES, Event


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """Events as a table with `records.EVENT_COLUMNS` (dates as ISO text, "" when unknown)."""
    rows = []
    for event in events:
        row = {column: getattr(event, column) for column in EVENT_COLUMNS}
        row["date"] = event.date.isoformat() if event.date else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


#: Columns an events file must have; the rest may be left out or empty (hand-made rows).
REQUIRED_EVENT_COLUMNS = ["article", "place", "status", "date"]
_PLACE_COLUMNS = ("place_id", "kind", "province_id", "province")


_EARLIEST = dt.date(1900, 1, 1)  # before this, a date in a table is a typo, not news
_AHEAD = dt.timedelta(days=366)  # more than a year ahead of today is a typo too
#: The range `plausible_date` accepts, as a message can say it.
DATE_RANGE_TEXT = "dates must lie between 1900-01-01 and a year from today"


def plausible_date(day: dt.date) -> bool:
    """Whether ``day`` can be the date of a report: from 1900 to a year after today."""
    return _EARLIEST <= day <= dt.date.today() + _AHEAD


def read_events(path: Path, *, gazetteer: Gazetteer | None = None) -> list[Event]:
    """Read an ``events.csv`` (for instance one corrected by hand) back into events.

    Parameters
    ----------
    path
        A CSV file with at least the columns ``article``, ``place``, ``status`` and
        ``date``; any other column of `records.EVENT_COLUMNS` may be missing or
        empty. Where ``lat``/``lon`` are empty, the place is looked up in the
        gazetteer, which also fills an empty ``place_id``, ``kind``,
        ``province_id`` and ``province``; so a row added by hand needs only the
        four required cells.
    gazetteer
        Where to look places up; default: the bundled gazetteer, loaded only
        when a row needs it.

    Raises
    ------
    InputError
        When the file cannot be read, a required column is missing, or a row has
        an unknown status, a bad date, a non-numeric value or a place that is
        neither in the gazetteer nor given coordinates; the message names file
        and line.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"{path}: cannot read the events table: {err}"
        raise InputError(msg) from err
    missing = [c for c in REQUIRED_EVENT_COLUMNS if c not in table.columns]
    if missing:
        msg = (f"{path}: missing column(s) {', '.join(missing)}; an events table needs "
               f"{', '.join(REQUIRED_EVENT_COLUMNS)} and may have {', '.join(EVENT_COLUMNS)}")
        raise InputError(msg)
    for column in EVENT_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    events = []
    records: list[dict[str, Any]] = table.to_dict("records")  # type: ignore[assignment]
    for number, row in enumerate(records, start=2):
        if not (row["lat"].strip() and row["lon"].strip()):
            gazetteer = gazetteer or load_gazetteer()
            row = _placed(row, gazetteer, f"{path}:{number}")
        events.append(_event_from_row(row, path, number))
    return events


def _placed(row: dict[str, Any], gazetteer: Gazetteer, where: str) -> dict[str, Any]:
    """A hand-made row completed from the gazetteer entry of its place."""
    place = gazetteer.lookup(row["place"].strip()) if row["place"].strip() else None
    if place is None:
        msg = (f"{where}: place {row['place']!r} is not in the gazetteer; give its lat and "
               "lon (`controlmap places NAME` looks a name up)")
        raise InputError(msg)
    filled = {column: row[column] or getattr(place, column) for column in _PLACE_COLUMNS}
    return row | filled | {"lat": str(place.lat), "lon": str(place.lon)}


def _event_from_row(row: dict[str, Any], path: Path, line: int) -> Event:
    """One events.csv row as an Event; errors name the file and line."""
    where = f"{path}:{line}"
    status = row["status"].strip()
    if status not in STATUSES:
        msg = f"{where}: status {status!r} is not one of {', '.join(STATUSES)}"
        raise InputError(msg)
    try:
        day = dt.date.fromisoformat(row["date"].strip()) if row["date"].strip() else None
    except ValueError as err:
        msg = f"{where}: date {row['date']!r} is not YYYY-MM-DD (leave it empty when unknown)"
        raise InputError(msg) from err
    if day is not None and not plausible_date(day):
        msg = f"{where}: date {row['date']!r} is out of range; {DATE_RANGE_TEXT}"
        raise InputError(msg)
    try:
        numbers = {
            "confidence": float(row["confidence"] or 0),
            "start": int(row["start"] or 0),
            "end": int(row["end"] or 0),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
        }
    except ValueError as err:
        msg = f"{where}: {err}; confidence, lat and lon must be numbers, start and end integers"
        raise InputError(msg) from err
    if not row["article"].strip() or not row["place"].strip():
        msg = f"{where}: article and place must not be empty"
        raise InputError(msg)
    event = Event(
        article=row["article"], place=row["place"], place_id=row["place_id"],
        kind=row["kind"], province_id=row["province_id"], province=row["province"],
        status=status,  # type: ignore[arg-type]
        date=day, actor=row["actor"], confidence=numbers["confidence"],
        evidence=row["evidence"], start=int(numbers["start"]), end=int(numbers["end"]),
        lat=numbers["lat"], lon=numbers["lon"], title=row["title"], outlet=row["outlet"],
        url=row["url"],
    )
    return replace(event)


__all__ = ["DATE_RANGE_TEXT", "REQUIRED_EVENT_COLUMNS", "events_frame", "plausible_date",
           "read_events"]
