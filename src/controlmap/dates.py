"""Dates in news prose: find every temporal expression and pin it to a calendar day.

A city-fall report rarely gives a date: it says "on Thursday", "late last night"
or "a day after", all relative to when the article was published. This module
finds those expressions in a sentence (`find_dates`), resolves them against a
publication date, and infers the publication date itself from an article's
text when no one supplied it (`infer_published`), rejecting page-chrome dates
such as a scrape-time header from years later. Explicit dates are parsed by
dateparser; month and weekday names come from the standard library, so no
hand-written month tables.

Not for: reading files (see `corpus`), or deciding which event a date belongs
to (see `extract`).

All the resolution rules live in `_RELATIVE`, `_resolve_weekday`, `_year_for`
and `_decide_published`:

* A weekday in a report names the most recent such day on or before
  publication ("on Thursday" in an article published on a Thursday is that
  day); in the future tense ("will meet on Thursday", "is expected to ... on
  Friday") it names the first such day on or after publication (AP style:
  "will meet Thursday" written on a Thursday means later that day).
  "last Thursday" is strictly before publication, "next Thursday" strictly after.
* A year-less date takes the year that puts it on or before publication,
  unless that is more than half a year back while the next occurrence is at
  most a week ahead (an upcoming date written without a future verb); in the
  future tense it takes the first occurrence on or after publication. A weekday
  attached to it ("Thursday, August 12") picks the year in which they agree.
* Numeric dates such as 8/12/2021 are ambiguous between day-month and
  month-day orders and are never guessed; 13/8/2021 is not ambiguous.
* Night events ("last night", "overnight") are dated by the evening they began,
  the day before publication; "last week" is seven days before publication,
  "three days ago" and "2 weeks ago" count back from it, and a weekend is
  dated by its Saturday ("last weekend": the latest one over before publication).
* Anaphoric phrases ("a day after", "a day earlier", "hours earlier") count
  from a reference event when the caller gives one; without one, the event
  they date is the article's news: "a day after" is publication day, "a day
  earlier" the day before; "two days later" and "three days earlier" alike.
* Publication dates (`infer_published`, `published_from_clues`): see there.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import dateparser

logger = logging.getLogger(__name__)

Kind = Literal["explicit", "weekday", "relative", "ambiguous"]
ClueKind = Literal["event", "since", "dateline", "page"]
Confidence = Literal["high", "medium", "low"]

# Dates further apart than this are about different things: a page header from
# years later, or background such as "the attacks of September 11, 2001".
CLUSTER_DAYS = 60


@dataclass(frozen=True)
class DateMention:
    """One temporal expression in a sentence and the day it names.

    ``start``/``end`` are offsets into the sentence given to `find_dates`;
    ``date`` is None when the expression cannot be pinned to a day (an
    ambiguous numeric date, or a relative one without a publication date).
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    kind: Kind


@dataclass(frozen=True)
class DateClue:
    """A day-level date in an article that says something about its publication date.

    ``kind`` is ``event`` ("on August 12"), ``since`` ("since August 6": a lower
    bound), ``dateline`` ("KABUL, Aug 13 (Reuters) -") or ``page`` (a date
    standing alone on a line, or from the page metadata: possibly chrome).
    ``year`` is None for a year-less date; ``weekday`` is set when the text
    names one with the date ("Thursday, August 12").
    """

    kind: ClueKind
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None


@dataclass(frozen=True)
class DateClues:
    """What an article's text says about when it was published (see `collect_clues`)."""

    dates: tuple[DateClue, ...] = ()
    weekdays: frozenset[int] = frozenset()  # weekdays reported in the past tense, 0 = Monday
    relative: bool = False  # "yesterday", "last night", ... (need a publication date)
    # (weekday, start, end) of each sentence reporting a past weekday without "last" or
    # "next": what happened on which day, for matching events across articles.
    weekday_sentences: tuple[tuple[int, int, int], ...] = ()
    # (clue, start, end) of each sentence that dates an event explicitly ("on August 12").
    event_sentences: tuple[tuple[DateClue, int, int], ...] = ()

    @property
    def temporal(self) -> bool:
        """Whether the article has any expression that needs a publication date."""
        return bool(self.dates or self.weekdays or self.relative)


@dataclass(frozen=True)
class Publication:
    """An inferred publication date, the reason for it, what it rests on and how sure it is.

    ``confidence`` is ``high`` for a dated dateline or a page date that the
    reported events agree with; ``medium`` when one more step is needed (the
    year of a dateline from the rest of the corpus, a weekday vouching for an
    event date, a page date nothing contradicts); ``low`` when the date rests
    on the rest of the corpus alone; None when there is no date.
    """

    date: dt.date | None
    reason: str
    basis: Literal["dateline", "events", "page", "reference", "none"] = "none"
    confidence: Confidence | None = None


# --- the vocabulary: names from the standard library, patterns built once ---------------

_WEEKDAY_NAMES = tuple(calendar.day_name[d] for d in range(7))
_MONTH_NAMES = tuple(
    [calendar.month_name[m] for m in range(1, 13)]
    + [calendar.month_abbr[m] for m in range(1, 13)]
    + ["Sept"]
)


def _month_alternatives() -> str:
    full = [calendar.month_name[m] for m in range(1, 13)]
    short = [calendar.month_abbr[m] + r"\.?" for m in range(1, 13)] + [r"Sept\.?"]
    # Full names first, and never followed by a letter, so "July" is not read as "Jul".
    return "(?:" + "|".join(full + short) + r")(?![A-Za-z])"


