"""The whole pipeline as library calls: corpus in, tables and a map out.

`build` runs every stage and writes every output; `extract_corpus` and
`render_csv` run the two halves on their own, so that a user can correct
``events.csv`` by hand and re-render. The CLI and the notebook call these same functions. Not for
stage logic: each stage lives in its own module.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import json
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import _outputs, geocode, gis, reconcile, render
from . import corpus as corpus_mod
from . import extract as extract_mod
from ._resources import data_path
from ._rules import profile_rules
from .errors import InputError, UndatedError
from .events_table import DATE_RANGE_TEXT, events_frame, plausible_date, read_events
from .gazetteer import load_gazetteer, read_places
from .palette import Palette, for_profile
from .profile import load_profile
from .records import (
    ARTICLE_COLUMNS,
    COUNT_COLUMNS,
    TIMELINE_COLUMNS,
    UNRESOLVED_COLUMNS,
    Article,
    CapitalCount,
    Event,
    Extraction,
    Problem,
    Timeline,
    Unresolved,
)
from .settings import Settings

log = logging.getLogger(__name__)

DATE_TEMPLATE = "articles.template.csv"
_EXTRACT_FILES = ("events.csv", "articles.csv", "counts.csv", "unresolved.csv", DATE_TEMPLATE)
_MAP_FILES = ("index.html", "embed.html", "events.csv", "timeline.csv", "timeline.geojson",
              gis.RUNS_GEOJSON, gis.GEOPACKAGE, gis.GEOPARQUET)
_GIF = "timeline.gif"
# A reported number of regions (capitals, districts): more than this is a typo.
_MAX_COUNT = 100_000

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]
_CHUNK = 8  # articles per task sent to a worker: amortises pickling, keeps order cheap


@dataclass(frozen=True)
class ExtractResult:
    """What `extract_corpus` found and where it wrote it."""

    out: Path
    events: pd.DataFrame  # EVENT_COLUMNS
    counts: pd.DataFrame  # COUNT_COLUMNS
    articles: pd.DataFrame  # ARTICLE_COLUMNS
    unresolved: pd.DataFrame  # UNRESOLVED_COLUMNS
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildResult:
    """What `build` or `render_csv` produced: the timeline and the files written."""

    out: Path
    index: Path
    timeline: Timeline
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]

    def _repr_html_(self) -> str:
        # Lets a notebook show the map inline: the self-contained file in an iframe's
        # srcdoc, so it needs neither a server nor the network.
        page = html.escape(self.index.read_text(encoding="utf-8"), quote=True)
        return f'<iframe srcdoc="{page}" style="width:100%;height:560px;border:0"></iframe>'

    def to_folium(self, *, title: str = "controlmap", tiles: bool = False,
                  attribution: str = render.DEFAULT_ATTRIBUTION) -> Any:
        """The map as a `folium.Map` with its time control, to add layers to and save."""
        return render.folium_map(self.timeline, title=title, tiles=tiles,
                                 attribution=attribution)

    def explore(self, day: dt.date | str | None = None, **kwargs: Any) -> Any:
        """One day's states (default: the last) as geopandas' ``explore`` map (`gis.explore`)."""
        from . import gis

        return gis.explore(self.timeline, day, **kwargs)


def _identity(items: Iterable[T]) -> Iterable[T]:
    return items


def run_extraction(
    source: Path | str,
    *,
    settings: Settings = Settings(),
    progress: Progress[Article] = _identity,
) -> tuple[list[Extraction], tuple[Problem, ...]]:
    """Load the corpus at ``source`` and extract events from every article.

    Articles are streamed: only the extracted records and each article's
    metadata are kept, never the corpus text.
    """
    settings = with_profile(settings)
    _root, extractions, problems = _extract(source, settings=settings, progress=progress)
    return extractions, problems


def extract_corpus(
    source: Path | str,
    out: Path | str,
    *,
    settings: Settings = Settings(),
    progress: Progress[Article] = _identity,
    force: bool = False,
) -> ExtractResult:
    """Extract events from the corpus at ``source`` and write the tables to ``out``.

    Writes ``events.csv``, ``articles.csv``, ``counts.csv`` and ``unresolved.csv``
    as one set (`_outputs.OutputSet`); the map files of an earlier build in
    ``out`` would describe other events, so they are removed. ``force`` lets
    ``out`` be inside the corpus and overwrite files controlmap did not write.
    """
    out, settings = Path(out), with_profile(settings)
    _outputs.refuse_out_in_corpus(out, Path(source), force=force)
    stale = tuple(n for n in (*_MAP_FILES, _GIF) if n not in _EXTRACT_FILES)
    with _outputs.OutputSet(out, "extract", writes=_EXTRACT_FILES, removes=stale,
                            optional=(DATE_TEMPLATE,), force=force) as outputs:
        return _write_extraction(outputs, source, settings=settings, progress=progress)


def _extract(
    source: Path | str, *, settings: Settings, progress: Progress[Article]
) -> tuple[Path, list[Extraction], tuple[Problem, ...]]:
    """The corpus root, the extractions and the problems met (see `run_extraction`)."""
    corpus = corpus_mod.load_corpus(Path(source))
    extractions = list(_extract_all(progress(corpus), settings.places, settings.conflict,
                                    jobs=settings.jobs))
    problems = tuple(corpus.problems) + tuple(
        p for extraction in extractions for p in extraction.problems
    )
    if not extractions:
        kinds = ", ".join(corpus_mod.SUFFIXES)
        skipped = f"; {len(problems)} file(s) could not be used: {problems[0]}" if problems else ""
        raise InputError(f"No article to read in {str(source)!r} (controlmap reads {kinds} "
                         f"files){skipped}.")
    return corpus.root, extractions, problems


def _extract_all(articles: Iterable[Article], places: Path | None, conflict: Path | None, *,
                 jobs: int | None) -> Iterator[Extraction]:
    """Extractions in corpus order, over ``jobs`` worker processes (None: every core).

    Workers are forked after the gazetteer is loaded, so they share it; results
    come back in input order, so the output does not depend on ``jobs``.
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise InputError(f"jobs must be at least 1, not {workers}.")
    load_gazetteer(places)
    profile_rules(conflict)
    extract = functools.partial(_extract_one, places=places, conflict=conflict)
    articles = iter(articles)
    # A corpus of a few tasks' worth is done before a pool would have started.
    head = list(itertools.islice(articles, 2 * _CHUNK))
    forks = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or len(head) < 2 * _CHUNK or not forks:
        yield from map(extract, itertools.chain(head, articles))
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(extract, itertools.chain(head, articles), chunksize=_CHUNK)


