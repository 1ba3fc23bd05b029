"""The map page, checked through the data it embeds and the links it carries.

`sample_timeline` is also used by test_browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, box
from test_reconcile import make_events, make_regions

from controlmap.errors import InputError
from controlmap.palette import STATE_COLORS
from controlmap.reconcile import reconcile
from controlmap.records import COUNT_COLUMNS, Timeline
from controlmap.render import _map_data, embed_snippet, render_map

D = dt.date
XSS_EVIDENCE = 'Fighters entered the city.</script><script>window.__xss = "evidence"</script>'
XSS_TITLE = '<img src=x onerror="window.__xss = \'title\'; alert(1)">'
XSS_URL = "javascript:window.__xss = 'url'"


def sample_timeline(*, hostile: bool = False) -> Timeline:
    """Four regions over 1-6 Aug 2021: Alpha falls, Bravo is claimed, Charlie's claim is
    denied the same day, Delta has an undated report.

    ``hostile`` puts markup and a ``javascript:`` link in the article fields.
    """
    regions = make_regions(
        {"AF-ALP": "Alpha", "AF-BRV": "Bravo", "AF-CHR": "Charlie", "AF-DLT": "Delta"}
    )
    alpha = {
        "region_id": "AF-ALP", "region": "Alpha", "place": "Alpha City", "kind": "capital",
        "date": "2021-08-04", "status": "fallen", "article": "wire.txt",
        "evidence": "The Taliban captured Alpha City on Wednesday, officials said.",
        "title": "Alpha City falls", "outlet": "Example Wire", "url": "https://example.org/alpha",
    }
    if hostile:
        alpha |= {"evidence": XSS_EVIDENCE, "title": XSS_TITLE, "url": XSS_URL,
                  "outlet": "<b>Outlet</b>", "place": "<i>Alpha</i>"}
    events = make_events(
        {"region_id": "AF-ALP", "region": "Alpha", "place": "Alpha City", "date": "2021-08-02",
         "status": "contested", "article": "daily.txt", "title": "Fighting near Alpha",
         "outlet": "Daily", "url": "https://example.org/fight",
         "evidence": "Heavy fighting was reported on the edge of Alpha City."},
        alpha,
        {"region_id": "AF-BRV", "region": "Bravo", "place": "Bravo Town", "date": "2021-08-05",
         "status": "claimed", "article": "daily.txt", "title": "Taliban claim Bravo",
         "outlet": "Daily", "url": "ftp://example.org/bravo",
         "evidence": "A Taliban spokesman claimed the group had taken Bravo Town."},
        {"region_id": "AF-CHR", "region": "Charlie", "place": "Charlie", "date": "2021-08-03",
         "status": "claimed", "article": "wire.txt"},
        {"region_id": "AF-CHR", "region": "Charlie", "place": "Charlie", "date": "2021-08-03",
         "status": "government", "article": "daily.txt"},
        {"region_id": "AF-DLT", "region": "Delta", "place": "Delta", "date": "",
         "status": "fallen", "article": "undated.txt", "evidence": "Delta fell, at some point."},
        {"region_id": "AF-DLT", "region": "Delta", "place": "Delta", "date": "2021-08-06",
         "status": "government", "article": "wire.txt"},
    )
    counts = pd.DataFrame(
        [{"article": "wire.txt", "date": "2021-08-04", "count": 3, "total": 34,
          "evidence": "The Taliban have taken 3 of 34 provincial capitals."}],
        columns=COUNT_COLUMNS,
    )
    return reconcile(events, regions, counts=counts)


class _Links(HTMLParser):
    """Collects every tag name and every src/href attribute value of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("src", "href")]


