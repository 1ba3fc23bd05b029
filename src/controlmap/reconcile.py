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
3. **A report moves a region from its day on**, and the state holds until a
   later report changes it:

   - ``fallen`` makes it ``taliban``;
   - ``claimed`` makes it ``claimed`` (an unconfirmed claim), except that a
     region already ``taliban`` stays ``taliban`` (the claim agrees with it);
     a later ``fallen`` report confirms it, a later ``government`` report denies it;
   - ``contested`` makes it ``contested``; a later ``fallen`` or ``government``
     report resolves it. After a fall, a report of fighting does not undo the
     fall (news keeps recounting the battle for a city after it fell, and
     "parts of X have fallen" is not a recapture): the region stays ``taliban``
     and the day is flagged, until a ``government`` report says it was retaken;
   - ``government`` (held, repelled or retaken) makes it ``government`` again,
     also from ``taliban``.
4. **Same-day reports** about one region are resolved by precedence:
   ``fallen`` > ``government`` > ``contested`` > ``claimed``. A confirmed fall
   outweighs everything (falls end a day's fighting); a government report
   denies a same-day claim and resolves same-day fighting, as it would on a
   later day; reports of fighting outweigh an unverified claim. A region-day is
   flagged (``conflict`` is True) when its reports contradict each other: a
   ``government`` report beside a ``fallen`` or ``claimed`` one. Fighting
   beside another report is not flagged (a day of fighting ends one way or the
   other), nor is a claim beside a fall (the fall confirms the claim).
5. **Events outside the range.** Events before ``start`` set the state the
   timeline starts with; events after ``end`` move nothing. Both are kept.
6. **Undated events** (empty ``date``) and **unplaced events** (empty
   ``region_id``) move nothing but stay in ``Timeline.events`` as evidence.
7. **Evidence.** Each region-day lists (``states.events``, ``;``-joined
   positions into ``Timeline.events``) the events behind its state: the reports
   of the day the region entered that state plus every later report that
   agreed with it, up to that day. A region that no report has moved lists none.
8. **Coverage check** (`coverage`). For each day, the latest reported count of
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
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, InputError
from .records import COUNT_COLUMNS, EVENT_COLUMNS, STATES, STATUSES, State, Status, Timeline

logger = logging.getLogger(__name__)

#: Same-day precedence: the first status present on a day wins.
PRECEDENCE: tuple[Status, ...] = ("fallen", "government", "contested", "claimed")

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
) -> Timeline:
    """Reconcile located events into one state per region per day (rules: module docstring).

    Parameters
    ----------
    events
        EVENT_COLUMNS plus ``region_id`` and ``region``; ``date`` is an ISO
        string (or a date), empty when unknown; ``region_id`` is empty when the
        event lies in no region.
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
        state, or the range is empty or cannot be inferred.
    DataError
        The regions layer lacks a column or repeats a region id.
    """
    layer = _regions_layer(regions)
    region_ids: list[str] = layer["region_id"].tolist()
    table = _event_table(events, set(region_ids))
    first, last = _date_range(table, start, end)
    days = tuple(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    initial = _initial_states(baseline, region_ids)
    state_codes, evidence, conflict = _run(table, region_ids, initial, first, len(days))

    n_days, n_regions = len(days), len(region_ids)
    states = pd.DataFrame(
        {
            "date": np.repeat(np.array(days, dtype=object), n_regions),
            "region_id": np.tile(np.array(region_ids, dtype=object), n_days),
            "region": np.tile(layer["region"].to_numpy(dtype=object), n_days),
            "state": np.asarray(STATES, dtype=object)[state_codes.ravel()],
            "events": evidence.ravel(),
            "conflict": conflict.ravel(),
        }
    )
    logger.info(
        "Reconciled %d events into %d regions x %d days (%s to %s)",
        len(table), n_regions, n_days, first, last,
    )
    return Timeline(
        regions=layer, days=days, states=states, events=table, counts=_count_table(counts)
    )


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
    """The coverage check for every day of the timeline (rule 8 of the module docstring).

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
    """State after a day's reports (rules 3 and 4)."""
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


def _run(
    table: pd.DataFrame,
    region_ids: list[str],
    initial: np.ndarray,
    first: dt.date,
    n_days: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk each region's dated events in order; fill the day x region arrays by slices."""
    codes = np.tile(initial, (n_days, 1))
    evidence = np.full((n_days, len(region_ids)), "", dtype=object)
    conflict = np.zeros((n_days, len(region_ids)), dtype=bool)
    column = {region_id: i for i, region_id in enumerate(region_ids)}
    moving = table[(table["date"] != "") & (table["region_id"] != "")]
    for (region_id, date), day_events in moving.groupby(["region_id", "date"], sort=True):
        r = column[str(region_id)]
        offset = (dt.date.fromisoformat(str(date)) - first).days
        if offset >= n_days:
            continue
        i = max(offset, 0)
        state: State = STATES[codes[i, r]]
        statuses = set(day_events["status"])
        new = _next_state(state, statuses)
        positions = [str(p) for p in day_events.index]
        behind = positions if new != state or not evidence[i, r] else [evidence[i, r], *positions]
        codes[i:, r] = STATES.index(new)
        evidence[i:, r] = ";".join(behind)
        if offset >= 0 and _contradict(state, statuses):
            conflict[i, r] = True
    return codes, evidence, conflict


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
