"""The rendered map in a real, offline Chromium: controls, colours, evidence, deep links, XSS."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import OfflinePage
from test_render import XSS_EVIDENCE, XSS_TITLE, XSS_URL, sample_timeline, share_timeline

from controlmap.palette import STATE_COLORS
from controlmap.render import render_map

pytestmark = pytest.mark.browser

GOVERNMENT = STATE_COLORS["government"].lower()
CONTESTED = STATE_COLORS["contested"].lower()
TALIBAN = STATE_COLORS["taliban"].lower()
CLAIMED = "url(#controlmap-hatch-claimed)"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_map(sample_timeline(), tmp_path_factory.mktemp("map"), title="Browser test")


def shown_date(offline: OfflinePage) -> str:
    return str(offline.page.text_content("#cm-date"))


def test_steps_through_days_offline(browser_page: OfflinePage, index: Path) -> None:
    page = browser_page.open_map(index)
    assert shown_date(browser_page) == "Fri 6 Aug 2021"  # opens on the last day
    page.keyboard.press("Home")
    assert shown_date(browser_page) == "Sun 1 Aug 2021"
    assert browser_page.region_fill("AF-ALP") == GOVERNMENT

    page.click("#cm-next")
    assert shown_date(browser_page) == "Mon 2 Aug 2021"
    assert browser_page.region_fill("AF-ALP") == CONTESTED

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert shown_date(browser_page) == "Wed 4 Aug 2021"
    assert browser_page.region_fill("AF-ALP") == TALIBAN
    assert browser_page.region_fill("AF-BRV") == GOVERNMENT
    assert page.evaluate("location.hash") == "#2021-08-04"

    page.locator("#cm-slider").fill("4")
    assert shown_date(browser_page) == "Thu 5 Aug 2021"
    assert browser_page.region_fill("AF-BRV") == CLAIMED
    counts = " ".join(str(page.text_content("#cm-counts")).split())
    assert counts == "Taliban 1 · claimed 1 · contested 0 · government 2"
    assert page.text_content("#cm-coverage") == (
        "reports: 3 of 34 capitals fallen (4 Aug) · map: 1"
    )
    page.click("#cm-prev")
    assert browser_page.region_fill("AF-BRV") == GOVERNMENT
    assert browser_page.errors == []
    assert browser_page.blocked == []


def test_play_advances_and_pauses(browser_page: OfflinePage, index: Path) -> None:
    page = browser_page.open_map(index, "#2021-08-01")
    page.click("#cm-play")
    assert page.get_attribute("#cm-play", "aria-pressed") == "true"
    page.wait_for_function("window.controlmap.day() >= '2021-08-02'", timeout=3000)
    page.keyboard.press("Space")
    assert page.get_attribute("#cm-play", "aria-pressed") == "false"
    paused_on = page.evaluate("window.controlmap.day()")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.controlmap.day()") == paused_on


def test_keyboard_opens_evidence_and_plays_from_anywhere(
    browser_page: OfflinePage, index: Path
) -> None:
    page = browser_page.open_map(index, "#2021-08-05")
    page.focus('[data-region="AF-ALP"]')
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for()
    assert "Alpha" in page.inner_text(".leaflet-popup-content")
    for focused in ("#cm-prev", "#cm-slider"):
        page.focus(focused)
        day = page.evaluate("window.controlmap.day()")
        page.keyboard.press("Space")  # plays; does not step or move the slider
        assert page.get_attribute("#cm-play", "aria-pressed") == "true"
        page.keyboard.press("Space")
        assert page.get_attribute("#cm-play", "aria-pressed") == "false"
        assert page.evaluate("window.controlmap.day()") >= day
    assert browser_page.errors == []


def test_popup_shows_the_evidence_up_to_the_day(browser_page: OfflinePage, index: Path) -> None:
    page = browser_page.open_map(index, "#2021-08-05")
    browser_page.click_region("AF-ALP")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Alpha" in text and "Taliban on Thu 5 Aug 2021" in text
    assert "\u201cThe Taliban captured Alpha City on Wednesday, officials said.\u201d" in text
    assert "Alpha City falls \u2014 Example Wire" in text
    assert "Wed 4 Aug 2021" in text and "fallen" in text
    assert popup.locator("a").first.get_attribute("href") == "https://example.org/alpha"
    assert popup.locator("li").count() == 2

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # 3 Aug: the fall is not yet reported
    assert popup.locator("li").count() == 1
    assert "Alpha City falls" not in popup.inner_text()
    assert "Heavy fighting was reported" in popup.inner_text()


def test_popup_lists_undated_reports_and_shows_other_links_as_text(
    browser_page: OfflinePage, index: Path
) -> None:
    page = browser_page.open_map(index)
    browser_page.click_region("AF-BRV")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "ftp://example.org/bravo" in popup.inner_text()
    assert popup.locator("a").count() == 0
    page.keyboard.press("Escape")
    browser_page.click_region("AF-DLT")
    page.wait_for_function(
        "document.querySelector('.leaflet-popup-content').innerText.includes('Delta fell')"
    )
    assert "Undated reports" in str(page.text_content(".leaflet-popup-content"))


def test_hover_names_the_region_and_its_state(browser_page: OfflinePage, index: Path) -> None:
    page = browser_page.open_map(index, "#2021-08-04")
    point = page.evaluate("window.controlmap.pagePoint('AF-ALP')")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".cm-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().split("\n") == ["Alpha", "Taliban"]


def test_hash_opens_a_day_and_can_hide_the_controls(
    browser_page: OfflinePage, index: Path
) -> None:
    page = browser_page.open_map(index, "#2021-08-03")
    assert shown_date(browser_page) == "Tue 3 Aug 2021"
    assert browser_page.region_fill("AF-ALP") == CONTESTED
    assert page.is_visible("#cm-controls")
    dashed = 'path[data-region="AF-CHR"]'
    assert page.get_attribute(dashed, "stroke-dasharray") == "4 3"  # contradicting reports
    page.keyboard.press("ArrowRight")
    assert page.get_attribute(dashed, "stroke-dasharray") is None

    page = browser_page.open_map(index, "#2021-08-04&controls=0")
    page.reload()  # a fresh load, not only a hash change
    page.wait_for_function("window.controlmap !== undefined")
    assert shown_date(browser_page) == "Wed 4 Aug 2021"
    assert not page.is_visible("#cm-controls")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("location.hash") == "#2021-08-05&controls=0"

    page.evaluate("location.hash = '#2030-01-01'")  # out of range: the nearest day
    page.wait_for_function("window.controlmap.day() === '2021-08-06'")
    assert page.is_visible("#cm-controls")
    assert browser_page.errors == []


def test_article_markup_is_shown_as_text_and_runs_nothing(
    browser_page: OfflinePage, tmp_path: Path
) -> None:
    index = render_map(sample_timeline(hostile=True), tmp_path,
                       title="<img src=x onerror=\"alert('title')\">")
    page = browser_page.open_map(index, "#2021-08-04")
    browser_page.click_region("AF-ALP")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert XSS_EVIDENCE in text
    assert XSS_TITLE in text
    assert XSS_URL in text and "<b>Outlet</b>" in text and "<i>Alpha</i>" in text
    links = popup.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "https://example.org/fight"  # the other report's link; javascript: is not a link
    ]
    assert popup.locator("img, script, b, i").count() == 0
    assert "<img src=x" in str(page.text_content(".cm-title"))
    page.wait_for_timeout(300)  # give any injected handler time to fire
    assert page.evaluate("window.__xss") is None
    assert browser_page.dialogs == []
    assert browser_page.errors == []


def test_phone_width_frame_and_screenshot(browser_page: OfflinePage, index: Path) -> None:
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 560})
    browser_page.open_map(index, "#2021-08-05")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("#cm-date", "#cm-play", "#cm-slider", "#cm-next"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    shot = index.parent / "phone.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def share_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_map(share_timeline(), tmp_path_factory.mktemp("share"), title="Share test")


def _share_fill(offline: OfflinePage, region_id: str) -> tuple[str, str]:
    """Fill and fill-opacity of a region's share hatching (drawn in its own pane)."""
    path = offline.page.locator(f'.leaflet-cm-share-pane path[data-share="{region_id}"]')
    return str(path.get_attribute("fill")), str(path.get_attribute("fill-opacity"))


