"""The whole pipeline as library calls: corpus in, tables and a map out.

`build` runs every stage and writes every output; `extract_corpus` and
`render_csv` run the two halves on their own, so that a user can correct
``events.csv`` by hand and re-render. The CLI and the notebook call these same functions. Not for
stage logic: each stage lives in its own module.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import corpus as corpus_mod
from . import extract as extract_mod
from . import geocode, reconcile, render
from .errors import InputError
from .events_table import events_frame, read_events
from .gazetteer import load_gazetteer
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

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]


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
    gazetteer = load_gazetteer(settings.places)
    corpus = corpus_mod.load_corpus(Path(source))
    # Each article's text is dropped once it is extracted (the events keep their
    # sentences), so memory grows with the events found, not with the corpus.
    extractions = [
        replace(x, article=replace(x.article, text=""))
        for x in extract_mod.extract_events(progress(corpus), gazetteer)
    ]
    problems = tuple(corpus.problems) + tuple(
        p for extraction in extractions for p in extraction.problems
    )
    if not extractions:
        kinds = ", ".join(corpus_mod.SUFFIXES)
        skipped = f"; {len(problems)} file(s) could not be used: {problems[0]}" if problems else ""
        raise InputError(f"No article to read in {str(source)!r} (controlmap reads {kinds} "
                         f"files){skipped}.")
    return extractions, problems


def extract_corpus(
    source: Path | str,
    out: Path | str,
    *,
    settings: Settings = Settings(),
    progress: Progress[Article] = _identity,
) -> ExtractResult:
    """Extract events from the corpus at ``source`` and write the tables to ``out``.

    Writes ``events.csv``, ``articles.csv``, ``counts.csv`` and ``unresolved.csv``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    extractions, problems = run_extraction(source, settings=settings, progress=progress)
    events = events_frame(e for x in extractions for e in x.events)
    counts = _counts_frame(c for x in extractions for c in x.counts)
    unresolved = _unresolved_frame(u for x in extractions for u in x.unresolved)
    articles = _articles_frame(extractions, problems)
    _write_csv(events, out / "events.csv")
    _write_csv(counts, out / "counts.csv")
    _write_csv(unresolved, out / "unresolved.csv")
    _write_csv(articles, out / "articles.csv")
    log.info("Extracted %d events from %d articles (%d problems) into %s",
             len(events), len(extractions), len(problems), out)
    return ExtractResult(out, events, counts, articles, unresolved, problems)


def reconcile_events(
    events: pd.DataFrame,
    *,
    counts: pd.DataFrame | None = None,
    settings: Settings = Settings(),
) -> Timeline:
    """Place events in the regions of the boundary layer and reconcile them into a timeline."""
    regions = geocode.load_regions(
        settings.boundaries, id_field=settings.id_field, name_field=settings.name_field
    )
    located = geocode.assign_regions(events, regions)
    baseline = (
        reconcile.read_baseline(settings.baseline, regions["region_id"])
        if settings.baseline is not None
        else None
    )
    return reconcile.reconcile(
        located, regions, counts=counts, start=settings.start, end=settings.end,
        baseline=baseline,
    )