_MONTH = r"\b" + _month_alternatives()
_WEEKDAY = r"\b(?:" + "|".join(_WEEKDAY_NAMES) + ")"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<{0}>(?:1[89]|20)\d\d)(?!\d))?"

# "three days ago", "2 weeks ago", "a week ago": the counts news writes out,
# as (how the count is written, how many days back, the unit as written).
_COUNTS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_AGO = tuple(
    (written, n * length, unit if n == 1 else unit + "s")
    for n in range(1, len(_COUNTS))
    for unit, length in (("day", 1), ("week", 7))
    for written in ((_COUNTS[n], str(n)) if n > 1 else ("a", "one", "1"))
)

# What a phrase means: (days from publication, days from a given reference or
# None when the phrase is about the publication day itself). "a day after X"
# reports the article's news, so without a reference it is publication day.
_RELATIVE: MappingProxyType[str, tuple[int, int | None]] = MappingProxyType(
    {
        "late last night": (-1, None),
        "last night": (-1, None),
        "overnight": (-1, None),
        "yesterday": (-1, None),
        "the day before yesterday": (-2, None),
        "today": (0, None),
        "earlier today": (0, None),
        "later today": (0, None),
        "this morning": (0, None),
        "this afternoon": (0, None),
        "this evening": (0, None),
        "tonight": (0, None),
        "earlier in the day": (0, 0),
        "later in the day": (0, 0),
        "hours earlier": (0, 0),
        "hours later": (0, 0),
        "a day after": (0, 1),
        "a day later": (0, 1),
        "the next day": (0, 1),
        "the following day": (0, 1),
        "a day earlier": (-1, -1),
        "a day before": (-1, -1),
        "the day before": (-1, -1),
        "the previous day": (-1, -1),
        "last week": (-7, None),
        **{f"{written} {unit} ago": (-days, None) for written, days, unit in _AGO},
        # "two days later": counted from the reference event; without one, the
        # later event is the article's news and the earlier one is before it.
        **{f"{written} {unit} later": (0, days) for written, days, unit in _AGO if days > 1},
        **{f"{written} {unit} earlier": (-days, -days) for written, days, unit in _AGO
           if days > 1},
    }
)

# Weekends are dated by their Saturday: "over the weekend" is the latest one on
# or before publication, "last weekend" the latest one already over by then
# (in a Sunday article, the weekend before).
_WEEKENDS: MappingProxyType[str, bool] = MappingProxyType(
    {"over the weekend": False, "at the weekend": False, "this weekend": False,
     "last weekend": True}
)

# Lower-case words a date expression can start with (relative phrases and
# "last/next/this" before a weekday); other expressions start with a capital
# or a digit. Checked first at every word start, it skips most words at once.
_STARTS = "".join(sorted({p[0] for p in (*_RELATIVE, *_WEEKENDS)} | set("lnt")))
_WORD_START = rf"\b(?=[A-Z0-9]|(?i:[{_STARTS}]))"

_RELATIVE_PATTERN = "|".join(
    re.escape(p).replace(r"\ ", r"\s+")
    for p in sorted((*_RELATIVE, *_WEEKENDS), key=len, reverse=True)
)

# The forms of a date expression, each a named group, in the order they are tried.
_FORMS: MappingProxyType[str, str] = MappingProxyType(
    {
        "wd_date": rf"""(?P<wd_date>(?P<wd_name>{_WEEKDAY})(?:,?\s+|\s*\(\s*)
            (?:(?P<wd_m1>{_MONTH})\s+(?P<wd_d1>\d{{1,2}}){_ORD}(?!\d|:\d)
              |(?P<wd_d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<wd_m2>{_MONTH}))
            {_YEAR.format("wd_y")})""",
        "mdy": rf"""(?P<mdy>(?P<mdy_m>{_MONTH})\s+(?P<mdy_d>\d{{1,2}}){_ORD}(?!\d|:\d)
            {_YEAR.format("mdy_y")})""",
        "dmy": rf"""(?P<dmy>(?<![\d/.])(?P<dmy_d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<dmy_m>{_MONTH})\b
            {_YEAR.format("dmy_y")})""",
        "iso": r"(?P<iso>(?<![\d/.-])\d{4}-\d{2}-\d{2}(?![\d-]))",
        "num": r"""(?P<num>(?<![\d/.])(?P<num_a>\d{1,2})(?P<sep>[/.])(?P<num_b>\d{1,2})(?P=sep)
            (?P<num_y>\d{4}|\d{2})(?![\d/]|\.\d))""",
        "weekday": rf"""(?P<weekday>(?:(?P<wd_mod>(?i:last|next|this))\s+)?(?P<wd_only>{_WEEKDAY})
            (?:'s)?\b(?!,?\s+(?:{_MONTH}|\d)))""",
        "relative": rf"(?P<relative>(?i:\b(?:{_RELATIVE_PATTERN})\b))",
    }
)


def _compile_forms(forms: Iterable[str]) -> re.Pattern[str]:
    """One pattern trying the given forms (names in `_FORMS`) in the order given."""
    alternatives = "\n|".join(_FORMS[form] for form in forms)
    return re.compile(f"{_WORD_START}(?:{alternatives})", re.VERBOSE)


_DATE_PATTERN = _compile_forms(_FORMS)  # what `_date_pattern` gives with every form


