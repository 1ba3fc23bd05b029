"""Dating the events of an article: which day each sentence's statement is about.

`_Calendar` resolves the date expressions of an article's sentences lazily (with
`dates.find_dates`), keeps those that can date an event, and gives an event the day
of its own sentence or, failing that, of the sentence, paragraph or article around
it. Not for: resolving one date expression (`dates`), deciding what a sentence
says about a place (`extract`), or merging reports into one state per day
(`reconcile`).

Dates
-----
1. An event takes the date expression of its sentence nearest to the place name
   (`dates.find_dates`). Not counted: dates after publication or more than
   `_MAX_AGE_DAYS` before it, the start of a period ("since August 6"), and a date
   inside a fronted "After/Following ...," phrase, which dates that phrase. A date
   does not reach across a semicolon, and one in the same part of the sentence
   (between ", and", ", but") is preferred ("X fell on Aug. 7, and Y on Aug. 8"). A
   place inside "a day after ..." is dated one day before the sentence's own date.
   Anaphoric phrases ("hours later", "earlier in the day", "the next day", "a day
   later") count from the sentence's first firm date, else from the last date the
   article has given. Nearest means the shortest gap between the date and the name
   ("X on Tuesday and Y a day later": Y takes "a day later").
2. A fall (or claim) with no date of its own, or only an anaphoric one, takes the
   earliest date the article gives a fall of the same place elsewhere: news repeats
   an event and dates it once (applied by `extract`, which sees all the findings).
3. A statement in the present with "now" or "currently" ("X is now in Taliban
   hands") is dated by publication.
4. A fall in a sentence that recaps earlier falls without a day ("already", "earlier
   this week", "after the fall of X", "so far") keeps an empty date: it happened on
   or before publication.
5. Otherwise the event takes the last date given earlier in its paragraph; for
   background in the past perfect ("X had been under attack for weeks. But on
   Thursday, ..."), the date that the next sentence of the paragraph opens with;
   then the last date of the previous paragraph; then the publication date; and is
   left empty without one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from ._sentences import _Sentence
from .dates import find_dates
from .records import Mention

# Dates this far before publication are background, not the day of an event.
_MAX_AGE_DAYS = 45


class _Calendar:
    """The dates of an article's sentences, computed only when an event needs them.

    Date resolution is the costly step, and most sentences hold no event, so each
    sentence's dates are found on first use and kept.
    """

    def __init__(self, sentences: Sequence[_Sentence], text: str,
                 published: dt.date | None) -> None:
        self._sentences = sentences
        self._text = text
        self.published = published
        self._dates: dict[int, list[_Date]] = {}
        self._paragraph_dates: dict[int, dt.date | None] = {}
        self._story_at = 0  # story() has read the sentences before this one
        self._story_day: dt.date | None = None

    def dates(self, position: int) -> list[_Date]:
        """Usable dates of one sentence.

        Anaphoric ones ("hours later") count from the sentence's own first firm
        date when it has one ("On Thursday, ... and, hours later, ..."), else from
        the story so far.
        """
        if position not in self._dates:
            text = self._sentences[position].text
            dates = _usable_dates(text, self.published, None)
            weak = [d for d in dates if d.weak]
            if weak:
                firm = [d for d in dates if not d.weak and d.start < weak[0].start]
                reference = firm[0].day if firm else self.story(position)
                dates = _usable_dates(text, self.published, reference)
            self._dates[position] = dates
        return self._dates[position]

    def _sets(self, position: int) -> dt.date | None:
        """The day a sentence sets for what follows it, if any."""
        # "A week ago, ..." looks back from publication: it sets no day for what follows
        firm = [d for d in self.dates(position) if not d.bound]
        dates = _narrative_dates(self._sentences[position].text, firm)
        return dates[-1].day if dates else None

    def story(self, position: int) -> dt.date | None:
        """The last day given before sentence ``position`` anywhere in the article."""
        if position < self._story_at:  # asked out of order: look back
            for earlier in range(position - 1, -1, -1):
                day = self._sets(earlier)
                if day is not None:
                    return day
            return None
        while self._story_at < position:  # sentences are read in order: carry forward
            day = self._sets(self._story_at)
            self._story_day = day or self._story_day
            self._story_at += 1
        return self._story_day

    def earlier(self, position: int) -> dt.date | None:
        """The last day given by an earlier sentence of the same paragraph."""
        paragraph = self._sentences[position].paragraph
        for earlier in range(position - 1, -1, -1):
            if self._sentences[earlier].paragraph != paragraph:
                break
            day = self._sets(earlier)
            if day is not None:
                return day
        return None

    def later(self, position: int) -> dt.date | None:
        """The day the next sentence of the paragraph opens with ("But on Thursday, ...")."""
        following = position + 1
        if (
            following >= len(self._sentences)
            or self._sentences[following].paragraph != self._sentences[position].paragraph
        ):
            return None
        dates = _narrative_dates(self._sentences[following].text, self.dates(following))
        return dates[0].day if dates and dates[0].start <= _OPENING else None

    def carried(self, position: int) -> dt.date | None:
        """The last day given by the paragraph before this sentence's paragraph."""
        paragraph = self._sentences[position].paragraph
        if paragraph not in self._paragraph_dates:
            # The nearest non-blank line before the paragraph, found without copying
            # the text before it (an article may be tens of megabytes long).
            end = paragraph - 1
            line = ""
            while end > 0 and not line.strip():
                start = self._text.rfind("\n", 0, end) + 1
                line, end = self._text[start:end], start - 1
            firm = [d for d in _usable_dates(line, self.published, None) if not d.bound]
            dates = _narrative_dates(line, firm)
            self._paragraph_dates[paragraph] = dates[-1].day if dates else None
        return self._paragraph_dates[paragraph]

    def day_of(self, position: int, own: _Date | None, *, recap: bool = False) -> dt.date | None:
        """The day of an event of sentence ``position`` whose own date is ``own``.

        With ``recap`` (a fall), a sentence that recaps earlier falls without a day
        (`_is_recap`) leaves the date empty.

        Without a date of its own, the event takes the publication date if it is
        stated in the present ("X is now in Taliban hands"), else the last day given
        earlier in its paragraph, else, for background in the past perfect, the day
        the next sentence opens with, else the last day of the previous paragraph,
        else the publication date.
        """
        if own is not None:
            return own.day
        text = self._sentences[position].text
        if recap and _is_recap(text):
            return None  # on or before publication, on a day not given
        day = None
        if _PRESENT_WORD.search(text) and _PRESENT.search(text):
            day = self.published  # "X is now in Taliban hands": as of publication
        if day is None:
            day = self.earlier(position)
        # A quick test first, as with _DAY_RELATION.
        if day is None and "had" in text.lower() and _PAST_PERFECT.search(text):
            # Background told before its date ("X had been under attack for weeks.
            # But on Thursday, fighters broke through.") belongs to the day that the
            # next sentence opens with.
            day = self.later(position)
        if day is None:
            day = self.carried(position) or self.published
        return day


