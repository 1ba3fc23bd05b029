"""Benchmark reconcile + render on a synthetic 400 regions x 365 days map, in headless Chromium.

A square grid of regions over Afghanistan's extent; a front sweeps west to east
over the year and each region gets a report of fighting, a claim, a fall and,
for one in ten, a retaking, each with an evidence sentence, title and link (so
about 3.5 events per region). Reports the page size, the time to reconcile and
to render in Python, and in Chromium (network blocked, from ``file://``) the
time to first paint, the time until the map is ready, and the median time of
one day step (``performance.now()`` around ``window.controlmap.step``), plus
the median time from a step to the next frame. Saves a screenshot beside the
page. Usage::

    .venv/bin/python benchmarks/bench_render.py
    .venv/bin/python benchmarks/bench_render.py --regions 400 --days 365 --out build/bench
    .venv/bin/python benchmarks/bench_render.py --layer ../shared/geo/af_adm2_geoboundaries.geojson

``--layer`` uses the polygons of a real layer (e.g. the 398 districts) instead of
the grid, to see the cost of real boundaries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import statistics
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from controlmap.reconcile import reconcile
from controlmap.records import COUNT_COLUMNS, EVENT_COLUMNS
from controlmap.render import render_map

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def grid_regions(regions: int) -> gpd.GeoDataFrame:
    """A ``side x side`` grid of square regions over Afghanistan's extent."""
    side = math.ceil(math.sqrt(regions))
    width, height = 14.5 / side, 9.1 / side
    cells = [(i % side, i // side) for i in range(regions)]
    return gpd.GeoDataFrame(
        {"region_id": [f"R{i:04d}" for i in range(regions)],
         "region": [f"Region {i}" for i in range(regions)]},
        geometry=[box(60.5 + c * width, 29.4 + r * height, 60.5 + (c + 1) * width,
                      29.4 + (r + 1) * height) for c, r in cells],
        crs="EPSG:4326",
    )


def layer_regions(path: Path) -> gpd.GeoDataFrame:
    """A real polygon layer, ids and names made up from the row order."""
    layer = gpd.read_file(path).to_crs("EPSG:4326")
    return gpd.GeoDataFrame(
        {"region_id": [f"R{i:04d}" for i in range(len(layer))],
         "region": [f"Region {i}" for i in range(len(layer))]},
        geometry=layer.geometry.to_numpy(), crs="EPSG:4326",
    )


def synthetic_events(layer: gpd.GeoDataFrame, days: int, seed: int) -> pd.DataFrame:
    """Reports of fighting, claims, falls and some retakings as a front moves east."""
    rng = random.Random(seed)
    first = dt.date(2021, 1, 1)
    minx, _, maxx, _ = layer.total_bounds
    rows: list[dict[str, Any]] = []
    for region_id, name, geometry in zip(layer["region_id"], layer["region"], layer.geometry,
                                         strict=True):
        share = (geometry.centroid.x - minx) / (maxx - minx)
        fall = min(days - 1, max(2, int(share * (days - 20)) + rng.randint(0, 15)))
        plan = [(fall - rng.randint(3, 10), "contested"), (fall - rng.randint(0, 2), "claimed"),
                (fall, "fallen")]
        if rng.random() < 0.1:
            plan.append((min(days - 1, fall + rng.randint(5, 20)), "government"))
        for day, status in plan:
            date = first + dt.timedelta(days=max(day, 1))
            rows.append({
                "article": f"articles/{region_id}-{status}.txt", "place": f"{name} town",
                "place_id": f"P{region_id}", "kind": "capital", "province_id": region_id,
                "province": name, "status": status, "date": date.isoformat(),
                "actor": "Taliban", "confidence": 0.8,
                "evidence": (f"Officials said the Taliban {status} reports came from {name} town "
                             f"on {date:%A}, after days of clashes on its outskirts."),
                "start": 120, "end": 230, "lat": geometry.centroid.y, "lon": geometry.centroid.x,
                "title": f"Fighting around {name} town", "outlet": "Example Wire",
                "url": f"https://example.org/news/{region_id}/{status}",
                "region_id": region_id, "region": name,
            })
    return pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "region_id", "region"])


