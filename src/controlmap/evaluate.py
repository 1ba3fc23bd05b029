"""Accuracy of extracted events against a hand-annotated gold table.

`evaluate` compares an events table (``events.csv``) with a gold table read by
`read_gold` and returns `Scores`: precision, recall and F1 over the distinct
(article, place, status, date) facts, with dates exact and within one day, with
``fallen`` and ``claimed`` also scored as one class ("taken"), per status, and a
confusion table of statuses; `format_report` prints them. Not for producing
events (`extract`) or for judging the timeline (`reconcile`).

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
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError
from .records import STATUSES

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


def read_gold(path: Path | str) -> pd.DataFrame:
    """Read and check a gold table (format in this module's docstring).

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
    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"{path}: cannot read the gold table: {err}"
        raise InputError(msg) from err
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in GOLD_COLUMNS if c not in table.columns]
    if missing:
        msg = (
            f"{path}: missing column(s) {', '.join(missing)}; a gold table needs "
            f"{', '.join(GOLD_COLUMNS)} (and optionally note)"
        )
        raise InputError(msg)
    if "note" not in table.columns:
        table["note"] = ""
    table = table[[*GOLD_COLUMNS, "note"]].apply(lambda column: column.str.strip())
    problems = [
        f"{path}:{line}: {problem}"
        for line, row in zip(range(2, len(table) + 2), table.itertuples(index=False), strict=True)
        if (problem := _row_problem(row.article, row.place, row.status, row.date))
    ]
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        msg = f"{path}: {len(problems)} malformed gold row(s):\n{shown}{more}"
        raise InputError(msg)
    unique: pd.DataFrame = table.drop_duplicates(GOLD_COLUMNS).reset_index(drop=True)
    return unique


def _row_problem(article: str, place: str, status: str, date: str) -> str:
    """What is wrong with one gold row, or ""."""
    if not article:
        return "article is empty"
    if not place:
        return "place is empty"
    if status not in STATUSES:
        return f"status {status!r} is not one of {', '.join(STATUSES)}"
    if date:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            return f"date {date!r} is not YYYY-MM-DD (leave it empty when the article gives no day)"
    return ""


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


__all__ = ["GOLD_COLUMNS", "PRF", "Scores", "evaluate", "format_report", "read_gold"]
