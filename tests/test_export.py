"""Tests of the PNG and GIF exports, read back pixel by pixel with Pillow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from controlmap import export
from controlmap._resources import data_path
from controlmap.errors import DataError, InputError
from controlmap.palette import STATE_COLORS
from controlmap.records import EVENT_COLUMNS, TIMELINE_COLUMNS, State, Timeline
from controlmap.settings import Settings

FIRST = dt.date(2021, 8, 6)
TOLERANCE = 14  # per channel: anti-aliasing and the GIF's 256-colour palette shift colours


def _grid(n: int = 3) -> gpd.GeoDataFrame:
    """An n x n grid of 2-degree squares over Afghanistan's latitudes."""
    cells = [(col, row) for row in range(n) for col in range(n)]
    return gpd.GeoDataFrame(
        {
            "region_id": [f"R{i}" for i in range(len(cells))],
            "region": [f"Cell {col},{row}" for col, row in cells],
        },
        geometry=[box(60 + 2 * c, 30 + 2 * r, 62 + 2 * c, 32 + 2 * r) for c, r in cells],
        crs="EPSG:4326",
    )


def _timeline(
    regions: gpd.GeoDataFrame,
    plan: list[dict[str, State]],
    *,
    reported: dict[str, dt.date] | None = None,
) -> Timeline:
    """A timeline with one day per entry of ``plan``; regions not named are government.

    Each region has one event, on the first day unless ``reported`` gives another
    day (or None: never reported, so its state is only assumed).
    """
    days = tuple(FIRST + dt.timedelta(days=i) for i in range(len(plan)))
    rows = [
        {
            "date": day,
            "region_id": rid,
            "region": name,
            "state": states.get(rid, "government"),
            "events": "",
            "conflict": False,
        }
        for day, states in zip(days, plan, strict=True)
        for rid, name in zip(regions["region_id"], regions["region"], strict=True)
    ]
    first = {rid: FIRST for rid in regions["region_id"]} | (reported or {})
    events = pd.DataFrame(
        [
            {**dict.fromkeys(EVENT_COLUMNS, ""), "date": day, "region_id": rid, "region": rid}
            for rid, day in first.items()
            if day is not None
        ],
        columns=[*EVENT_COLUMNS, "region_id", "region"],
    )
    counts = pd.DataFrame({"article": [], "date": [], "count": [], "total": [], "evidence": []})
    return Timeline(
        regions=regions,
        days=days,
        states=pd.DataFrame(rows, columns=TIMELINE_COLUMNS),
        events=events,
        counts=counts,
    )


def _offensive(regions: gpd.GeoDataFrame) -> Timeline:
    """Four days over which the Taliban take more and more of the grid."""
    ids = list(regions["region_id"])
    return _timeline(
        regions,
        [
            {ids[0]: "taliban", ids[1]: "contested"},
            {ids[0]: "taliban", ids[1]: "taliban", ids[2]: "claimed"},
            {**dict.fromkeys(ids[:4], "taliban"), ids[4]: "contested"},
            {**dict.fromkeys(ids[:7], "taliban"), ids[7]: "claimed"},
        ],
    )