def _extract_one(article: Article, *, places: Path | None, conflict: Path | None) -> Extraction:
    # The text is dropped once extracted (the events keep their sentences), so
    # memory grows with the events found, not with the corpus.
    extraction = extract_mod.extract_article(article, load_gazetteer(places),
                                             rules=profile_rules(conflict))
    return replace(extraction, article=replace(extraction.article, text=""))


def _write_extraction(
    outputs: _outputs.OutputSet,
    source: Path | str,
    *,
    settings: Settings,
    progress: Progress[Article],
    commit: bool = True,
) -> ExtractResult:
    """Extract the corpus and write its tables into ``outputs`` (committed unless told not)."""
    root, extractions, problems = _extract(source, settings=settings, progress=progress)
    events = events_frame(e for x in extractions for e in x.events)
    usable: list[CapitalCount] = []
    for count in (c for x in extractions for c in x.counts):
        if 0 <= count.count <= count.total <= _MAX_COUNT:
            usable.append(count)
        else:  # "10^23 of the 10^23 capitals" would overflow every integer column after
            problems += (Problem(count.article, f"a count of {count.count} of {count.total} "
                                 f"capitals is out of range (0 to {_MAX_COUNT}); ignored"),)
    counts = _counts_frame(usable)
    unresolved = _unresolved_frame(u for x in extractions for u in x.unresolved)
    articles = _articles_frame(extractions, problems)
    outputs.write_csv("events.csv", events)  # in a build, rewritten with regions by the map
    outputs.write_csv("counts.csv", counts)
    outputs.write_csv("unresolved.csv", unresolved)
    outputs.write_csv("articles.csv", articles)
    template = date_template(articles.loc[articles["file"].isin(
        {x.article.id for x in extractions})])
    if not template.empty:
        outputs.write_csv(DATE_TEMPLATE, template)
    outputs.record_inputs(_corpus_inputs(root, articles["file"]))
    outputs.record_inputs(_settings_inputs(settings))
    if commit:
        outputs.commit()
    log.info("Extracted %d events from %d articles (%d problems) into %s",
             len(events), len(extractions), len(problems), outputs.out)
    return ExtractResult(outputs.out, events, counts, articles, unresolved, problems)


