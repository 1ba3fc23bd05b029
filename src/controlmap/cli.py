"""The ``controlmap`` command line: a thin click layer over the library.

Each command parses options into a `Settings`, calls one library function and
reports. Warnings about single inputs become exit code 1; library errors and
system errors (a read-only folder, a full disk) one clear line and exit code 2;
anything else is a bug in controlmap: a short message and exit code 3, with the
traceback under ``--verbose``. Nothing else lives in this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import ControlMapError, UndatedError
from .settings import Settings

if TYPE_CHECKING:
    from .records import Problem

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

EXIT_OK, EXIT_WARNINGS, EXIT_FATAL, EXIT_INTERNAL = 0, 1, 2, 3
_DETAIL_CHARS = 200  # of an internal error's message: the report stays one short line


class FatalError(click.ClickException):
    """A user mistake or unusable input: one line, no traceback, exit code 2."""

    exit_code = EXIT_FATAL


class InternalError(click.ClickException):
    """A bug in controlmap: a short message, exit code 3 (traceback under --verbose)."""

    exit_code = EXIT_INTERNAL


class _Commands(click.Group):
    """The command group, which turns every exception into one of the documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ControlMapError as err:
            raise FatalError(str(err)) from err
        except OSError as err:  # the system's, not ours: a read-only folder, a full disk
            where = f"{err.filename}: " if err.filename else ""
            raise FatalError(f"{where}{err.strerror or err}") from err
        except Exception as err:
            if ctx.params.get("verbose"):
                traceback.print_exc(file=sys.stderr)
                hint = ""
            else:
                hint = " (run with --verbose for the traceback)"
            detail = (str(err).splitlines() or [""])[0][:_DETAIL_CHARS]
            raise InternalError(
                f"internal error, a bug in controlmap: {type(err).__name__}: {detail}{hint}"
            ) from err


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD.") from err
    from .events_table import DATE_RANGE_TEXT, plausible_date

    if not plausible_date(day):
        raise click.BadParameter(f"{value!r} is out of range: {DATE_RANGE_TEXT}.")
    return day


def _base_url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from .render import published_url

    try:
        published_url(value)
    except ControlMapError as err:
        raise click.BadParameter(str(err)) from err
    return value


def map_options(command: F) -> F:
    """Options shared by every command that reconciles and renders a map."""
    options = [
        click.option("--start", callback=_iso_date, metavar="YYYY-MM-DD",
                     help="First day of the timeline (default: the day before the first event)."),
        click.option("--end", callback=_iso_date, metavar="YYYY-MM-DD",
                     help="Last day of the timeline (default: the day of the last event)."),
        click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="CSV of region_id,state: each region's state before any event."),
        click.option("--regions", type=click.Choice(["provinces", "districts"]),
                     default="provinces", show_default=True,
                     help="What the regions are: the 34 provinces (moved only by reports "
                          "about capitals or whole provinces) or the 398 districts (each moved "
                          "by its own reports); also the bundled layer drawn when --boundaries "
                          "is not given."),
        click.option("--boundaries", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Polygon layer (GeoJSON, GeoPackage, shapefile) to map onto instead "
                          "of the bundled one; events are placed by point-in-polygon."),
        click.option("--id-field", default="id", show_default=True,
                     help="Field of --boundaries holding each region's id."),
        click.option("--name-field", default="name", show_default=True,
                     help="Field of --boundaries holding each region's name."),
        click.option("--tiles", is_flag=True,
                     help="Add an OpenStreetMap basemap (the map then needs the network)."),
        click.option("--title", default=None,
                     help="Title shown on the map (default: 'Who controls what' and the "
                          "timeline's date range)."),
        click.option("--base-url", default="", metavar="URL", callback=_base_url,
                     help="Where the map will be published (https://example.org/maps/); "
                          "embed.html's iframe then points there instead of at index.html."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def places_option(command: F) -> F:
    """The option that swaps in another gazetteer."""
    return click.option(
        "--places", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Gazetteer CSV to use instead of the bundled data/places.csv.",
    )(command)


def conflict_option(command: F) -> F:
    """The option that picks the conflict: its sides' names, seats of government, layers."""
    return click.option(
        "--conflict", type=click.Path(exists=True, path_type=Path), default=None,
        help="Conflict profile folder holding conflict.toml (default: the bundled "
             "Afghanistan 2021); --places and --boundaries override its layers.",
    )(command)


def _profile_places(conflict: Path | None, places: Path | None) -> Path | None:
    """The gazetteer of --places, else of the --conflict profile, else None (bundled)."""
    if places is not None or conflict is None:
        return places
    from .profile import load_profile

    return load_profile(conflict).places


def jobs_option(command: F) -> F:
    """The option that sets how many processes extract articles."""
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=None,
        help="Worker processes for extraction (default: one per core); the output is the "
             "same for any number.",
    )(command)


