"""Accuracy of extracted events against a hand-annotated gold table.

`evaluate` compares an events table (``events.csv``) with a gold table read by
`read_gold` and returns `Scores`: precision, recall and F1 over the distinct
(article, place, status, date) facts, with dates exact and within one day, with
``fallen`` and ``claimed`` also scored as one class ("taken"), per status, and a
confusion table of statuses; `format_report` prints them. Not for producing
events (`extract`) or for judging the timeline (`reconcile`).

`evaluate_levels` scores the same events against gold in the development-set
format (`read_index_gold`: ``file`` and ``gold_events`` per article) level by
level, exactly as that set's ``score.py`` does, so users can score their own
annotated reports with its conventions.

Gold format
-----------
A CSV file with a header row and these columns (any order; others are ignored):

``article``
    The article id as the corpus gives it: the path relative to the corpus folder,
    e.g. ``000_b335cc430364b05c.txt`` (``file.jsonl#3`` for a JSON Lines record).
``place``
    The canonical gazetteer name of the place (``controlmap places NAME`` prints it),
    e.g. ``Lashkar Gah`` for "Lashkargah"; a province is named by its province name.
``status``
    ``fallen``, ``claimed``, ``contested`` or ``government`` (see the README).
``date``
    ``YYYY-MM-DD``, the day the article gives the statement; empty when the article
    gives no day ("in recent weeks").
``note`` (optional)
    Free text: the words of the article that justify the row.

One row per article x place x status x date that the article states; a fact stated
several times in one article is one row. A statement without a date of its own
takes the day of the narrative it continues (a fall takes the day the article
gives that fall elsewhere), else the publication date. Only articles named in the
gold table are scored: events of other articles are ignored, and an annotated
article with no row states no control (every event from it is a false positive).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import InputError
from .gazetteer import Gazetteer, name_key
from .records import STATUSES, Place

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

GOLD_COLUMNS = ["article", "place", "status", "date"]
NONE = "none"  # confusion-table label of "no event with this place in this article"

Fact = tuple[str, str, str, str]  # article, place (folded), status, ISO date or ""


@dataclass(frozen=True)
class PRF:
    """Counts and precision / recall / F1 of one comparison."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of extracted facts that are in the gold table (1.0 when none extracted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold facts that were extracted (1.0 when the gold table is empty)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scores:
    """Everything `evaluate` measures.

    Attributes
    ----------
    exact, within_day
        All statuses, dates equal / at most one day apart.
    taken_exact, taken_within_day
        ``fallen`` and ``claimed`` merged into one class, all statuses scored.
    taken_only
        Only facts whose status is ``fallen`` or ``claimed`` (in gold or output),
        the two merged, dates exact: how well the extractor finds falls.
    by_status
        Per status, exact dates.
    confusion
        ``(gold status, extracted status) -> count`` over article x place pairs;
        ``"none"`` stands for no event of that place in that article.
    date_errors
        ``days -> count``: for each gold fact with a date, the distance to the
        nearest extracted date of the same article, place and status.
    articles
        Number of annotated articles scored.
    """

    exact: PRF
    within_day: PRF
    taken_exact: PRF
    taken_within_day: PRF
    taken_only: PRF
    by_status: Mapping[str, PRF]
    confusion: Mapping[tuple[str, str], int]
    date_errors: Mapping[int, int] = field(default_factory=dict)
    articles: int = 0