def reconcile_events(
    events: pd.DataFrame,
    *,
    counts: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
    settings: Settings = Settings(),
) -> Timeline:
    """Place events in the regions of the boundary layer and reconcile them into a timeline.

    ``articles`` (ARTICLE_COLUMNS), when given, supplies each article's publication
    date, which bounds its undated falls.
    """
    settings = with_profile(settings)
    regions = geocode.load_regions(
        settings.boundaries, id_field=settings.id_field, name_field=settings.name_field,
        level=settings.regions,
    )
    located = geocode.assign_regions(events, regions)
    if articles is not None and "published" in articles.columns and len(articles):
        dates = dict(zip(articles["file"].astype(str), articles["published"].fillna(""),
                         strict=True))
        located = located.assign(published=located["article"].astype(str).map(dates).fillna(""))
    baseline = (
        reconcile.read_baseline(settings.baseline, regions["region_id"])
        if settings.baseline is not None
        else None
    )
    provinces = settings.regions == "provinces"
    capitals = _capitals(regions, settings)
    return reconcile.reconcile(
        located, regions, counts=counts, start=settings.start, end=settings.end,
        baseline=baseline, level=settings.regions,
        district_counts=reconcile.read_district_counts() if provinces else None,
        districts=None if provinces else reconcile.district_parents(
            regions, geocode.load_regions(None), capitals),
        confirm_days=settings.confirm_days, stale_days=settings.stale_days,
        capitals=capitals,
    )


def _capitals(regions: Any, settings: Settings) -> pd.DataFrame:
    """The gazetteer's provincial capitals, each placed in its region of the layer."""
    places = read_places(settings.places or data_path("places.csv"))
    capitals = places.loc[places["kind"] == "capital",
                          ["place_id", "name", "province_id", "lat", "lon"]]
    return geocode.assign_regions(capitals.reset_index(drop=True), regions)


def timeline_from_csv(events_csv: Path | str, *, settings: Settings = Settings()) -> Timeline:
    """Reconcile an ``events.csv`` (and the ``counts.csv`` beside it, if any)."""
    events_csv, settings = Path(events_csv), with_profile(settings)
    # Hand-made rows are placed with the same gazetteer the events were found with.
    gazetteer = load_gazetteer(settings.places) if settings.places is not None else None
    events = events_table(read_events(events_csv, gazetteer=gazetteer))
    counts_csv = events_csv.with_name("counts.csv")
    counts = _read_counts(counts_csv) if counts_csv.exists() else None
    articles_csv = events_csv.with_name("articles.csv")
    articles = _read_articles(articles_csv) if articles_csv.exists() else None
    try:
        return reconcile_events(events, counts=counts, articles=articles, settings=settings)
    except InputError as err:
        if str(events_csv) in str(err):
            raise
        # What is wrong with the events as a whole is wrong with this file.
        raise InputError(f"{events_csv}: {err}") from err


def render_timeline(
    result: Timeline,
    out: Path | str,
    *,
    settings: Settings = Settings(),
    problems: tuple[Problem, ...] = (),
    force: bool = False,
) -> BuildResult:
    """Write the map, its embed snippet and the timeline's tables.

    That is ``index.html``, ``embed.html``, ``events.csv`` (with each event's
    region), ``timeline.csv`` and ``timeline.geojson``, as one set
    (`_outputs.OutputSet`); ``force`` overwrites files controlmap did not write.
    """
    with _outputs.OutputSet(Path(out), "render", writes=_MAP_FILES, removes=(_GIF,),
                            force=force) as outputs:
        settings = with_profile(settings)
        outputs.record_inputs(_settings_inputs(settings))
        _write_map(outputs, result, settings)
        files = outputs.commit()
    return BuildResult(outputs.out, outputs.final("index.html"), result, problems, files)