def _settings(**kwargs: Any) -> Settings:
    fields = Settings.__dataclass_fields__
    return Settings(**{k: v for k, v in kwargs.items() if k in fields})


def force_option(command: F) -> F:
    """The option that lets a command write where it would otherwise refuse."""
    return click.option(
        "--force", is_flag=True,
        help="Write even into the corpus folder, and overwrite or remove files in --out "
             "that controlmap did not write (never writes through a symbolic link).",
    )(command)


def _progress(ctx: click.Context, label: str) -> Callable[[Iterable[T]], Iterable[T]]:
    quiet = ctx.find_root().params.get("quiet", False)

    def wrap(items: Iterable[T]) -> Iterable[T]:
        from tqdm import tqdm

        # disable=None: a bar only on a terminal, so logs and CI stay clean.
        bar: Iterable[T] = tqdm(items, desc=label, unit=" articles",
                                disable=True if quiet else None, file=sys.stderr)
        return bar

    return wrap


def _report(problems: Iterable[Problem]) -> int:
    problems = list(problems)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    return EXIT_WARNINGS if problems else EXIT_OK


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-q", "--quiet", is_flag=True,
              help="Print only errors and warnings about inputs, no paths or progress.")
@click.option("-v", "--verbose", is_flag=True, help="Log every step.")
@click.version_option(package_name="controlmap")
def cli(quiet: bool, verbose: bool) -> None:
    """Turn news articles about a war into a day-by-day map of who controls what.

    Exit codes: 0 success, 1 finished with problems in some inputs (each
    named on stderr), 2 usage or fatal error (one line), 3 internal error (a
    bug: one line, the traceback with --verbose).

    Outputs appear all together when complete, with a manifest.json; a file
    controlmap did not write is never overwritten without --force.

    Example:

        controlmap build seeds --out build
    """
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@click.option("--gif", is_flag=True, help="Also write timeline.gif, an animation for slides.")
@map_options
@places_option
@conflict_option
@jobs_option
@force_option
@click.pass_context
def build(ctx: click.Context, /, corpus: Path, out: Path, gif: bool, force: bool,
          **options: Any) -> None:
    """Run the whole pipeline on CORPUS and write the map and tables to --out.

    Writes index.html, embed.html, events.csv, articles.csv, counts.csv,
    unresolved.csv, timeline.csv, timeline.geojson, and for GIS timeline.gpkg,
    timeline.parquet and timeline_runs.geojson, then manifest.json.

    Example:

        controlmap build seeds --out build --start 2021-08-01
    """
    from . import pipeline

    settings = _settings(**options)
    try:
        result = pipeline.build(corpus, out, settings=settings, force=force, gif=gif,
                                progress=_progress(ctx, "extracting"))
    except UndatedError as err:
        # The tables and the date template are written: a warning, not a failure.
        click.echo(f"warning: {err}", err=True)
        ctx.exit(EXIT_WARNINGS)
    _tell_about_dates(ctx, corpus, out)
    _say(ctx, (out / "embed.html").read_text(encoding="utf-8").strip())
    _say(ctx, f"map: {result.index}")
    ctx.exit(_report(result.problems))


