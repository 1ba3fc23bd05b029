"""Reconciliation rules, each on a small hand-built event table over synthetic squares.

`make_regions` and `make_events` are also used by test_render and test_browser.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from controlmap.errors import DataError, InputError
from controlmap.pipeline import timeline_frame, timeline_geojson_text
from controlmap.reconcile import (
    coverage,
    district_parents,
    read_baseline,
    read_district_counts,
    reconcile,
)
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


# --- what moves a region, by level ---------------------------------------------------------

COUNTS = pd.DataFrame({"region_id": ["AF-A", "AF-B"], "districts": [16, 9]})


def _share(timeline: Timeline, day: dt.date, region_id: str) -> tuple[int, Any]:
    row = _row(timeline, day, region_id)
    return int(row["districts_taken"]), row["districts_total"]


def test_a_district_falling_in_may_does_not_flip_the_province_but_counts_in_its_share() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-05-10", "kind": "district", "place": "Upper Vale"},
        {"region_id": "AF-A", "date": "2021-06-02", "kind": "town", "place": "Stone Ford"},
        {"region_id": "AF-A", "date": "2021-08-13", "kind": "capital", "place": "Alpha City"},
    )
    timeline = reconcile(events, REGIONS, district_counts=COUNTS)
    assert state(timeline, D(2021, 5, 10), "AF-A") == "government"
    assert state(timeline, D(2021, 8, 12), "AF-A") == "government"
    assert state(timeline, D(2021, 8, 13), "AF-A") == "taliban"  # the capital's fall does
    assert _share(timeline, D(2021, 5, 9), "AF-A") == (0, 16)
    assert _share(timeline, D(2021, 5, 10), "AF-A") == (1, 16)
    assert _share(timeline, D(2021, 6, 2), "AF-A") == (2, 16)
    assert _share(timeline, D(2021, 6, 2), "AF-B") == (0, 9)
    assert pd.isna(_row(timeline, D(2021, 6, 2), "AF-C")["districts_total"])  # not listed


def test_a_retaken_district_leaves_the_share_and_facilities_never_count() -> None:
    events = make_events(
        {"region_id": "AF-B", "date": "2021-07-01", "kind": "district", "place": "Low Pass"},
        {"region_id": "AF-B", "date": "2021-07-01", "kind": "airport", "place": "Bravo airport"},
        {"region_id": "AF-B", "date": "2021-07-04", "kind": "district", "place": "Low Pass",
         "status": "government"},
    )
    timeline = reconcile(events, REGIONS, district_counts=COUNTS)
    assert [_share(timeline, D(2021, 7, d), "AF-B")[0] for d in (1, 3, 4)] == [1, 1, 0]
    assert states_of(timeline, "AF-B") == ["government"] * len(timeline.days)


@pytest.mark.parametrize(
    ("kind", "place", "sentence", "moves"),
    [
        ("province", "Alpha", "Alpha province fell to the Taliban on Friday.", True),
        ("province", "Alpha", "The provinces of Alpha and Bravo surrendered to the militants.",
         True),
        ("province", "Alpha", "A district in the eastern province of Alpha was overrun.", False),
        ("province", "Alpha", "Insurgents now control four Alpha districts, officials said.",
         False),
        ("province", "Alpha", "The militants seized 9 checkpoints in Alpha province.", False),
        ("province", "Alpha", "The rest of Alpha province is in the hands of the Taliban.", False),
        ("capital", "Alpha", "The Taliban captured Alpha on Thursday.", True),
        ("capital", "Alpha", "Residents fled as the Taliban took a key Alpha district.", False),
        ("capital", "Alpha", "Alpha's Green Valley district fell after two days of clashes.",
         False),
        ("capital", "Alpha", "The Taliban took a district in the old stronghold of Alpha.", False),
        ("capital", "Alpha",
         "The Taliban captured Alpha after overrunning the districts around Alpha.", True),
    ],
)
def test_what_a_report_naming_a_province_is_about(
    kind: str, place: str, sentence: str, moves: bool
) -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-07-02", "kind": kind,
                          "place": place, "evidence": sentence})
    timeline = reconcile(events, REGIONS)
    assert state(timeline, D(2021, 7, 2), "AF-A") == ("taliban" if moves else "government")
    assert len(timeline.events) == 1  # kept as evidence either way


DISTRICTS = make_regions({"D-1": "Alpha Centre", "D-2": "Alpha North", "D-3": "Bravo Centre"})
PARENTS = pd.DataFrame({"region_id": ["D-1", "D-2", "D-3"],
                        "province_id": ["AF-A", "AF-A", "AF-B"],
                        "capital": [True, False, True]})


def test_district_map_moves_each_district_by_its_own_reports() -> None:
    events = make_events(
        {"region_id": "D-2", "date": "2021-05-10", "kind": "district", "place": "North"},
        {"region_id": "D-1", "date": "2021-08-13", "kind": "capital", "place": "Alpha City"},
    )
    timeline = reconcile(events, DISTRICTS, level="districts", districts=PARENTS)
    assert state(timeline, D(2021, 5, 10), "D-2") == "taliban"
    assert state(timeline, D(2021, 5, 10), "D-1") == "government"
    assert state(timeline, D(2021, 8, 13), "D-1") == "taliban"
    assert pd.isna(_row(timeline, D(2021, 8, 13), "D-1")["districts_total"])


def test_district_map_a_whole_province_report_moves_its_capital_district_only() -> None:
    events = make_events(
        # the province's point lies in D-2, but the report is about the whole province
        {"region_id": "D-2", "date": "2021-08-10", "kind": "province", "place": "Alpha",
         "place_id": "AF-A", "evidence": "Alpha province fell to the Taliban."},
    )
    timeline = reconcile(events, DISTRICTS, level="districts", districts=PARENTS)
    assert state(timeline, D(2021, 8, 10), "D-1") == "taliban"
    assert state(timeline, D(2021, 8, 10), "D-2") == "contested"  # no further than contested
    assert state(timeline, D(2021, 8, 10), "D-3") == "government"  # another province


def test_district_map_a_report_about_an_unnamed_part_of_a_province_moves_no_district() -> None:
    events = make_events(
        {"region_id": "D-2", "date": "2021-06-10", "kind": "province", "place": "Alpha",
         "place_id": "AF-A", "evidence": "A district in the province of Alpha was overrun."},
        {"region_id": "D-3", "date": "2021-06-11", "kind": "district", "place": "Bravo"},
    )
    timeline = reconcile(events, DISTRICTS, level="districts", districts=PARENTS)
    assert states_of(timeline, "D-1") == states_of(timeline, "D-2") == ["government"] * 3
    assert len(timeline.events) == 2


def test_unknown_level_is_rejected() -> None:
    events = make_events({"region_id": "AF-A", "date": "2021-08-03"})
    with pytest.raises(InputError, match="'counties'"):
        reconcile(events, REGIONS, level="counties")  # type: ignore[arg-type]


def test_bundled_district_counts_cover_every_province() -> None:
    counts = read_district_counts()
    assert len(counts) == 34 and counts["districts"].sum() == 398
    assert counts["region_id"].str.match(r"^AF-[A-Z]{3}$").all()


def test_district_parents_from_layers() -> None:
    provinces = make_regions({"AF-A": "Alpha", "AF-B": "Bravo"})
    halves = gpd.GeoDataFrame(
        [{"region_id": "D-1", "region": "West half", "geometry": box(60, 33, 60.5, 34)},
         {"region_id": "D-2", "region": "East half", "geometry": box(60.5, 33, 61, 34)},
         {"region_id": "D-3", "region": "Bravo", "geometry": box(61, 33, 62, 34)}],
        geometry="geometry", crs="EPSG:4326")
    capitals = pd.DataFrame({"province_id": ["AF-A", "AF-B"], "lat": [33.5, 33.5],
                             "lon": [60.8, 61.5]})
    parents = district_parents(halves, provinces, capitals)
    assert parents.to_dict("list") == {"region_id": ["D-1", "D-2", "D-3"],
                                       "province_id": ["AF-A", "AF-A", "AF-B"],
                                       "capital": [False, True, True]}


# --- evidence weighting --------------------------------------------------------------------


def test_a_single_outlets_fall_contradicted_by_fighting_from_another_outlet_is_claimed() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-05", "outlet": "Wire One", "article": "1"},
        {"region_id": "AF-A", "date": "2021-08-07", "status": "contested",
         "outlet": "Daily Two", "article": "2"},
        {"region_id": "AF-A", "date": "2021-08-09", "outlet": "Wire One", "article": "3"},
    )
    timeline = reconcile(events, REGIONS)
    assert [state(timeline, D(2021, 8, d), "AF-A") for d in range(4, 10)] == [
        "government", "claimed", "claimed", "contested", "contested", "taliban"]
    assert bool(_row(timeline, D(2021, 8, 5), "AF-A")["conflict"])


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        # a second outlet reports the fall before the fighting: it stands
        ({"date": "2021-08-06", "status": "fallen", "outlet": "Radio Three"}, "taliban"),
        # fighting from the same outlet is the battle it recounts
        ({"date": "2021-08-07", "status": "contested", "outlet": "Wire One"}, "taliban"),
        # fighting reported after the window: the fall stood uncontradicted
        ({"date": "2021-08-12", "status": "contested", "outlet": "Daily Two"}, "taliban"),
    ],
)
def test_a_fall_stands_when_confirmed_or_uncontradicted(
    second: dict[str, Any], expected: str
) -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-05", "outlet": "Wire One", "article": "1"},
        {"region_id": "AF-A", "article": "2"} | second,
        {"region_id": "AF-A", "date": "2021-08-08", "status": "contested",
         "outlet": "Daily Two", "article": "4"} if second["status"] == "fallen" else
        {"region_id": "AF-B", "date": "2021-08-08", "status": "contested"},
    )
    timeline = reconcile(events, REGIONS, confirm_days=3)
    assert state(timeline, D(2021, 8, 5), "AF-A") == expected
    assert state(timeline, D(2021, 8, 8), "AF-A") == expected


def test_an_outlet_reporting_the_fighting_does_not_confirm_the_fall() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-05", "outlet": "Wire One", "article": "1"},
        {"region_id": "AF-A", "date": "2021-08-07", "outlet": "Daily Two", "article": "2",
         "evidence": "The militants said they had taken Alpha."},
        {"region_id": "AF-A", "date": "2021-08-07", "status": "contested",
         "outlet": "Daily Two", "article": "2", "evidence": "Fighting goes on in Alpha."},
    )
    timeline = reconcile(events, REGIONS)
    assert [state(timeline, D(2021, 8, d), "AF-A") for d in (5, 6, 7)] == [
        "claimed", "claimed", "taliban"]  # the second fall, on its own day, stands


def test_an_undated_recap_bounds_the_fall_to_the_articles_date() -> None:
    events = make_events(
        {"region_id": "AF-B", "date": "2021-08-01", "status": "contested", "article": "x"},
        {"region_id": "AF-A", "date": "", "article": "recap.txt"},
    ).assign(published=["2021-08-01", "2021-08-06"])
    timeline = reconcile(events, REGIONS, end=D(2021, 8, 8))
    assert state(timeline, D(2021, 8, 5), "AF-A") == "government"
    assert state(timeline, D(2021, 8, 6), "AF-A") == "taliban"
    assert timeline.events["date"].tolist() == ["2021-08-01", ""]  # the evidence keeps its date


@pytest.mark.parametrize("dated_fall", ["2021-08-03", "2021-08-08"])
def test_a_recap_never_makes_a_fall_earlier_than_a_dated_report(dated_fall: str) -> None:
    events = make_events(
        {"region_id": "AF-A", "date": dated_fall, "place": "Alpha City", "article": "news"},
        {"region_id": "AF-A", "date": "", "place": "Alpha City", "article": "recap"},
    ).assign(published=["2021-08-08", "2021-08-06"])
    timeline = reconcile(events, REGIONS, confirm_days=3)
    first_taken = min(d for d in timeline.days if state(timeline, d, "AF-A") == "taliban")
    assert first_taken == D.fromisoformat(dated_fall)


def test_undated_events_without_a_publication_date_still_move_nothing() -> None:
    events = make_events({"region_id": "AF-B", "date": "2021-08-02", "status": "contested"},
                         {"region_id": "AF-A", "date": ""})
    timeline = reconcile(events, REGIONS)
    assert states_of(timeline, "AF-A") == ["government", "government"]


def test_contested_with_no_report_for_the_window_is_stale() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-08-01", "status": "contested"},
        {"region_id": "AF-B", "date": "2021-08-12", "status": "contested"},
    )
    timeline = reconcile(events, REGIONS, stale_days=5)
    stale_a = [bool(_row(timeline, D(2021, 8, d), "AF-A")["stale"]) for d in range(1, 13)]
    assert stale_a == [False] * 6 + [True] * 6  # from the sixth day without a report
    assert not bool(_row(timeline, D(2021, 8, 12), "AF-B")["stale"])
    assert not timeline.states.loc[timeline.states["state"] != "contested", "stale"].any()


def test_timeline_csv_and_geojson_carry_share_and_staleness() -> None:
    events = make_events(
        {"region_id": "AF-A", "date": "2021-07-02", "kind": "district", "place": "Hill Fort"},
        {"region_id": "AF-B", "date": "2021-07-01", "status": "contested"},
        {"region_id": "AF-C", "date": "2021-07-04", "status": "government"},
    )
    timeline = reconcile(events, REGIONS, district_counts=COUNTS, stale_days=2)
    frame = timeline_frame(timeline)
    assert list(frame.columns) == TIMELINE_COLUMNS
    row = frame[(frame["date"] == "2021-07-04") & (frame["region_id"] == "AF-A")].iloc[0]
    assert (row["districts_taken"], row["districts_total"], row["stale"]) == (1, 16, False)
    features = json.loads(timeline_geojson_text(timeline))["features"]
    props = {f["properties"]["region_id"]: f["properties"] for f in features}
    assert props["AF-A"]["districts_total"] == 16
    assert props["AF-A"]["districts_taken"] == {"2021-07-02": 1, "2021-07-03": 1,
                                                "2021-07-04": 1}
    assert props["AF-B"]["stale"] == ["2021-07-04"]
    assert props["AF-C"]["districts_total"] is None
