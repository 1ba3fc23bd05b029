"""Browser fixtures: Debian's Chromium driven by Playwright, with the network cut off.

`browser_page` gives a fresh page whose every request other than ``file:`` and
``data:`` is aborted and recorded, and which records console errors, page
errors and dialogs, so a test can assert that a map works offline and runs
nothing it should not. Tests using it are marked ``browser`` and are skipped
when /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@dataclass
class OfflinePage:
    """A Playwright page plus what it tried to do: blocked requests, errors, dialogs."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open_map(self, index: Path, fragment: str = "") -> Any:
        """Open a rendered map from ``file://`` (``fragment`` like ``#2021-08-13``)."""
        self.page.goto(index.resolve().as_uri() + fragment)
        self.page.wait_for_function("window.controlmap !== undefined")
        return self.page

    def region_fill(self, region_id: str) -> str:
        """The ``fill`` attribute of a region's SVG path as drawn now."""
        fill = self.page.get_attribute(f'path[data-region="{region_id}"]', "fill")
        return str(fill).lower()

    def click_region(self, region_id: str) -> None:
        """Click a point inside a region with the mouse, as a reader would."""
        point = self.page.evaluate("id => window.controlmap.pagePoint(id)", region_id)
        self.page.mouse.click(point["x"], point["y"])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (skips when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[OfflinePage]:
    """A fresh 1200x800 page with every non-file request blocked and recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    offline = OfflinePage(page)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            offline.blocked.append(url)
            route.abort()

    def dialog(dialog: Any) -> None:
        offline.dialogs.append(dialog.message)
        dialog.dismiss()

    page.route("**/*", route)
    page.on("console", lambda m: offline.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: offline.errors.append(str(err)))
    page.on("dialog", dialog)
    yield offline
    context.close()