def _write_map(outputs: _outputs.OutputSet, result: Timeline, settings: Settings) -> None:
    render.render_map(result, outputs.path("index.html"), title=map_title(result, settings),
                      tiles=settings.tiles, attribution=_attribution(settings),
                      palette=state_palette(settings))
    outputs.write_text("embed.html",
                       render.embed_snippet(render.published_url(settings.base_url)) + "\n")
    # events.csv is rewritten in the timeline's order, with each event's region, so
    # that the row numbers in timeline.csv's `events` column point at its rows.
    outputs.write_csv("events.csv", result.events)
    outputs.write_csv("timeline.csv", timeline_frame(result))
    outputs.write_text("timeline.geojson", timeline_geojson_text(result))
    outputs.write_text(gis.RUNS_GEOJSON, gis.flat_geojson_text(result))
    gis.write_geopackage(result, outputs.path(gis.GEOPACKAGE))
    gis.write_geoparquet(result, outputs.path(gis.GEOPARQUET))


def render_csv(
    events_csv: Path | str,
    out: Path | str,
    *,
    settings: Settings = Settings(),
    force: bool = False,
) -> BuildResult:
    """Re-render the map from an ``events.csv`` (possibly corrected by hand).

    A ``counts.csv`` beside it, if present, feeds the coverage check. When the
    events file sits in an output folder whose other files no longer match the
    manifest written with it (a mixed or partly replaced set), that is reported
    among the problems. An ``events.csv`` edited by hand is what this function is
    for, so it is only logged (its old map beside it is stale).
    """
    events_csv = Path(events_csv)
    problems = mixed_outputs(events_csv, out=Path(out))
    inputs = [p for p in (events_csv, events_csv.with_name("counts.csv")) if p.is_file()]
    with _outputs.OutputSet(Path(out), "render", writes=_MAP_FILES, removes=(_GIF,),
                            inputs=tuple(inputs), force=force) as outputs:
        settings = with_profile(settings)
        outputs.record_inputs(_settings_inputs(settings))
        timeline = timeline_from_csv(events_csv, settings=settings)
        _write_map(outputs, timeline, settings)
        files = outputs.commit()
    return BuildResult(outputs.out, outputs.final("index.html"), timeline, problems, files)


def mixed_outputs(events_csv: Path | str, *, out: Path | None = None) -> tuple[Problem, ...]:
    """Files beside ``events_csv`` that no longer match the manifest written with it.

    A ``counts.csv`` from another build beside the events is a mixed set, whose
    coverage check would be wrong: each such file is a problem. The events file
    itself differing is a correction by hand, only logged (the map beside it is
    stale), and not even that when the map is being rewritten in place (``out``).
    """
    events_csv = Path(events_csv)
    found = _outputs.check_set(events_csv.parent)
    problems = tuple(p for p in found if Path(p.file).name != events_csv.name)
    edited = len(problems) < len(found)
    if edited and (out is None or events_csv.parent.resolve() != out.resolve()):
        log.warning("%s was changed since controlmap wrote it (by hand?): the timeline.csv "
                    "and map beside it still show the events as they were", events_csv)
    for problem in problems:  # returned for the caller to report once; logged at INFO
        log.info("%s", problem)
    return problems


def events_table(events: pd.DataFrame | Iterable[Event]) -> pd.DataFrame:
    """Events as the EVENT_COLUMNS table, whether given as records or already a table."""
    if isinstance(events, pd.DataFrame):
        return events
    return events_frame(events)