def synthetic_counts(days: int, total: int) -> pd.DataFrame:
    first = dt.date(2021, 1, 1)
    rows = [{"article": f"count-{d}.txt", "date": (first + dt.timedelta(days=d)).isoformat(),
             "count": total * d // days, "total": total, "evidence": "Reported count."}
            for d in range(10, days, 10)]
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def measure_in_browser(index: Path, steps: int) -> dict[str, float]:
    """First paint, readiness and step times of the page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})

        def route(route: Any) -> None:
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        started = time.perf_counter()
        page.goto(index.resolve().as_uri())
        page.wait_for_function("window.controlmap !== undefined")
        wall_ready = (time.perf_counter() - started) * 1000
        page.wait_for_function("performance.getEntriesByType('paint').length >= 2")
        paint = page.evaluate(
            "() => Object.fromEntries(performance.getEntriesByType('paint')"
            ".map(e => [e.name, e.startTime]))"
        )
        ready = page.evaluate("window.controlmap.readyAt")
        script_ms = page.evaluate(
            """n => {
                 const cm = window.controlmap, out = [];
                 cm.setDay(0);
                 for (let i = 0; i < n; i++) {
                   if (cm.day() === cm.days[cm.days.length - 1]) cm.setDay(0);
                   const t0 = performance.now(); cm.step(1); out.push(performance.now() - t0);
                 }
                 return out;
               }""",
            steps,
        )
        frame_ms = page.evaluate(
            """async n => {
                 const cm = window.controlmap, out = [];
                 const frame = () => new Promise(r => requestAnimationFrame(() => r()));
                 cm.setDay(0);
                 await frame();
                 for (let i = 0; i < n; i++) {
                   const t0 = performance.now(); cm.step(1); await frame();
                   out.push(performance.now() - t0);
                 }
                 return out;
               }""",
            min(steps, 60),
        )
        page.evaluate("window.controlmap.setDay(Math.floor(window.controlmap.days.length / 2))")
        page.screenshot(path=str(index.parent / "bench.png"))
        browser.close()
    if blocked:
        raise SystemExit(f"The page tried the network: {blocked[:3]}")
    return {
        "first_paint_ms": paint.get("first-paint", float("nan")),
        "first_contentful_paint_ms": paint.get("first-contentful-paint", float("nan")),
        "ready_ms": ready,
        "wall_ready_ms": wall_ready,
        "step_median_ms": statistics.median(script_ms),
        "step_p95_ms": sorted(script_ms)[int(len(script_ms) * 0.95) - 1],
        "step_to_frame_median_ms": statistics.median(frame_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--layer", type=Path, help="polygon layer to use instead of the grid")
    parser.add_argument("--steps", type=int, default=300, help="day steps to time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    args = parser.parse_args()

    layer = layer_regions(args.layer) if args.layer else grid_regions(args.regions)
    events = synthetic_events(layer, args.days, args.seed)
    counts = synthetic_counts(args.days, len(layer))
    first = dt.date(2021, 1, 1)
    end = first + dt.timedelta(days=args.days - 1)

    t0 = time.perf_counter()
    timeline = reconcile(events, layer, counts=counts, start=first, end=end)
    t1 = time.perf_counter()
    index = render_map(timeline, args.out, title="controlmap benchmark")
    t2 = time.perf_counter()
    size = index.stat().st_size
    browser = measure_in_browser(index, args.steps)

    print(f"regions x days         {len(layer)} x {len(timeline.days)}  ({len(events)} events)")
    print(f"reconcile              {(t1 - t0) * 1000:8.0f} ms")
    print(f"render (python)        {(t2 - t1) * 1000:8.0f} ms")
    print(f"index.html             {size / 1e6:8.2f} MB  ({size} bytes)  {index}")
    print(f"first paint            {browser['first_paint_ms']:8.0f} ms "
          f"(first contentful {browser['first_contentful_paint_ms']:.0f} ms)")
    print(f"map ready              {browser['ready_ms']:8.0f} ms after navigation start "
          f"(goto to ready, wall clock: {browser['wall_ready_ms']:.0f} ms)")
    print(f"day step (script)      {browser['step_median_ms']:8.2f} ms median, "
          f"{browser['step_p95_ms']:.2f} ms p95 over {args.steps} steps")
    print(f"day step to next frame {browser['step_to_frame_median_ms']:8.1f} ms median")
    print(f"screenshot             {index.parent / 'bench.png'}")


if __name__ == "__main__":
    main()
