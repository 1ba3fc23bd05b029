"""Take the README's screenshot of a built map in headless Chromium.

Usage: python docs/screenshot.py build/index.html docs/map.png [YYYY-MM-DD]

Opens the map from file:// with every network request refused (as a reader
offline would see it), optionally on one day, and saves a PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def _refuse_network(route: Route) -> None:
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def main(argv: list[str]) -> int:
    """Screenshot ``argv[0]`` (a map) into ``argv[1]`` (a PNG), on day ``argv[2]`` if given."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    page_path, png = Path(argv[0]).resolve(), Path(argv[1])
    url = page_path.as_uri() + (f"#{argv[2]}" if len(argv) > 2 else "")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 760})
        page.route("**/*", _refuse_network)
        page.goto(url)
        page.wait_for_timeout(500)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