def timeline_from_csv(events_csv: Path | str, *, settings: Settings = Settings()) -> Timeline:
    """Reconcile an ``events.csv`` (and the ``counts.csv`` beside it, if any)."""
    events_csv = Path(events_csv)
    # Hand-made rows are placed with the same gazetteer the events were found with.
    gazetteer = load_gazetteer(settings.places) if settings.places is not None else None
    events = events_table(read_events(events_csv, gazetteer=gazetteer))
    counts_csv = events_csv.with_name("counts.csv")
    counts = _read_counts(counts_csv) if counts_csv.exists() else None
    try:
        return reconcile_events(events, counts=counts, settings=settings)
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
) -> BuildResult:
    """Write the map, its embed snippet and the timeline's tables.

    That is ``index.html``, ``embed.html``, ``events.csv`` (with each event's
    region), ``timeline.csv`` and ``timeline.geojson``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    index = render.render_map(result, out / "index.html", title=settings.title,
                              tiles=settings.tiles, attribution=_attribution(settings))
    embed = out / "embed.html"
    embed.write_text(render.embed_snippet("index.html") + "\n", encoding="utf-8")
    # events.csv is rewritten in the timeline's order, with each event's region, so
    # that the row numbers in timeline.csv's `events` column point at its rows.
    events_csv = out / "events.csv"
    _write_csv(result.events, events_csv)
    timeline_csv = out / "timeline.csv"
    _write_csv(timeline_frame(result), timeline_csv)
    timeline_geojson = out / "timeline.geojson"
    timeline_geojson.write_text(timeline_geojson_text(result), encoding="utf-8")
    files = (index, embed, events_csv, timeline_csv, timeline_geojson)
    return BuildResult(out, index, result, problems, files)


def render_csv(
    events_csv: Path | str,
    out: Path | str,
    *,
    settings: Settings = Settings(),
) -> BuildResult:
    """Re-render the map from an ``events.csv`` (possibly corrected by hand).

    A ``counts.csv`` beside it, if present, feeds the coverage check.
    """
    return render_timeline(timeline_from_csv(events_csv, settings=settings), out,
                           settings=settings)


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
) -> BuildResult:
    """Run the whole pipeline on ``corpus`` and write every output to ``out``.

    Parameters
    ----------
    corpus
        A folder of articles (searched recursively) or one article file.
    out
        Output folder; created if missing.
    settings
        Date range, baseline, boundary layer, gazetteer and map options.
    progress
        Wraps the article stream, e.g. ``tqdm``, to show progress.

    Returns
    -------
    BuildResult
        The timeline, the path of ``index.html``, every file written and every
        problem met with the inputs.
    """
    extracted = extract_corpus(corpus, out, settings=settings, progress=progress)
    reconciled = reconcile_events(extracted.events, counts=extracted.counts, settings=settings)
    result = render_timeline(reconciled, out, settings=settings, problems=extracted.problems)
    written = tuple(Path(out) / name for name in ("articles.csv", "counts.csv", "unresolved.csv"))
    return BuildResult(result.out, result.index, result.timeline, result.problems,
                       result.files + written)


def timeline_frame(timeline: Timeline) -> pd.DataFrame:
    """The timeline as the ``timeline.csv`` table (TIMELINE_COLUMNS, ISO dates)."""
    frame = timeline.states.loc[:, TIMELINE_COLUMNS].copy()
    frame["date"] = frame["date"].astype(str)  # datetime.date prints as YYYY-MM-DD
    return frame


def timeline_geojson_text(timeline: Timeline) -> str:
    """Regions as GeoJSON, each with its state on every day under ``states``."""
    by_region: dict[str, dict[str, str]] = {}
    states = timeline.states
    for region_id, day, state in zip(states["region_id"], states["date"], states["state"],
                                     strict=True):
        by_region.setdefault(str(region_id), {})[str(day)] = str(state)
    features: list[dict[str, Any]] = []
    for region in timeline.regions.itertuples(index=False):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "region_id": region.region_id,
                    "region": region.region,
                    "states": by_region.get(str(region.region_id), {}),
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


def _attribution(settings: Settings) -> str:
    """Credit line for the map: the bundled layers' sources, or the user's layer."""
    if settings.boundaries is None and settings.places is None:
        return render.DEFAULT_ATTRIBUTION
    boundaries = settings.boundaries.name if settings.boundaries else "Natural Earth"
    places = settings.places.name if settings.places else "GeoNames (CC BY 4.0)"
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
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read counts file {str(path)!r}: {err}.") from err
    missing = set(COUNT_COLUMNS) - set(frame.columns)
    if missing:
        raise InputError(f"Counts file {str(path)!r} lacks columns {sorted(missing)}.")
    return frame  # numbers and dates are checked by reconcile


def _unresolved_frame(items: Iterable[Unresolved]) -> pd.DataFrame:
    rows = [
        {"article": u.article, "name": u.name, "sentence": u.sentence, "start": u.start,
         "end": u.end}
        for u in items
    ]
    return pd.DataFrame(rows, columns=UNRESOLVED_COLUMNS)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


__all__ = [
    "BuildResult",
    "Event",
    "ExtractResult",
    "build",
    "events_table",
    "extract_corpus",
    "reconcile_events",
    "render_csv",
    "render_timeline",
    "run_extraction",
    "source_line",
    "timeline_frame",
    "timeline_from_csv",
    "timeline_geojson_text",
]