def embedded(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="controlmap-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = render_map(sample_timeline(), tmp_path_factory.mktemp("map"), title="Test map")
    return out.read_text(encoding="utf-8")


def test_writes_index_html_into_a_folder_or_to_a_named_file(tmp_path: Path) -> None:
    timeline = sample_timeline()
    assert render_map(timeline, tmp_path / "a") == tmp_path / "a" / "index.html"
    assert render_map(timeline, tmp_path / "b" / "map.html") == tmp_path / "b" / "map.html"
    assert (tmp_path / "b" / "map.html").stat().st_size > 100_000  # Leaflet is inlined


def test_embeds_one_state_string_per_day(page: str) -> None:
    data = embedded(page)
    timeline = sample_timeline()
    assert data["days"] == [d.isoformat() for d in timeline.days]
    assert data["days"][0] == "2021-08-01" and data["days"][-1] == "2021-08-06"
    ids = [f["properties"]["id"] for f in data["regions"]["features"]]
    assert ids == ["AF-ALP", "AF-BRV", "AF-CHR", "AF-DLT"]
    decoded = {
        (day, region_id): data["codes"][code]
        for day, codes in zip(data["days"], data["states"], strict=True)
        for region_id, code in zip(ids, codes, strict=True)
    }
    expected = {
        (row.date.isoformat(), row.region_id): row.state
        for row in timeline.states.itertuples()
    }
    assert decoded == expected
    assert decoded[("2021-08-04", "AF-ALP")] == "taliban"
    assert decoded[("2021-08-05", "AF-BRV")] == "claimed"


def test_embeds_geometry_once_with_rounded_coordinates(tmp_path: Path) -> None:
    timeline = sample_timeline()
    two_parts = MultiPolygon([box(60.123456, 33.0, 60.5, 33.5), box(61.0, 33.0, 61.5, 33.5)])
    regions = timeline.regions.copy()
    regions.loc[regions["region_id"] == "AF-DLT", "geometry"] = two_parts
    page = render_map(Timeline(regions, timeline.days, timeline.states, timeline.events,
                               timeline.counts), tmp_path).read_text(encoding="utf-8")
    features = embedded(page)["regions"]["features"]
    delta = features[3]["geometry"]
    assert delta["type"] == "MultiPolygon" and len(delta["coordinates"]) == 2  # every part
    assert [60.1235, 33.0] in delta["coordinates"][0][0]
    assert page.count('"AF-DLT"') == 1


def test_embeds_events_styles_conflicts_and_coverage(page: str) -> None:
    data = embedded(page)
    events = data["events"]
    assert [e["date"] for e in events][-1] == ""  # undated, still listed
    fall = next(e for e in events if e["status"] == "fallen" and e["date"])
    assert fall["region"] == 0 and fall["title"] == "Alpha City falls"
    assert fall["url"] == "https://example.org/alpha"
    assert data["styles"]["claimed"]["hatched"] is True
    assert data["styles"]["taliban"]["color"] == STATE_COLORS["taliban"]
    assert data["order"][0] == "taliban"
    day = data["days"].index("2021-08-03")
    assert data["conflicts"] == [[day, 2]]  # Charlie: claimed and government that day
    coverage = dict(zip(data["days"], data["coverage"], strict=True))
    assert coverage["2021-08-03"] == [None, None, None, 0]
    assert coverage["2021-08-05"] == [3, 34, "2021-08-04", 1]


def test_no_network_url_in_any_src_or_href(page: str) -> None:
    parser = _Links()
    parser.feed(page)
    assert "link" not in parser.tags
    assert parser.links == [] or all(
        not link.lower().startswith(("http:", "https:", "//")) for link in parser.links
    )
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", page)
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "openstreetmap"):
        assert cdn not in page


def test_tiles_are_opt_in(tmp_path: Path) -> None:
    page = render_map(sample_timeline(), tmp_path, tiles=True).read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in page