@functools.cache
def _date_pattern(
    month: bool, numeric: bool, weekday: bool, relative: bool
) -> re.Pattern[str] | None:
    """The pattern of the forms that need only what is given, or None for no form.

    ``month``: a month name and a digit; ``numeric``: digits around a separator;
    ``weekday``: a weekday name; ``relative``: a key word of a relative phrase.
    """
    needs = {
        "wd_date": weekday and month,
        "mdy": month,
        "dmy": month,
        "iso": numeric,
        "num": numeric,
        "weekday": weekday,
        "relative": relative,
    }
    forms = [form for form in _FORMS if needs[form]]
    return _compile_forms(forms) if forms else None


# Most sentences have no date, and running even the pattern's cheap test at every
# word start costs more than a few substring tests over the whole sentence. So
# `_pattern_for` first rules out the forms whose key words a sentence lacks (all
# numeric forms in a sentence without a digit, ...) and the pattern of the
# remaining forms, if any, finds exactly what the full pattern would.
_DIGIT = re.compile(r"\d")
_DIGIT_SEPARATOR = re.compile(r"\d[-/.]\d")
# Every month name contains one of these (its abbreviation, in English).
_MONTH_KEYS = tuple(
    dict.fromkeys(n for n in _MONTH_NAMES if not any(o in n and o != n for o in _MONTH_NAMES))
)


def _common_ending(words: Sequence[str]) -> str:
    """The longest string that all ``words`` end with."""
    ending = min(words, key=len)
    while not all(word.endswith(ending) for word in words):
        ending = ending[1:]
    return ending


# What all weekday names end with ("day"): one test before the seven.
_WEEKDAY_END = _common_ending(_WEEKDAY_NAMES)
# Every relative phrase has one of these words, or "day" as a word of its own.
_RELATIVE_KEYS = ("night", "yesterday", "today", "morning", "afternoon", "evening", "hours",
                  "week", "ago", "later", "earlier")
_DAY_WORD = re.compile(r"(?i:\sday\b)")
# Letters that re's case-insensitive matching equates with an ASCII letter but
# str.lower() does not turn into it (dotted and dotless i, long s).
_RE_CASE_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _pattern_for(sentence: str, lower: str) -> re.Pattern[str] | None:
    """The date pattern cut down to the forms ``sentence`` has the key words of.

    ``lower`` is `_lower` (sentence). A form left out cannot match in the
    sentence, so the result finds what `_DATE_PATTERN` finds; None when no form
    is left (most sentences). Substring tests (``any(map(text.__contains__,
    words))``) are what makes this quicker than the pattern.
    """
    if sentence.isascii():
        digit = any(map(sentence.__contains__, "0123456789"))
    else:
        digit = _DIGIT.search(sentence) is not None
    return _date_pattern(
        digit and any(map(sentence.__contains__, _MONTH_KEYS)),
        digit and _DIGIT_SEPARATOR.search(sentence) is not None,
        _WEEKDAY_END in sentence and any(map(sentence.__contains__, _WEEKDAY_NAMES)),
        any(map(lower.__contains__, _RELATIVE_KEYS))
        or ("day" in lower and _DAY_WORD.search(sentence) is not None),
    )


def _lower(text: str) -> str:
    """``text`` in lower case, with an ASCII word wherever case-insensitive `re` sees one.

    So a substring test of the result finds every word (of ASCII letters) that
    a case-insensitive pattern would find in ``text``.
    """
    return (text if text.isascii() else text.translate(_RE_CASE_FOLDS)).lower()


def _phrase_key(text: str) -> str:
    """The `_RELATIVE` key of a matched relative phrase: "Last  Night" -> "last night".

    `_lower` (not ``str.lower``) so that a phrase the case-insensitive pattern
    matched with "ı", "İ" or "ſ" ("tonıght") finds its key too.
    """
    return " ".join(_lower(text).split())


# Markers of the future tense in the words before a date ("will meet on").
_FUTURE = re.compile(
    r"(?i:\b(?:will|won't|shall|upcoming|to\s+be\s+held"
    r"|(?:expected|due|set|scheduled|slated|poised)\s+to"
    r"|(?:is|are|was|were)\s+(?:going|planning)\s+to"
    r"|(?:plans?|planned|intends?|hopes?)\s+to)\b|'ll\b)"
)
# Verbs of reporting: after one of these, an earlier "will" belongs to a quote.
_REPORTED = re.compile(
    r"(?i:\b(?:said|says|told|added|reported|announced|confirmed|claimed|according)\b)"
)
# Every marker of the future tense has one of these words (in lower case).
_FUTURE_KEYS = ("will", "won't", "shall", "upcoming", "held", "expected", "due", "set",
                "scheduled", "slated", "poised", "going", "plan", "intend", "hope", "'ll")
_CLAUSE_ENDS = ".;!?\n"
_CLAUSE_END = re.compile(f"[{_CLAUSE_ENDS}]")
_LOOKBACK = 80
_LOOKAHEAD = 60

