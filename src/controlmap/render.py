"""Render a `Timeline` as one self-contained HTML map, and the iframe snippet that embeds it.

The page is a folium `Map` holding one branca `MacroElement` of our own
(`_ControlMap`) whose template lives in ``controlmap/templates`` (``map.html``,
``map.js``, ``map.css``). Everything the page needs is inlined: Leaflet's own
JS and CSS (from the ``xstatic-leaflet`` package, images as data URIs), the
map's script and style, the region geometry once (coordinates rounded to
``_DECIMALS`` places, about 11 m) and one string per day with one character per
region. folium's default CDN links (jQuery, Bootstrap, Font Awesome, ...) are
dropped, so the page opens from ``file://`` with the network down. The only
network use is the opt-in basemap (``tiles=True``). Data enters the page only
through Jinja's ``|tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``), and
the script puts article text in the page with ``textContent``. The page is
rendered in one pass: its finished parts are never compiled as a template again,
so ``{{ ... }}`` in an article stays text.

URL hash of the page: ``#2021-08-13`` opens that day (stepping rewrites it);
``&controls=0`` hides the time control for a still embed of one day.

Not for deciding states (that is `reconcile`) nor for PNG/GIF frames (`export`).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import re
import urllib.parse
from pathlib import Path
from typing import Any

import folium
import jinja2
import numpy as np
import pandas as pd
import xstatic.pkg.leaflet
from branca.element import Element, Figure, MacroElement

from ._outputs import atomic_file
from ._resources import template_text
from .errors import DataError, InputError
from .palette import DEFAULT, HATCHED, ORDER, Palette
from .reconcile import PRECEDENCE, coverage
from .records import STATES, Timeline

logger = logging.getLogger(__name__)

_DECIMALS = 4  # coordinate rounding: 1e-4 degree is about 11 m
_CODES = "gckt"  # one character per state, in STATES order
_STATUS_STATE = {"fallen": "taliban", "claimed": "claimed", "contested": "contested",
                 "government": "government"}
_SIZE = re.compile(r"^\d+(\.\d+)?(px|%|em|rem|vh|vw)$")
_MAP_ID = "controlmap"  # fixed element ids keep the output byte-identical
#: Attribution of the bundled layers, which their licences ask to show with the map.
DEFAULT_ATTRIBUTION = ("Boundaries: Natural Earth · Places: GeoNames (CC BY 4.0), "
                       "geoBoundaries.org · "
                       "Made with controlmap")


def render_map(
    timeline: Timeline,
    out: Path,
    *,
    title: str = "controlmap",
    tiles: bool = False,
    attribution: str = DEFAULT_ATTRIBUTION,
    palette: Palette = DEFAULT,
) -> Path:
    """Write the timeline as one self-contained HTML map.

    Parameters
    ----------
    timeline
        The reconciled timeline (`reconcile.reconcile`).
    out
        Path of the page to write (ending in ``.html``), or a folder to write
        ``index.html`` into; missing folders are created.
    title
        Shown on the page and as its ``<title>``.
    tiles
        Add an OpenStreetMap basemap. Opt-in: the tiles are fetched from the
        network whenever the page is opened, so the map is then not offline.
    attribution
        Credit line for the data, shown as text under the legend; name the
        boundary layer here when it is not the bundled one.
    palette
        Colours and words of the states (`palette.for_profile` of the conflict).

    Returns
    -------
    Path
        The page written. The same timeline gives byte-identical pages.
    """
    out = Path(out)
    path = out if out.suffix.lower() in (".html", ".htm") else out / "index.html"
    page = _page(timeline, title=title, tiles=tiles, attribution=attribution, palette=palette)
    with atomic_file(path) as temp:  # never a half-written page, never through a link
        temp.write_bytes(page.encode("utf-8"))
    logger.info("Wrote the map %s (%d bytes)", path, path.stat().st_size)
    return path


def embed_snippet(
    map_url: str,
    *,
    day: dt.date | None = None,
    controls: bool = True,
    width: int | str = "100%",
    height: int | str = 560,
    title: str = "Map of territorial control by day",
) -> str:
    """An ``<iframe>`` that embeds the map, optionally on one day and without controls.

    Parameters
    ----------
    map_url
        URL of the page, relative (``index.html``) or ``http(s)``/``file``.
    day
        Open the map on this day (``#YYYY-MM-DD``); default: its last day.
    controls
        False hides the time control (``&controls=0``) for a still of one day.
    width, height
        Pixels as an int, or a CSS length such as ``"100%"`` or ``"40rem"``.
    title
        The iframe's accessible title.

    Returns
    -------
    str
        One line of HTML with every attribute escaped.

    Raises
    ------
    InputError
        ``map_url`` has another scheme or already has a ``#`` fragment, or a size
        is not a CSS length.
    """
    parts = urllib.parse.urlsplit(map_url)
    if parts.scheme not in ("", "http", "https", "file") or not map_url.strip():
        raise InputError(f"Cannot embed map URL {map_url!r}: use a relative, http(s) or file URL.")
    if parts.fragment or map_url.endswith("#"):
        msg = (f"Map URL {map_url!r} already has a '#' part; pass day= and controls= "
               "instead.")
        raise InputError(msg)
    fragment = "&".join(
        part for part in (day.isoformat() if day else "", "" if controls else "controls=0") if part
    )
    src = map_url + (f"#{fragment}" if fragment else "")
    style = f"width:{_css_size(width, 'width')};height:{_css_size(height, 'height')};border:0"
    return (f'<iframe src="{html.escape(src)}" style="{style}" title="{html.escape(title)}" '
            'loading="lazy"></iframe>')


def published_url(base_url: str) -> str:
    """The URL of ``index.html`` published under ``base_url`` ("" for beside the snippet).

    Raises
    ------
    InputError
        ``base_url`` is not an http(s) or file URL with a host or path.
    """
    if not base_url:
        return "index.html"
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path) \
            or parts.query or parts.fragment:
        raise InputError(f"Cannot embed a map published at {base_url!r}: give an http(s) or "
                         "file URL of its folder, such as https://example.org/maps/.")
    return urllib.parse.urljoin(base_url.rstrip("/") + "/", "index.html")


def _css_size(value: int | str, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"{value}px"
    if isinstance(value, str) and _SIZE.match(value.strip()):
        return value.strip()
    raise InputError(f"Embed {name} {value!r} is not a size; use pixels (560) or a CSS length.")


class _ControlMap(MacroElement):  # type: ignore[misc]
    """The map's own element: inlined assets, the data block and the time control."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ControlMap"
        self._id = _MAP_ID
        self._template = _environment().from_string(template_text("map.html"))
        self.data = data
        self.leaflet_js, self.leaflet_css = _leaflet_assets()
        self.map_js = _inline(template_text("map.js"), "map.js", "script")
        self.map_css = _inline(template_text("map.css"), "map.css", "style")

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement
        """Put the rendered header, body and script parts into the figure, verbatim.

        branca's own `MacroElement.render` wraps each rendered part in an
        `Element`, which compiles it as a Jinja2 template a second time: article
        text in the data block would then run as template code. Our parts are
        final HTML and are never compiled again.
        """
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise DataError("The controlmap element must be added to a folium Map.")
        module = self._template.module
        for part in ("header", "html", "script"):
            text = getattr(module, part)(self, kwargs)
            getattr(figure, part).add_child(_Verbatim(text), name=self.get_name())


class _Verbatim(Element):  # type: ignore[misc]
    """Finished HTML that renders as itself: never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _environment() -> jinja2.Environment:
    # Own environment: compact, key-sorted |tojson without touching folium's shared one.
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env


def _page(timeline: Timeline, *, title: str, tiles: bool, attribution: str,
          palette: Palette) -> str:
    fmap = folium_map(timeline, title=title, tiles=tiles, attribution=attribution,
                      palette=palette)
    page: str = fmap.get_root().render()
    return page


def folium_map(
    timeline: Timeline,
    *,
    title: str = "controlmap",
    tiles: bool = False,
    attribution: str = DEFAULT_ATTRIBUTION,
    palette: Palette = DEFAULT,
) -> folium.Map:
    """The map of `render_map` as a `folium.Map`, time control included, before rendering.

    Add layers of one's own to it and ``save`` it, or show it in a notebook.
    Leaflet is inlined and folium's CDN links are dropped, so a layer needing
    another library (a plugin) brings its own links. The options are
    `render_map`'s.
    """
    minx, miny, maxx, maxy = (float(v) for v in timeline.regions.total_bounds)
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=5,
        tiles=None,
        zoom_control="topright",
        zoom_snap=0.25,
        keyboard=False,  # arrow keys step through days instead of panning
    )
    fmap._id = _MAP_ID
    fmap.default_js = []  # no CDN links: Leaflet is inlined by _ControlMap
    fmap.default_css = []
    root = fmap.get_root()
    if isinstance(root, Figure):
        root.title = html.escape(title)
    if tiles:
        basemap = folium.TileLayer("OpenStreetMap")
        basemap._id = "basemap"
        basemap.add_to(fmap)
    _ControlMap(_map_data(timeline, title, palette) | {"attribution": attribution}).add_to(fmap)
    return fmap


def _map_data(timeline: Timeline, title: str, palette: Palette = DEFAULT) -> dict[str, Any]:
    """Everything the page's script reads, as JSON-ready values."""
    layer = timeline.regions
    region_ids = [str(r) for r in layer["region_id"]]
    index = {region_id: i for i, region_id in enumerate(region_ids)}
    days = list(timeline.days)
    events = timeline.events
    articles = {str(a) for a in events["article"]}
    undated = int((events["date"] == "").sum())
    unplaced = int((events["region_id"] == "").sum())
    also, since = _reach(timeline, index)
    sources = f"From {_plural(len(events), 'report')} in {_plural(len(articles), 'article')}"
    notes = []
    if undated:
        notes.append(f"{undated} undated")
    if unplaced:
        notes.append(f"{unplaced} outside every region")
    if notes:
        sources += f" ({', '.join(notes)})"
    texts: dict[str, int] = {}  # evidence sentences, each once, in order of use
    return {
        "title": title,
        "days": [d.isoformat() for d in days],
        "codes": dict(zip(_CODES, STATES, strict=True)),
        "states": _day_strings(timeline, region_ids),
        "conflicts": _conflicts(timeline, index),
        "styles": {
            state: {
                "color": palette.colors[state],
                "label": palette.labels[state],
                "short": palette.short[state],
                "hatched": state in HATCHED,
            }
            for state in STATES
        },
        "order": list(reversed(ORDER)),
        "status_state": _STATUS_STATE,
        "precedence": list(PRECEDENCE),
        "regions": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": region_id, "name": _text(name),
                                   "point": _inside(geometry)},
                    "geometry": _geometry(geometry, region_id),
                }
                for region_id, name, geometry in zip(
                    region_ids, layer["region"], layer.geometry, strict=True
                )
            ],
        },
        "events": [
            {
                "date": _text(row["date"]),
                "region": index.get(_text(row["region_id"]), -1),
                "status": _text(row["status"]),
                "place": _text(row["place"]),
                # An index into "texts": a sentence naming many places is stored once.
                "evidence": texts.setdefault(_text(row["evidence"]), len(texts)),
                "title": _text(row["title"]),
                "outlet": _text(row["outlet"]),
                "url": _text(row["url"]),
                "article": _text(row["article"]),
            }
            # Only events that moved other regions (``also``) or moved one undated
            # (``from``, a day index) carry those keys: most do not.
            | ({"also": also[position]} if position in also else {})
            | ({"from": since[position]} if position in since else {})
            for position, row in enumerate(events.to_dict("records"))
        ],
        "texts": list(texts),
        "coverage": _coverage_rows(timeline),
        "sources": sources,
        "share": _share(timeline, region_ids),
        "stale": _stale_runs(timeline, index),
        "places": _capital_markers(timeline, index),
    }