def build(
    corpus: Path | str,
    out: Path | str = "build",
    *,
    settings: Settings = Settings(),
    progress: Progress[Article] = _identity,
    force: bool = False,
    gif: bool = False,
) -> BuildResult:
    """Run the whole pipeline on ``corpus`` and write every output to ``out``.

    Parameters
    ----------
    corpus
        A folder of articles (searched recursively) or one article file.
    out
        Output folder; created if missing. The outputs appear together when all
        are written, with ``manifest.json`` (`_outputs.OutputSet`).
    settings
        Date range, baseline, boundary layer, gazetteer and map options.
    progress
        Wraps the article stream, e.g. ``tqdm``, to show progress.
    force
        Allow ``out`` inside the corpus, and overwrite files there that
        controlmap did not write.
    gif
        Also write ``timeline.gif``, an animation of every day.

    Returns
    -------
    BuildResult
        The timeline, the path of ``index.html``, every file written and every
        problem met with the inputs.

    Raises
    ------
    OutputError
        When ``out`` is inside the corpus, or would overwrite a file controlmap
        did not write or write through a symbolic link (unless ``force``).
    """
    out, settings = Path(out), with_profile(settings)
    _outputs.refuse_out_in_corpus(out, Path(corpus), force=force)
    writes = tuple(dict.fromkeys((*_EXTRACT_FILES, *_MAP_FILES, *((_GIF,) if gif else ()))))
    with _outputs.OutputSet(out, "build", writes=writes, removes=() if gif else (_GIF,),
                            optional=(DATE_TEMPLATE,), force=force) as outputs:
        extracted = _write_extraction(outputs, corpus, settings=settings, progress=progress,
                                      commit=False)
        undated = _undated(extracted, settings)
        if undated:
            # The tables and the date template, without a map.
            outputs.commit(only=_EXTRACT_FILES)
            raise UndatedError(undated)
        timeline = reconcile_events(extracted.events, counts=extracted.counts,
                                    articles=extracted.articles, settings=settings)
        _write_map(outputs, timeline, settings)
        if gif:
            from .export import export_gif

            export_gif(timeline, outputs.path(_GIF), title=map_title(timeline, settings),
                       source=source_line(timeline, settings),
                       palette=state_palette(settings))
        files = outputs.commit()
    return BuildResult(out, outputs.final("index.html"), timeline, extracted.problems, files)


def _undated(extracted: ExtractResult, settings: Settings) -> str:
    """Why there can be no map, naming the template to fill in, when no event has a date."""
    if settings.start is not None or settings.end is not None:
        return ""  # the user gave the range: a map of undated events is still a map
    if (extracted.events["date"].astype(str) != "").any():
        return ""
    undated = int((extracted.articles["published"] == "").sum())
    template = extracted.out / DATE_TEMPLATE
    fill = (f"fill in the 'published' column of {template}, save it as articles.csv in the "
            "corpus folder and build again" if undated
            else "check that the articles report control events")
    return (f"No event could be dated, so there is no map: {undated} of "
            f"{len(extracted.articles)} articles have no publication date the text proves; "
            f"{fill}. The tables are in {extracted.out}.")


def timeline_frame(timeline: Timeline) -> pd.DataFrame:
    """The timeline as the ``timeline.csv`` table (TIMELINE_COLUMNS, ISO dates)."""
    frame = timeline.states.loc[:, TIMELINE_COLUMNS].copy()
    frame["date"] = frame["date"].astype(str)  # datetime.date prints as YYYY-MM-DD
    return frame


def timeline_geojson_text(timeline: Timeline) -> str:
    """Regions as GeoJSON, each with its state on every day under ``states``.

    Also, where the timeline has them: ``districts_total`` (None when unknown),
    ``districts_taken`` (day -> count, days with none left out) and ``stale``
    (the days its ``contested`` state was stale).
    """
    states = timeline.states
    by_region: dict[str, dict[str, str]] = {}
    for region_id, day, state in zip(states["region_id"], states["date"], states["state"],
                                     strict=True):
        by_region.setdefault(str(region_id), {})[str(day)] = str(state)
    extra: dict[str, dict[str, Any]] = {}
    if {"districts_taken", "districts_total", "stale"} <= set(states.columns):
        for region_id, rows in states.groupby("region_id", sort=False):
            total = rows["districts_total"].iloc[0]
            taken = rows[rows["districts_taken"] > 0]
            extra[str(region_id)] = {
                "districts_total": None if pd.isna(total) else int(total),
                "districts_taken": {str(d): int(n) for d, n in zip(
                    taken["date"], taken["districts_taken"], strict=True)},
                "stale": [str(d) for d in rows.loc[rows["stale"].astype(bool), "date"]],
            }
    features: list[dict[str, Any]] = []
    for region in timeline.regions.itertuples(index=False):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "region_id": region.region_id,
                    "region": region.region,
                    "states": by_region.get(str(region.region_id), {}),
                    **extra.get(str(region.region_id), {}),
                },
                "geometry": region.geometry.__geo_interface__,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def source_line(timeline: Timeline, settings: Settings = Settings()) -> str:
    """The source line of a still or an animation: how many articles, and the data credits."""
    articles = timeline.events["article"].nunique()
    noun = "article" if articles == 1 else "articles"
    return f"Source: {articles} {noun} · {_attribution(settings)}"