def test_article_text_cannot_break_out_of_the_data_block(tmp_path: Path) -> None:
    page = render_map(sample_timeline(hostile=True), tmp_path,
                      title="</title><script>alert(1)</script>").read_text(encoding="utf-8")
    assert "<script>window.__xss" not in page
    assert "<img src=x" not in page
    assert "<title>&lt;/title&gt;&lt;script&gt;" in page
    data = embedded(page)
    fall = next(e for e in data["events"] if e["status"] == "fallen" and e["date"])
    assert (data["texts"][fall["evidence"]], fall["title"], fall["url"]) == (
        XSS_EVIDENCE, XSS_TITLE, XSS_URL)
    assert embedded(page)["title"] == "</title><script>alert(1)</script>"


def test_same_timeline_gives_byte_identical_pages(tmp_path: Path) -> None:
    one = render_map(sample_timeline(), tmp_path / "one").read_bytes()
    two = render_map(sample_timeline(), tmp_path / "two").read_bytes()
    assert one == two
    assert not re.search(rb"[0-9a-f]{32}", one)  # no random folium element ids


def test_embed_snippet() -> None:
    snippet = embed_snippet("index.html", day=D(2021, 8, 13), controls=False, height=400)
    assert snippet.startswith('<iframe src="index.html#2021-08-13&amp;controls=0"')
    assert "height:400px" in snippet and "width:100%" in snippet
    assert 'src="index.html"' in embed_snippet("index.html")
    assert 'src="https://x.org/m/index.html#controls=0"' in embed_snippet(
        "https://x.org/m/index.html", controls=False)
    assert "&quot;" in embed_snippet('map".html')


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("javascript:alert(1)", {}),
        ("index.html#2021-08-01", {}),
        ("index.html", {"width": "100; background:red"}),
        ("index.html", {"height": 0}),
    ],
)
def test_embed_snippet_rejects_bad_input(url: str, options: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        embed_snippet(url, **options)


def share_timeline() -> Timeline:
    """Three regions over 1-20 Jul 2021: two of Alpha's districts fall while its capital
    holds, then the capital falls; Bravo's fighting goes stale; Charlie is never reported."""
    regions = make_regions({"AF-ALP": "Alpha", "AF-BRV": "Bravo", "AF-CHR": "Charlie"})
    events = make_events(
        {"region_id": "AF-ALP", "place": "North Dale", "kind": "district", "date": "2021-07-02",
         "evidence": "The Taliban overran North Dale district on Friday."},
        {"region_id": "AF-ALP", "place": "South Dale", "kind": "district", "date": "2021-07-05",
         "evidence": "South Dale district fell after a week of clashes."},
        {"region_id": "AF-BRV", "place": "Bravo Town", "kind": "capital", "date": "2021-07-03",
         "status": "contested", "evidence": "Fighting raged on the edge of Bravo Town."},
        {"region_id": "AF-ALP", "place": "Alpha City", "kind": "capital", "date": "2021-07-20",
         "lat": 33.8, "lon": 60.2, "evidence": "Alpha City fell to the Taliban on Tuesday."},
    )
    counts = pd.DataFrame({"region_id": ["AF-ALP", "AF-BRV"], "districts": [16, 9]})
    return reconcile(events, regions, district_counts=counts, stale_days=7)


def test_embeds_the_share_of_districts_taken() -> None:
    data = _map_data(share_timeline(), "t")
    days = data["days"]
    assert data["share"]["total"] == [16, 9, None]
    changes = [(days[d], r, n) for d, r, n in data["share"]["changes"]]
    assert changes == [("2021-07-02", 0, 1), ("2021-07-05", 0, 2)]
    alpha = [data["codes"][s[0]] for s in data["states"]]
    assert alpha[days.index("2021-07-19")] == "government"  # the districts did not flip it
    assert alpha[days.index("2021-07-20")] == "taliban"


def test_embeds_stale_runs_and_capital_markers() -> None:
    data = _map_data(share_timeline(), "t")
    days = data["days"]
    # Bravo contested from 3 Jul; no report after it, so stale from the eighth day on.
    assert [[r, days[a], days[b]] for r, a, b in data["stale"]] == [
        [1, "2021-07-11", "2021-07-20"]]
    markers = {m["name"]: m for m in data["places"]}
    assert sorted(markers) == ["Alpha City", "Bravo Town"]  # capitals only, not districts
    alpha = markers["Alpha City"]
    assert alpha["point"] == [60.2, 33.8] and alpha["region"] == 0
    assert [[days[d], c] for d, c in alpha["changes"]] == [["2021-07-20", "t"]]
    assert [[days[d], c] for d, c in markers["Bravo Town"]["changes"]] == [["2021-07-03", "c"]]


def test_a_hand_made_timeline_without_shares_still_renders(tmp_path: Path) -> None:
    timeline = sample_timeline()
    bare = Timeline(timeline.regions, timeline.days,
                    timeline.states.drop(columns=["stale", "districts_taken", "districts_total"]),
                    timeline.events, timeline.counts)
    data = embedded(render_map(bare, tmp_path).read_text(encoding="utf-8"))
    assert data["share"]["changes"] == [] and data["stale"] == [] and data["places"] == []


def test_a_province_report_on_a_district_map_is_listed_in_every_district_it_moved() -> None:
    regions = make_regions({"D-1": "Alpha Centre", "D-2": "Alpha North", "D-3": "Bravo"})
    parents = pd.DataFrame({"region_id": ["D-1", "D-2", "D-3"],
                            "province_id": ["AF-A", "AF-A", "AF-B"],
                            "capital": [True, False, True]})
    events = make_events(
        {"region_id": "D-2", "date": "2021-08-10", "kind": "province", "place": "Alpha",
         "place_id": "AF-A", "evidence": "Alpha province fell to the Taliban."},
        {"region_id": "D-3", "date": "2021-08-11", "kind": "district", "place": "Bravo"},
    )
    timeline = reconcile(events, regions, level="districts", districts=parents)
    data = _map_data(timeline, "t")
    province, district = data["events"]
    assert province["region"] == 1 and province["also"] == [0]  # D-2 itself, and D-1
    assert "also" not in district


def test_capitals_no_report_names_are_markers_without_changes() -> None:
    timeline = share_timeline()
    capitals = pd.DataFrame({"place_id": ["c-alpha", "c-charlie"],
                             "name": ["Alpha City", "Charlie Port"],
                             "lat": [33.8, 33.5], "lon": [60.2, 62.5],
                             "region_id": ["AF-ALP", "AF-CHR"]})
    events = timeline.events.assign(place_id=timeline.events["place_id"].replace(
        {"p-Alpha City": "c-alpha"}))
    again = reconcile(events, timeline.regions, capitals=capitals)
    markers = {m["name"]: m for m in _map_data(again, "t")["places"]}
    assert sorted(markers) == ["Alpha City", "Bravo Town", "Charlie Port"]
    assert markers["Charlie Port"] == {"name": "Charlie Port", "point": [62.5, 33.5],
                                       "region": 2, "changes": []}
    assert len(markers["Alpha City"]["changes"]) == 1  # named by a report: not repeated


def test_an_undated_recap_counts_from_the_day_its_article_gave_it() -> None:
    regions = make_regions({"AF-ALP": "Alpha", "AF-BRV": "Bravo"})
    events = make_events(
        {"region_id": "AF-BRV", "date": "2021-08-01", "status": "contested", "article": "x"},
        {"region_id": "AF-ALP", "date": "", "article": "recap",
         "evidence": "Alpha, Bravo and Charlie have all fallen."},
    ).assign(published=["2021-08-01", "2021-08-04"])
    data = _map_data(reconcile(events, regions, end=D(2021, 8, 6)), "t")
    recap = next(e for e in data["events"] if e["article"] == "recap")
    assert recap["date"] == "" and data["days"][recap["from"]] == "2021-08-04"
    assert "from" not in next(e for e in data["events"] if e["article"] == "x")