def _reach(
    timeline: Timeline, index: dict[str, int]
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Where and from when events moved regions, beyond their own region and date.

    Returns, by event position, the regions other than its own whose state it is
    evidence of (on a district map a report about a whole province moves its
    capital's district and the others up to contested; their popups list it), and,
    for an undated event that moved a region (a recap dated by its article), the
    first day it did.
    """
    states = timeline.states
    pairs = states.loc[states["events"] != "", ["region_id", "events", "date"]]
    pairs = pairs.drop_duplicates(["region_id", "events"])
    day_index = {day: i for i, day in enumerate(timeline.days)}
    own = timeline.events["region_id"].map(_text).tolist()
    undated = (timeline.events["date"] == "").tolist()
    moved: dict[int, set[int]] = {}
    since: dict[int, int] = {}
    for region_id, positions, day in zip(pairs["region_id"], pairs["events"], pairs["date"],
                                         strict=True):
        for position in {int(p) for p in str(positions).split(";")}:
            if own[position] != str(region_id):
                moved.setdefault(position, set()).add(index[str(region_id)])
            if undated[position]:
                since[position] = min(since.get(position, day_index[day]), day_index[day])
    return {position: sorted(regions) for position, regions in moved.items()}, since


def _share(timeline: Timeline, region_ids: list[str]) -> dict[str, Any]:
    """Districts reported taken: each region's total, and [day, region, count] where it changes."""
    states = timeline.states
    if "districts_taken" not in states.columns:
        return {"total": [None] * len(region_ids), "changes": []}
    table = states.pivot(index="date", columns="region_id", values="districts_taken")
    taken = table.reindex(index=list(timeline.days), columns=region_ids).fillna(0).astype(int)
    values = taken.to_numpy()
    before = np.vstack([np.zeros((1, values.shape[1]), dtype=values.dtype), values[:-1]])
    changes = [[int(d), int(r), int(values[d, r])] for d, r in zip(*np.nonzero(values != before),
                                                                     strict=True)]
    totals = states.drop_duplicates("region_id").set_index("region_id")["districts_total"]
    total = [None if pd.isna(totals.get(r, pd.NA)) else int(totals[r]) for r in region_ids]
    return {"total": total, "changes": changes}


def _stale_runs(timeline: Timeline, index: dict[str, int]) -> list[list[int]]:
    """[region, first day, last day] of each run of stale contested days."""
    states = timeline.states
    if "stale" not in states.columns:
        return []
    day_index = {day: i for i, day in enumerate(timeline.days)}
    flagged = states[states["stale"].astype(bool)]
    runs: list[list[int]] = []
    for region_id, day in sorted((index[str(r)], day_index[d]) for r, d in
                                 zip(flagged["region_id"], flagged["date"], strict=True)):
        if runs and runs[-1][0] == region_id and runs[-1][2] == day - 1:
            runs[-1][2] = day
        else:
            runs.append([region_id, day, day])
    return runs


def _capital_markers(timeline: Timeline, index: dict[str, int]) -> list[dict[str, Any]]:
    """Each reported capital: name, point, region and its own state where it changes."""
    places = timeline.places
    if places is None or places.empty:
        return []
    codes: dict[str, str] = dict(zip(STATES, _CODES, strict=True))
    markers: list[dict[str, Any]] = []
    for _, rows in places.groupby("place_id", sort=True):
        first = rows.iloc[0]
        markers.append({
            "name": _text(first["place"]),
            "point": [round(float(first["lon"]), _DECIMALS), round(float(first["lat"]), _DECIMALS)],
            "region": index.get(_text(first["region_id"]), -1),
            "changes": [[int(d), codes[str(s)]] for d, s in zip(rows["day"], rows["state"],
                                                                  strict=True) if not pd.isna(d)],
        })
    return markers


def _coverage_rows(timeline: Timeline) -> list[list[Any]]:
    """Per day: reported count, its total, its date and the capitals fallen on the map."""
    check = coverage(timeline)
    rows: list[list[Any]] = []
    for reported, total, reported_on, on_map in zip(
        check["reported"], check["total"], check["reported_on"], check["on_map"], strict=True
    ):
        rows.append([
            None if reported is pd.NA else int(reported),
            None if total is pd.NA else int(total),
            reported_on.isoformat() if isinstance(reported_on, dt.date) else None,
            int(on_map),
        ])
    return rows


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _day_strings(timeline: Timeline, region_ids: list[str]) -> list[str]:
    """One string per day, one state character per region in layer order."""
    states = timeline.states
    unknown = set(states["state"]) - set(STATES)
    if unknown:
        raise DataError(f"The timeline has unknown state(s) {sorted(unknown)}.")
    codes = states.assign(code=states["state"].map(dict(zip(STATES, _CODES, strict=True))))
    table = codes.pivot(index="date", columns="region_id", values="code")
    table = table.reindex(index=list(timeline.days), columns=region_ids)
    if table.isna().to_numpy().any():
        raise DataError("The timeline lacks a state for some region-days; build it with "
                        "reconcile.reconcile.")
    return ["".join(row) for row in table.to_numpy(dtype=str)]


def _conflicts(timeline: Timeline, index: dict[str, int]) -> list[list[int]]:
    states = timeline.states
    flagged = states[states["conflict"].astype(bool)]
    day_index = {day: i for i, day in enumerate(timeline.days)}
    return [[day_index[d], index[str(r)]] for d, r in zip(flagged["date"], flagged["region_id"],
                                                           strict=True)]


def _geometry(geometry: Any, region_id: str) -> dict[str, Any]:
    """GeoJSON geometry with rounded coordinates; repeated points dropped."""
    if geometry is None or geometry.is_empty:
        raise DataError(f"Region {region_id!r} has no geometry.")
    if geometry.geom_type == "Polygon":
        polygons = [geometry]
    elif geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        polygons = [g for g in geometry.geoms if g.geom_type == "Polygon"]
    else:
        polygons = []
    shapes = [rings for rings in (_rings(p) for p in polygons) if rings]
    if not shapes:
        raise DataError(f"Region {region_id!r} is a {geometry.geom_type}, not a polygon.")
    if len(shapes) == 1:
        return {"type": "Polygon", "coordinates": shapes[0]}
    return {"type": "MultiPolygon", "coordinates": shapes}


def _inside(geometry: Any) -> list[float]:
    """A point surely inside the region (lon, lat), for tests and future labels."""
    point = geometry.representative_point()
    return [round(point.x, _DECIMALS), round(point.y, _DECIMALS)]


def _rings(polygon: Any) -> list[list[list[float]]]:
    rings = []
    for ring in (polygon.exterior, *polygon.interiors):
        points: list[list[float]] = []
        for x, y in ring.coords:
            point = [round(x, _DECIMALS), round(y, _DECIMALS)]
            if not points or point != points[-1]:
                points.append(point)
        if len(points) >= 4:
            rings.append(points)
        elif ring is polygon.exterior:
            return []  # collapsed to a sliver at this precision
    return rings


def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's minified JS and its CSS with the images as data URIs."""
    base = Path(xstatic.pkg.leaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = base / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri,
                 (base / "leaflet.css").read_text(encoding="utf-8"))
    return _inline(js, "leaflet.js", "script"), _inline(css, "leaflet.css", "style")


def _inline(text: str, name: str, tag: str) -> str:
    if f"</{tag}" in text.lower():
        raise DataError(f"{name} contains '</{tag}' and cannot be inlined in a <{tag}> element.")
    return text


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)
