"""Time the PNG and GIF exports on a synthetic timeline and report size and peak memory.

A square grid of regions over Afghanistan's extent, with a front that moves one
column further every few days, so that every frame differs. Usage::

    .venv/bin/python benchmarks/bench_export.py --regions 400 --days 120
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from controlmap import export
from controlmap.records import EVENT_COLUMNS, TIMELINE_COLUMNS, Timeline


def synthetic_timeline(regions: int, days: int) -> Timeline:
    """A ``side x side`` grid of regions whose states change as a front sweeps west to east."""
    side = math.ceil(math.sqrt(regions))
    width, height = 14.5 / side, 9.1 / side
    cells = [(i % side, i // side) for i in range(regions)]
    layer = gpd.GeoDataFrame(
        {"region_id": [f"R{i:04d}" for i in range(regions)],
         "region": [f"Region {i}" for i in range(regions)]},
        geometry=[box(60.5 + c * width, 29.4 + r * height, 60.5 + (c + 1) * width,
                      29.4 + (r + 1) * height) for c, r in cells],
        crs="EPSG:4326",
    )
    first = dt.date(2021, 1, 1)
    dates = tuple(first + dt.timedelta(days=d) for d in range(days))
    rows = []
    for d, day in enumerate(dates):
        front = side * (d + 1) / days
        for i, (col, row) in enumerate(cells):
            edge = col + (row % 3) * 0.3
            state = ("taliban" if edge < front - 1 else "claimed" if edge < front - 0.5
                     else "contested" if edge < front else "government")
            rows.append((day, f"R{i:04d}", f"Region {i}", state, "", False, False, 0, pd.NA))
    return Timeline(
        regions=layer,
        days=dates,
        states=pd.DataFrame(rows, columns=TIMELINE_COLUMNS),
        events=pd.DataFrame({col: [] for col in EVENT_COLUMNS}),
        counts=pd.DataFrame(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=400)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--dpi", type=int, default=100, help="GIF resolution")
    args = parser.parse_args()

    timeline = synthetic_timeline(args.regions, args.days)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        png = export.export_png(timeline, timeline.days[-1], out / "day.png")
        png_s = time.perf_counter() - start

        start = time.perf_counter()
        gif = export.export_gif(timeline, out / "anim.gif", dpi=args.dpi)
        gif_s = time.perf_counter() - start

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.regions} regions x {args.days} days")
        print(f"export_png (150 dpi): {png_s:.2f} s, {png.stat().st_size / 1e3:.0f} kB")
        print(f"export_gif ({args.dpi} dpi): {gif_s:.2f} s total, "
              f"{1000 * gif_s / args.days:.0f} ms per frame, {gif.stat().st_size / 1e6:.2f} MB")
        print(f"peak resident memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
