"""Time `gis.state_runs` on synthetic timelines of growing length: it should grow linearly.

Each region changes state at random about every ``--every`` days, and each day
lists the events behind its state (the run's reports so far), as reconcile
does. Usage::

    .venv/bin/python benchmarks/bench_runs.py --regions 34 --days 100 1000 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from controlmap import gis
from controlmap.records import EVENT_COLUMNS, STATES, Timeline


def synthetic_timeline(regions: int, days: int, every: int, seed: int = 0) -> Timeline:
    """``regions`` squares whose states change at random, with growing evidence lists."""
    rng = np.random.default_rng(seed)
    ids = [f"R{i:03d}" for i in range(regions)]
    layer = gpd.GeoDataFrame(
        {"region_id": ids, "region": [f"Region {i}" for i in range(regions)]},
        geometry=[box(60 + i % 10, 30 + i // 10, 61 + i % 10, 31 + i // 10)
                  for i in range(regions)],
        crs="EPSG:4326",
    )
    first = dt.date(2021, 1, 1)
    dates = tuple(first + dt.timedelta(days=d) for d in range(days))
    # One report per region-day with probability 1/every; a report may change the state.
    reported = rng.random((days, regions)) < 1 / every
    codes = np.where(reported, rng.integers(0, len(STATES), (days, regions)), -1)
    state = pd.DataFrame(codes).replace(-1, np.nan).ffill().fillna(0).to_numpy(dtype=int)
    event_id = np.where(reported, np.arange(days * regions).reshape(days, regions), -1)
    # Evidence of a day: the reports since the run's start (capped, as news repeats).
    evidence = np.empty((days, regions), dtype=object)
    for r in range(regions):
        current: list[str] = []
        for d in range(days):
            if d and state[d, r] != state[d - 1, r]:
                current = []
            if event_id[d, r] >= 0:
                current = [*current[-4:], str(event_id[d, r])]
            evidence[d, r] = ";".join(current)
    states = pd.DataFrame({
        "date": np.repeat(np.array(dates, dtype=object), regions),
        "region_id": np.tile(np.array(ids, dtype=object), days),
        "region": np.tile(layer["region"].to_numpy(dtype=object), days),
        "state": np.asarray(STATES, dtype=object)[state.ravel()],
        "events": evidence.ravel(),
        "conflict": (rng.random(days * regions) < 0.01),
    })
    return Timeline(regions=layer, days=dates, states=states,
                    events=pd.DataFrame({c: [] for c in EVENT_COLUMNS}), counts=pd.DataFrame())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=34)
    parser.add_argument("--days", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--every", type=int, default=20, help="mean days between reports")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'days':>7} {'region-days':>12} {'runs':>7} {'best ms':>9} {'µs/region-day':>14}")
    for days in args.days:
        timeline = synthetic_timeline(args.regions, days, args.every)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            runs = gis.state_runs(timeline)
            best = min(best, time.perf_counter() - start)
        cells = args.regions * days
        print(f"{days:>7} {cells:>12} {len(runs):>7} {best * 1000:>9.1f} "
              f"{best * 1e6 / cells:>14.2f}")


if __name__ == "__main__":
    main()