def test_district_share_markers_changes_and_chart(
    browser_page: OfflinePage, share_index: Path
) -> None:
    page = browser_page.open_map(share_index, "#2021-07-01")
    assert page.evaluate("window.controlmap.share('AF-ALP')") == {"taken": 0, "total": 16}
    assert _share_fill(browser_page, "AF-ALP")[1] == "0"
    assert page.evaluate("window.controlmap.placeState('Alpha City')") is None

    page.keyboard.press("ArrowRight")  # 2 Jul: a district falls, the province holds
    assert browser_page.region_fill("AF-ALP") == GOVERNMENT
    assert _share_fill(browser_page, "AF-ALP")[0] == "url(#controlmap-share-1)"
    point = page.evaluate("window.controlmap.pagePoint('AF-ALP')")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".cm-tooltip")
    tooltip.wait_for()
    assert "1 of 16 districts reported taken" in tooltip.inner_text()
    changes = page.text_content("#cm-changes")
    assert changes == "Changes this day: none"  # the province did not change

    page.keyboard.press("ArrowRight")  # 3 Jul: fighting in Bravo's capital
    assert page.evaluate("window.controlmap.changes()") == [["AF-BRV", "government",
                                                             "contested"]]
    assert "Bravo government \u2192 contested" in str(page.text_content("#cm-changes"))
    assert page.evaluate("window.controlmap.placeState('Bravo Town')") == "contested"
    marker = page.locator('path[data-place="Bravo Town"]')
    assert str(marker.get_attribute("fill")).lower() == CONTESTED

    page.evaluate("window.controlmap.setDay('2021-07-12')")  # Bravo: no report for 9 days
    assert page.evaluate("window.controlmap.stale('AF-BRV')") is True
    bravo = page.locator('path[data-region="AF-BRV"]')
    assert bravo.get_attribute("fill-opacity") == "0.45"

    # Only regions that ever have a share get a hatching path.
    assert page.locator(".leaflet-cm-share-pane path").count() == 1
    # Three one-degree squares fill the frame at a zoom past 6.5: the capitals are named.
    assert page.locator(".cm-place-label").all_inner_texts() == ["Alpha City", "Bravo Town"]
    for _ in range(4):  # out to the zoom of a whole country
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(350)
    assert page.locator(".cm-place-label").count() == 0

    page.keyboard.press("End")  # 20 Jul: the capital falls
    assert browser_page.region_fill("AF-ALP") == TALIBAN
    assert page.evaluate("window.controlmap.placeState('Alpha City')") == "taliban"
    assert page.locator('#cm-chart line[data-day="2021-07-20"]').count() == 1
    assert page.locator("#cm-chart polygon").count() == 4
    browser_page.click_region("AF-ALP")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "2 of 16 districts reported taken" in popup.inner_text()
    assert browser_page.errors == [] and browser_page.blocked == []


def test_legend_is_collapsed_in_a_small_embed(browser_page: OfflinePage, share_index: Path) -> None:
    browser_page.page.set_viewport_size({"width": 800, "height": 560})
    page = browser_page.open_map(share_index)
    assert page.evaluate("document.querySelector('.cm-legend').open") is False
