"""controlmap: news articles about a war in, a day-by-day map of who controls what out.

``build`` runs the whole pipeline; each stage is importable on its own (see the
README's "Library" section). The stage modules keep their own names
(``controlmap.reconcile.reconcile``, ``controlmap.evaluate.evaluate``), so no
function here shadows a submodule. Not for the command line: that is ``controlmap.cli``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Article": "records",
    "BuildResult": "pipeline",
    "CachedGeocoder": "geocode",
    "CapitalCount": "records",
    "ControlMapError": "errors",
    "Corpus": "corpus",
    "DataError": "errors",
    "Event": "records",
    "ExtractResult": "pipeline",
    "Extraction": "records",
    "Gazetteer": "gazetteer",
    "GeocodingError": "errors",
    "InputError": "errors",
    "Mention": "records",
    "OfflineGeocoder": "geocode",
    "Place": "records",
    "Problem": "records",
    "Scores": "evaluate",
    "Settings": "settings",
    "Timeline": "records",
    "Unresolved": "records",
    "assign_regions": "geocode",
    "build": "pipeline",
    "embed_snippet": "render",
    "events_frame": "events_table",
    "export_frames": "export",
    "export_gif": "export",
    "export_png": "export",
    "extract_article": "extract",
    "extract_corpus": "pipeline",
    "extract_events": "extract",
    "format_report": "evaluate",
    "load_corpus": "corpus",
    "load_gazetteer": "gazetteer",
    "load_regions": "geocode",
    "read_baseline": "reconcile",
    "read_events": "events_table",
    "read_gold": "evaluate",
    "reconcile_events": "pipeline",
    "render_csv": "pipeline",
    "render_map": "render",
    "render_timeline": "pipeline",
    "timeline_from_csv": "pipeline",
}

__version__ = "0.1.0"

__all__ = [
    "Article",
    "BuildResult",
    "CachedGeocoder",
    "CapitalCount",
    "ControlMapError",
    "Corpus",
    "DataError",
    "Event",
    "ExtractResult",
    "Extraction",
    "Gazetteer",
    "GeocodingError",
    "InputError",
    "Mention",
    "OfflineGeocoder",
    "Place",
    "Problem",
    "Scores",
    "Settings",
    "Timeline",
    "Unresolved",
    "assign_regions",
    "build",
    "embed_snippet",
    "events_frame",
    "export_frames",
    "export_gif",
    "export_png",
    "extract_article",
    "extract_corpus",
    "extract_events",
    "format_report",
    "load_corpus",
    "load_gazetteer",
    "load_regions",
    "read_baseline",
    "read_events",
    "read_gold",
    "reconcile_events",
    "render_csv",
    "render_map",
    "render_timeline",
    "timeline_from_csv",
]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `controlmap --help` or a lookup in the
    # gazetteer does not pay for pandas, folium and matplotlib.
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'controlmap' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from .corpus import Corpus, load_corpus
    from .errors import ControlMapError, DataError, GeocodingError, InputError
    from .evaluate import Scores, format_report, read_gold
    from .events_table import events_frame, read_events
    from .export import export_frames, export_gif, export_png
    from .extract import extract_article, extract_events
    from .gazetteer import Gazetteer, load_gazetteer
    from .geocode import CachedGeocoder, OfflineGeocoder, assign_regions, load_regions
    from .pipeline import (
        BuildResult,
        ExtractResult,
        build,
        extract_corpus,
        reconcile_events,
        render_csv,
        render_timeline,
        timeline_from_csv,
    )
    from .reconcile import read_baseline
    from .records import (
        Article,
        CapitalCount,
        Event,
        Extraction,
        Mention,
        Place,
        Problem,
        Timeline,
        Unresolved,
    )
    from .render import embed_snippet, render_map
    from .settings import Settings
