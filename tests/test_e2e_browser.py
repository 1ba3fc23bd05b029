"""The map built from the sample articles, and from a hostile corpus, in offline Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import OfflinePage

import controlmap
from controlmap.palette import STATE_COLORS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FILLS = {state: color.lower() for state, color in STATE_COLORS.items()}
FILLS["claimed"] = "url(#controlmap-hatch-claimed)"


@pytest.fixture(scope="module")
def seeds_map() -> controlmap.BuildResult:
    # Under build/ (not committed) so the screenshot can be looked at after a run.
    return controlmap.build(ROOT / "seeds", out=ROOT / "build" / "browser-test")


def _state(result: controlmap.BuildResult, day: dt.date, region_id: str) -> str:
    states = result.timeline.states
    row = states[(states["date"] == day) & (states["region_id"] == region_id)]
    return str(row["state"].iloc[0])


def _changed_regions(result: controlmap.BuildResult) -> tuple[dt.date, dt.date, list[str]]:
    first, last = result.timeline.days[0], result.timeline.days[-1]
    table = result.timeline.states.pivot(index="region_id", columns="date", values="state")
    changed = table.index[table[first] != table[last]].tolist()
    return first, last, changed


def test_seeds_map_steps_through_days_as_the_timeline_says(
    seeds_map: controlmap.BuildResult, browser_page: OfflinePage
) -> None:
    first, last, changed = _changed_regions(seeds_map)
    assert {"AF-HER", "AF-KAN"} & set(changed)
    page = browser_page.open_map(seeds_map.index, f"#{first.isoformat()}")
    for region in changed:
        assert browser_page.region_fill(region) == FILLS[_state(seeds_map, first, region)]
    page.keyboard.press("End")
    assert page.evaluate("location.hash") == f"#{last.isoformat()}"
    for region in changed:
        assert browser_page.region_fill(region) == FILLS[_state(seeds_map, last, region)]
    assert browser_page.region_fill("AF-KAB") == FILLS["government"]
    page.keyboard.press("ArrowLeft")
    before = last - dt.timedelta(days=1)
    assert page.evaluate("window.controlmap.day()") == before.isoformat()
    for region in changed:
        assert browser_page.region_fill(region) == FILLS[_state(seeds_map, before, region)]
    assert browser_page.errors == []
    assert browser_page.blocked == []
    page.screenshot(path=str(seeds_map.out / "screenshot.png"))


def test_a_seeds_popup_quotes_the_evidence(
    seeds_map: controlmap.BuildResult, browser_page: OfflinePage
) -> None:
    last = seeds_map.timeline.days[-1]
    page = browser_page.open_map(seeds_map.index, f"#{last.isoformat()}")
    browser_page.click_region("AF-HER")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = " ".join(popup.inner_text().split())
    events = seeds_map.timeline.events
    herat = events[(events["region_id"] == "AF-HER") & (events["status"] == "fallen")]
    assert len(herat) > 0
    assert " ".join(str(herat["evidence"].iloc[0]).split())[:60] in text
    assert "Herat" in text and "fallen" in text.lower()
    # A quoted statement is not wrapped in a second pair of quotation marks.
    page.evaluate("window.controlmap.openRegion('AF-KAN')")
    page.wait_for_function("document.querySelector('.leaflet-popup-content')"
                           ".innerText.includes('Kandahar')")
    kandahar = page.locator(".leaflet-popup-content").inner_text()
    assert "completely conquered" in kandahar
    assert "\u201c\u201c" not in kandahar and "\u201c\"" not in kandahar
    assert browser_page.errors == []


def test_a_deep_link_opens_on_its_day(
    seeds_map: controlmap.BuildResult, browser_page: OfflinePage
) -> None:
    day = seeds_map.timeline.days[1]
    page = browser_page.open_map(seeds_map.index, f"#{day.isoformat()}")
    assert page.evaluate("window.controlmap.day()") == day.isoformat()
    shown = str(page.text_content("#cm-date"))
    assert str(day.day) in shown and day.strftime("%b") in shown and str(day.year) in shown


def test_a_hostile_corpus_shows_as_text_and_runs_nothing(
    browser_page: OfflinePage, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(
        "Taliban <script>window.__xss = 1</script> take <img src=x onerror=\"window.__xss=2\">\n\n"
        "Kabul, August 14, 2021. The Taliban captured Gardez <script>window.__xss=3</script> "
        "on Saturday <img src=x onerror=\"window.__xss=4\">, a provincial official said "
        "{{7*7}} {# {% if 1 %}.\n",
        encoding="utf-8",
    )
    pd.DataFrame(
        {"file": ["hostile.txt"], "url": ["javascript:window.__xss=5"],
         "outlet": ["<b onmouseover=\"window.__xss=6\">Outlet</b>"], "published": ["2021-08-14"]}
    ).to_csv(corpus / "articles.csv", index=False)
    result = controlmap.build(corpus, out=tmp_path / "out")
    events = result.timeline.events
    assert "Gardez" in set(events["place"])
    page = browser_page.open_map(result.index, "#2021-08-14")
    browser_page.click_region("AF-PIA")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "<script>window.__xss=3</script>" in text
    assert "<b onmouseover" in text
    assert "{{7*7}} {# {% if 1 %}" in text  # template markup is text, never evaluated
    assert popup.locator("a").count() == 0  # javascript: is never a link
    assert popup.locator("img, script, b").count() == 0
    page.mouse.move(5, 5)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert browser_page.dialogs == []
    assert browser_page.errors == []