# Clues to publication: a date after one of these words is tied to a reported event.
_EVENT_CUE = re.compile(r"(?i:\b(?:on|as\s+of)\s*$)")
_SINCE_CUE = re.compile(r"(?i:\bsince\s*$)")
# A dateline opens a line: a place ("KABUL,", "Kabul [Afghanistan]", "KABUL (Outlet -"),
# the date, then the agency or a stop ("(Reuters) -", ". /TASS/.", ", (dpa) -", ":",
# ")" closing the parenthesis, or the first word of the story). Wires write the
# place in capitals, many outlets not; a place is one to four capitalised words.
_PLACE = r"[A-Z][A-Za-z.'’-]*(?:[ /][A-Z][A-Za-z.'’-]*){0,3}"
_DATELINE_BEFORE = re.compile(
    rf"^[ \t]*(?:{_PLACE}(?:[ \t]*\[[^\]\n]{{1,30}}\])?"
    r"(?:[ \t]*,[ \t]*(?:[A-Z][a-z]+,[ \t]*)?|(?<=\])[ \t]+|[ \t]+\([^()\n]{1,40}?[-–—,][ \t]*))?$"
)
_DATELINE_AFTER = re.compile(
    r"^(?:[.,]?[ \t]*(?:\([^)\n]{1,40}\)|/[^/\n]{1,20}/)[ \t]*[-–—:.]?|[ \t]*[-–—:)]|[ \t]+[A-Z])"
)
# Lines that may hold a page date in any language: short, with a four-digit year.
_PAGE_LINE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PAGE_LINE_MAX = 80
_COMMA = re.compile(",")
_CLUE_CHARS = 200_000
_PAGE_LINE_WORDS = 8
_PAGE_LINE_LABEL_WORDS = 2
_PAGE_LINES_HEAD = 40
_PAGE_LINES_TAIL = 20


# --- finding ------------------------------------------------------------------------------


def find_dates(
    sentence: str,
    published: dt.date | None,
    *,
    reference: dt.date | None = None,
) -> list[DateMention]:
    """Every temporal expression in ``sentence``, each with the day it names.

    Parameters
    ----------
    sentence
        One sentence (or any short text); offsets in the result index into it.
    published
        Publication date of the article; relative expressions and weekdays
        resolve against it, and without it they resolve to None.
    reference
        Day of the event an anaphoric phrase ("a day after", "hours earlier")
        is counted from; by default the publication date.

    Returns
    -------
    list of DateMention
        In order of appearance; a weekday written with its date ("Thursday,
        August 12") is one mention.
    """
    lower = _lower(sentence)
    pattern = _pattern_for(sentence, lower)
    if pattern is None:
        return []
    tensed = any(map(lower.__contains__, _FUTURE_KEYS))
    mentions = []
    for match in pattern.finditer(sentence):
        future = tensed and _is_future(sentence, match.start(), match.end())
        date, kind = _resolve_match(match, published, reference=reference, future=future)
        mentions.append(DateMention(match.start(), match.end(), match.group(0), date, kind))
    return mentions


def resolve(expression: str, published: dt.date | None) -> dt.date | None:
    """The day one expression names ("on Thursday", "Aug. 6", "yesterday"), or None.

    Examples
    --------
    >>> resolve("on Thursday", dt.date(2021, 8, 13))
    datetime.date(2021, 8, 12)
    """
    mentions = find_dates(expression, published)
    return mentions[0].date if mentions else None


def _is_future(text: str, start: int, end: int) -> bool:
    """Whether the clause around text[start:end] is in the future tense."""
    before = text[max(0, start - _LOOKBACK) : start]
    before = before[max(map(before.rfind, _CLAUSE_ENDS)) + 1 :]
    futures = list(_FUTURE.finditer(before))
    if futures:
        return not _REPORTED.search(before, futures[-1].end())
    # "On Friday, the council will meet": a date opening its clause takes the
    # tense of the verb that follows.
    if before.strip(" ,\"“”").lower() in {"", "on", "and on", "but on"}:
        after = text[end : end + _LOOKAHEAD]
        after = after[: next((m.start() for m in _CLAUSE_END.finditer(after)), len(after))]
        first_future = _FUTURE.search(after)
        first_reported = _REPORTED.search(after)
        if first_future and not (first_reported and first_reported.start() < first_future.start()):
            return True
    return False


def _resolve_match(
    match: re.Match[str],
    published: dt.date | None,
    *,
    reference: dt.date | None,
    future: bool,
) -> tuple[dt.date | None, Kind]:
    group = match.lastgroup
    if group in {"wd_date", "mdy", "dmy", "iso"}:
        parts = _explicit_parts(match)
        if parts is None:
            return None, "explicit"
        year, month, day = parts
        weekday = _weekday_of(match.group("wd_name")) if group == "wd_date" else None
        if year is not None:
            return _safe_date(year, month, day), "explicit"
        if published is None:
            return None, "explicit"
        return _year_for(month, day, published, future=future, weekday=weekday), "explicit"
    if group == "num":
        return _numeric_date(match), ("explicit" if _numeric_order(match) else "ambiguous")
    if group == "weekday":
        if published is None:
            return None, "weekday"
        weekday = _weekday_of(match.group("wd_only"))
        modifier = (match.group("wd_mod") or "").lower()
        return _resolve_weekday(weekday, published, modifier=modifier, future=future), "weekday"
    phrase = _phrase_key(match.group(0))
    return _resolve_relative(phrase, published, reference=reference), "relative"


def _weekday_of(name: str) -> int:
    return _WEEKDAY_NAMES.index(name)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# Dates in the first or last year `datetime` can hold ("0001-01-01", "9999-12-31" in a
# text) are read as no date: resolving one steps days and a year either side of it
# (the week of a weekday, the year of a year-less date), which would overflow.
_FIRST_YEAR = dt.MINYEAR + 1
_LAST_YEAR = dt.MAXYEAR - 1


# --- explicit dates: dateparser does the parsing ------------------------------------------


