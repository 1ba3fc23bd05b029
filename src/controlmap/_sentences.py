"""Sentences of an article: where each starts and ends, and which place names it holds.

The whole article goes through blingfire's sentence model in one call (about
4 MB/s; pysbd is right more often but about 60 times slower), its sentences are
mapped back onto the text and cut at line breaks, and a segment that ends with a
title abbreviation ("Dr.", "Gen.", listed in the rules file) is joined to the next.
Lines that link to other stories ("Read more: ...", ">> ...") are dropped. The
gazetteer's names, found once over the whole text, are shared out to the sentences.

Not for: deciding what a sentence says (`extract`) or dating it (`_event_dates`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import blingfire

from ._rules import Rules, _default_rules
from .records import Mention


class _Sentence(NamedTuple):
    """One sentence of an article (a tuple: built for every sentence, so kept cheap)."""

    start: int
    end: int
    text: str
    mentions: tuple[Mention, ...]  # offsets relative to the sentence
    paragraph: int  # offset of the start of its line in the article


def split_sentences(text: str, *, rules: Rules | None = None) -> list[tuple[int, int]]:
    """Offsets of the sentences of ``text``; a sentence never crosses a line break.

    The whole text goes through blingfire's sentence model in one call (one call
    per paragraph would cost more than the model itself); its sentences are mapped
    back onto the text and cut at line breaks, so headings and paragraphs stay
    apart. A segment that ends with an abbreviation such as "Dr." or "Gen." is
    joined to the next one of its paragraph, which blingfire would otherwise split.

    Parameters
    ----------
    text
        Any text.
    rules
        Rule tables (the abbreviation list); by default the bundled ones.

    Returns
    -------
    ``(start, end)`` offsets into ``text`` of each non-blank sentence, in order.
    """
    rules = rules or _default_rules()
    abbreviations = rules.abbreviations
    flat = text.replace("\n", " ").replace("\r", " ")
    returns = "\r" in text
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in blingfire.text_to_sentences(flat).split("\n"):
        if not sentence:
            continue
        start = flat.find(sentence, cursor)
        if start < 0:  # the model changed the text: fall back to offsets per paragraph
            return _split_by_paragraph(text, rules)
        cursor = start + len(sentence)
        pieces: Sequence[tuple[int, int]] = ((start, cursor),)  # blingfire trims sentences
        if text.find("\n", start, cursor) >= 0 or (returns and text.find("\r", start, cursor) >= 0):
            pieces = _cut_at_line_breaks(text, start, cursor)
        for piece in pieces:
            if spans:
                # Join to the previous piece if it ends with "Dr." or the like, no "\n" between.
                first, last = spans[-1]
                if text.find("\n", last, piece[0]) < 0 and _ends_with_abbreviation(
                    text, first, last, abbreviations
                ):
                    spans[-1] = (first, piece[1])
                    continue
            spans.append(piece)
    return spans


def _cut_at_line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]``, trimmed, as offsets."""
    spans = []
    for line in re.finditer(r"[^\n\r]+", text[start:end]):
        stripped = line.group(0).strip()
        if stripped:
            offset = start + line.start() + line.group(0).index(stripped)
            spans.append((offset, offset + len(stripped)))
    return spans


def _split_by_paragraph(text: str, rules: Rules) -> list[tuple[int, int]]:
    """The slower splitting path: blingfire's offsets, one call per line."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        if not line.group(0).strip():
            continue
        _, offsets = blingfire.text_to_sentences_and_offsets(line.group(0))
        for a, b in offsets:
            a, b = line.start() + a, line.start() + b
            if spans and spans[-1][1] >= line.start() and _ends_with_abbreviation(
                text, spans[-1][0], spans[-1][1], rules.abbreviations
            ):
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return spans


def _ends_with_abbreviation(
    text: str, start: int, end: int, abbreviations: frozenset[str]
) -> bool:
    """Whether ``text[start:end]`` ends with "Dr." or another abbreviation that ends no sentence.

    The abbreviation is the segment's last space-separated word, without its final
    full stop and any opening brackets or quotes.
    """
    if end <= start or text[end - 1] != ".":
        return False
    space = text.rfind(" ", start, end)
    return text[space + 1 if space >= 0 else start : end - 1].lstrip("(\"'“") in abbreviations


def article_sentences(text: str, mentions: Sequence[Mention], rules: Rules) -> list[_Sentence]:
    """The sentences of ``text`` with their mentions, minus links to other stories.

    Lines that link to other stories ("Read more: ...", ">> ...") repeat other
    articles' headlines and are dropped.
    """
    sentences: list[_Sentence] = []
    count = len(mentions)
    cursor = 0
    upcoming = mentions[0].start if mentions else len(text)  # start of the next mention
    paragraph, paragraph_end, link = 0, -1, False
    for start, end in split_sentences(text, rules=rules):
        if start > paragraph_end:
            paragraph = text.rfind("\n", 0, start) + 1
            paragraph_end = text.find("\n", start)
            paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
            link = rules.link_line.match(text, paragraph) is not None
        own: tuple[Mention, ...] = ()
        if upcoming < end:  # else no mention starts before the sentence ends
            while cursor < count and mentions[cursor].start < start:
                cursor += 1
            found: list[Mention] = []
            while cursor < count and mentions[cursor].end <= end:
                m = mentions[cursor]
                found.append(Mention(m.place, m.start - start, m.end - start, m.surface))
                cursor += 1
            own = tuple(found)
            upcoming = mentions[cursor].start if cursor < count else len(text)
        if not link:
            fields = (start, end, text[start:end], own, paragraph)
            # What _Sentence(*fields) does, without the call to its Python-level __new__.
            sentences.append(tuple.__new__(_Sentence, fields))
    return sentences


def _next_sentence(text: str, end: int) -> str:
    """The text of the sentence after offset ``end`` (read only for hedges), or ""."""
    match = _NEXT_SENTENCE.match(text, end)
    return match.group(1) if match else ""


_NEXT_SENTENCE = re.compile(r"\s*([^\n]{0,240}?[.!?](?=\s|$)|[^\n]{1,240})")