def read_gold(path: Path | str, *, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Read and check a gold table (format in this module's docstring).

    With a ``gazetteer``, each gold place written in a spelling it knows
    ("Maimana") is scored as the gazetteer's canonical name ("Maymana"), as the
    events are; places it does not know are logged and kept as written.

    Returns
    -------
    A DataFrame with ``article``, ``place``, ``status``, ``date`` (ISO text or "")
    and ``note``, one row per distinct fact.

    Raises
    ------
    InputError
        When the file cannot be read, a column is missing, or rows are malformed;
        the message names the file and every bad line.
    """
    path = Path(path)
    table = _read_table(path, "gold table", GOLD_COLUMNS,
                        f"{', '.join(GOLD_COLUMNS)} (and optionally note)",
                        skipinitialspace=True)
    if "note" not in table.columns:
        table["note"] = ""
    table = table[[*GOLD_COLUMNS, "note"]].apply(lambda column: column.str.strip())
    problems = [
        f"{path}:{line}: {problem}"
        for line, row in zip(range(2, len(table) + 2), table.itertuples(index=False), strict=True)
        if (problem := _row_problem(row.article, row.place, row.status, row.date))
    ]
    _refuse(path, problems, "row(s)")
    if gazetteer is not None:
        table["place"] = [_canonical(place, gazetteer, path) for place in table["place"]]
    unique: pd.DataFrame = table.drop_duplicates(GOLD_COLUMNS).reset_index(drop=True)
    return unique


def _canonical(place: str, gazetteer: Gazetteer, path: Path) -> str:
    found = gazetteer.lookup(place)
    if found is None:
        logger.warning("%s: gold place %r is not in the gazetteer; scored as written",
                       path, place)
        return place
    return found.name


def _row_problem(article: str, place: str, status: str, date: str) -> str:
    """What is wrong with one gold row, or ""."""
    if not article:
        return "article is empty"
    if not place:
        return "place is empty"
    return _status_date_problem(status, date)


def _status_date_problem(status: str, date: str) -> str:
    """What is wrong with a gold status or date, or ""."""
    if status not in STATUSES:
        return f"status {status!r} is not one of {', '.join(STATUSES)}"
    if date:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            return f"date {date!r} is not YYYY-MM-DD (leave it empty when the article gives no day)"
    return ""


def _read_table(path: Path, what: str, columns: list[str], needs: str, *,
                skipinitialspace: bool) -> pd.DataFrame:
    """A gold file as text cells with lower-case column names, checked for ``columns``."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False,
                            skipinitialspace=skipinitialspace, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{path}: cannot read the {what}: {err}") from err
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; a {what} needs "
                         f"{needs}")
    return table


def _refuse(path: Path, problems: list[str], what: str) -> None:
    """Raise one error naming the first 20 malformed rows or entries of a gold file."""
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(f"{path}: {len(problems)} malformed gold {what}:\n{shown}{more}")


def evaluate(events: pd.DataFrame, gold: pd.DataFrame) -> Scores:
    """Score an events table against a gold table.

    Parameters
    ----------
    events
        Extracted events with at least ``article``, ``place``, ``status`` and ``date``
        (ISO text, ``datetime.date`` or empty), e.g. `extract.events_frame` output.
    gold
        A gold table as returned by `read_gold`.

    Returns
    -------
    The scores; only articles named in ``gold`` are scored.

    Raises
    ------
    InputError
        When either table lacks one of the four columns.
    """
    for name, table in (("events", events), ("gold", gold)):
        missing = [c for c in GOLD_COLUMNS if c not in table.columns]
        if missing and not (name == "events" and table.empty):
            msg = f"the {name} table lacks column(s) {', '.join(missing)}"
            raise InputError(msg)
    articles = set(gold["article"])
    predicted = {f for f in _facts(events) if f[0] in articles} if len(events.columns) else set()
    truth = set(_facts(gold))
    taken = {"fallen", "claimed"}
    return Scores(
        exact=_compare(predicted, truth, tolerance=0),
        within_day=_compare(predicted, truth, tolerance=1),
        taken_exact=_compare(_merge(predicted), _merge(truth), tolerance=0),
        taken_within_day=_compare(_merge(predicted), _merge(truth), tolerance=1),
        taken_only=_compare(
            _merge({f for f in predicted if f[2] in taken}),
            _merge({f for f in truth if f[2] in taken}),
            tolerance=0,
        ),
        by_status={
            status: _compare(
                {f for f in predicted if f[2] == status},
                {f for f in truth if f[2] == status},
                tolerance=0,
            )
            for status in STATUSES
        },
        confusion=_confusion(predicted, truth),
        date_errors=_date_errors(predicted, truth),
        articles=len(articles),
    )


def _facts(table: pd.DataFrame) -> list[Fact]:
    """The distinct (article, folded place, status, ISO date) facts of a table."""
    facts = []
    for row in table[["article", "place", "status", "date"]].itertuples(index=False):
        facts.append(
            (str(row.article).strip(), _fold(str(row.place)), str(row.status).strip(),
             _iso(row.date))
        )
    return facts


def _fold(name: str) -> str:
    """A place name compared case- and space-insensitively."""
    return " ".join(name.lower().split())


def _iso(value: object) -> str:
    """A date cell as ISO text, "" when empty or missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()[:10]


def _merge(facts: Iterable[Fact]) -> set[Fact]:
    """Facts with ``fallen`` and ``claimed`` folded into one ``taken`` class."""
    return {(a, p, "taken" if s in ("fallen", "claimed") else s, d) for a, p, s, d in facts}


def _days_apart(a: str, b: str) -> int | None:
    """Days between two ISO dates; 0 for two empty dates; None when only one is empty."""
    if not a or not b:
        return 0 if a == b else None
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


def _compare(predicted: set[Fact], truth: set[Fact], *, tolerance: int) -> PRF:
    """Match facts one to one; dates may differ by ``tolerance`` days."""
    unmatched = set(predicted)
    tp = 0
    # Exact matches first, so that a near date never takes another's exact partner.
    for fact in sorted(truth):
        if fact in unmatched:
            unmatched.discard(fact)
            tp += 1
    rest = sorted(truth - predicted)
    for article, place, status, date in rest:
        candidates = sorted(
            (gap, f)
            for f in unmatched
            if f[:3] == (article, place, status)
            and (gap := _days_apart(f[3], date)) is not None
            and gap <= tolerance
        )
        if candidates:
            unmatched.discard(candidates[0][1])
            tp += 1
    return PRF(tp=tp, fp=len(predicted) - tp, fn=len(truth) - tp)


def _confusion(predicted: set[Fact], truth: set[Fact]) -> dict[tuple[str, str], int]:
    """Counts of (gold status, extracted status) over article x place pairs."""
    def by_pair(facts: set[Fact]) -> dict[tuple[str, str], set[str]]:
        pairs: dict[tuple[str, str], set[str]] = {}
        for article, place, status, _ in facts:
            pairs.setdefault((article, place), set()).add(status)
        return pairs

    gold_pairs, predicted_pairs = by_pair(truth), by_pair(predicted)
    counts: Counter[tuple[str, str]] = Counter()
    for pair in sorted(set(gold_pairs) | set(predicted_pairs)):
        expected = gold_pairs.get(pair, set())
        found = predicted_pairs.get(pair, set())
        for status in sorted(expected & found):
            counts[(status, status)] += 1
        missing, extra = sorted(expected - found), sorted(found - expected)
        for index in range(max(len(missing), len(extra))):
            left = missing[index] if index < len(missing) else NONE
            right = extra[index] if index < len(extra) else NONE
            counts[(left, right)] += 1
    return dict(counts)


def _date_errors(predicted: set[Fact], truth: set[Fact]) -> dict[int, int]:
    """For each dated gold fact, days to the nearest extracted date of the same statement."""
    dates: dict[tuple[str, str, str], list[str]] = {}
    for article, place, status, date in predicted:
        if date:
            dates.setdefault((article, place, status), []).append(date)
    errors: Counter[int] = Counter()
    for article, place, status, date in truth:
        candidates = dates.get((article, place, status))
        if date and candidates:
            errors[min(_days_apart(c, date) or 0 for c in candidates)] += 1
    return dict(sorted(errors.items()))


def format_report(scores: Scores) -> str:
    """The scores as a plain-text report for the terminal."""
    lines = [f"Articles scored: {scores.articles}", ""]
    header = f"{'':34} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    lines.append(header)
    rows = [
        ("all statuses, exact date", scores.exact),
        ("all statuses, date +-1 day", scores.within_day),
        ("fallen+claimed as one, exact", scores.taken_exact),
        ("fallen+claimed as one, +-1 day", scores.taken_within_day),
        ("only fallen/claimed facts, exact", scores.taken_only),
        *((f"  {status}, exact date", prf) for status, prf in scores.by_status.items()),
    ]
    for label, prf in rows:
        lines.append(
            f"{label:34} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
            f"{prf.tp:5d} {prf.fp:5d} {prf.fn:5d}"
        )
    labels = [*STATUSES, NONE]
    lines += ["", "Confusion (rows: gold, columns: extracted; article x place pairs)"]
    lines.append(f"{'':12}" + "".join(f"{label:>12}" for label in labels))
    for gold_status in labels:
        cells = "".join(
            f"{scores.confusion.get((gold_status, found), 0):12d}" for found in labels
        )
        lines.append(f"{gold_status:12}{cells}")
    if scores.date_errors:
        errors = ", ".join(f"{days} d: {count}" for days, count in scores.date_errors.items())
        lines += ["", f"Date error of matched statements (days: count): {errors}"]
    return "\n".join(lines)




# --- Scoring by level, against gold in the development-set format -------------------

#: Columns of a gold index (the development set's ``index.csv``): one row per article.
INDEX_COLUMNS = ["file", "gold_events"]
_CLASS = {"fallen": "taken", "claimed": "taken", "contested": "contested",
          "government": "government"}

Key = tuple[str, str]  # ("capital", province id) | ("district", region id) | ("sub", province id)


@dataclass(frozen=True)
class LevelScores:
    """Events scored by level, as the development set's ``score.py`` does.

    Capitals (and statements about a whole province) are matched by province;
    other places by the district whose polygon holds them, or, for a gold place
    that is no district (a border post, a village), by any non-capital event in
    its province. Statuses are compared as classes (``fallen`` and ``claimed``
    are one class, ``taken``); a dated gold event needs an extracted date within
    one day, an undated one matches any date.

    Attributes
    ----------
    precision, recall, f1
        Recall over gold events; precision over distinct predicted keys (article,
        level key, class), dates aside, as ``score.py`` counts it.
    recall_by_level, precision_by_level, recall_by_class, precision_by_class
        ``name -> (matched, total)``.
    exact_dates
        ``(matched with the exact date, dated gold events matched)``.
    missed, spurious
        Gold events not matched and predicted keys matching no gold, as text.
    unknown_places
        Gold places the gazetteer does not know (scored as "any place in the province").
    missing_articles
        Gold articles absent from the corpus's ``articles.csv`` (when one was given).
    """

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    recall_by_level: Mapping[str, tuple[int, int]]
    precision_by_level: Mapping[str, tuple[int, int]]
    recall_by_class: Mapping[str, tuple[int, int]]
    precision_by_class: Mapping[str, tuple[int, int]]
    exact_dates: tuple[int, int]
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()
    unknown_places: tuple[str, ...] = ()
    missing_articles: tuple[str, ...] = ()


def is_index_gold(path: Path | str) -> bool:
    """Whether a gold file is in the development-set format (``file``, ``gold_events``)."""
    try:
        with Path(path).open(encoding="utf-8-sig") as handle:
            header = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    columns = {c.strip().strip('"').lower() for c in header.split(",")}
    return set(INDEX_COLUMNS) <= columns


def read_index_gold(path: Path | str) -> pd.DataFrame:
    """Read gold in the development-set format: ``file`` and ``gold_events`` per article.

    ``gold_events`` holds ``Place|Province|YYYY-MM-DD|status`` entries separated by
    ``;`` (the date may be empty). Conventions: ``../shared/devset/README.md`` and
    the README's "Scoring" section.

    Returns
    -------
    One row per gold event: ``article``, ``place``, ``province``, ``date`` (ISO or
    ""), ``status``; articles with no event keep one row with an empty ``place``.

    Raises
    ------
    InputError
        The file cannot be read, lacks a column, or has malformed entries (each
        named with its line).
    """
    path = Path(path)
    table = _read_table(path, "gold index", INDEX_COLUMNS, "file, gold_events",
                        skipinitialspace=False)
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    for line, (article, entries) in enumerate(zip(table["file"], table["gold_events"],
                                                  strict=True), start=2):
        article = article.strip()
        parsed = [entry.strip() for entry in entries.split(";") if entry.strip()]
        if not parsed:
            rows.append({"article": article, "place": "", "province": "", "date": "",
                         "status": ""})
        for entry in parsed:
            parts = [part.strip() for part in entry.split("|")]
            problem = _entry_problem(parts)
            if problem:
                problems.append(f"{path}:{line}: {entry!r}: {problem}")
                continue
            place, province, date, status = parts
            rows.append({"article": article, "place": place, "province": province,
                         "date": date, "status": status.lower()})
    _refuse(path, problems, "entr(ies)")
    return pd.DataFrame(rows, columns=["article", "place", "province", "date", "status"])


def _entry_problem(parts: list[str]) -> str:
    if len(parts) != 4:
        return "an entry is Place|Province|YYYY-MM-DD|status"
    place, province, date, status = parts
    if not place or not province:
        return "place and province are required"
    return _status_date_problem(status.lower(), date)


def evaluate_levels(
    events: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    gazetteer: Gazetteer,
    districts: gpd.GeoDataFrame,
    corpus_articles: Iterable[str] | None = None,
) -> LevelScores:
    """Score events against gold read by `read_index_gold`, level by level.

    Parameters
    ----------
    events
        An events table (``events.csv``): ``article``, ``place``, ``kind``,
        ``province_id``, ``status``, ``date``, ``lat``, ``lon``.
    gold
        From `read_index_gold`.
    gazetteer
        Resolves gold places written in any spelling it knows ("Maimana").
    districts
        The district layer (``region_id``, ``geometry``) that places non-capital
        events and gold places.
    corpus_articles
        The article ids of the corpus, to name gold articles it lacks.

    Returns
    -------
    The scores; only articles named in ``gold`` are scored.
    """
    locate = _DistrictFinder(districts)
    capitals = _capital_keys(gazetteer)
    files = set(gold["article"])
    gold_rows: list[tuple[str, Key, str, dt.date | None, str]] = []
    unknown: list[str] = []
    for row in gold[gold["place"] != ""].itertuples(index=False):
        key, known = _gold_key(str(row.place), str(row.province), gazetteer, capitals, locate)
        if not known:
            unknown.append(f"{row.article}: {row.place} ({row.province})")
        gold_rows.append((str(row.article), key, _CLASS[str(row.status)], _day(str(row.date)),
                          str(row.place)))
    predicted = [p for p in _predicted(events, capitals, locate) if p[0] in files]
    dates: dict[tuple[str, Key, str], list[dt.date | None]] = {}
    primary: set[tuple[str, Key, str]] = set()
    province_of: dict[str, str] = {}
    for article, keys, cls, date in predicted:
        for key in keys:
            dates.setdefault((article, key, cls), []).append(date)
        primary.add((article, keys[0], cls))
        if keys[0][0] == "district":
            province_of[keys[0][1]] = keys[-1][1]
    gold_keys = {(a, k, c) for a, k, c, _, _ in gold_rows}
    gold_sub = {(a, k[1], c) for a, k, c, _, _ in gold_rows if k[0] == "sub"}

    by_level: dict[str, list[int]] = {"capital": [0, 0], "district": [0, 0]}
    by_class: dict[str, list[int]] = {c: [0, 0] for c in ("taken", "contested", "government")}
    matched = exact = dated = 0
    missed: list[str] = []
    for article, key, cls, day, place in gold_rows:
        found = dates.get((article, key, cls), [])
        ok = bool(found) and (day is None or any(d and abs((d - day).days) <= 1 for d in found))
        level = "capital" if key[0] == "capital" else "district"
        by_level[level][1] += 1
        by_class[cls][1] += 1
        if ok:
            matched += 1
            by_level[level][0] += 1
            by_class[cls][0] += 1
            if day is not None:
                dated += 1
                exact += day in found
        else:
            missed.append(f"{article}: {place} {cls} {day or 'undated'}")
    hits = 0
    spurious: list[str] = []
    precision_by_class: dict[str, list[int]] = {c: [0, 0] for c in by_class}
    precision_by_level: dict[str, list[int]] = {level: [0, 0] for level in by_level}
    for article, key, cls in sorted(primary):
        hit = (article, key, cls) in gold_keys or (
            key[0] == "district" and (article, province_of.get(key[1], ""), cls) in gold_sub)
        hits += hit
        precision_by_class[cls][0] += hit
        precision_by_class[cls][1] += 1
        level = "capital" if key[0] == "capital" else "district"
        precision_by_level[level][0] += hit
        precision_by_level[level][1] += 1
        if not hit:
            spurious.append(f"{article}: {key[0]} {key[1]} {cls}")
    precision = hits / len(primary) if primary else 0.0
    recall = matched / len(gold_rows) if gold_rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    corpus = set(corpus_articles) if corpus_articles is not None else None
    return LevelScores(
        precision=precision, recall=recall, f1=f1, gold=len(gold_rows), predicted=len(primary),
        recall_by_level={k: (v[0], v[1]) for k, v in by_level.items()},
        precision_by_level={k: (v[0], v[1]) for k, v in precision_by_level.items()},
        recall_by_class={k: (v[0], v[1]) for k, v in by_class.items()},
        precision_by_class={k: (v[0], v[1]) for k, v in precision_by_class.items()},
        exact_dates=(exact, dated), missed=tuple(missed), spurious=tuple(spurious),
        unknown_places=tuple(unknown),
        missing_articles=tuple(sorted(files - corpus)) if corpus is not None else (),
    )


class _DistrictFinder:
    """The district polygon holding a point (region ids of a district layer)."""

    def __init__(self, districts: gpd.GeoDataFrame) -> None:
        import shapely  # only scoring by level needs geometry

        self._point = shapely.Point
        self._ids = [str(i) for i in districts["region_id"]]
        self._geometries = list(districts.geometry)
        self._tree = shapely.STRtree(self._geometries)
        provinces = (districts["province_id"] if "province_id" in districts
                     else [""] * len(self._ids))
        self._named = {(str(province), _letters(str(name))): str(region_id)
                       for region_id, name, province in zip(
                           districts["region_id"], districts["region"], provinces, strict=True)}

    def named(self, province_id: str, name: str) -> str | None:
        """The district of this name in this province (layers with ``province_id``)."""
        return self._named.get((province_id, _letters(name)))

    def at(self, lat: object, lon: object) -> str | None:
        try:
            point = self._point(float(str(lon)), float(str(lat)))
        except ValueError:
            return None
        if point.is_empty or not all(math.isfinite(v) for v in (point.x, point.y)):
            return None
        for i in sorted(int(j) for j in self._tree.query(point)):
            if self._geometries[i].covers(point):
                return self._ids[i]
        return None


def _capital_keys(gazetteer: Gazetteer) -> dict[str, set[str]]:
    """Per province id, the folded spellings of its capital."""
    table = gazetteer.places
    capitals: dict[str, set[str]] = {}
    for row in table[table["kind"] == "capital"].itertuples(index=False):
        capitals.setdefault(str(row.province_id), set()).update(
            name_key(spelling) for spelling in [str(row.name), *str(row.aliases).split("|")]
            if spelling)
    return capitals


def _gold_key(place: str, province: str, gazetteer: Gazetteer, capitals: dict[str, set[str]],
              locate: _DistrictFinder) -> tuple[Key, bool]:
    """The level key of a gold place, and whether the gazetteer knows the place."""
    named = gazetteer.lookup(province) or gazetteer.lookup(f"{province} province")
    province_id = named.province_id if named is not None else province
    key = name_key(place)
    if key in capitals.get(province_id, set()):
        return ("capital", province_id), True
    district = locate.named(province_id, place)
    # A district named like a word ("Dara") is known to the gazetteer as "Dara district".
    found = (_in_province(gazetteer, key, province_id)
             or _in_province(gazetteer, name_key(f"{place} district"), province_id))
    if district is not None:
        return ("district", district), found is not None
    if found is None:
        return ("sub", province_id), False
    if found.kind in ("capital", "province"):
        return ("capital", province_id), True
    if found.kind == "district":
        district = locate.at(found.lat, found.lon)
        if district is not None:
            return ("district", district), True
    return ("sub", province_id), True


def _in_province(gazetteer: Gazetteer, key: str, province_id: str) -> Place | None:
    """The place a folded name means in one province (two districts may share a name)."""
    place = gazetteer.lookup(key)
    if place is not None and place.province_id == province_id:
        return place
    table = gazetteer.places
    rows = table[table["province_id"] == province_id]
    for row in rows.itertuples(index=False):
        spellings = [str(row.name), *str(row.aliases).split("|")]
        if any(name_key(s) == key for s in spellings if s):
            return gazetteer.by_id(str(row.place_id))
    return place


def _predicted(events: pd.DataFrame, capitals: dict[str, set[str]],
               locate: _DistrictFinder) -> list[tuple[str, list[Key], str, dt.date | None]]:
    out: list[tuple[str, list[Key], str, dt.date | None]] = []
    for row in events.to_dict("records"):
        status = str(row.get("status", "")).strip().lower()
        province_id = _cell(row.get("province_id"))
        if status not in _CLASS or not province_id:
            continue
        article = _cell(row.get("article")).split("#")[0].replace("\\", "/").split("/")[-1]
        kind = _cell(row.get("kind")).lower()
        keys: list[Key]
        if kind in ("capital", "province") or name_key(_cell(row.get("place"))) in capitals.get(
                province_id, set()):
            keys = [("capital", province_id)]
        else:
            district = locate.at(row.get("lat"), row.get("lon"))
            keys = [("district", district)] if district else []
            keys.append(("sub", province_id))
        out.append((article, keys, _CLASS[status], _day(_cell(row.get("date")))))
    return out


def _letters(name: str) -> str:
    """A name reduced to its lower-case ASCII letters, as district names are compared."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalpha())


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def format_level_report(scores: LevelScores, *, show: int = 0) -> str:
    """The level scores as a plain-text report; ``show`` lists that many misses and spurious."""
    def share(pair: tuple[int, int]) -> str:
        return f"{pair[0]}/{pair[1]}" + (f" ({pair[0] / pair[1]:.2f})" if pair[1] else "")

    lines = [
        f"gold events: {scores.gold}, predicted keys: {scores.predicted}",
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}",
        *(f"  recall at {level} level: {share(pair)}, "
          f"precision {share(scores.precision_by_level[level])}"
          for level, pair in scores.recall_by_level.items()),
        *(f"  {cls}: recall {share(scores.recall_by_class[cls])}, "
          f"precision {share(scores.precision_by_class[cls])}"
          for cls in scores.recall_by_class),
        f"dated matches with the exact date: {share(scores.exact_dates)}",
    ]
    if scores.unknown_places:
        lines.append(f"gold places the gazetteer does not know ({len(scores.unknown_places)}): "
                     + "; ".join(scores.unknown_places))
    if scores.missing_articles:
        lines.append(f"gold articles missing from the corpus ({len(scores.missing_articles)}): "
                     + "; ".join(scores.missing_articles))
    if show:
        lines += ["missed: " + "; ".join(scores.missed[:show]),
                  "spurious: " + "; ".join(scores.spurious[:show])]
    return "\n".join(lines)


__all__ = ["GOLD_COLUMNS", "INDEX_COLUMNS", "PRF", "LevelScores", "Scores", "evaluate",
           "evaluate_levels", "format_level_report", "format_report", "is_index_gold",
           "read_gold", "read_index_gold"]