def map_title(timeline: Timeline, settings: Settings) -> str:
    """The map's title: the one given, else "Who controls what" and the date range."""
    if settings.title:
        return settings.title
    days = timeline.days
    if not days:
        return "Who controls what"
    first, last = days[0], days[-1]
    end = f"{last.day} {last:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        start = f"{first.day}"
    elif first.year == last.year:
        start = f"{first.day} {first:%b}"
    else:
        start = f"{first.day} {first:%b %Y}"
    return f"Who controls what, {start}–{end}" if first != last else f"Who controls what, {end}"


def with_profile(settings: Settings) -> Settings:
    """``settings`` with the conflict profile's gazetteer and boundary layer where unset.

    Without a ``conflict`` the bundled layers stay implicit (None), as before profiles.
    """
    if settings.conflict is None:
        return settings
    profile = load_profile(settings.conflict)
    changes: dict[str, Any] = {}
    if settings.places is None:
        changes["places"] = profile.places
    layer = profile.districts if settings.regions == "districts" else profile.provinces
    if settings.boundaries is None and layer is not None:
        changes.update(boundaries=layer.path, id_field=layer.id_field,
                       name_field=layer.name_field)
    return replace(settings, **changes)


def state_palette(settings: Settings) -> Palette:
    """Colours and words of the states for the conflict of ``settings``."""
    return for_profile(load_profile(settings.conflict))


def _attribution(settings: Settings) -> str:
    """Credit line for the map: the bundled layers' sources, or the user's layer."""
    if settings.conflict is not None:
        profile, settings = load_profile(settings.conflict), with_profile(settings)
        layers = (profile.provinces.path, profile.districts and profile.districts.path)
        if (profile.attribution and settings.places == profile.places
                and settings.boundaries in layers):
            return f"{profile.attribution} · Made with controlmap"
    if settings.boundaries is None and settings.places is None and settings.regions == "provinces":
        return render.DEFAULT_ATTRIBUTION
    bundled = "geoBoundaries.org" if settings.regions == "districts" else "Natural Earth"
    boundaries = settings.boundaries.name if settings.boundaries else bundled
    places = (settings.places.name if settings.places
              else "GeoNames (CC BY 4.0), geoBoundaries.org")
    return f"Boundaries: {boundaries} · Places: {places} · Made with controlmap"