def _is_recap(text: str) -> bool:
    """Whether a sentence recaps earlier falls without a day ("X and Y were taken
    earlier this week", "after the fall of X", "X is already under Taliban control").

    Such a fall happened on or before publication, on a day the sentence does not
    give: it keeps an empty date rather than the day of the paragraph around it.
    """
    return _RECAP.search(text) is not None


_RECAP = re.compile(
    r"\b(?:already|earlier this (?:week|month)|last (?:week|month)|previously|earlier captured"
    r"|in recent (?:days|weeks)|so far|to date|over the (?:past|last) (?:week|few days|\w+ days)"
    # "a few hours after the capture of X" is dated by the sentence's own day
    r"|(?<!hours )(?<!days )(?<!day )(?<!shortly )(?<!soon )(?<!just )"
    r"(?:after|since|following) the (?:fall|capture|loss|collapse) of)\b",
    re.IGNORECASE,
)


_ANAPHORIC = re.compile(
    r"^(?:earlier|later) in the day$|^hours (?:earlier|later)$|^(?:earlier|later) today$"
    r"|^a day (?:later|earlier)$|^the (?:next|following|previous) day$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Date:
    """A date expression of a sentence that can date an event."""

    start: int
    end: int
    day: dt.date
    weak: bool  # anaphoric ("hours earlier"): yields to the article's own date of the event
    # dates only its own part of the sentence: "lost two weeks ago, and fighting
    # continues in X" does not date the fighting
    bound: bool = False


def _usable_dates(
    sentence: str, published: dt.date | None, narrative: dt.date | None
) -> list[_Date]:
    """The date expressions of a sentence that can date an event.

    Dropped: unresolvable ones, those after publication or more than
    `_MAX_AGE_DAYS` before it, the start of a period ("since August 6"), and a
    span ("in the last week").
    """
    usable = []
    for found in find_dates(sentence, published, reference=narrative):
        day = found.date
        if day is None or found.text.lower().endswith(" ago"):
            continue  # a count back from publication is read by `_ago_dates`, bound
        if published is not None and not (
            published - dt.timedelta(days=_MAX_AGE_DAYS) <= day <= published
        ):
            continue
        if _SINCE.search(sentence[max(0, found.start - 12) : found.start]):
            continue
        if _OVER_A_PERIOD.search(sentence[max(0, found.start - 20) : found.start]) and (
            _WEEK_OR_MONTH.search(found.text)
        ):
            continue  # "in the last week, the government has lost ...": a span, no day
        weak = bool(_ANAPHORIC.match(" ".join(found.text.split())))
        usable.append(_Date(found.start, found.end, day, weak))
    ago = _ago_dates(sentence, published)
    return sorted(usable + ago, key=lambda d: d.start) if ago else usable


_NUMBERS = MappingProxyType({
    word: value
    for value, word in enumerate(
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
            "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
        ]
    )
})