def _say(ctx: click.Context, text: str, *, err: bool = False) -> None:
    """Print what is no error (paths, snippets, advice), unless --quiet."""
    if not ctx.find_root().params.get("quiet", False):
        click.echo(text, err=err)


def _tell_about_dates(ctx: click.Context, corpus: Path, out: Path) -> None:
    """Say how to give the publication dates the build could not be sure of."""
    from . import pipeline

    template = out / pipeline.DATE_TEMPLATE
    if not template.exists():
        return
    with template.open(encoding="utf-8", newline="") as stream:
        rows = sum(1 for _ in csv.DictReader(stream))
    folder = corpus if corpus.is_dir() else corpus.parent
    _say(ctx, f"{rows} article(s) have no sure publication date, so their weekdays and "
              f"'yesterday's stay undated or rest on a guess (see the problems column of "
              f"{out / 'articles.csv'}). Fill in 'published' (YYYY-MM-DD) in {template}, "
              f"add its rows to {folder / 'articles.csv'} and build again.", err=True)


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@places_option
@conflict_option
@jobs_option
@force_option
@click.pass_context
def extract(ctx: click.Context, /, corpus: Path, out: Path, places: Path | None,
            conflict: Path | None, jobs: int | None, force: bool) -> None:
    """Extract city-fall events from CORPUS into events.csv (no map).

    Also writes articles.csv, counts.csv and unresolved.csv (sentences about
    places the gazetteer does not know). The map files of an earlier build in
    --out are removed: they would describe other events.

    Example:

        controlmap extract seeds --out build
    """
    from . import pipeline

    result = pipeline.extract_corpus(corpus, out, settings=Settings(places=places, jobs=jobs,
                                                                conflict=conflict),
                                     force=force, progress=_progress(ctx, "extracting"))
    _say(ctx, f"{len(result.events)} events from {len(result.articles)} files: "
              f"{out / 'events.csv'}")
    _tell_about_dates(ctx, corpus, out)
    ctx.exit(_report(result.problems))