def _articles_frame(
    extractions: list[Extraction], problems: tuple[Problem, ...]
) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    by_file: dict[str, list[str]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(str(problem))
    for x in extractions:
        article = x.article
        seen.add(article.id)
        notes = list(article.problems) + by_file.get(article.id, [])
        rows.append(
            {
                "file": article.id,
                "title": article.title,
                "published": article.published.isoformat() if article.published else "",
                "published_source": article.published_source,
                "published_confidence": article.published_confidence or "",
                "url": article.url,
                "outlet": article.outlet,
                "events": len(x.events),
                "problems": "; ".join(notes),
            }
        )
    # Files that produced no article (empty, binary, unreadable) still get a row.
    for file, notes in sorted(by_file.items()):
        if file not in seen:
            rows.append(
                dict.fromkeys(ARTICLE_COLUMNS, "")
                | {"file": file, "published_source": "unknown", "events": 0,
                   "problems": "; ".join(notes)}
            )
    return pd.DataFrame(rows, columns=ARTICLE_COLUMNS)


_TEMPLATE_COLUMNS = ["file", "published", "url", "outlet", "title"]


def date_template(articles: pd.DataFrame) -> pd.DataFrame:
    """``articles.template.csv``: a sidecar to fill in for the dates not known for sure.

    ``articles`` has ARTICLE_COLUMNS, one row per loaded article. The template
    has a row for each whose publication date is unknown or only a guess
    (confidence ``low``), ``published`` left empty; its ``file`` column is the
    article id, so the filled-in rows work in an ``articles.csv`` at the corpus
    root. Empty when every date is known (a stale template is then removed).
    """
    unsure = (articles["published"] == "") | (articles["published_confidence"] == "low")
    template = articles.loc[unsure].reindex(columns=_TEMPLATE_COLUMNS).fillna("")
    template["published"] = ""
    return template


def _counts_frame(counts: Iterable[CapitalCount]) -> pd.DataFrame:
    rows = [
        {
            "article": c.article,
            "date": c.date.isoformat() if c.date else "",
            "count": c.count,
            "total": c.total,
            "evidence": c.evidence,
        }
        for c in counts
    ]
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def _read_counts(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read counts file {str(path)!r}: {err}.") from err
    missing = set(COUNT_COLUMNS) - set(frame.columns)
    if missing:
        raise InputError(f"Counts file {str(path)!r} lacks columns {sorted(missing)}.")
    frame = _outputs.unguard_frame(frame)
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path}:{line}"
        for column in ("count", "total"):
            _check_count(str(getattr(row, column)).strip(), column, where)
        _check_date(str(row.date).strip(), where)
    return frame


def _check_count(text: str, column: str, where: str) -> None:
    """A count of regions: empty (no number), or a whole number from 0 to `_MAX_COUNT`."""
    if not text:
        return
    try:
        value = float(text)
    except ValueError as err:
        raise InputError(f"{where}: {column} {text!r} is not a number.") from err
    if not (math.isfinite(value) and value.is_integer() and 0 <= value <= _MAX_COUNT):
        raise InputError(f"{where}: {column} {text!r} is out of range; a count of regions "
                         f"is a whole number from 0 to {_MAX_COUNT}.")


def _check_date(text: str, where: str) -> None:
    if not text:
        return
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError(f"{where}: date {text!r} is not YYYY-MM-DD (leave it empty when "
                         "unknown).") from err
    if not plausible_date(day):
        raise InputError(f"{where}: date {text!r} is out of range; {DATE_RANGE_TEXT}.")


def _read_articles(path: Path) -> pd.DataFrame | None:
    """``articles.csv`` for its publication dates; None when unusable (they are optional)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        log.warning("Not using the publication dates of %s: %s", path, err)
        return None
    return frame if {"file", "published"} <= set(frame.columns) else None


def _unresolved_frame(items: Iterable[Unresolved]) -> pd.DataFrame:
    rows = [
        {"article": u.article, "name": u.name, "sentence": u.sentence, "start": u.start,
         "end": u.end}
        for u in items
    ]
    return pd.DataFrame(rows, columns=UNRESOLVED_COLUMNS)


def _corpus_inputs(root: Path, files: Iterable[str]) -> list[tuple[str, Path]]:
    """The corpus files behind the articles table (and their folders' sidecars), by id."""
    inputs: dict[str, Path] = {}
    for file_id in files:
        relative = str(file_id).split("#")[0]
        path = root / relative
        if path.is_file():
            inputs[relative] = path
        for folder in Path(relative).parents:
            sidecar = root / folder / corpus_mod.SIDECAR
            if sidecar.is_file():
                inputs[(folder / corpus_mod.SIDECAR).as_posix()] = sidecar
    return sorted(inputs.items())


def _settings_inputs(settings: Settings) -> list[tuple[str, Path]]:
    files = (settings.baseline, settings.boundaries, settings.places)
    return [(str(path), path) for path in files if path is not None]


__all__ = [
    "DATE_TEMPLATE",
    "BuildResult",
    "Event",
    "ExtractResult",
    "build",
    "date_template",
    "events_table",
    "extract_corpus",
    "mixed_outputs",
    "reconcile_events",
    "render_csv",
    "render_timeline",
    "run_extraction",
    "source_line",
    "timeline_frame",
    "timeline_from_csv",
    "timeline_geojson_text",
]
