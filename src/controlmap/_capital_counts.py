"""Counts of fallen provincial capitals stated in prose ("12 of the 34 provincial capitals").

`_counts` reads a sentence for a count of fallen capitals with the count patterns of
`_rules.Rules`, reads the number in digits or English words, and dates the count by
its sentence or by publication. Not for: events about named places (`extract`), or
checking the counts against the reconciled map (`reconcile`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from types import MappingProxyType

from ._event_dates import _NUMBERS, _Date
from ._rules import Rules, _normalise
from ._sentences import _Sentence
from .records import Article, CapitalCount

_ORDINALS = MappingProxyType({
    word: value
    for value, word in enumerate(
        [
            "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
            "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
            "fifteenth",
            "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
        ]
    )
})
# "more", "other" or the like just before a count: it counts further falls, not all of them.
_MORE_BEFORE = re.compile(r"\b(?:other|more|another|further|additional)\s+\S*\s*$")
_TENS = MappingProxyType({"twenty": 20, "thirty": 30, "forty": 40})
_FRACTIONS = MappingProxyType({
    "a quarter": 0.25, "a third": 1 / 3, "half": 0.5, "two-thirds": 2 / 3,
    "three-quarters": 0.75, "a fifth": 0.2,
})


def _number(word: str) -> int | None:
    """An integer written as digits or English words ("12", "twelve", "thirty-four")."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    digits = re.match(r"^(\d+)(?:st|nd|rd|th)$", word)
    if digits:
        return int(digits.group(1))
    if word in _NUMBERS:
        return _NUMBERS[word]
    if word in _ORDINALS:
        return _ORDINALS[word]
    parts = word.split("-")
    if len(parts) == 2 and parts[0] in _TENS:
        unit = _NUMBERS.get(parts[1], _ORDINALS.get(parts[1]))
        if unit is not None:
            return _TENS[parts[0]] + unit
    return _TENS.get(word)


def _qualified(value: float, qualifier: str) -> int:
    """The whole count a qualified amount names: "over a third of 34" is at least 12.

    "over"/"more than" give the next whole number above ``value``, "at least" the
    smallest whole number not below it, "almost"/"nearly" the largest below it; a
    bare or approximate amount ("about a third") is rounded down.
    """
    qualifier = qualifier.strip()
    if qualifier in ("over", "more than"):
        return math.floor(value) + 1
    if qualifier == "at least":
        return math.ceil(value)
    if qualifier in ("almost", "nearly"):
        return math.ceil(value) - 1
    return math.floor(value)


def _counts(
    sentence: _Sentence,
    article: Article,
    dates: Callable[[], Sequence[_Date]],
    rules: Rules,
) -> list[CapitalCount]:
    """Counts of fallen capitals stated by a sentence, dated by it or by publication.

    ``dates()`` gives the sentence's dates; it is called only when there is a count.
    """
    if "capital" not in sentence.text.lower():
        return []
    norm = _normalise(sentence.text)
    for pattern in rules.count_patterns:
        match = pattern.search(norm)
        if match is None:
            continue
        groups = match.groupdict()
        if not groups.get("q") and _MORE_BEFORE.search(
            norm[: match.start() + len(match.group(0).split()[0]) + 1]
        ):
            continue  # "three more capitals" ("more than 20 of ..." is a qualifier)
        if groups.get("frac") is not None:
            total = _number(groups["total"])
            if total is None:
                continue
            frac = groups["frac"]
            share = total * _FRACTIONS[frac] if frac in _FRACTIONS else _number(frac)
            count = None if share is None else _qualified(share, groups.get("q") or "")
        elif groups.get("ord") is not None:
            count, total = _number(groups["ord"]), rules.default_total
        else:
            count, total = _number(groups["n2"]), rules.default_total
        if count is None or total is None or not 0 < count <= total:
            continue
        own = dates()
        day = own[0].day if own else article.published
        evidence = " ".join(sentence.text.split())
        return [CapitalCount(article.id, day, count, total, evidence)]
    return []