@cli.command()
@click.argument("events", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@map_options
@places_option
@conflict_option
@force_option
@click.pass_context
def render(ctx: click.Context, /, events: Path, out: Path, force: bool, **options: Any) -> None:
    """Re-render the map from an EVENTS csv, e.g. one corrected by hand.

    Warns (exit code 1) when the files beside EVENTS no longer match the
    manifest written with it: a mixed or incomplete output set.

    Example:

        controlmap render build/events.csv --out corrected
    """
    from . import pipeline

    result = pipeline.render_csv(events, out, settings=_settings(**options), force=force)
    _say(ctx, (out / "embed.html").read_text(encoding="utf-8").strip())
    _say(ctx, f"map: {result.index}")
    ctx.exit(_report(result.problems))


@cli.command("export-png")
@click.argument("events", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--day", callback=_iso_date, metavar="YYYY-MM-DD",
              help="Day to draw (default: the last day of the timeline).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("map.png"),
              show_default=True, help="PNG file to write.")
@click.option("--gif", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an animated GIF of every day to this file.")
@map_options
@places_option
@conflict_option
@click.pass_context
def export_png(ctx: click.Context, /, events: Path, day: dt.date | None, out: Path,
               gif: Path | None, **options: Any) -> None:
    """Draw one day of the map from an EVENTS csv as a PNG (and optionally a GIF).

    Example:

        controlmap export-png build/events.csv --day 2021-08-13 --out aug13.png
    """
    from . import pipeline
    from .export import export_gif
    from .export import export_png as write_png

    settings = _settings(**options)
    if settings.tiles:
        raise FatalError("export-png draws no basemap, so --tiles does nothing there; the "
                         "HTML map of build and render takes --tiles.")
    problems = pipeline.mixed_outputs(events)
    timeline = pipeline.timeline_from_csv(events, settings=settings)
    if not timeline.days:
        raise FatalError(f"{events} holds no dated event, so there is no day to draw.")
    chosen = day or timeline.days[-1]
    source = pipeline.source_line(timeline, settings)
    title = pipeline.map_title(timeline, settings)
    palette = pipeline.state_palette(settings)
    png = write_png(timeline, chosen, out, title=title, source=source, palette=palette)
    _say(ctx, f"png: {png}")
    if gif is not None:
        _say(ctx, f"gif: {export_gif(timeline, gif, title=title, source=source, palette=palette)}")
    ctx.exit(_report(problems))


@cli.command()
@click.argument("events", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--districts", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="District layer that places non-capital events when GOLD is a gold index "
                   "(default: the bundled districts; fields id, name, province_id).")
@click.option("--show", type=click.IntRange(min=0), default=0, show_default=True,
              help="List this many missed and spurious events (gold index only).")
@places_option
@conflict_option
def evaluate(events: Path, gold: Path, districts: Path | None, show: int,
             places: Path | None, conflict: Path | None) -> None:
    """Score an EVENTS csv against GOLD, hand-annotated events.

    GOLD is either a gold index in the development-set format (columns file and
    gold_events, "Place|Province|YYYY-MM-DD|status;..."), scored level by level
    (capitals by province, other places by district, fallen and claimed as one
    class, dates within a day) with precision and recall per level and class;
    or a table of article, place, status, date, scored over those facts with a
    confusion table of statuses. Gold places are resolved through the gazetteer,
    and gold articles missing from the articles.csv beside EVENTS are listed.

    Example:

        controlmap evaluate build/events.csv my-gold/index.csv --show 20
    """
    import pandas as pd

    from . import evaluate as scoring
    from .events_table import events_frame, read_events
    from .gazetteer import load_gazetteer

    places = _profile_places(conflict, places)
    if scoring.is_index_gold(gold):
        from .geocode import load_regions

        layer = load_regions(districts, level="districts", province_field="province_id")
        table = pd.read_csv(events, dtype=str, keep_default_na=False)
        sidecar = events.with_name("articles.csv")
        corpus = (pd.read_csv(sidecar, dtype=str, keep_default_na=False)["file"]
                  if sidecar.is_file() else None)
        levels = scoring.evaluate_levels(table, scoring.read_index_gold(gold),
                                         gazetteer=load_gazetteer(places), districts=layer,
                                         corpus_articles=corpus)
        click.echo(scoring.format_level_report(levels, show=show))
        return
    gazetteer = load_gazetteer(places)
    scores = scoring.evaluate(events_frame(read_events(events, gazetteer=gazetteer)),
                              scoring.read_gold(gold, gazetteer=gazetteer))
    click.echo(scoring.format_report(scores))


@cli.command()
@click.argument("name")
@places_option
@conflict_option
@click.pass_context
def places(ctx: click.Context, /, name: str, places: Path | None,
           conflict: Path | None) -> None:
    """Look NAME up in the gazetteer: place, kind, coordinates and province.

    Exit code 1 when nothing matches.

    Example:

        controlmap places "Firuz Koh"
    """
    from .gazetteer import load_gazetteer

    place = load_gazetteer(_profile_places(conflict, places)).lookup(name)
    if place is None:
        click.echo(f"No place in the gazetteer matches {name!r}.", err=True)
        ctx.exit(EXIT_WARNINGS)
    click.echo(f"{place.name} ({place.kind}) {place.lat:.4f}, {place.lon:.4f} "
               f"province {place.province_id} {place.province}")


def main() -> None:
    """Entry point of the ``controlmap`` console script."""
    cli(prog_name="controlmap")
