"""Still and animated maps of a `Timeline` for reports: a PNG per day and an animated GIF.

The maps use the palette and hatching of the HTML map (`controlmap.palette`), a
title, the date shown large, a legend with the count of regions in each state that
day, and a source line. As on the HTML map, a region that no event has reported on
yet is drawn paler: its state is the assumed one (the baseline), not a report.
Drawing goes through matplotlib's object API (a `Figure` on an Agg canvas, never
pyplot), so no global state is touched and the same input gives the same PNG bytes.
This module only draws: it does not decide states (that is `reconcile`) nor build
the interactive map (that is `render`).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from PIL import Image
from shapely.plotting import patch_from_polygon

from ._outputs import atomic_file
from .errors import DataError, InputError
from .palette import DEFAULT, HATCHED, ORDER, Palette
from .records import STATES, State, Timeline

logger = logging.getLogger(__name__)

#: Colour of the hatch lines drawn over the states in `palette.HATCHED`.
HATCH_COLOR = "#FFFFFF"
_HATCH = "////"
_OUTLINE_COLOR = "#FFFFFF"  # between regions
_BORDER_COLOR = "#3A3A3A"  # around the whole layer
_NO_DATA_COLOR = "#D9D9D9"
_TEXT_COLOR = "#1F1F1F"
_MUTED_COLOR = "#5F5F5F"
_NO_DATA_LABEL = "No state recorded"
_ASSUMED_ALPHA = 0.45  # a region not reported on yet: its colour this much over white
_ASSUMED_LABEL = "Paler: no report yet (assumed)"

# Layout in inches; the map's height follows the layer's shape so the map fills its box.
_FIG_WIDTH = 10.0
_PANEL_WIDTH = 3.0
_MARGIN = 0.3
_GAP = 0.2
_HEADER = 0.85
_FOOTER = 0.45
_MAP_HEIGHT_RANGE = (3.5, 9.0)
_PAD = 0.02  # share of the layer's extent left blank around it

_LAST_FRAME_HOLD = 4  # the GIF's last frame stays this many frame lengths

_PNG_METADATA: dict[str, str | None] = {"Software": None}  # no version string in the bytes
# Fixed English names: strftime("%A") would follow the process locale and change the bytes.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class _Layer:
    """Region outlines as matplotlib paths, computed once per export."""

    region_ids: tuple[str, ...]
    paths: tuple[MplPath, ...]
    border: MplPath
    bounds: tuple[float, float, float, float]
    aspect: float  # y/x scale that makes lon/lat look roughly equal-area at this latitude


def export_png(
    timeline: Timeline,
    day: dt.date,
    out: Path,
    *,
    title: str = "controlmap",
    source: str = "",
    dpi: int = 150,
    palette: Palette = DEFAULT,
) -> Path:
    """Write a PNG map of the state of every region on one day.

    Parameters
    ----------
    timeline
        The reconciled timeline to draw.
    day
        The day to draw; must be one of ``timeline.days``.
    out
        PNG file to write; missing parent folders are created.
    title
        Heading printed above the map.
    source
        Source line printed under the map, e.g.
        ``"Source: 5 articles · controlmap · boundaries: Natural Earth"``.
        Empty means a line counting the articles behind the timeline's events.
    dpi
        Resolution; the figure is 10 inches wide.
    palette
        Colours and words of the states (`palette.for_profile` of the conflict).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InputError
        If ``day`` is not in the timeline or ``dpi`` is not positive.
    DataError
        If a region has no polygon or a state is not one of `records.STATES`.
    """
    day = _check_day(timeline, day)
    _check_positive("dpi", dpi)
    drawing = _MapDrawing(timeline, title=title, source=source, palette=palette)
    drawing.show(day)
    out = Path(out)
    with atomic_file(out) as temp:
        drawing.save_png(temp, dpi=dpi)
    logger.info("Wrote the map of %s to %s", day.isoformat(), out)
    return out


def export_frames(
    timeline: Timeline,
    out_dir: Path,
    *,
    title: str = "controlmap",
    source: str = "",
    dpi: int = 150,
    palette: Palette = DEFAULT,
) -> list[Path]:
    """Write one PNG per day of the timeline, named ``YYYY-MM-DD.png``.

    Parameters
    ----------
    timeline
        The reconciled timeline to draw.
    out_dir
        Folder for the PNG files; created if missing.
    title, source, dpi, palette
        As for `export_png`.

    Returns
    -------
    list of Path
        The files written, in date order.

    Raises
    ------
    InputError
        If the timeline has no days or ``dpi`` is not positive.
    DataError
        As for `export_png`.
    """
    _check_has_days(timeline)
    _check_positive("dpi", dpi)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    drawing = _MapDrawing(timeline, title=title, source=source, palette=palette)
    written = []
    for day in timeline.days:
        drawing.show(day)
        path = out_dir / f"{day.isoformat()}.png"
        with atomic_file(path) as temp:
            drawing.save_png(temp, dpi=dpi)
        written.append(path)
    logger.info("Wrote %d daily maps to %s", len(written), out_dir)
    return written


def export_gif(
    timeline: Timeline,
    out: Path,
    *,
    title: str = "controlmap",
    source: str = "",
    frame_ms: int = 700,
    dpi: int = 100,
    palette: Palette = DEFAULT,
) -> Path:
    """Write an animated GIF with one frame per day of the timeline.

    The last frame is held for four frame lengths so a looping animation pauses on
    the final state. Frames are rendered one at a time and handed to Pillow as they
    are made; Pillow keeps each, as an 8-bit palette image (one byte per pixel), until
    it writes the file: about 0.65 MB per frame at the default ``dpi``.

    Parameters
    ----------
    timeline
        The reconciled timeline to draw.
    out
        GIF file to write; missing parent folders are created.
    title, source, palette
        As for `export_png`.
    frame_ms
        How long each day is shown, in milliseconds.
    dpi
        Resolution; the figure is 10 inches wide, so 100 gives 1000-pixel frames.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InputError
        If the timeline has no days, or ``frame_ms`` or ``dpi`` is not positive.
    DataError
        As for `export_png`.
    """
    _check_has_days(timeline)
    _check_positive("frame_ms", frame_ms)
    _check_positive("dpi", dpi)
    drawing = _MapDrawing(timeline, title=title, source=source, palette=palette)
    frames = drawing.frames(timeline.days, dpi=dpi)
    first = next(frames)
    durations = [frame_ms] * (len(timeline.days) - 1) + [frame_ms * _LAST_FRAME_HOLD]
    out = Path(out)
    with atomic_file(out) as temp:
        first.save(
            temp,
            format="GIF",
            save_all=True,
            append_images=frames,  # consumed lazily, one rendered frame at a time
            duration=durations,
            loop=0,
        )
    logger.info("Wrote a %d-frame animation to %s", len(timeline.days), out)
    return out


class _MapDrawing:
    """One figure with the static parts drawn once; `show` restyles it for a day."""

    def __init__(self, timeline: Timeline, *, title: str, source: str,
                 palette: Palette) -> None:
        self._timeline = timeline
        self._palette = palette
        self._layer = _prepare_layer(timeline.regions)
        self._states = _states_by_day(timeline.states)
        self._first_report = _first_reports(timeline)
        self._counts = timeline.counts
        self._figure, self._map_ax, self._panel_ax = _make_figure(self._layer)
        self._canvas = FigureCanvasAgg(self._figure)
        self._fill = PathCollection(
            self._layer.paths, edgecolors="none", linewidths=0, zorder=1
        )
        self._map_ax.add_collection(self._fill, autolim=False)
        self._hatch: PathCollection | None = None
        self._map_ax.add_collection(
            PathCollection(
                self._layer.paths, facecolors="none", edgecolors=_OUTLINE_COLOR,
                linewidths=0.6, zorder=3,
            ),
            autolim=False,
        )
        self._map_ax.add_collection(
            PathCollection(
                [self._layer.border], facecolors="none", edgecolors=_BORDER_COLOR,
                linewidths=1.0, zorder=4,
            ),
            autolim=False,
        )
        self._draw_static_text(title, source or _default_source(timeline))
        self._date_text = self._panel_ax.text(
            0, 1, "", transform=self._panel_ax.transAxes, va="top", ha="left",
            fontsize=24, fontweight="bold", color=_TEXT_COLOR,
        )
        self._day_text = self._panel_ax.text(
            0, 1 - 0.5 / self._panel_height(), "", transform=self._panel_ax.transAxes,
            va="top", ha="left", fontsize=10.5, color=_MUTED_COLOR,
        )
        self._legend: Legend | None = None
        self._note: Text | None = None

    def show(self, day: dt.date) -> None:
        """Restyle the figure for ``day``: fills, hatching, date, legend and note."""
        states = [self._states.get((day, rid)) for rid in self._layer.region_ids]
        reported = [self._first_report.get(rid, dt.date.max) <= day
                    for rid in self._layer.region_ids]
        self._fill.set_facecolor([
            _NO_DATA_COLOR if s is None
            else self._palette.colors[s] if seen else _paler(self._palette.colors[s])
            for s, seen in zip(states, reported, strict=True)
        ])
        self._show_hatching(states)
        assumed = [
            s for s, seen in zip(states, reported, strict=True) if s is not None and not seen
        ]
        self._show_panel(day, states, assumed)

    def save_png(self, out: Path, *, dpi: int) -> None:
        """Write the current figure as a PNG without a version string in its metadata."""
        self._figure.savefig(out, format="png", dpi=dpi, metadata=_PNG_METADATA)

    def frames(self, days: Sequence[dt.date], *, dpi: int) -> Iterator[Image.Image]:
        """Yield one RGB image per day, rendering each only when it is asked for."""
        self._figure.set_dpi(dpi)
        for day in days:
            self.show(day)
            with io.BytesIO() as raw:
                self._figure.savefig(raw, format="rgba", dpi=dpi)
                size = self._canvas.get_width_height(physical=True)
                rgba = Image.frombytes("RGBA", size, raw.getbuffer())
            yield rgba.convert("RGB")

    def _draw_static_text(self, title: str, source: str) -> None:
        fig_w, fig_h = self._figure.get_size_inches()
        days = self._timeline.days
        self._figure.text(
            _MARGIN / fig_w, 1 - 0.22 / fig_h, title, va="top", ha="left",
            fontsize=17, fontweight="bold", color=_TEXT_COLOR,
        )
        if days:
            span = f"Control by region, {days[0].isoformat()} to {days[-1].isoformat()}"
            self._figure.text(
                _MARGIN / fig_w, 1 - 0.56 / fig_h, span, va="top", ha="left",
                fontsize=10.5, color=_MUTED_COLOR,
            )
        self._figure.text(
            _MARGIN / fig_w, 0.16 / fig_h, source, va="bottom", ha="left",
            fontsize=8.5, color=_MUTED_COLOR,
        )

    def _show_hatching(self, states: list[State | None]) -> None:
        if self._hatch is not None:
            self._hatch.remove()
            self._hatch = None
        paths = [p for p, s in zip(self._layer.paths, states, strict=True) if s in HATCHED]
        if not paths:
            return
        # Hatch lines take the collection's edge colour; a zero line width hides the edge.
        self._hatch = PathCollection(
            paths, facecolors="none", edgecolors=HATCH_COLOR, linewidths=0, zorder=2
        )
        self._hatch.set_hatch(_HATCH)
        self._map_ax.add_collection(self._hatch, autolim=False)

    def _show_panel(
        self, day: dt.date, states: list[State | None], assumed: list[State]
    ) -> None:
        """Date, legend (``assumed``: the states of regions not reported on yet) and note."""
        days = self._timeline.days
        self._date_text.set_text(day.isoformat())
        position = days.index(day) + 1
        self._day_text.set_text(f"{_WEEKDAYS[day.weekday()]} · day {position} of {len(days)}")

        if self._legend is not None:
            self._legend.remove()
        handles = []
        for state in reversed(ORDER):  # Taliban first, as the HTML map's counts read
            count = sum(s == state for s in states)
            handles.append(
                Patch(
                    facecolor=self._palette.colors[state],
                    edgecolor=HATCH_COLOR if state in HATCHED else self._palette.colors[state],
                    hatch=_HATCH if state in HATCHED else None,
                    linewidth=0,
                    label=f"{_wrap_label(self._palette.labels[state])}  {count}",
                )
            )
        missing = sum(s is None for s in states)
        if missing:
            handles.append(
                Patch(facecolor=_NO_DATA_COLOR, linewidth=0, label=f"{_NO_DATA_LABEL}  {missing}")
            )
        if assumed:
            # the swatch in the paler shade of the state most of them are assumed in
            usual = max(ORDER, key=assumed.count)
            handles.append(Patch(
                facecolor=_paler(self._palette.colors[usual]), linewidth=0,
                label=f"{_wrap_label(_ASSUMED_LABEL)}  {len(assumed)}",
            ))
        self._legend = self._panel_ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(0, 1 - 0.95 / self._panel_height()),
            frameon=False, fontsize=10.5, handlelength=2.2, handleheight=1.4,
            labelspacing=0.8, borderaxespad=0, borderpad=0, handletextpad=0.7,
            title=f"Regions on this day ({len(states)})", title_fontsize=10.5,
            alignment="left", labelcolor=_TEXT_COLOR,
        )

        if self._note is not None:
            self._note.remove()
            self._note = None
        note = _reported_count(self._counts, day)
        if note:
            self._note = self._panel_ax.text(
                0, 0, note, transform=self._panel_ax.transAxes, va="bottom", ha="left",
                fontsize=9.5, color=_MUTED_COLOR, linespacing=1.4,
            )

    def _panel_height(self) -> float:
        return float(self._panel_ax.get_position().height * self._figure.get_size_inches()[1])


def _check_day(timeline: Timeline, day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    days = timeline.days
    if not days:
        msg = f"Cannot draw {day.isoformat()}: the timeline has no days (no dated events?)."
        raise InputError(msg)
    if day not in days:
        msg = (
            f"Day {day.isoformat()} is not in the timeline, which runs from "
            f"{days[0].isoformat()} to {days[-1].isoformat()}; pick a day in that range."
        )
        raise InputError(msg)
    return day


def _check_has_days(timeline: Timeline) -> None:
    if not timeline.days:
        msg = "Cannot draw the timeline: it has no days (no dated events?)."
        raise InputError(msg)


def _check_positive(name: str, value: int) -> None:
    if value <= 0:
        msg = f"{name} must be a positive number, got {value!r}."
        raise InputError(msg)


def _prepare_layer(regions: Any) -> _Layer:
    """Turn the region GeoDataFrame into matplotlib paths in lon/lat."""
    missing = {"region_id", "geometry"} - set(regions.columns)
    if missing:
        msg = f"The region layer lacks the column(s) {sorted(missing)}; it needs region_id."
        raise DataError(msg)
    if len(regions) == 0:
        msg = "The region layer is empty; there is nothing to draw."
        raise DataError(msg)
    if regions.crs is not None and regions.crs.to_epsg() != 4326:
        regions = regions.to_crs(4326)
    ids, paths = [], []
    for region_id, geom in zip(regions["region_id"], regions.geometry, strict=True):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "no geometry" if geom is None or geom.is_empty else f"a {geom.geom_type}"
            msg = f"Region {region_id!r} has {kind}; each region needs a polygon to be drawn."
            raise DataError(msg)
        ids.append(str(region_id))
        paths.append(patch_from_polygon(geom).get_path())
    border = shapely.union_all(regions.geometry.make_valid().to_numpy())
    border = shapely.get_parts(border)
    border = shapely.MultiPolygon([g for g in border if g.geom_type == "Polygon"])
    minx, miny, maxx, maxy = (float(v) for v in regions.total_bounds)
    mean_lat = math.radians((miny + maxy) / 2)
    aspect = 1 / max(math.cos(mean_lat), 0.2)  # bounded near the poles
    return _Layer(
        region_ids=tuple(ids),
        paths=tuple(paths),
        border=patch_from_polygon(border).get_path(),
        bounds=(minx, miny, maxx, maxy),
        aspect=aspect,
    )


def _make_figure(layer: _Layer) -> tuple[Figure, Any, Any]:
    """A white figure with the map box sized to the layer and a side panel."""
    minx, miny, maxx, maxy = layer.bounds
    pad = _PAD * max(maxx - minx, maxy - miny, 1e-9)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    map_width = _FIG_WIDTH - _PANEL_WIDTH - 2 * _MARGIN - _GAP
    shape = (maxy - miny) * layer.aspect / (maxx - minx)
    low, high = _MAP_HEIGHT_RANGE
    map_height = min(max(map_width * shape, low), high)
    fig_height = _HEADER + map_height + _FOOTER

    figure = Figure(figsize=(_FIG_WIDTH, fig_height), facecolor="white")
    w, h = _FIG_WIDTH, fig_height
    map_ax = figure.add_axes((_MARGIN / w, _FOOTER / h, map_width / w, map_height / h))
    map_ax.set_xlim(minx, maxx)
    map_ax.set_ylim(miny, maxy)
    # 'datalim' widens the view rather than shrinking the box when the shape was clamped.
    map_ax.set_aspect(layer.aspect, adjustable="datalim", anchor="C")
    map_ax.set_axis_off()
    panel_left = (_FIG_WIDTH - _MARGIN - _PANEL_WIDTH) / w
    panel_ax = figure.add_axes((panel_left, _FOOTER / h, _PANEL_WIDTH / w, map_height / h))
    panel_ax.set_axis_off()
    return figure, map_ax, panel_ax


def _states_by_day(states: pd.DataFrame) -> dict[tuple[dt.date, str], State]:
    """Index the states table by (day, region_id), rejecting states the palette lacks."""
    unknown = sorted(set(states["state"]) - set(STATES), key=str)
    if unknown:
        msg = f"The timeline holds unknown state(s) {unknown}; expected one of {list(STATES)}."
        raise DataError(msg)
    days = [d.date() if isinstance(d, dt.datetime) else d for d in states["date"]]
    return dict(
        zip(zip(days, states["region_id"].astype(str), strict=True), states["state"], strict=True)
    )


def _first_reports(timeline: Timeline) -> dict[str, dt.date]:
    """The first day on the timeline each region is reported on (by a dated event).

    An event before the first day counts from the first day, as on the HTML map.
    """
    events = timeline.events
    if events.empty or "region_id" not in events.columns or not timeline.days:
        return {}
    dated = events.loc[events["date"].notna() & events["region_id"].notna(), ["region_id", "date"]]
    first: dict[str, dt.date] = {}
    for region_id, day in zip(dated["region_id"], dated["date"], strict=True):
        day = pd.Timestamp(day).date()
        first[str(region_id)] = min(day, first.get(str(region_id), day))
    start = timeline.days[0]
    return {region_id: max(day, start) for region_id, day in first.items()}


def _paler(colour: str) -> tuple[float, float, float]:
    """``colour`` at `_ASSUMED_ALPHA` over white, as the HTML map shows an assumed state."""
    red, green, blue = (
        1 - _ASSUMED_ALPHA * (1 - int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5)
    )
    return red, green, blue


def _default_source(timeline: Timeline) -> str:
    events = timeline.events
    articles = events["article"].nunique() if "article" in events.columns else 0
    noun = "article" if articles == 1 else "articles"
    return f"Source: {articles} {noun} · controlmap"


def _reported_count(counts: pd.DataFrame, day: dt.date) -> str:
    """The latest reported number of fallen capitals up to ``day``, as one line."""
    if counts is None or len(counts) == 0 or not {"date", "count", "total"} <= set(counts.columns):
        return ""
    dates = pd.to_datetime(counts["date"], errors="coerce").dt.date
    known = counts.assign(_day=dates)[dates.notna() & (dates <= day)]
    if known.empty:
        return ""
    latest = known[known["_day"] == known["_day"].max()]
    row = latest.loc[latest["count"].astype(int).idxmax()]
    return (
        f"Reported by {row['_day'].isoformat()}:\n"
        f"{int(row['count'])} of {int(row['total'])} provincial capitals fallen"
    )


def _wrap_label(label: str, width: int = 24) -> str:
    """Break a long legend label onto two lines at the space nearest ``width``."""
    if len(label) <= width or " " not in label:
        return label
    cut = label.rfind(" ", 0, width + 1)
    if cut <= 0:
        cut = label.find(" ")
    return f"{label[:cut]}\n{label[cut + 1:]}"