# "three days ago", "a week ago": counted back from publication, as dates of the
# event itself (not of the report).
_AGO = re.compile(
    r"\b(?P<count>an?|\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(?P<unit>days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)


def _ago_dates(sentence: str, published: dt.date | None) -> list[_Date]:
    """Dates written as a count of days or weeks before publication ("a week ago")."""
    if published is None or "ago" not in sentence.lower():
        return []
    found = []
    for match in _AGO.finditer(sentence):
        count = match.group("count").lower()
        number = 1 if count in ("a", "an") else int(count) if count.isdigit() else _NUMBERS[count]
        days = number * (7 if match.group("unit").lower().startswith("week") else 1)
        if 0 < days <= _MAX_AGE_DAYS:
            day = published - dt.timedelta(days=days)
            found.append(_Date(match.start(), match.end(), day, False, bound=True))
    return found


_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)
_OVER_A_PERIOD = re.compile(
    r"\b(?:in|over|during|within|throughout)\s+the\s+(?:past\s+)?$", re.IGNORECASE
)
_WEEK_OR_MONTH = re.compile(r"\b(?:week|month)\b", re.IGNORECASE)
_FRONTED = re.compile(r"(?:^|[:;]\s*)\W*(?:after|following)\b[^,;]*,", re.IGNORECASE)


def _fronted(text: str) -> re.Match[str] | None:
    """The fronted "After/Following ...," phrase of a sentence, if any."""
    if "fter" not in text and "ollowing" not in text:  # cheap test before the regex
        return None
    return _FRONTED.search(text)


def _narrative_dates(text: str, dates: Sequence[_Date]) -> list[_Date]:
    """The dates that set the day of what follows: not those of a fronted "After ...," phrase."""
    fronted = _fronted(text)
    if fronted is None:
        return list(dates)
    return [d for d in dates if not fronted.start() <= d.start < fronted.end()]


def _date_for(mention: Mention, sentence: str, dates: Sequence[_Date]) -> _Date | None:
    """The date a sentence gives one mention: the nearest expression, "a day after" aware.

    A date inside a fronted "After/Following ...," phrase dates that phrase, not the
    main clause, so it does not date a place named after the comma.
    """
    fronted = _fronted(sentence)
    if fronted and mention.start >= fronted.end():
        dates = [d for d in dates if d.start >= fronted.end()]
    if not dates:
        return None
    relation = None
    relations = _DAY_RELATION.finditer(sentence) if " day " in sentence.lower() else ()
    for match in relations:
        clause_end = re.search(r"[,;]", sentence[match.end() :])
        limit = match.end() + (clause_end.start() if clause_end else len(sentence))
        if match.end() <= mention.start < limit:
            relation = match
    if relation is not None:
        others = [d for d in dates if not (relation.start() <= d.start < relation.end())]
        if others:
            shift = 1 if "after" in relation.group(0).lower() else -1
            return replace(others[-1], day=others[-1].day - dt.timedelta(days=shift))
    # A semicolon ends the reach of a date; ", and" or ", but" only make a nearer
    # date of the same part preferable ("X fell on Aug. 7, and Y fell on Aug. 8").
    hard_start, hard_end = _part_around(_HARD_BREAK, sentence, mention.start)
    dates = [d for d in dates if hard_start <= d.start < hard_end]
    soft_start, soft_end = _part_around(_SOFT_BREAK, sentence, mention.start)
    near = [d for d in dates if soft_start <= d.start < soft_end] or [
        d for d in dates if not d.bound
    ]
    if not near:
        return None
    # nearest by the gap between the two spans: "X on Tuesday and Y a day later"
    return min(
        near,
        key=lambda d: d.start - mention.end if d.start >= mention.end else mention.start - d.end,
    )


# "One day after", "the day before". Any text this matches has " day " in its
# str.lower(): no letter outside ASCII is the same as a, d, h or y to re.IGNORECASE.
_DAY_RELATION = re.compile(r"\b(?:a|one|the) day (?:after|before)\b", re.IGNORECASE)
_HARD_BREAK = re.compile(r";")
_SOFT_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\b|\band,|\bwhile\b")


def _part_around(breaks: re.Pattern[str], sentence: str, offset: int) -> tuple[int, int]:
    """Offsets of the part of ``sentence`` between the breaks around ``offset``."""
    start, end = 0, len(sentence)
    for found in breaks.finditer(sentence):
        if found.end() <= offset:
            start = found.end()
        elif found.start() >= offset:
            end = found.start()
            break
    return start, end


_PRESENT_WORD = re.compile(r"[Nn]ow\b|[Cc]urrently")
_PRESENT = re.compile(
    r"\b(?:is|are|remains?|holds?|controls?|has|have)\b[^.;]{0,40}\b(?:now|currently)\b"
    r"|\b(?:now|currently)\b[^.;]{0,20}\b(?:is|are|remains?|holds?|control|controls|has|have)\b",
    re.IGNORECASE,
)
# A date this close to the start of a sentence opens it ("But on Thursday afternoon, ...").
_OPENING = 16
_PAST_PERFECT = re.compile(r"\bhad\s+(?:\w+\s+)?(?:been|\w+ed|\w+en)\b", re.IGNORECASE)
