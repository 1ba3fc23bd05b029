"""Names the gazetteer does not know, found where a control word stands next to them.

`_unresolved` reports a capitalised name after a control word ("seized X", "the
fall of X") or before one ("X fell", "X was captured") that no gazetteer mention
covers, so that a user can add the place. Not for: deciding what a sentence says
about a known place (`extract`), or matching known names (`gazetteer`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import Any

from ._rules import Rules, _automaton
from ._sentences import _Sentence
from .records import Article, Unresolved

_NAME = r"([A-Z][a-z]+(?:[- ](?:[ei]-)?[A-Z][a-z]+){0,2})"
# "seized X", "the fall of X": the name follows a control word (and a space).
_TRIGGERS_BEFORE_NAME = (
    "seized ", "captured ", "took ", "overran ", "overrun ", "entered ", "besieged ",
    "encircled ", "surrounded ", "retook ", "recaptured ", "control of ", "fall of ",
    "capture of ", "fighting in ", "city of ", "town of ", "district of ",
)
_NAME_AFTER_TRIGGER = re.compile(rf"(?:the )?{_NAME}")
# "X fell": found from the verb, then the name is read just before it.
_FALLS_AFTER_NAME = (
    "fell", "fallen", "falls", "surrendered", "captured", "seized", "taken", "overrun",
)
_AUXILIARY_BEFORE = re.compile(r"(?:(?:has|had|was|have) )?$")
_PASSIVE = frozenset({"captured", "seized", "taken", "overrun"})
_NAME_BEFORE = re.compile(rf"(?<![A-Za-z]){_NAME} $")


def _unresolved(
    text: str, sentences: Sequence[_Sentence], article: Article, rules: Rules
) -> tuple[Unresolved, ...]:
    """Capitalised names in a control position that the gazetteer did not match."""
    starts: list[int] = []
    known_starts: set[int] = set()  # where the gazetteer's mentions start and end
    known_ends: set[int] = set()
    for sentence in sentences:
        starts.append(sentence.start)
        for mention in sentence.mentions:
            known_starts.add(sentence.start + mention.start)
            known_ends.add(sentence.start + mention.end)
    triggers: list[int] = []  # ends of the words before a name
    falls: list[tuple[int, str]] = []  # starts of the words after a name
    for last, word in _name_cues().iter(text):
        first = last + 1 - len(word)
        if _is_word_character(text, first - 1):
            continue  # inside a word: "retook" holds "took", "befell" "fell"
        if word.endswith(" "):
            triggers.append(last + 1)
        elif not _is_word_character(text, last + 1):
            falls.append((first, word))
    matches = []
    for end in triggers:
        after = end + (4 if text.startswith("the ", end) else 0)
        if after in known_starts or not text[after : after + 1].isupper():
            continue  # a known place, or no name: cheap tests before the regex
        name = _NAME_AFTER_TRIGGER.match(text, end)
        if name is not None:
            matches.append(name)
    for fall_start, fall in falls:
        auxiliary = _AUXILIARY_BEFORE.search(text, max(0, fall_start - 5), fall_start)
        start = auxiliary.start() if auxiliary else fall_start
        if fall in _PASSIVE and not text.startswith("was ", start):
            continue  # "X captured ..." is active: X is the captor
        word = text.rfind(" ", max(0, start - 40), start - 1) + 1
        if start - 1 in known_ends or not text[word : word + 1].isupper():
            continue
        before = _NAME_BEFORE.search(text, max(0, start - 60), start)
        if before is not None:
            matches.append(before)
    found: set[Unresolved] = set()
    for match in matches:
        a, b = match.start(1), match.end(1)
        index = bisect.bisect_right(starts, a) - 1
        if index < 0 or sentences[index].end < b or sentences[index].start == a:
            continue  # outside the kept sentences, or a capitalised sentence opening
        sentence = sentences[index]
        if match.group(1).split()[0] in rules.not_places or any(
            sentence.start + m.start < b and a < sentence.start + m.end for m in sentence.mentions
        ):
            continue
        found.add(Unresolved(article.id, match.group(1), " ".join(sentence.text.split()), a, b))
    return tuple(sorted(found, key=lambda u: (u.start, u.name)))


@functools.cache
def _name_cues() -> Any:
    """One automaton of the words before and after names (built once, read-only).

    One Aho-Corasick pass over the article finds both lists, several times faster
    than scanning the article with two regular expressions.
    """
    return _automaton([*_TRIGGERS_BEFORE_NAME, *_FALLS_AFTER_NAME])


def _is_word_character(text: str, offset: int) -> bool:
    """Whether ``text[offset]`` exists and is a word character (re's ``\\w``)."""
    return 0 <= offset < len(text) and (text[offset].isalnum() or text[offset] == "_")