def _explicit_parts(match: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of an explicit date match, parsed by dateparser."""
    group = match.lastgroup
    if group == "iso":
        return _parse_explicit(match.group("iso"), has_year=True)
    prefix = {"wd_date": "wd_", "mdy": "mdy_", "dmy": "dmy_"}[group or ""]
    if group == "wd_date":
        month = match.group("wd_m1") or match.group("wd_m2")
        day = match.group("wd_d1") or match.group("wd_d2")
    else:
        month, day = match.group(prefix + "m"), match.group(prefix + "d")
    year = match.group(prefix + "y")
    expression = f"{day} {month.rstrip('.')} {year or ''}".strip()
    return _parse_explicit(expression, has_year=year is not None)


@functools.lru_cache(maxsize=4096)
def _parse_explicit(
    expression: str, *, has_year: bool, order: str = "DMY"
) -> tuple[int | None, int, int] | None:
    """Parse a normalised explicit date; the year is None when the text has none.

    Year-less dates are parsed against a leap year so that February 29 survives;
    the real year is chosen by `_year_for`.
    """
    parsed = dateparser.parse(
        expression,
        languages=["en"],
        settings={
            "DATE_ORDER": order,
            "RELATIVE_BASE": dt.datetime(2000, 1, 1),
            "REQUIRE_PARTS": ["day", "month"],
            "STRICT_PARSING": has_year,
        },
    )
    if parsed is None:
        return None
    return (parsed.year if has_year else None), parsed.month, parsed.day


def _numeric_order(match: re.Match[str]) -> str | None:
    """"DMY" or "MDY" when only one reading of a numeric date is valid, else None."""
    a, b = int(match.group("num_a")), int(match.group("num_b"))
    if a == b and 1 <= a <= 12:
        return "DMY"
    if a > 12 and 1 <= b <= 12:
        return "DMY"
    if b > 12 and 1 <= a <= 12:
        return "MDY"
    return None  # both readings valid (8/12/2021), or neither


def _numeric_date(match: re.Match[str]) -> dt.date | None:
    order = _numeric_order(match)
    if order is None:
        return None
    text = match.group("num").replace(".", "/")
    parts = _parse_explicit(text, has_year=True, order=order)
    if parts is None or parts[0] is None:
        return None
    return _safe_date(parts[0], parts[1], parts[2])


# --- the resolution rules -----------------------------------------------------------------


def _resolve_weekday(
    weekday: int, published: dt.date, *, modifier: str = "", future: bool = False
) -> dt.date:
    """The day a weekday names in an article published on ``published``."""
    back = (published.weekday() - weekday) % 7  # 0 when published on that weekday
    ahead = (weekday - published.weekday()) % 7
    if modifier == "last":
        return published - dt.timedelta(days=back or 7)
    if modifier == "next":
        return published + dt.timedelta(days=ahead or 7)
    if future:
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


def _year_for(
    month: int,
    day: int,
    published: dt.date,
    *,
    future: bool = False,
    weekday: int | None = None,
) -> dt.date | None:
    """The occurrence of a year-less date that an article published on ``published`` means."""
    candidates = [
        d for y in (published.year - 1, published.year, published.year + 1)
        if (d := _safe_date(y, month, day)) is not None
    ]
    if weekday is not None:
        agreeing = [d for d in candidates if d.weekday() == weekday]
        candidates = agreeing or candidates
    if not candidates:
        return None
    before = [d for d in candidates if d <= published]
    after = [d for d in candidates if d > published]
    if future:
        on_or_after = [d for d in candidates if d >= published]
        return min(on_or_after) if on_or_after else max(candidates)
    if not before:
        return min(after)
    latest_before = max(before)
    if after:
        soonest_after = min(after)
        if (soonest_after - published).days <= 7 and (published - latest_before).days > 182:
            return soonest_after
    return latest_before


def _resolve_relative(
    phrase: str, published: dt.date | None, *, reference: dt.date | None
) -> dt.date | None:
    if phrase in _WEEKENDS:
        return None if published is None else _weekend_before(published, over=_WEEKENDS[phrase])
    from_published, from_reference = _RELATIVE[phrase]
    if reference is not None and from_reference is not None:
        return reference + dt.timedelta(days=from_reference)
    if published is None:
        return None
    return published + dt.timedelta(days=from_published)


def _weekend_before(published: dt.date, *, over: bool) -> dt.date:
    """The Saturday of the latest weekend on or before ``published``; ``over``: ended before it."""
    back = (published.weekday() - calendar.SATURDAY) % 7
    if over and back < 2:
        back += 7
    return published - dt.timedelta(days=back)


# --- publication dates ---------------------------------------------------------------------


def infer_published(text: str) -> tuple[dt.date | None, str]:
    """Publication date of an article from its text alone, and a short reason.

    A dateline or byline decides ("KABUL, Aug 13, 2021 (Reuters) -"); a date
    standing alone on a line (a page header, possibly added when the page was
    scraped, in any language) is used when it is on or after the reported
    events and within `CLUSTER_DAYS` of them, and rejected when far from them;
    an event date decides only when a weekday vouches for it ("on Sunday,
    August 15", or "on August 15" with "on Sunday" elsewhere), and weekdays
    reported in the past tense then place the publication day in its week. A
    bare event date may be a recap ("since the fall of Kabul on August 15") and
    only bounds the date from below; background ("the September 11 attacks")
    is ignored.

    Returns
    -------
    tuple
        (date or None, reason). None when the text does not say: e.g. an
        article with weekdays only, or a dateline without a year (see
        `corpus` for the help the rest of a corpus gives).
    """
    result = published_from_clues(collect_clues(text))
    return result.date, result.reason


def collect_clues(text: str, *, page_dates: Iterable[dt.date] = ()) -> DateClues:
    """What ``text`` says about its own publication date.

    ``page_dates`` are extra dates from outside the text (HTML metadata),
    treated like a page header: checked against the event dates. Only the
    first `_CLUE_CHARS` characters are read: a long news article has a tenth
    of that, and a huge file should not make loading slow.
    """
    found: list[DateClue] = [DateClue("page", d.month, d.day, d.year) for d in page_dates]
    weekdays: set[int] = set()
    sentences: list[tuple[int, int, int]] = []
    events: list[tuple[DateClue, int, int]] = []
    relative = False
    for match in _DATE_PATTERN.finditer(text, 0, _CLUE_CHARS):
        group = match.lastgroup
        if group == "relative":
            relative = relative or _RELATIVE.get(_phrase_key(match.group(0)), (0, None))[1] is None
            continue
        if _is_future(text, match.start(), match.end()):
            continue
        if group == "weekday":
            modifier = (match.group("wd_mod") or "").lower()
            if modifier != "next":
                weekdays.add(_weekday_of(match.group("wd_only")))
            if not modifier:
                start, end = _sentence_around(text, match.start(), match.end())
                sentences.append((_weekday_of(match.group("wd_only")), start, end))
            continue
        clue = _clue_for(text, match)
        if clue is not None:
            found.append(clue)
            if clue.weekday is not None and clue.kind != "page":
                weekdays.add(clue.weekday)
            if clue.kind == "event":
                start, end = _sentence_around(text, match.start(), match.end())
                events.append((clue, start, end))
    # Count each page date once, and not at all when the text ties it to an event.
    tied = {(c.year, c.month, c.day) for c in found if c.kind != "page"}
    pages = {
        (c.year, c.month, c.day): DateClue("page", c.month, c.day, c.year)
        for c in found + _page_clues(text)
        if c.kind == "page" and (c.year, c.month, c.day) not in tied
    }
    found = [c for c in found if c.kind != "page"] + list(pages.values())
    return DateClues(tuple(found), frozenset(weekdays), relative, tuple(sentences),
                     tuple(events))


_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence (or line) holding text[start:end]."""
    before = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 400), start)),
                 default=max(0, start - 400))
    after = _SENTENCE_END.search(text, end, end + 400)
    return before, after.start() + 1 if after else min(len(text), end + 400)


