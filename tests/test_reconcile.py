"""Reconciliation rules, each on a small hand-built event table over synthetic squares.

`make_regions` and `make_events` are also used by test_render and test_browser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from controlmap.errors import DataError, InputError
from controlmap.reconcile import coverage, read_baseline, reconcile
from controlmap.records import COUNT_COLUMNS, EVENT_COLUMNS, TIMELINE_COLUMNS, Timeline

D = dt.date


def make_regions(names: dict[str, str]) -> gpd.GeoDataFrame:
    """One unit square per region, side by side from west to east (EPSG:4326)."""
    rows = [
        {"region_id": rid, "region": name, "geometry": box(60 + i, 33, 61 + i, 34)}
        for i, (rid, name) in enumerate(names.items())
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def make_events(*rows: dict[str, Any]) -> pd.DataFrame:
    """Events with EVENT_COLUMNS + region columns; each row gives what it needs."""
    defaults: dict[str, Any] = {
        "article": "a.txt", "place": "", "place_id": "", "kind": "capital",
        "province_id": "", "province": "", "status": "fallen", "date": "", "actor": "Taliban",
        "confidence": 0.9, "evidence": "", "start": 0, "end": 0, "lat": 0.0, "lon": 0.0,
        "title": "", "outlet": "", "url": "", "region_id": "", "region": "",
    }
    records = []
    for i, row in enumerate(rows):
        record = defaults | {"start": i * 10, "end": i * 10 + 5} | row
        if not record["place"]:
            region_id = record["region_id"]
            record["place"] = region_id if isinstance(region_id, str) and region_id else "Nowhere"
        if not record["place_id"]:
            record["place_id"] = "p-" + record["place"]
        if not record["evidence"]:
            record["evidence"] = f"Report about {record['place']} ({record['status']})."
        records.append(record)
    return pd.DataFrame(records, columns=[*EVENT_COLUMNS, "region_id", "region"])


REGIONS = make_regions({"AF-A": "Alpha", "AF-B": "Bravo", "AF-C": "Charlie"})


def state(timeline: Timeline, day: dt.date, region_id: str) -> str:
    row = _row(timeline, day, region_id)
    return str(row["state"])


def _row(timeline: Timeline, day: dt.date, region_id: str) -> pd.Series:
    s = timeline.states
    rows = s[(s["date"] == day) & (s["region_id"] == region_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def states_of(timeline: Timeline, region_id: str) -> list[str]:
    s = timeline.states
    return s.loc[s["region_id"] == region_id, "state"].tolist()


def evidence_of(timeline: Timeline, day: dt.date, region_id: str) -> list[str]:
    """Evidence sentences of the events listed for a region-day."""
    positions = str(_row(timeline, day, region_id)["events"])
    if not positions:
        return []
    return [str(timeline.events.at[int(p), "evidence"]) for p in positions.split(";")]


def test_default_range_is_day_before_first_through_last_dated_event() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-06"},
        {"region_id": "AF-B", "date": "2021-08-10"},
        {"region_id": "AF-C", "date": ""},
    )
    timeline = reconcile(events, REGIONS)
    assert timeline.days[0] == D(2021, 8, 5)
    assert timeline.days[-1] == D(2021, 8, 10)
    assert len(timeline.days) == 6
    assert list(timeline.states.columns) == TIMELINE_COLUMNS
    assert len(timeline.states) == 6 * 3


def test_states_ordered_by_date_then_region_id() -> None:
    regions = make_regions({"AF-Z": "Zulu", "AF-A": "Alpha"})
    events = make_events({"region_id": "AF-Z", "date": "2021-08-02"})
    timeline = reconcile(events, regions)
    assert timeline.states["region_id"].tolist() == ["AF-A", "AF-Z", "AF-A", "AF-Z"]
    assert timeline.states["date"].tolist() == [D(2021, 8, 1)] * 2 + [D(2021, 8, 2)] * 2
    assert timeline.regions["region_id"].tolist() == ["AF-A", "AF-Z"]


def test_start_and_end_override_the_range() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-06"})
    timeline = reconcile(events, REGIONS, start=D(2021, 8, 1), end=D(2021, 8, 20))
    assert timeline.days[0] == D(2021, 8, 1) and timeline.days[-1] == D(2021, 8, 20)
    assert state(timeline, D(2021, 8, 5), "AF-A") == "government"
    assert state(timeline, D(2021, 8, 20), "AF-A") == "taliban"


def test_events_before_start_set_the_first_state_and_after_end_move_nothing() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-07-01", "status": "fallen"},
        {"region_id": "AF-B", "date": "2021-09-01", "status": "fallen"},
    )
    timeline = reconcile(events, REGIONS, start=D(2021, 8, 1), end=D(2021, 8, 3))
    assert states_of(timeline, "AF-A") == ["taliban"] * 3
    assert states_of(timeline, "AF-B") == ["government"] * 3
    assert len(timeline.events) == 2  # both kept as evidence


def test_fallen_makes_taliban_from_that_day_on() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-03"})
    timeline = reconcile(events, REGIONS, end=D(2021, 8, 5))
    assert states_of(timeline, "AF-A") == ["government", "taliban", "taliban", "taliban"]
    assert states_of(timeline, "AF-B") == ["government"] * 4


def test_claim_stays_claimed_until_a_fall_confirms_it() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "claimed"},
        {"region_id": "AF-A", "date": "2021-08-04", "status": "fallen"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "claimed", "claimed", "taliban"]


def test_claim_denied_by_a_government_report() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "claimed"},
        {"region_id": "AF-A", "date": "2021-08-03", "status": "government"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "claimed", "government"]


def test_claim_after_a_fall_keeps_taliban() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "fallen"},
        {"region_id": "AF-A", "date": "2021-08-03", "status": "claimed"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "taliban", "taliban"]


def test_contested_until_a_fall_resolves_it() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "contested"},
        {"region_id": "AF-A", "date": "2021-08-04", "status": "fallen"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "contested", "contested", "taliban"]


def test_contested_until_a_government_report_resolves_it() -> None:
    events = make_events(
        {"region_id": "AF-B", "date": "2021-08-02", "status": "contested"},
        {"region_id": "AF-B", "date": "2021-08-03", "status": "government"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-B") == ["government", "contested", "government"]


def test_claim_over_contested_and_fighting_over_claim() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "contested"},
        {"region_id": "AF-A", "date": "2021-08-03", "status": "claimed"},
        {"region_id": "AF-A", "date": "2021-08-04", "status": "contested"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "contested", "claimed", "contested"]


def test_fighting_after_a_fall_is_flagged_but_does_not_undo_it() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "fallen"},
        {"region_id": "AF-A", "date": "2021-08-03", "status": "contested"},
        {"region_id": "AF-A", "date": "2021-08-05", "status": "government"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == [
        "government", "taliban", "taliban", "taliban", "government"
    ]
    assert bool(_row(timeline, D(2021, 8, 3), "AF-A")["conflict"])
    assert not bool(_row(timeline, D(2021, 8, 4), "AF-A")["conflict"])


def test_retaken_turns_taliban_back_to_government() -> None:
    events = make_events(
        {"region_id": "AF-C", "date": "2021-08-02", "status": "fallen"},
        {"region_id": "AF-C", "date": "2021-08-04", "status": "government"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-C") == ["government", "taliban", "taliban", "government"]


@pytest.mark.parametrize(
    ("statuses", "expected", "conflict"),
    [
        (["government", "fallen"], "taliban", True),
        (["contested", "fallen"], "taliban", False),  # fighting, then the fall
        (["claimed", "fallen"], "taliban", False),  # the fall confirms the claim
        (["claimed", "government"], "government", True),  # the claim is denied
        (["contested", "government"], "government", False),  # fighting, then held
        (["claimed", "contested"], "contested", False),
        (["fallen", "fallen"], "taliban", False),
        (["claimed", "contested", "government", "fallen"], "taliban", True),
    ],
)
def test_same_day_precedence_and_conflict_flag(
    statuses: list[str], expected: str, conflict: bool
) -> None:
    events = make_events(
        *({"region_id": "AF-A", "date": "2021-08-02", "status": s, "article": f"{i}.txt"}
          for i, s in enumerate(statuses))
    )
    timeline = reconcile(events, REGIONS, end=D(2021, 8, 3))
    assert state(timeline, D(2021, 8, 2), "AF-A") == expected
    assert bool(_row(timeline, D(2021, 8, 2), "AF-A")["conflict"]) is conflict
    # The flag marks the day of the disagreement only; the state carries on.
    assert not bool(_row(timeline, D(2021, 8, 3), "AF-A")["conflict"])
    assert state(timeline, D(2021, 8, 3), "AF-A") == expected
    assert len(evidence_of(timeline, D(2021, 8, 2), "AF-A")) == len(statuses)


def test_same_day_order_of_rows_does_not_matter() -> None:
    rows = [
        {"region_id": "AF-A", "date": "2021-08-02", "status": "government", "article": "x",
         "start": 7, "end": 9},
        {"region_id": "AF-A", "date": "2021-08-02", "status": "fallen", "article": "y",
         "start": 3, "end": 9},
        {"region_id": "AF-B", "date": "2021-08-03", "status": "claimed", "article": "z",
         "start": 5, "end": 9},
    ]
    one = reconcile(make_events(*rows), REGIONS)
    two = reconcile(make_events(*reversed(rows)), REGIONS)
    pd.testing.assert_frame_equal(one.states, two.states)
    pd.testing.assert_frame_equal(one.events, two.events)


def test_undated_and_unplaced_events_move_nothing_but_are_kept() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "contested"},
        {"region_id": "AF-B", "date": "", "status": "fallen", "evidence": "Bravo fell."},
        {"region_id": "", "date": "2021-08-02", "status": "fallen", "place": "Atlantis"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-B") == ["government", "government"]
    assert set(timeline.events["evidence"]) >= {"Bravo fell."}
    assert "Atlantis" in set(timeline.events["place"])
    assert len(timeline.events) == 3
    # Undated events are listed after dated ones.
    assert timeline.events["date"].iloc[-1] == ""


def test_evidence_restarts_on_change_and_accumulates_while_agreeing() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "contested", "evidence": "s1"},
        {"region_id": "AF-A", "date": "2021-08-03", "status": "fallen", "evidence": "s2"},
        {"region_id": "AF-A", "date": "2021-08-04", "status": "claimed", "evidence": "s3"},
        {"region_id": "AF-A", "date": "2021-08-05", "status": "fallen", "evidence": "s4"},
        {"region_id": "AF-A", "date": "2021-08-06", "status": "government", "evidence": "s5"},
    )
    timeline = reconcile(events, REGIONS)
    assert evidence_of(timeline, D(2021, 8, 1), "AF-A") == []
    assert evidence_of(timeline, D(2021, 8, 2), "AF-A") == ["s1"]
    assert evidence_of(timeline, D(2021, 8, 3), "AF-A") == ["s2"]
    assert evidence_of(timeline, D(2021, 8, 4), "AF-A") == ["s2", "s3"]
    assert evidence_of(timeline, D(2021, 8, 5), "AF-A") == ["s2", "s3", "s4"]
    assert evidence_of(timeline, D(2021, 8, 6), "AF-A") == ["s5"]
    assert evidence_of(timeline, D(2021, 8, 6), "AF-B") == []


def test_a_government_report_on_a_government_region_is_its_evidence() -> None:
    events = make_events(
        {"region_id": "AF-B", "date": "2021-08-02", "status": "government", "evidence": "held"},
    )
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-B") == ["government", "government"]
    assert evidence_of(timeline, D(2021, 8, 2), "AF-B") == ["held"]


def test_events_table_is_sorted_and_accepts_dates_and_missing_values() -> None:
    events = make_events(
        {"region_id": "AF-B", "date": D(2021, 8, 3)},
        {"region_id": "AF-A", "date": "2021-08-02"},
        {"region_id": float("nan"), "date": float("nan")},
    )
    timeline = reconcile(events, REGIONS)
    assert timeline.events["date"].tolist() == ["2021-08-02", "2021-08-03", ""]
    assert timeline.events["region_id"].tolist() == ["AF-A", "AF-B", ""]


def test_baseline_sets_the_state_before_any_event() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-03", "status": "government"})
    baseline = pd.DataFrame({"region_id": ["AF-A", "AF-C"], "state": ["taliban", "contested"]})
    timeline = reconcile(events, REGIONS, baseline=baseline)
    assert states_of(timeline, "AF-A") == ["taliban", "government"]
    assert states_of(timeline, "AF-B") == ["government", "government"]
    assert states_of(timeline, "AF-C") == ["contested", "contested"]


def test_read_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.csv"
    path.write_text("region_id,state\nAF-A, Taliban\n\nAF-C,contested\n", encoding="utf-8")
    frame = read_baseline(path, REGIONS["region_id"])
    assert frame.to_dict("records") == [
        {"region_id": "AF-A", "state": "taliban"},
        {"region_id": "AF-C", "state": "contested"},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region_id,state\nAF-A,taliban\nAF-X,taliban\n", r"line 3.*'AF-X'"),
        ("region_id,state\nAF-A,occupied\n", r"line 2.*'occupied'"),
        ("region_id,state\nAF-A,taliban\nAF-A,government\n", r"line 3.*already listed on line 2"),
        ("id,state\nAF-A,taliban\n", r"lacks the column"),
    ],
)
def test_read_baseline_rejects_bad_lines(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baseline.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_baseline(path, REGIONS["region_id"])
    assert "baseline.csv" in str(info.value)


def test_read_baseline_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv"):
        read_baseline(tmp_path / "nope.csv", REGIONS["region_id"])


def test_baseline_frame_with_unknown_region_is_rejected() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-03"})
    baseline = pd.DataFrame({"region_id": ["AF-Q"], "state": ["taliban"]})
    with pytest.raises(InputError, match="AF-Q"):
        reconcile(events, REGIONS, baseline=baseline)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"region_id": "AF-A", "date": "2021-08-03", "status": "captured"}, "'captured'"),
        ({"region_id": "AF-A", "date": "13/08/2021"}, "'13/08/2021'"),
        ({"region_id": "AF-Q", "date": "2021-08-03"}, "'AF-Q'"),
    ],
)
def test_bad_events_are_rejected_by_name(row: dict[str, Any], message: str) -> None:
    events = make_events({"region_id": "AF-B", "date": "2021-08-02"},
                         row | {"article": "bad.txt", "place": "Herat"})
    with pytest.raises(InputError, match=message) as info:
        reconcile(events, REGIONS)
    assert "bad.txt" in str(info.value) and "Herat" in str(info.value)


def test_missing_columns_and_bad_layers() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-03"})
    with pytest.raises(InputError, match="region_id"):
        reconcile(events.drop(columns=["region_id"]), REGIONS)
    with pytest.raises(DataError, match="repeats"):
        reconcile(events, pd.concat([REGIONS, REGIONS]))
    with pytest.raises(DataError, match="region"):
        reconcile(events, REGIONS.drop(columns=["region"]))


def test_range_errors() -> None:
    undated = make_events({"region_id": "AF-A", "date": ""})
    with pytest.raises(InputError, match="start and end"):
        reconcile(undated, REGIONS)
    timeline = reconcile(undated, REGIONS, start=D(2021, 8, 1))
    assert timeline.days == (D(2021, 8, 1),)
    with pytest.raises(InputError, match="after it ends"):
        reconcile(undated, REGIONS, start=D(2021, 8, 2), end=D(2021, 8, 1))


def test_regions_in_another_crs_are_reprojected() -> None:
    projected = REGIONS.to_crs("EPSG:3857")
    events = make_events({"region_id": "AF-A", "date": "2021-08-03"})
    timeline = reconcile(events, projected)
    minx, miny, _, _ = timeline.regions.total_bounds
    assert minx == pytest.approx(60) and miny == pytest.approx(33)


def test_coverage_compares_reported_counts_with_the_map() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "place": "Alpha City"},
        {"region_id": "AF-A", "date": "2021-08-03", "place": "Alpha City", "article": "b"},
        {"region_id": "AF-B", "date": "2021-08-03", "kind": "district", "place": "Bravo Dist"},
        {"region_id": "AF-C", "date": "2021-08-03", "status": "claimed", "place": "Charlie"},
        {"region_id": "AF-A", "date": "2021-08-05", "status": "government", "place": "Alpha"},
    )
    counts = pd.DataFrame(
        [
            {"article": "x", "date": "2021-08-02", "count": 5, "total": 34, "evidence": "e"},
            {"article": "y", "date": "2021-08-04", "count": 7, "total": 34, "evidence": "e"},
            {"article": "z", "date": "2021-08-04", "count": 9, "total": 34, "evidence": "e"},
            {"article": "u", "date": "", "count": 30, "total": 34, "evidence": "e"},
        ],
        columns=COUNT_COLUMNS,
    )
    timeline = reconcile(events, REGIONS, counts=counts)
    check = coverage(timeline).set_index("date")
    assert check.loc[D(2021, 8, 1), "reported"] is pd.NA
    assert check.loc[D(2021, 8, 2), "reported"] == 5
    assert check.loc[D(2021, 8, 3), "reported_on"] == D(2021, 8, 2)
    assert check.loc[D(2021, 8, 4), "reported"] == 9  # highest of the same day
    assert check.loc[D(2021, 8, 5), "total"] == 34
    # Only capital falls count; one capital reported twice counts once; retaken drops it.
    assert check["on_map"].tolist() == [0, 1, 1, 1, 0]



def test_a_typo_date_that_would_span_centuries_is_an_error_naming_the_event() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-02", "status": "fallen", "article": "ok.txt"},
        {"region_id": "AF-B", "date": "3021-08-03", "status": "fallen", "article": "typo.txt"},
    )
    with pytest.raises(InputError, match=r"3021-08-03.*typo\.txt"):
        reconcile(events, REGIONS)
    # With an explicit range the timeline is built and the stray event moves nothing.
    timeline = reconcile(events, REGIONS, end=D(2021, 8, 3))
    assert states_of(timeline, "AF-B") == ["government", "government", "government"]