def _rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def _hex(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def _count(pixels: np.ndarray, colour: str) -> int:
    """Pixels within TOLERANCE of ``colour`` on every channel."""
    return int((np.abs(pixels - _hex(colour)) <= TOLERANCE).all(axis=-1).sum())


def _inside(pixels: np.ndarray, colour: str, inset: int = 6) -> tuple[slice, slice]:
    """Rows and columns of the bounding box of ``colour``, shrunk by ``inset`` pixels."""
    rows, cols = np.nonzero((np.abs(pixels - _hex(colour)) <= TOLERANCE).all(axis=-1))
    return (
        slice(rows.min() + inset, rows.max() - inset),
        slice(cols.min() + inset, cols.max() - inset),
    )


def _gif_frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(_rgb(gif))
        return frames


@pytest.fixture()
def offensive() -> Timeline:
    return _offensive(_grid())


def test_png_is_a_sane_image_of_the_day(offensive: Timeline, tmp_path: Path) -> None:
    out = export.export_png(offensive, offensive.days[2], tmp_path / "sub" / "day.png", dpi=100)

    assert out == tmp_path / "sub" / "day.png"
    assert out.stat().st_size > 10_000
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.width == 1000  # 10 inches at 100 dpi
        assert 500 <= image.height <= 1500
        pixels = _rgb(image)
    # Day 3: four regions Taliban, one contested, four government; all visible.
    taliban = _count(pixels, STATE_COLORS["taliban"])
    government = _count(pixels, STATE_COLORS["government"])
    contested = _count(pixels, STATE_COLORS["contested"])
    assert contested > 5_000
    assert taliban == pytest.approx(government, rel=0.1)
    assert taliban == pytest.approx(4 * contested, rel=0.15)


def test_png_taliban_area_grows_from_first_to_last_day(
    offensive: Timeline, tmp_path: Path
) -> None:
    first = export.export_png(offensive, offensive.days[0], tmp_path / "first.png", dpi=80)
    last = export.export_png(offensive, offensive.days[-1], tmp_path / "last.png", dpi=80)

    with Image.open(first) as a, Image.open(last) as b:
        before, after = _rgb(a), _rgb(b)
    taliban = STATE_COLORS["taliban"]
    government = STATE_COLORS["government"]
    assert _count(after, taliban) > 4 * _count(before, taliban)
    assert _count(after, government) < _count(before, government) / 4


def test_gif_has_one_frame_per_day_and_the_taliban_area_grows(
    offensive: Timeline, tmp_path: Path
) -> None:
    out = export.export_gif(offensive, tmp_path / "anim.gif", frame_ms=300, dpi=60)

    assert out.stat().st_size > 5_000
    with Image.open(out) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == len(offensive.days)
        assert gif.width == 600
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    assert durations[:-1] == [300] * (len(offensive.days) - 1)
    assert durations[-1] > 300  # the final state is held

    frames = _gif_frames(out)
    counts = [_count(frame, STATE_COLORS["taliban"]) for frame in frames]
    assert counts[-1] > 4 * counts[0]
    assert counts == sorted(counts)


def test_claimed_is_hatched_so_it_differs_from_taliban_without_colour(tmp_path: Path) -> None:
    one = _grid(1)
    claimed = export.export_png(_timeline(one, [{"R0": "claimed"}]), FIRST, tmp_path / "c.png")
    taliban = export.export_png(_timeline(one, [{"R0": "taliban"}]), FIRST, tmp_path / "t.png")

    with Image.open(claimed) as c, Image.open(taliban) as t:
        c_rgb, c_grey = _rgb(c), np.asarray(c.convert("L"), dtype=float)
        t_rgb, t_grey = _rgb(t), np.asarray(t.convert("L"), dtype=float)
    # The legend swatches sit right of the map and would widen the box: crop to the map.
    c_rgb, c_grey, t_rgb, t_grey = (
        a[:, : a.shape[1] * 6 // 10] for a in (c_rgb, c_grey, t_rgb, t_grey)
    )
    c_box = _inside(c_rgb, STATE_COLORS["claimed"])
    t_box = _inside(t_rgb, STATE_COLORS["taliban"])
    c_area, t_area = c_rgb[c_box], t_rgb[t_box]
    area = c_area.shape[0] * c_area.shape[1]

    # Both the fill colour and the hatch colour cover a good share of the claimed region.
    assert _count(c_area, STATE_COLORS["claimed"]) > 0.4 * area
    assert _count(c_area, export.HATCH_COLOR) > 0.1 * area
    assert _count(t_area, export.HATCH_COLOR) == 0
    # In greyscale the claimed region is striped and the Taliban one flat.
    assert c_grey[c_box].std() > 20
    assert t_grey[t_box].std() < 2


@pytest.mark.parametrize("day", [dt.date(2021, 8, 5), dt.date(2021, 8, 10), dt.date(2022, 1, 1)])
def test_a_day_outside_the_timeline_is_an_input_error(
    offensive: Timeline, tmp_path: Path, day: dt.date
) -> None:
    out = tmp_path / "day.png"
    with pytest.raises(InputError) as caught:
        export.export_png(offensive, day, out)

    message = str(caught.value)
    assert day.isoformat() in message
    assert "2021-08-06" in message and "2021-08-09" in message
    assert not out.exists()


def test_a_timestamp_on_a_timeline_day_is_accepted(offensive: Timeline, tmp_path: Path) -> None:
    noon = dt.datetime.combine(offensive.days[1], dt.time(12))
    assert export.export_png(offensive, noon, tmp_path / "noon.png", dpi=40).exists()


def test_same_input_gives_identical_png_bytes(offensive: Timeline, tmp_path: Path) -> None:
    day = offensive.days[1]
    first = export.export_png(offensive, day, tmp_path / "a.png", source="Source: test")
    second = export.export_png(
        _offensive(_grid()), day, tmp_path / "b.png", source="Source: test"
    )
    other_day = export.export_png(offensive, offensive.days[3], tmp_path / "c.png")

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other_day.read_bytes()
    assert b"matplotlib" not in first.read_bytes().lower()


def test_same_input_gives_identical_gif_bytes(offensive: Timeline, tmp_path: Path) -> None:
    first = export.export_gif(offensive, tmp_path / "a.gif", dpi=40)
    second = export.export_gif(_offensive(_grid()), tmp_path / "b.gif", dpi=40)

    assert first.read_bytes() == second.read_bytes()


def test_frames_are_one_png_per_day_matching_export_png(
    offensive: Timeline, tmp_path: Path
) -> None:
    written = export.export_frames(offensive, tmp_path / "frames", dpi=50)

    assert [p.name for p in written] == [f"{d.isoformat()}.png" for d in offensive.days]
    single = export.export_png(offensive, offensive.days[2], tmp_path / "single.png", dpi=50)
    assert written[2].read_bytes() == single.read_bytes()


def test_regions_without_a_state_are_drawn_as_no_data(tmp_path: Path) -> None:
    timeline = _offensive(_grid())
    gaps = timeline.states[timeline.states["region_id"] != "R8"].reset_index(drop=True)
    partial = Timeline(timeline.regions, timeline.days, gaps, timeline.events, timeline.counts)

    with_gap = export.export_png(partial, partial.days[0], tmp_path / "gap.png", dpi=60)
    full = export.export_png(timeline, timeline.days[0], tmp_path / "full.png", dpi=60)

    with Image.open(with_gap) as g, Image.open(full) as f:
        gap_pixels, full_pixels = _rgb(g), _rgb(f)
    government = STATE_COLORS["government"]
    assert _count(gap_pixels, government) < _count(full_pixels, government)
    assert _count(gap_pixels, "#D9D9D9") > _count(full_pixels, "#D9D9D9") + 1_000


def test_an_unknown_state_is_a_data_error(tmp_path: Path) -> None:
    timeline = _offensive(_grid())
    states = timeline.states.copy()
    states.loc[0, "state"] = "liberated"
    broken = Timeline(timeline.regions, timeline.days, states, timeline.events, timeline.counts)

    with pytest.raises(DataError, match="liberated"):
        export.export_png(broken, broken.days[0], tmp_path / "x.png")


def test_a_region_without_a_polygon_is_a_data_error(tmp_path: Path) -> None:
    regions = _grid()
    regions.loc[4, "geometry"] = None
    with pytest.raises(DataError, match="R4"):
        export.export_png(_offensive(regions), FIRST, tmp_path / "x.png")


@pytest.mark.parametrize(("option", "value"), [("frame_ms", 0), ("dpi", -5)])
def test_gif_rejects_non_positive_options(
    offensive: Timeline, tmp_path: Path, option: str, value: int
) -> None:
    with pytest.raises(InputError, match=option):
        export.export_gif(offensive, tmp_path / "x.gif", **{option: value})


def test_an_empty_timeline_is_an_input_error(tmp_path: Path) -> None:
    empty = _timeline(_grid(), [])
    with pytest.raises(InputError, match="no days"):
        export.export_gif(empty, tmp_path / "x.gif")
    with pytest.raises(InputError, match="no days"):
        export.export_png(empty, FIRST, tmp_path / "x.png")


def _provinces() -> gpd.GeoDataFrame:
    """The bundled province layer, through geocode when that module has landed."""
    try:
        from controlmap import geocode
    except ImportError:
        geocode = None
    settings = Settings()
    if geocode is not None and hasattr(geocode, "load_regions"):
        regions = geocode.load_regions(
            settings.boundaries, id_field=settings.id_field, name_field=settings.name_field
        )
        return regions
    path = data_path("provinces.geojson")
    if not path.exists():
        pytest.skip("data/provinces.geojson is not there yet")
    layer = gpd.read_file(path)
    return layer.rename(columns={settings.id_field: "region_id", settings.name_field: "region"})


def test_real_provinces_png_and_gif(tmp_path: Path) -> None:
    regions = _provinces()
    ids = sorted(regions["region_id"])
    timeline = _timeline(
        regions,
        [
            {ids[0]: "taliban"},
            {**dict.fromkeys(ids[:6], "taliban"), ids[6]: "claimed", ids[7]: "contested"},
            {**dict.fromkeys(ids[:20], "taliban"), ids[20]: "claimed"},
        ],
    )

    png = export.export_png(timeline, timeline.days[1], tmp_path / "day.png")
    gif = export.export_gif(timeline, tmp_path / "anim.gif", dpi=60)

    with Image.open(png) as image:
        assert image.width == 1500
        assert 700 <= image.height <= 1500
        pixels = _rgb(image)
    for state in ("taliban", "claimed", "contested", "government"):
        assert _count(pixels, STATE_COLORS[state]) > 500, state
    frames = _gif_frames(gif)
    assert len(frames) == 3
    taliban = [_count(frame, STATE_COLORS["taliban"]) for frame in frames]
    assert taliban[0] < taliban[1] < taliban[2]


def test_seeds_map_png_and_gif(tmp_path: Path) -> None:
    """The issue's check on the real corpus: a still and an animation of the seeds' map."""
    from controlmap import pipeline

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    extracted = pipeline.extract_corpus(seeds, tmp_path / "build")
    timeline = pipeline.reconcile_events(extracted.events, counts=extracted.counts)

    png = export.export_png(timeline, timeline.days[-1], tmp_path / "last.png")
    gif = export.export_gif(timeline, tmp_path / "seeds.gif", dpi=60)

    assert png.stat().st_size > 20_000
    with Image.open(png) as image:
        assert image.width == 1500
        assert 700 <= image.height <= 1500
    frames = _gif_frames(gif)
    assert len(frames) == len(timeline.days)
    taliban = STATE_COLORS["taliban"]
    assert _count(frames[-1], taliban) > _count(frames[0], taliban)


def test_a_region_not_reported_yet_is_drawn_paler_until_its_first_report(
    tmp_path: Path,
) -> None:
    regions = _grid()
    ids = list(regions["region_id"])
    plan: list[dict[str, State]] = [{ids[0]: "taliban"}] * 3
    # R0 is first reported on the third day; R1..R8 (government) from the first.
    timeline = _timeline(regions, plan, reported={ids[0]: FIRST + dt.timedelta(days=2)})
    before = export.export_png(timeline, timeline.days[0], tmp_path / "before.png", dpi=60)
    after = export.export_png(timeline, timeline.days[2], tmp_path / "after.png", dpi=60)
    with Image.open(before) as b, Image.open(after) as a:
        before_pixels, after_pixels = _rgb(b), _rgb(a)
    taliban = STATE_COLORS["taliban"]
    pale = "#{:02X}{:02X}{:02X}".format(
        *(round(255 - 0.45 * (255 - int(taliban[i : i + 2], 16))) for i in (1, 3, 5))
    )
    # Before its first report R0 shows the paler shade, after it the full colour.
    assert _count(before_pixels, taliban) < 200 < _count(before_pixels, pale)
    assert _count(after_pixels, pale) < 200 < _count(after_pixels, taliban)
    # The reported government regions keep their full colour on both days.
    government = STATE_COLORS["government"]
    assert _count(before_pixels, government) == pytest.approx(
        _count(after_pixels, government), rel=0.05
    )


def test_a_region_never_reported_stays_paler(tmp_path: Path) -> None:
    regions = _grid()
    ids = list(regions["region_id"])
    timeline = _timeline(regions, [{}], reported={ids[4]: None})
    png = export.export_png(timeline, timeline.days[0], tmp_path / "day.png", dpi=60)
    with Image.open(png) as image:
        pixels = _rgb(image)
    government = STATE_COLORS["government"]
    pale = "#{:02X}{:02X}{:02X}".format(
        *(round(255 - 0.45 * (255 - int(government[i : i + 2], 16))) for i in (1, 3, 5))
    )
    assert _count(pixels, pale) > 200
