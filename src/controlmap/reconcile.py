"""Reconcile located events into one control state per region per day.

This module turns the events of every article (already placed in a region by
`geocode.assign_regions`) into a `Timeline`: for each day from a start to an
end date, the state of each region (``government``, ``contested``, ``claimed``
or ``taliban``) and the events that justify it. It also works out, day by day,
the coverage check that compares the reported number of fallen provincial
capitals with the number the map shows. It does not extract, geocode or draw.

Rules
-----
1. **Range.** By default the timeline runs from the day before the first dated
   event through the last dated event (events with a region count; if none has
   one, every dated event counts). ``start`` and ``end`` override either end.
2. **Before any event** a region is ``government``, or the state the optional
   baseline CSV (``region_id,state``) gives it.
3. **What moves a region depends on the level.** On the province map
   (``level="provinces"``) a province moves only by reports about its capital
   or about the province as a whole (gazetteer kind ``capital`` or ``province``).
   A report that names the province only as the place of a part of it ("a
   district in X province", "five X districts", "checkpoints in X", "the rest of
   X"; the nouns are in ``rules/levels.toml``) is about the part, as are reports
   about districts, towns and border posts: they do not move the province but
   count in its share (rule 11). On the district map (``level="districts"``)
   each district moves by the reports located in it, so a capital's fall moves
   the district holding it; a report about a whole province moves its capital's
   district and marks the province's other districts no further than
   ``contested`` (a ``government`` report about a province moves only the
   capital's district); a report about an unnamed part of a province moves no
   district (it does not say which).
4. **A report moves a region from its day on**, and the state holds until a
   later report changes it:

   - ``fallen`` makes it ``taliban``;
   - ``claimed`` makes it ``claimed`` (an unconfirmed claim), except that a
     region already ``taliban`` stays ``taliban`` (the claim agrees with it);
     a later ``fallen`` report confirms it, a later ``government`` report denies it;
   - ``contested`` makes it ``contested``; a later ``fallen`` or ``government``
     report resolves it. After a fall, a report of fighting does not undo the
     fall (news keeps recounting the battle for a city after it fell, and
     "parts of X have fallen" is not a recapture): the region stays ``taliban``
     and the day is flagged, until a ``government`` report says it was retaken
     (but see rule 6);
   - ``government`` (held, repelled or retaken) makes it ``government`` again,
     also from ``taliban``.
5. **Same-day reports** about one region are resolved by precedence:
   ``fallen`` > ``government`` > ``contested`` > ``claimed``. A confirmed fall
   outweighs everything (falls end a day's fighting); a government report
   denies a same-day claim and resolves same-day fighting, as it would on a
   later day; reports of fighting outweigh an unverified claim. A region-day is
   flagged (``conflict`` is True) when its reports contradict each other: a
   ``government`` report beside a ``fallen`` or ``claimed`` one. Fighting
   beside another report is not flagged (a day of fighting ends one way or the
   other), nor is a claim beside a fall (the fall confirms the claim).
6. **Evidence weighting.** A fall reported by one outlet (``outlet``, else the
   article) and contradicted by a report of fighting in the region from another
   outlet within ``confirm_days`` days after it counts as ``claimed`` (its day
   flagged), unless another outlet reported the fall by the day of that
   fighting: a single report of a fall that others still describe as a battle
   is not a fall yet (an outlet that itself reports the fighting by that day
   confirms nothing). Uncontradicted for ``confirm_days`` days, it stands.
7. **Undated events** (empty ``date``) move nothing, except undated falls and
   claims (background recaps: "X, Y and Z have fallen") whose article has a
   publication date: such a recap moves the place from that date (the fall
   happened on or before it), unless a dated report of the fall of that place
   exists on or before it or within ``confirm_days`` days after it (then the
   dated report says when). A recap never makes a fall earlier than a dated
   report of it. **Unplaced events** (empty ``region_id``) move nothing. All
   stay in ``Timeline.events`` as evidence, with their own (empty) date. A
   recap does not widen the range (rule 1 counts dated events only).
8. **Events outside the range.** Events before ``start`` set the state the
   timeline starts with; events after ``end`` move nothing. Both are kept.
9. **Evidence.** Each region-day lists (``states.events``, ``;``-joined
   positions into ``Timeline.events``) the events behind its state: the reports
   of the day the region entered that state plus every later report that
   agreed with it, up to that day. A region that no report has moved lists none.
10. **Staleness.** A region ``contested`` with no report moving it for more than
    ``stale_days`` days is flagged ``stale`` (the fighting may long be over).
11. **District share** (province map). ``districts_taken`` counts, per province
    and day, the distinct places below the province's level (districts, towns,
    border posts; not airports or bases) whose own reports, by rules 4 and 5,
    have them ``taliban`` or ``claimed`` that day; ``districts_total`` is the
    number of districts of the province (``district_counts``, ``<NA>`` when
    unknown or on the district map).
12. **Coverage check** (`coverage`). For each day, the latest reported count of
    fallen capitals dated up to that day (when several reports share that date,
    the highest count, as the most recent news), beside the number of distinct
    places of kind ``capital`` whose ``fallen`` reports are among the evidence of
    a region shown as ``taliban`` that day. Undated counts are not used.

Every output is ordered (regions by ``region_id``, events by date, region,
article and offset), so the same input gives the same timeline whatever the
order of its rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ._resources import data_path
from .errors import DataError, InputError
from .records import (
    COUNT_COLUMNS,
    EVENT_COLUMNS,
    LEVELS,
    PLACE_STATE_COLUMNS,
    STATES,
    STATUSES,
    Level,
    State,
    Status,
    Timeline,
)

logger = logging.getLogger(__name__)

#: Same-day precedence: the first status present on a day wins.
PRECEDENCE: tuple[Status, ...] = ("fallen", "government", "contested", "claimed")

#: Kinds of place whose reports move a province on the province map.
WHOLE_REGION_KINDS = frozenset({"capital", "province"})
#: Kinds of place that are no district: kept as evidence, never counted in a share.
FACILITY_KINDS = frozenset({"airport", "base"})
TAKEN_STATUSES = frozenset({"fallen", "claimed"})
TAKEN_STATES = frozenset({"taliban", "claimed"})

#: Longest timeline (20 years): past this a date is almost surely a typo.
MAX_DAYS = 20 * 366

_EVENT_FRAME_COLUMNS = [*EVENT_COLUMNS, "region_id", "region"]
_COVERAGE_COLUMNS = ["date", "reported", "total", "reported_on", "on_map"]
_MAX_COUNT = 1_000_000  # a reported count of regions beyond this is a typo


def reconcile(
    events: pd.DataFrame,
    regions: Any,
    *,
    counts: pd.DataFrame | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    baseline: pd.DataFrame | None = None,
    level: Level = "provinces",
    district_counts: pd.DataFrame | None = None,
    districts: pd.DataFrame | None = None,
    confirm_days: int = 3,
    stale_days: int = 14,
    capitals: pd.DataFrame | None = None,
) -> Timeline:
    """Reconcile located events into one state per region per day (rules: module docstring).

    Parameters
    ----------
    events
        EVENT_COLUMNS plus ``region_id`` and ``region``; ``date`` is an ISO
        string (or a date), empty when unknown; ``region_id`` is empty when the
        event lies in no region. An optional ``published`` column (the article's
        publication date) bounds undated falls (rule 7).
    regions
        GeoDataFrame with ``region_id``, ``region`` and ``geometry``; reprojected
        to EPSG:4326 if it is in another CRS.
    counts
        Reported numbers of fallen capitals (COUNT_COLUMNS), for the coverage check.
    start, end
        First and last day of the timeline; default from the dated events.
    baseline
        ``region_id`` and ``state`` of regions that do not start as
        ``government`` (see `read_baseline`).
    level
        ``provinces`` (regions are provinces: only reports about a capital or a
        whole province move one) or ``districts`` (each region moves by its own reports).
    district_counts
        ``region_id`` and ``districts``: how many districts each province has, for
        ``districts_total`` (see `read_district_counts`); province level only.
    districts
        District level only: ``region_id``, ``province_id`` and ``capital`` (True
        for the district holding the province's capital), so that a report about
        a whole province moves its capital's district (see `district_parents`).
    confirm_days
        A single outlet's fall contradicted by fighting reported by another
        outlet within this many days shows as ``claimed`` (rule 6).
    stale_days
        A ``contested`` region with no report for more than this many days is
        flagged ``stale``.
    capitals
        ``place_id``, ``name``, ``lat``, ``lon`` and ``region_id`` of every
        provincial capital, so that ``Timeline.places`` lists those no report
        names too (the map draws them as assumed).

    Returns
    -------
    Timeline
        States ordered by date then ``region_id``; events sorted by date (undated
        last), region, article and offset, with positions used by ``states.events``.

    Raises
    ------
    InputError
        A column is missing, an event has an unknown status, a malformed date or
        a region id the layer lacks, the baseline names an unknown region or
        state, the level is unknown, or the range is empty or cannot be inferred.
    DataError
        The regions layer lacks a column or repeats a region id.
    """
    if level not in LEVELS:
        raise InputError(f"Level {level!r} is not one of {list(LEVELS)}.")
    layer = _regions_layer(regions)
    region_ids: list[str] = layer["region_id"].tolist()
    table = _event_table(events, set(region_ids))
    published = _published(events, table)
    first, last = _date_range(table, start, end)
    days = tuple(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    initial = _initial_states(baseline, region_ids)
    column = {region_id: i for i, region_id in enumerate(region_ids)}
    moves, local = _moves(table, published, level=level, districts=districts,
                          confirm_days=confirm_days)
    moves = _on_days(moves, column, first)
    moves, contradicted = _weigh(moves, confirm_days)
    state_codes, evidence, conflict = _run(moves, len(region_ids), initial, len(days))
    for i, r in contradicted:
        if 0 <= i < len(days):
            conflict[i, r] = True
    stale = _stale(moves, state_codes, stale_days)
    taken = _places_taken(_on_days(local, column, first), len(region_ids), len(days))
    totals = _district_totals(district_counts, region_ids) if level == "provinces" else None

    n_days, n_regions = len(days), len(region_ids)
    states = pd.DataFrame(
        {
            "date": np.repeat(np.array(days, dtype=object), n_regions),
            "region_id": np.tile(np.array(region_ids, dtype=object), n_days),
            "region": np.tile(layer["region"].to_numpy(dtype=object), n_days),
            "state": np.asarray(STATES, dtype=object)[state_codes.ravel()],
            "events": evidence.ravel(),
            "conflict": conflict.ravel(),
            "stale": stale.ravel(),
            "districts_taken": taken.ravel(),
            "districts_total": pd.array(
                np.tile(totals, n_days) if totals is not None else [pd.NA] * (n_days * n_regions),
                dtype="Int64",
            ),
        }
    )
    logger.info(
        "Reconciled %d events into %d regions x %d days (%s to %s)",
        len(table), n_regions, n_days, first, last,
    )
    return Timeline(
        regions=layer, days=days, states=states, events=table, counts=_count_table(counts),
        places=_capital_states(table, days, confirm_days, capitals),
    )


def read_district_counts(path: Path | None = None) -> pd.DataFrame:
    """Read a table of districts per province (``region_id,districts``).

    Parameters
    ----------
    path
        CSV file; default: the bundled ``data/district_counts.csv`` (geoBoundaries ADM2).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_id`` (str) and ``districts`` (int).

    Raises
    ------
    InputError
        The file cannot be read, lacks a column or holds a count that is not a
        positive whole number.
    """
    path = path if path is not None else data_path("district_counts.csv")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read district counts file {str(path)!r}: {err}.") from err
    missing = {"region_id", "districts"} - set(frame.columns)
    if missing:
        raise InputError(f"District counts file {str(path)!r} lacks the column(s) "
                         f"{sorted(missing)}; its header must be 'region_id,districts'.")
    numbers = pd.to_numeric(frame["districts"], errors="coerce")
    bad = frame.loc[numbers.isna() | (numbers < 1) | (numbers % 1 != 0), "districts"]
    if len(bad):
        raise InputError(f"District counts file {str(path)!r}: {bad.iloc[0]!r} is not a "
                         "number of districts; use a whole number above 0.")
    return pd.DataFrame({"region_id": frame["region_id"].str.strip(),
                         "districts": numbers.astype(int)})


def district_parents(districts: Any, provinces: Any, capitals: pd.DataFrame) -> pd.DataFrame:
    """For a district layer: each district's province and whether it holds its capital.

    Parameters
    ----------
    districts
        The district regions (``region_id``, ``geometry``).
    provinces
        A province layer (``region_id`` = province id, ``geometry``): a district
        belongs to the province holding a point inside it.
    capitals
        ``province_id``, ``lat`` and ``lon`` of each province's capital.

    Returns
    -------
    pandas.DataFrame
        ``region_id``, ``province_id`` (empty when no province holds it) and ``capital``.
    """
    layer = _regions_layer(districts)
    points = layer.geometry.representative_point()
    province_layer = _regions_layer(provinces)
    province_of = [""] * len(layer)
    for i, point in enumerate(points):
        hits = province_layer.index[province_layer.geometry.contains(point)]
        if len(hits):
            province_of[i] = str(province_layer.at[hits[0], "region_id"])
    holds = np.zeros(len(layer), dtype=bool)
    for province_id, lat, lon in zip(capitals["province_id"], capitals["lat"], capitals["lon"],
                                     strict=True):
        point = shapely.Point(float(lon), float(lat))
        hits = layer.index[layer.geometry.contains(point)]
        for hit in hits[:1]:
            if province_of[hit] == str(province_id):
                holds[hit] = True
    return pd.DataFrame({"region_id": layer["region_id"], "province_id": province_of,
                         "capital": holds})


def read_baseline(path: Path, region_ids: Iterable[str]) -> pd.DataFrame:
    """Read a baseline CSV (``region_id,state``): the state of regions before any event.

    Regions the file does not list start as ``government``.

    Parameters
    ----------
    path
        CSV file with a header row naming ``region_id`` and ``state``.
    region_ids
        The ids of the regions layer, to check the file against.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_id`` and ``state``, in file order.

    Raises
    ------
    InputError
        The file cannot be read, lacks a column, or a line names an unknown
        region, an unknown state or a region already listed.
    """
    known = {str(r) for r in region_ids}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"region_id", "state"} - set(reader.fieldnames or ())
            if missing:
                msg = (f"Baseline file {str(path)!r} lacks the column(s) {sorted(missing)}; "
                       "its header must be 'region_id,state'.")
                raise InputError(msg)
            rows: list[tuple[str, str]] = []
            seen: dict[str, int] = {}
            for row in reader:
                line = reader.line_num
                region_id = (row["region_id"] or "").strip()
                state = (row["state"] or "").strip().lower()
                if not region_id and not state:
                    continue
                where = f"Baseline file {str(path)!r}, line {line}"
                if region_id not in known:
                    msg = (f"{where}: region_id {region_id!r} is not in the regions layer; "
                           "use one of its ids (e.g. AF-HER).")
                    raise InputError(msg)
                if state not in STATES:
                    msg = f"{where}: state {row['state']!r} is not one of {list(STATES)}."
                    raise InputError(msg)
                if region_id in seen:
                    msg = (f"{where}: region_id {region_id!r} is already listed "
                           f"on line {seen[region_id]}.")
                    raise InputError(msg)
                seen[region_id] = line
                rows.append((region_id, state))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"Cannot read baseline file {str(path)!r}: {err}.") from err
    return pd.DataFrame(rows, columns=["region_id", "state"])


def coverage(timeline: Timeline) -> pd.DataFrame:
    """The coverage check for every day of the timeline (rule 12 of the module docstring).

    Parameters
    ----------
    timeline
        A timeline from `reconcile`.

    Returns
    -------
    pandas.DataFrame
        One row per day: ``date`` (a date), ``reported`` and ``total`` (the latest
        reported count of fallen capitals and out of how many, ``<NA>`` before
        any report), ``reported_on`` (its date, or None) and ``on_map`` (capitals
        the map shows as fallen that day).
    """
    days = list(timeline.days)
    reported: list[int | None] = [None] * len(days)
    totals: list[int | None] = [None] * len(days)
    reported_on: list[dt.date | None] = [None] * len(days)
    counts = timeline.counts
    if len(counts):
        dated = counts[counts["date"] != ""].copy()
        dated["day"] = dated["date"].map(dt.date.fromisoformat)
        # Highest count of each date; on equal counts the smaller total, then first listed.
        best = (dated.sort_values(["day", "count", "total"], ascending=[True, False, True],
                                  kind="mergesort")
                .drop_duplicates("day"))
        report_days = best["day"].tolist()
        pos = np.searchsorted(np.array(report_days, dtype="datetime64[D]"),
                              np.array(days, dtype="datetime64[D]"), side="right") - 1
        values = best[["count", "total"]].to_numpy()
        for i, p in enumerate(pos):
            if p >= 0:
                reported[i] = int(values[p][0])
                totals[i] = None if pd.isna(values[p][1]) else int(values[p][1])
                reported_on[i] = report_days[p]
    return pd.DataFrame(
        {
            "date": days,
            "reported": pd.array(reported, dtype="Int64"),
            "total": pd.array(totals, dtype="Int64"),
            "reported_on": reported_on,
            "on_map": _capitals_on_map(timeline),
        },
        columns=_COVERAGE_COLUMNS,
    )


def _capital_states(
    events: pd.DataFrame,
    days: tuple[dt.date, ...],
    confirm_days: int,
    capitals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each reported provincial capital's own state, by the reports about it alone.

    The capital's reports (kind ``capital``, dated, placed) go through rules 4 to 6
    as if the capital were a region of its own, so that its map marker can differ
    from its province (moved also by whole-province reports).

    Returns one row per capital and day its state changes (PLACE_STATE_COLUMNS), and
    one row with ``day`` <NA> and an empty ``state`` for each of ``capitals`` that no
    dated report names.
    """
    columns = PLACE_STATE_COLUMNS
    mask = ((events["kind"] == "capital") & (events["date"] != "") &
            (events["region_id"] != ""))
    reports = events[mask]
    unnamed: list[tuple[Any, ...]] = []
    if capitals is not None:
        named = set(reports["place_id"])
        unnamed = [(str(i), _text(n), float(la), float(lo), _text(r), pd.NA, "")
                   for i, n, la, lo, r in zip(capitals["place_id"], capitals["name"],
                                              capitals["lat"], capitals["lon"],
                                              capitals["region_id"], strict=True)
                   if str(i) not in named]
    if reports.empty:
        return pd.DataFrame(unnamed, columns=columns).astype({"day": "Int64"})
    first = days[0]
    place_ids = sorted(set(reports["place_id"]))
    column = {place_id: i for i, place_id in enumerate(place_ids)}
    moves = pd.DataFrame({
        "pos": reports.index,
        "col": [column[p] for p in reports["place_id"]],
        "day": [(dt.date.fromisoformat(d) - first).days for d in reports["date"]],
        "status": reports["status"],
        "outlet": [o or a for o, a in zip(reports["outlet"].map(_text),
                                          reports["article"].map(_text), strict=True)],
    }).sort_values(["col", "day", "pos"], kind="mergesort").reset_index(drop=True)
    moves, _ = _weigh(moves, confirm_days)
    rows: list[tuple[Any, ...]] = []
    n_days = len(days)
    named_rows = reports.drop_duplicates("place_id")
    about = {pid: (name, float(lat), float(lon), region) for pid, name, lat, lon, region in zip(
        named_rows["place_id"], named_rows["place"], named_rows["lat"], named_rows["lon"],
        named_rows["region_id"], strict=True)}
    state: State = "government"
    current = -1
    for (col, offset), statuses, _ in _groups(moves, ["col", "day"]):
        if col != current:
            current, state = col, "government"
        if offset >= n_days:
            continue
        new = _next_state(state, statuses)
        day = max(int(offset), 0)
        place_id = place_ids[col]
        if rows and rows[-1][0] == place_id and rows[-1][5] == day:
            rows.pop()  # several reports before the first day: keep the last state
        rows.append((place_id, *about[place_id], day, new))
        state = new
    frame = pd.DataFrame(rows + unnamed, columns=columns).astype({"day": "Int64"})
    return frame.sort_values(["place_id", "day"], kind="mergesort").reset_index(drop=True)


def _capitals_on_map(timeline: Timeline) -> list[int]:
    """Per day, distinct capitals with a ``fallen`` report behind a ``taliban`` region."""
    states = timeline.states
    held = states.loc[(states["state"] == "taliban") & (states["events"] != ""), ["date", "events"]]
    if held.empty:
        return [0] * len(timeline.days)
    pairs = held.assign(event=held["events"].str.split(";")).explode("event")
    pairs["event"] = pairs["event"].astype(int)
    events = timeline.events
    is_capital_fall = (events["kind"] == "capital") & (events["status"] == "fallen")
    capital_place = events["place_id"].where(is_capital_fall).to_numpy()
    pairs["place"] = capital_place[pairs["event"].to_numpy()]
    per_day = pairs.dropna(subset=["place"]).groupby("date")["place"].nunique()
    return [int(per_day.get(day, 0)) for day in timeline.days]


def _regions_layer(regions: Any) -> Any:
    missing = {"region_id", "region", "geometry"} - set(regions.columns)
    if missing:
        msg = (f"The regions layer lacks the column(s) {sorted(missing)}; "
               "load it with geocode.load_regions.")
        raise DataError(msg)
    layer = regions.loc[:, ["region_id", "region", "geometry"]].copy()
    if layer.crs is not None and not layer.crs.equals("EPSG:4326"):
        layer = layer.to_crs("EPSG:4326")
    layer["region_id"] = layer["region_id"].astype(str)
    layer["region"] = layer["region"].fillna("").astype(str)
    repeated = layer.loc[layer["region_id"].duplicated(), "region_id"].tolist()
    if repeated:
        raise DataError(f"The regions layer repeats the region_id(s) {sorted(set(repeated))}.")
    if layer.empty:
        raise DataError("The regions layer has no regions.")
    return layer.sort_values("region_id", kind="mergesort").reset_index(drop=True)


def _event_table(events: pd.DataFrame, region_ids: set[str]) -> pd.DataFrame:
    """Validated events with ISO-string dates and string region ids, in canonical order."""
    missing = [c for c in _EVENT_FRAME_COLUMNS if c not in events.columns]
    if missing:
        msg = (f"The events table lacks the column(s) {missing}; it needs EVENT_COLUMNS plus "
               "region_id and region (see geocode.assign_regions).")
        raise InputError(msg)
    table = events.loc[:, _EVENT_FRAME_COLUMNS].copy().reset_index(drop=True)
    for column in ("region_id", "region", "status", "kind", "place_id"):
        table[column] = table[column].map(_text)
    table["date"] = [_iso_date(value, i, table) for i, value in enumerate(table["date"])]
    for i, (status, region_id) in enumerate(zip(table["status"], table["region_id"], strict=True)):
        if status not in STATUSES:
            msg = f"{_describe(table, i)} has status {status!r}; use one of {list(STATUSES)}."
            raise InputError(msg)
        if region_id and region_id not in region_ids:
            msg = (f"{_describe(table, i)} has region_id {region_id!r}, which the regions layer "
                   "lacks; assign regions with the same layer you reconcile with.")
            raise InputError(msg)
    keys = pd.DataFrame(
        {
            "undated": table["date"] == "",
            "date": table["date"],
            "region_id": table["region_id"],
            "article": table["article"].map(_text),
            "start": pd.to_numeric(table["start"], errors="coerce").fillna(-1),
            "place_id": table["place_id"],
            "status": table["status"],
        }
    )
    order = keys.sort_values(list(keys.columns), kind="mergesort").index
    return table.loc[order].reset_index(drop=True)


def _describe(table: pd.DataFrame, i: int) -> str:
    return (f"Event {i} (article {_text(table.at[i, 'article'])!r}, "
            f"place {_text(table.at[i, 'place'])!r})")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _iso_date(value: Any, i: int, table: pd.DataFrame) -> str:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as err:
        msg = f"{_describe(table, i)} has date {text!r}; use YYYY-MM-DD or leave it empty."
        raise InputError(msg) from err


def _date_range(
    table: pd.DataFrame, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    dated = table.loc[(table["date"] != "") & (table["region_id"] != ""), "date"]
    if dated.empty:
        dated = table.loc[table["date"] != "", "date"]
    if not dated.empty:
        first = start or dt.date.fromisoformat(dated.min()) - dt.timedelta(days=1)
        last = end or dt.date.fromisoformat(dated.max())
    else:
        given = start if start is not None else end
        if given is None:
            msg = ("No event has a date, so the timeline's range cannot be inferred; "
                   "pass start and end (--start/--end).")
            raise InputError(msg)
        first, last = start or given, end or given
    if first > last:
        raise InputError(f"The timeline starts ({first}) after it ends ({last}).")
    if (last - first).days > MAX_DAYS:
        # A typo in one date (3021 for 2021) would otherwise make a map of centuries.
        ends = table.loc[table["date"].isin([first.isoformat(), last.isoformat()])]
        named = ", ".join(sorted({_describe(table, i) for i in ends.index[:4]}))
        msg = (f"The timeline would run from {first} to {last}, over {MAX_DAYS} days; "
               f"check the dates of {named or 'the events'} or pass start and end "
               "(--start/--end).")
        raise InputError(msg)
    return first, last


def _initial_states(baseline: pd.DataFrame | None, region_ids: list[str]) -> np.ndarray:
    codes = np.zeros(len(region_ids), dtype=np.int8)  # government
    if baseline is None:
        return codes
    index = {region_id: i for i, region_id in enumerate(region_ids)}
    for region_id, state in zip(baseline["region_id"], baseline["state"], strict=True):
        if str(region_id) not in index:
            raise InputError(f"The baseline names region_id {region_id!r}, which the regions "
                             "layer lacks.")
        if state not in STATES:
            raise InputError(f"The baseline gives {region_id!r} the state {state!r}; use one "
                             f"of {list(STATES)}.")
        codes[index[str(region_id)]] = STATES.index(state)
    return codes


def _next_state(state: State, statuses: set[str]) -> State:
    """State after a day's reports (rules 4 and 5)."""
    status = next(s for s in PRECEDENCE if s in statuses)
    if status == "fallen":
        return "taliban"
    if status in ("claimed", "contested") and state == "taliban":
        return "taliban"
    if status == "claimed":
        return "claimed"
    return "contested" if status == "contested" else "government"


def _contradict(state: State, statuses: set[str]) -> bool:
    """Reports that disagree: held and taken (or claimed) on the same day, or
    fighting reported in a region already taken, with no fall that day."""
    if "government" in statuses and bool(statuses & {"fallen", "claimed"}):
        return True
    return state == "taliban" and "contested" in statuses and "fallen" not in statuses


def _published(events: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """Each event's publication date (ISO string, empty when unknown), in table order."""
    if "published" not in events.columns:
        return pd.Series([""] * len(table), index=table.index, dtype=object)
    by_key: dict[str, str] = {}
    source = events.reset_index(drop=True)
    for article, value in zip(source["article"].map(_text), source["published"], strict=True):
        day = _loose_date(value)
        if day:
            by_key[article] = day
    return table["article"].map(lambda a: by_key.get(_text(a), "")).astype(object)


def _loose_date(value: Any) -> str:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(_text(value)).isoformat()
    except ValueError:
        return ""  # an unreadable publication date bounds nothing


def _about_part(kind: str, place: str, evidence: str) -> bool:
    """Whether a report naming a province (or its namesake capital) is about a part of it."""
    parts = _part_nouns()
    if kind == "province":
        return bool(parts.search(evidence))
    if kind != "capital" or not place:
        return False
    # A capital is named for a part only where every mention of its name locates a
    # part: "Kandahar district", "Kandahar's Panjwai district", "a district in Kandahar".
    mentions = _mentions(place, evidence)
    return bool(mentions) and all(
        _PART_AFTER.match(evidence, end) or _part_before(parts).search(evidence, 0, start)
        for start, end in mentions
    )


def _mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Start and end of each whole-word occurrence of ``name`` in ``text``, ignoring case."""
    folded, key = text.lower(), name.lower()
    found: list[tuple[int, int]] = []
    at = folded.find(key)
    while at >= 0:
        end = at + len(key)
        if (at == 0 or not folded[at - 1].isalnum()) and (
                end == len(folded) or not folded[end].isalnum()):
            found.append((at, end))
        at = folded.find(key, at + 1)
    return found


# After a name: "'s", "province", up to two capitalised words, then the part noun.
_PART_AFTER = re.compile(
    r"(?:'s|\u2019s)?(?:\s+province(?:'s|\u2019s)?)?(?:\s+[A-Z][\w-]*){0,2}"
    r"\s+(?:districts?|villages?)\b"
)


@functools.cache
def _part_before(parts: re.Pattern[str]) -> re.Pattern[str]:
    # Before a name: "a district in their former stronghold of X", "districts of X province".
    return re.compile(rf"(?:{parts.pattern})\s+(?:in|of)\b[^.,;:]{{0,40}}$", re.IGNORECASE)


@functools.cache
def _part_nouns() -> re.Pattern[str]:
    with resources.files("controlmap").joinpath("rules", "levels.toml").open("rb") as handle:
        nouns = tomllib.load(handle)["part_nouns"]
    return re.compile(r"\b(?:" + "|".join(nouns) + r")\b", re.IGNORECASE)


def _moves(
    table: pd.DataFrame,
    published: pd.Series,
    *,
    level: Level,
    districts: pd.DataFrame | None,
    confirm_days: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reports that move regions (rules 3 and 7), and the local ones counted in shares.

    Both tables have ``pos`` (position in ``table``), ``region_id``, ``date``
    (the day the report counts on), ``status``, ``place_id`` and ``outlet``.
    """
    outlet = [o or a for o, a in zip(table["outlet"].map(_text), table["article"].map(_text),
                                     strict=True)]
    frame = pd.DataFrame({
        "pos": table.index, "region_id": table["region_id"], "date": table["date"],
        "status": table["status"], "place_id": table["place_id"], "kind": table["kind"],
        "outlet": outlet,
    })
    frame["date"] = _bounded_recaps(frame, published, confirm_days)
    frame = frame[(frame["date"] != "") & (frame["region_id"] != "")]
    part = pd.Series([_about_part(k, _text(p), _text(e)) for k, p, e in zip(
        frame["kind"], table.loc[frame.index, "place"], table.loc[frame.index, "evidence"],
        strict=True)], index=frame.index, dtype=bool)
    whole = frame["kind"].isin(WHOLE_REGION_KINDS) & ~part
    if level == "provinces":
        local = frame[~frame["kind"].isin(WHOLE_REGION_KINDS | FACILITY_KINDS) & ~part]
        return frame[whole], local
    empty = frame.iloc[0:0]
    # District map: a report about an unnamed part of a province says nothing of which
    # district; the point of a province is no district of its own.
    frame = frame[~part]
    if districts is None:
        return frame, empty
    # A report about a whole province moves its capital's district; the province's
    # other districts it marks no further than contested.
    is_province = frame["kind"] == "province"
    members = districts.groupby(districts["province_id"].astype(str))
    moves = [frame[~is_province]]
    for _, row in frame[is_province].iterrows():
        if row["place_id"] not in members.groups:
            continue  # a province the district layer does not cover
        group = members.get_group(row["place_id"])
        for region_id, holds in zip(group["region_id"], group["capital"], strict=True):
            if holds:
                status = row["status"]
            elif row["status"] == "government":
                continue  # a province held says nothing of each district
            else:
                status = "contested"
            moves.append(row.to_frame().T.assign(region_id=str(region_id), status=status))
    return pd.concat(moves, ignore_index=True), empty


def _bounded_recaps(frame: pd.DataFrame, published: pd.Series, window: int) -> pd.Series:
    """Dates with each undated fall of a place dated to its article's publication date.

    An undated recap ("X, Y and Z have fallen") says the fall happened on or before
    the article's date, so it moves the place from that date, unless a dated report of
    the fall exists on or before it, or within ``window`` days after it (the recap
    then speaks of that fall, whose day the dated report gives).
    """
    dates = frame["date"].copy()
    taken = frame["status"].isin(TAKEN_STATUSES)
    recaps = frame.index[(frame["date"] == "") & taken & (published != "")]
    if not len(recaps):
        return dates
    dated = frame[(frame["date"] != "") & taken]
    known: dict[str, list[dt.date]] = {}
    for place_id, day in zip(dated["place_id"], dated["date"], strict=True):
        known.setdefault(str(place_id), []).append(dt.date.fromisoformat(day))
    for i in recaps:
        bound = dt.date.fromisoformat(str(published[i]))
        limit = bound + dt.timedelta(days=window)
        if any(day <= limit for day in known.get(str(frame.at[i, "place_id"]), [])):
            continue
        dates[i] = bound.isoformat()
    return dates


def _on_days(moves: pd.DataFrame, column: dict[str, int], first: dt.date) -> pd.DataFrame:
    """Moves with the region's column ``col`` and the day offset ``day`` from ``first``."""
    moves = moves.copy()
    moves["col"] = [column[str(r)] for r in moves["region_id"]]
    moves["day"] = [(dt.date.fromisoformat(str(d)) - first).days for d in moves["date"]]
    return moves.sort_values(["col", "day", "pos"], kind="mergesort").reset_index(drop=True)


def _weigh(moves: pd.DataFrame, window: int) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """Rule 6: a single outlet's fall contradicted by another outlet's fighting is a claim.

    Returns the moves with such falls turned ``claimed``, and the (day, column)
    pairs of those falls, to be flagged.
    """
    statuses = moves["status"].to_numpy(dtype=object).copy()
    flagged: set[tuple[int, int]] = set()
    cols = moves["col"].to_numpy()
    all_days = moves["day"].to_numpy()
    all_outlets = moves["outlet"].to_numpy(dtype=object)
    original = statuses.copy()
    # Rows are sorted by column: each region is one slice.
    bounds = np.flatnonzero(np.diff(cols)) + 1 if len(cols) else np.array([], dtype=int)
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(cols)], strict=True):
        status = original[lo:hi]
        falls = np.flatnonzero(status == "fallen")
        if not len(falls) or not np.any(status == "contested"):
            continue
        days, outlets = all_days[lo:hi], all_outlets[lo:hi]
        for k in falls:
            fights = np.flatnonzero((status == "contested") & (days > days[k]) &
                                    (days <= days[k] + window) & (outlets != outlets[k]))
            if not len(fights):
                continue
            first_fight = days[fights].min()
            # An outlet that itself reports the fighting by then confirms nothing.
            fighting = set(outlets[(status == "contested") & (days > days[k]) &
                                   (days <= first_fight)])
            confirmed = any(
                outlets[j] != outlets[k] and outlets[j] not in fighting
                for j in np.flatnonzero((status == "fallen") & (days >= days[k]) &
                                        (days <= first_fight))
            )
            if not confirmed:
                statuses[lo + int(k)] = "claimed"
                flagged.add((int(days[k]), int(cols[lo])))
    weighed = moves.assign(status=statuses)
    return weighed, flagged


def _groups(
    moves: pd.DataFrame, keys: list[str]
) -> Iterator[tuple[tuple[Any, ...], set[str], list[str]]]:
    """Runs of rows sharing ``keys`` (the table is sorted by them): the key values, the
    set of statuses and the event positions. Plain arrays: far faster than groupby."""
    columns = [moves[k].to_numpy(dtype=object) for k in keys]
    statuses = moves["status"].to_numpy(dtype=object)
    positions = moves["pos"].to_numpy(dtype=object)
    n = len(moves)
    start = 0
    for i in range(1, n + 1):
        if i == n or any(c[i] != c[start] for c in columns):
            yield (tuple(c[start] for c in columns), set(statuses[start:i]),
                   [str(p) for p in positions[start:i]])
            start = i


def _run(
    moves: pd.DataFrame,
    n_regions: int,
    initial: np.ndarray,
    n_days: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk each region's moves in order; fill the day x region arrays by slices."""
    codes = np.tile(initial, (n_days, 1))
    evidence = np.full((n_days, n_regions), "", dtype=object)
    conflict = np.zeros((n_days, n_regions), dtype=bool)
    for (r, offset), statuses, positions in _groups(moves, ["col", "day"]):
        if offset >= n_days:
            continue
        i = max(int(offset), 0)
        state: State = STATES[codes[i, r]]
        new = _next_state(state, statuses)
        behind = positions if new != state or not evidence[i, r] else [evidence[i, r], *positions]
        codes[i:, r] = STATES.index(new)
        evidence[i:, r] = ";".join(behind)
        if offset >= 0 and _contradict(state, statuses):
            conflict[i, r] = True
    return codes, evidence, conflict


def _stale(moves: pd.DataFrame, codes: np.ndarray, window: int) -> np.ndarray:
    """Region-days ``contested`` with no report for more than ``window`` days."""
    n_days, n_regions = codes.shape
    last = np.full((n_days, n_regions), -(10**6), dtype=np.int64)
    for (r, offset), _, _ in _groups(moves, ["col", "day"]):
        if offset < n_days:
            last[max(int(offset), 0):, r] = int(offset)
    today = np.arange(n_days, dtype=np.int64)[:, None]
    contested: np.ndarray = codes == STATES.index("contested")
    return contested & (today - last > window)


def _places_taken(local: pd.DataFrame, n_regions: int, n_days: int) -> np.ndarray:
    """Per day and region, how many places below the region's level reports have taken."""
    counts = np.zeros((n_days + 1, n_regions), dtype=np.int64)
    local = local.sort_values(["col", "place_id", "day", "pos"], kind="mergesort")
    place: tuple[Any, ...] = ()
    state: State = "government"
    since: int | None = None

    def close(r: int, until: int) -> None:
        if since is not None:
            counts[since, r] += 1
            counts[until, r] -= 1

    for (r, place_id, offset), statuses, _ in _groups(local, ["col", "place_id", "day"]):
        if (r, place_id) != place:
            if place:
                close(place[0], n_days)
            place, state, since = (r, place_id), "government", None
        i = min(max(int(offset), 0), n_days)
        state = _next_state(state, statuses)
        held = state in TAKEN_STATES
        if held and since is None:
            since = i
        elif not held and since is not None:
            close(r, i)
            since = None
    if place:
        close(place[0], n_days)
    taken: np.ndarray = np.cumsum(counts, axis=0)[:n_days]
    return taken


def _district_totals(district_counts: pd.DataFrame | None, region_ids: list[str]) -> Any:
    if district_counts is None:
        return None
    by_id = dict(zip(district_counts["region_id"].astype(str),
                     district_counts["districts"], strict=True))
    return np.array([by_id.get(r, pd.NA) for r in region_ids], dtype=object)


def _count_table(counts: pd.DataFrame | None) -> pd.DataFrame:
    if counts is None or counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COUNT_COLUMNS})
    missing = [c for c in COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise InputError(f"The counts table lacks the column(s) {missing}.")
    table = counts.loc[:, COUNT_COLUMNS].copy().reset_index(drop=True)
    dates: list[str] = []
    for i, value in enumerate(table["date"]):
        if isinstance(value, dt.date):
            dates.append(value.isoformat())
            continue
        text = _text(value)
        try:
            dates.append(dt.date.fromisoformat(text).isoformat() if text else "")
        except ValueError as err:
            msg = (f"Capital count {i} (article {_text(table.at[i, 'article'])!r}) has date "
                   f"{text!r}; use YYYY-MM-DD or leave it empty.")
            raise InputError(msg) from err
    table["date"] = dates
    for column in ("count", "total"):
        numbers = pd.to_numeric(table[column], errors="coerce")
        # inf, 1e400 or 10**23 counts no regions: it is read as no number, not cast.
        table[column] = numbers.where(np.isfinite(numbers) & (numbers.abs() <= _MAX_COUNT))
    unusable = table["count"].isna()
    if unusable.any():
        logger.warning("Ignoring %d capital counts without a number", int(unusable.sum()))
    table = table[~unusable]
    table["count"] = table["count"].astype(int)
    table = table.sort_values(["date", "count", "article"], kind="mergesort")
    return table.reset_index(drop=True)