def published_within(clues: DateClues, *, low: dt.date, high: dt.date) -> dt.date:
    """The publication day in [low, high] that packs the reported weekdays tightest."""
    return _compact_week(clues.weekdays, low=low, high=high, target=high, fixed=None)


def clue_day(clue: DateClue, published: dt.date) -> dt.date | None:
    """The day an event date names in an article published on ``published``."""
    if clue.year is not None:
        return _clue_date(clue)
    return _year_for(clue.month, clue.day, published, weekday=clue.weekday)


def weekday_before(weekday: int, published: dt.date) -> dt.date:
    """The day a weekday reported in the past tense names ("on Friday"), 0 = Monday."""
    return _resolve_weekday(weekday, published)


def _clue_for(text: str, match: re.Match[str]) -> DateClue | None:
    """The clue an explicit date gives, or None when it is background."""
    before = text[max(0, match.start() - 40) : match.start()]
    line_start = text.rfind("\n", 0, match.start()) + 1
    opening = text[line_start : match.start()] if match.start() - line_start <= 40 else "-"
    after = text[match.end() : match.end() + 50]
    line_end = text.find("\n", match.end())
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    kind: ClueKind
    if _DATELINE_BEFORE.search(opening) and _DATELINE_AFTER.search(after):
        kind = "dateline"
    elif _EVENT_CUE.search(before):
        kind = "event"
    elif _SINCE_CUE.search(before):
        kind = "since"
    elif line_date(line) is not None:
        kind = "page"  # a date alone on its line is page chrome until checked
    elif match.lastgroup == "wd_date":
        kind = "event"
    else:
        return None
    if match.lastgroup == "num":
        date = _numeric_date(match)
        return None if date is None else DateClue(kind, date.month, date.day, date.year)
    parts = _explicit_parts(match)
    if parts is None:
        return None
    weekday = _weekday_of(match.group("wd_name")) if match.lastgroup == "wd_date" else None
    year, month, day = parts
    return DateClue(kind, month, day, year, weekday)


def _page_clues(text: str) -> list[DateClue]:
    """Dates standing alone on short lines near the top or bottom of the page."""
    lines = [line.strip() for line in text[:20_000].splitlines() if line.strip()]
    head = lines[:_PAGE_LINES_HEAD]
    tail_lines = [line.strip() for line in text[-5_000:].splitlines() if line.strip()]
    clues = []
    for line in dict.fromkeys(head + tail_lines[-_PAGE_LINES_TAIL:]):
        date = line_date(line)
        if date is not None:
            clues.append(DateClue("page", date.month, date.day, date.year))
    return clues


# A date in a URL's path: /2021/08/13/, /2021-08-13-slug, _20210813_ (a run of
# exactly eight digits, so article ids are not read as dates).
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d\d)(?P<sep>[/_-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])"
    r"|(?<![\d])(?P<y8>(?:19|20)\d\d)(?P<m8>\d\d)(?P<d8>\d\d)(?![\d])"
)


def url_date(url: str) -> dt.date | None:
    """The publication date an outlet wrote into an article's URL, or None.

    Examples
    --------
    >>> url_date("https://news.example/world/2021/08/13/taliban-take-herat")
    datetime.date(2021, 8, 13)
    >>> url_date("https://news.example/story/2003757342") is None
    True
    """
    path = url.split("://", 1)[-1].partition("/")[2]
    for match in _URL_DATE.finditer(path):
        year, month, day = (match.group("y"), match.group("m"), match.group("d"))
        if year is None:
            year, month, day = match.group("y8"), match.group("m8"), match.group("d8")
        found = _safe_date(int(year), int(month), int(day))
        if found is not None and found <= dt.date.today():
            return found
    return None


def line_date(line: str) -> dt.date | None:
    """The full date a short line consists of, in any language dateparser knows, or None.

    For telling page chrome ("vineri, 19 aprilie 2024 - 7:26", "Updated 13 Aug
    2021") from prose: long lines and lines without a four-digit year are not
    date lines.
    """
    line = line.strip()
    if (
        len(line) > _PAGE_LINE_MAX
        or len(line.split()) > _PAGE_LINE_WORDS
        or not _PAGE_LINE_YEAR.search(line)
    ):
        return None
    return _parse_page_line(line)


@functools.lru_cache(maxsize=1024)
def _parse_page_line(line: str) -> dt.date | None:
    # A label may precede the date ("Updated", "Posted on", "Publicat:"): drop
    # up to `_PAGE_LINE_LABEL_WORDS` leading words until the rest parses. A
    # byline ends with the date after a comma ("by Staff Writer, August 10, 2021";
    # "Name, Outlet, 26 August 2021"): the part after each comma is tried too.
    words = line.split()
    tails = [" ".join(words[skip:])
             for skip in range(min(_PAGE_LINE_LABEL_WORDS, len(words) - 1) + 1)]
    tails += [line[comma.end() :].strip() for comma in _COMMA.finditer(line)]
    for tail in dict.fromkeys(tails):
        if not _PAGE_LINE_YEAR.search(tail):
            continue
        parsed = dateparser.parse(
            tail, settings={"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True},
        )
        if parsed is not None:
            return parsed.date()
    return None


def published_from_clues(
    clues: DateClues,
    *,
    reference: dt.date | None = None,
    known: Sequence[dt.date] = (),
) -> Publication:
    """Decide a publication date from an article's clues, and how sure it is.

    Parameters
    ----------
    clues
        From `collect_clues`.
    reference
        A date the rest of the corpus establishes for this article's events
        (see `corpus`); it supplies the year of year-less dates and the week
        that weekdays fall in. A date resting on it is never more than ``low``.
    known
        Publication dates the rest of the corpus is sure of: the candidates for
        the year of a dateline written without one ("KABUL, Aug 13 (Reuters) -").
        Without them and without a year elsewhere in the text, such a dateline
        gives no date.
    """
    return _decide_published(clues, reference, sorted(set(known)))


def _decide_published(
    clues: DateClues, reference: dt.date | None, known: list[dt.date]
) -> Publication:
    tied = [c for c in clues.dates if c.kind != "page"]
    pages = [c for c in clues.dates if c.kind == "page"]
    full_tied = [_clue_date(c) for c in tied if c.year is not None]
    base = reference or max((d for d in full_tied if d is not None), default=None)
    resolved = []
    corpus_year: set[DateClue] = set()  # year-less datelines whose year the corpus gave
    for c in tied:
        if c.year is not None:
            day = _clue_date(c)
        elif base is not None:
            day = _year_for(c.month, c.day, base, weekday=c.weekday)
        elif known:
            day = _corpus_year(c, clues.weekdays, known)
            if day is not None:
                corpus_year.add(c)
        else:
            day = None
        resolved.append((c, day))
    dated = [(c, d) for c, d in resolved if d is not None]
    cluster = _largest_cluster([d for _, d in dated])
    in_cluster = [(c, d) for c, d in dated if d in cluster]
    yearless = [c for c, d in resolved if d is None]

    page_dates = [d for c in pages if (d := _clue_date(c)) is not None]
    kept_pages, rejected = _check_pages(page_dates, cluster, yearless, reference)
    note = (
        "; rejected page date " + ", ".join(d.isoformat() for d in rejected)
        + f" (more than {CLUSTER_DAYS} days from the reported events)"
        if rejected else ""
    )

    datelines = [(c, d) for c, d in in_cluster if c.kind == "dateline"]
    if datelines:
        clue, day = max(datelines, key=lambda cd: cd[1])
        if clue in corpus_year:
            return Publication(day, "dateline without a year; year from the other articles' "
                               "dates" + note, "dateline", "medium")
        sure: Confidence = "low" if reference is not None and clue.year is None else "high"
        return Publication(day, "dateline" + note, "dateline", sure)
    events = [d for c, d in in_cluster if c.kind == "event"]
    lower = max((d for c, d in in_cluster if c.kind in ("since", "event")), default=None)
    # A date the text ties to an event bounds publication from below; it dates the
    # article only when a weekday vouches for it ("on Sunday, August 15", or "on
    # August 15" with "on Sunday" elsewhere): a recap of older events ("since the
    # fall of Kabul on August 15") names no weekday of its own week.
    vouched = [d for c, d in in_cluster if c.kind == "event"
               and (c.weekday is not None or d.weekday() in clues.weekdays)]
    if events:
        latest = max(events)
        consistent = [d for d in kept_pages if latest <= d <= latest + dt.timedelta(days=7)]
        if consistent:
            return Publication(max(consistent), "page date agreeing with reported events" + note,
                               "page", "high")
    if vouched:
        latest = max(vouched)
        day = _compact_week(clues.weekdays, low=latest, high=latest + dt.timedelta(days=6),
                            target=latest, fixed=latest)
        reason = f"latest reported day {latest.isoformat()} (its weekday is reported)"
        if day != latest:
            reason += f", weekdays reported up to {day.isoformat()}"
        sure = "low" if reference is not None else "medium"
        return Publication(day, reason + note, "events", sure)
    later_pages = [d for d in kept_pages if lower is None or d >= lower]
    if later_pages:
        check = ("on or after the reported events" if lower is not None
                 else "near the dates given without a year" if yearless
                 else "no event date to check it")
        sure = "low" if reference is not None else "medium"
        return Publication(max(later_pages), f"page date ({check})" + note, "page", sure)
    if reference is not None and clues.temporal:
        low = reference - dt.timedelta(days=6)
        if lower is not None and lower > low:
            low = lower
        high = max(reference + dt.timedelta(days=6), low)
        day = _compact_week(clues.weekdays, low=low, high=high, target=reference, fixed=None)
        return Publication(day, f"anchored to {reference.isoformat()}" + note, "reference",
                           "low")
    if events:
        return Publication(None, f"dates reported events (latest {max(events).isoformat()}) "
                           "but nothing says how long after them it was written" + note, "none")
    if any(c.kind == "dateline" for c in yearless):
        return Publication(None, "dateline without a year, and no dated article to take "
                           "the year from" + note, "none")
    if yearless:
        return Publication(None, "only dates without a year" + note, "none")
    if clues.weekdays or clues.relative:
        return Publication(None, "only weekdays or relative dates" + note, "none")
    return Publication(None, "no date tied to the reported events" + note, "none")


# How many days before publication the weekdays of a news report name, at most, in
# the year a dateline without one is read in: "on Monday" in a Tuesday report.
_DATELINE_WEEKDAY_DAYS = 2


def _corpus_year(
    clue: DateClue, weekdays: frozenset[int], known: list[dt.date]
) -> dt.date | None:
    """The year-less date of ``clue`` in the year the rest of the corpus points to.

    The candidates are the years of ``known`` and the year after the last. For
    a dateline, the weekdays the article reports must fall in the days just
    before it (at most `_DATELINE_WEEKDAY_DAYS` back), which tells adjacent
    years apart. The date nearest a known date wins; a tie gives None. Any
    other date must then lie within `CLUSTER_DAYS` of a known date and have a
    weekday vouching for it in that year (the one written with it, or one the
    article reports).
    """
    years = range(known[0].year, known[-1].year + 2)
    candidates = [d for y in years if (d := _safe_date(y, clue.month, clue.day)) is not None]

    def gap(day: dt.date) -> int:
        at = bisect.bisect_left(known, day)
        return min(abs((day - k).days) for k in known[max(0, at - 1) : at + 1])

    if clue.kind == "dateline" and weekdays:
        recent = [d for d in candidates
                  if max((d - _resolve_weekday(w, d)).days for w in weekdays)
                  <= _DATELINE_WEEKDAY_DAYS]
        candidates = recent or candidates
    ranked = sorted(candidates, key=gap)
    if not ranked or (len(ranked) > 1 and gap(ranked[0]) == gap(ranked[1])):
        return None
    if clue.kind != "dateline":
        # The year comes first, from the corpus; a weekday matching only in another
        # year ("since August 15" and "on Monday" in a report of a later week) is chance.
        vouching = {clue.weekday} if clue.weekday is not None else weekdays
        if ranked[0].weekday() not in vouching or gap(ranked[0]) > CLUSTER_DAYS:
            return None
    return ranked[0]


def _clue_date(clue: DateClue) -> dt.date | None:
    return None if clue.year is None else _safe_date(clue.year, clue.month, clue.day)


def _largest_cluster(dates: list[dt.date]) -> set[dt.date]:
    """The dates within `CLUSTER_DAYS` of each other that outnumber the rest (latest on ties)."""
    best: set[dt.date] = set()
    for centre in sorted(set(dates)):
        group = {d for d in dates if abs((d - centre).days) <= CLUSTER_DAYS}
        members = sum(1 for d in dates if d in group)
        best_members = sum(1 for d in dates if d in best)
        if members > best_members or (members == best_members and best and centre > max(best)):
            best = group
    return best


def _check_pages(
    pages: list[dt.date],
    cluster: set[dt.date],
    yearless: list[DateClue],
    reference: dt.date | None,
) -> tuple[list[dt.date], list[dt.date]]:
    """Split page dates into those near the reported events and those far from all of them."""
    kept, rejected = [], []
    for page in pages:
        anchors = list(cluster)
        # A year-less date is near if any of its yearly occurrences is.
        anchors += [
            d for c in yearless for y in (page.year - 1, page.year, page.year + 1)
            if (d := _safe_date(y, c.month, c.day)) is not None
        ]
        if reference is not None:
            anchors.append(reference)
        if anchors and min(abs((page - a).days) for a in anchors) > CLUSTER_DAYS:
            rejected.append(page)
        else:
            kept.append(page)
    return kept, rejected


def _compact_week(
    weekdays: frozenset[int],
    *,
    low: dt.date,
    high: dt.date,
    target: dt.date,
    fixed: dt.date | None,
) -> dt.date:
    """The publication day that puts the reported weekdays in the tightest span.

    Each candidate day P in [low, high] resolves every weekday to its latest
    occurrence on or before P; P must itself be a reported day (a weekday or
    ``fixed``). The tightest span wins, then the day nearest ``target``, then
    the later day. With nothing to place, the answer is ``fixed`` or ``target``.
    """
    best: tuple[int, int, int] | None = None
    best_day = fixed or target
    day = low
    while day <= high:
        days = [_resolve_weekday(w, day) for w in weekdays]
        if fixed is not None:
            days.append(fixed)
        if days and max(days) == day:
            key = ((max(days) - min(days)).days, abs((day - target).days), -day.toordinal())
            if best is None or key < best:
                best, best_day = key, day
        day += dt.timedelta(days=1)
    return best_day
