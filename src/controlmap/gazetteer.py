"""The gazetteer: every spelling of every place, and a fast matcher that finds them in text.

`load_gazetteer` reads ``data/places.csv`` (or a table of the same shape) into a
`Gazetteer`, which answers two questions: which place a name means
(`Gazetteer.lookup`) and where a text names places (`Gazetteer.find`, an
Aho-Corasick automaton over folded spellings, so one pass over the text finds
them all). Not for coordinates-to-region work (that is `controlmap.geocode`) nor
for deciding whether a sentence reports a capture (that is the extractor).

Matching rules, for both functions:

- Text and names are compared after `fold`: lower case, accents stripped,
  apostrophes, quotes, hyphens and line breaks read as spaces. "Mazār-e Sharīf",
  "MAZAR-E-SHARIF" and "Mazar e Sharif" are one name.
- When several places share a spelling, the most prominent wins: a provincial
  capital, then the province, then a city, border crossing, airport, base,
  district, town; ties go to the larger population, then the smaller
  ``place_id``. So "Kabul" is the city (province AF-KAB), "Balkh" is the
  province (its capital is Mazar-i-Sharif, not the district of Balkh, which
  "Balkh district" names).
- Except for districts of one name in several provinces (Kandahar's and Zabul's
  Arghandab, Badakhshan's capital Fayzabad and Jowzjan's district): in a text,
  the one whose province the text names nearest to the mention (the province,
  its capital or any place in it) is meant; `Gazetteer.lookup` takes the
  province as an argument instead.
- A province name followed by "province" ("Kandahar province", "Helmand
  provinces") or preceded by "province of" means the province itself, and so
  do the names listed before a plural ("Kandahar, Helmand and Herat
  provinces"): the mention's place is then the province entry (its offsets
  still cover only the name as written).
- A district whose own name is a word or a first name ("Dara", "Kang", "Chal")
  is named "X district" in the table; `Gazetteer.find` reads "X" alone as that
  district only after "district of", "districts, including" or "districts:"
  and before "districts", and in a list of names joined
  to those words ("the districts of Nari, Kang and Dara"; "Nari and Kang
  districts").
- `Gazetteer.find` keeps only whole-word matches, prefers the longest match at
  each place in the text ("Mazar-i-Sharif", not "Mazar"), never returns
  overlapping mentions, and skips matches written all in lower case (proper
  names are capitalised in English prose; this keeps words such as "lash" or
  "march" out).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import pandas as pd

from controlmap._resources import data_path
from controlmap.errors import DataError, InputError
from controlmap.records import Mention, Place

logger = logging.getLogger(__name__)

PLACE_COLUMNS = [
    "place_id", "name", "kind", "province_id", "province", "lat", "lon", "population", "aliases",
]
KINDS = ("capital", "province", "city", "border_crossing", "airport", "base", "district", "town")
ALIAS_SEPARATOR = "|"

# Characters read as word separators; each becomes one space so offsets keep.
_SEPARATORS = "-‐‑‒–—―_'`´‘’‚‛′ʹʻʼʽʾʿˈ\"“”„\t\n\r\f\v\u00a0\u2009\u200a\u202f"
_EXTRA_LETTERS = {"ı": "i", "ł": "l", "đ": "d", "ð": "d", "þ": "t", "ø": "o", "æ": "a", "œ": "o"}
_NEEDS_FOLDING = re.compile(r"[^\x00-\x7f]|[-_'`\"\t\n\r\f\v]")
# Starts with a literal so that the regex engine skips ahead at C speed.
_PROVINCE_WORD = re.compile(r"province(s?)(?![a-z0-9])( +of +)?")
_LIST_GAP = re.compile(r" *(?:, *(?:and +|or +)?| +(?:and|or) +)")
# Where a name that is also a word is read as a district: after "district of",
# "districts, including" or "districts:" (and the names
# listed after it), or before "districts" (and the names listed before it);
# "X district" is a key of its own.
_DISTRICT_BEFORE = re.compile(
    r"districts? *(?:,? +(?:of|including|namely|such as|like) +|: *)$"
)
_DISTRICT_AFTER = re.compile(r" +districts?(?![a-z0-9])")


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One-character replacements: upper case and accented Latin letters, and separators."""
    table: dict[int, str] = {}
    ranges = (range(0x80, 0x250), range(0x1E00, 0x1F00))
    for codepoint in (cp for block in ranges for cp in block):
        char = chr(codepoint)
        base = next(
            (c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)), char
        )
        lower = base.lower()
        if len(lower) == 1 and lower != char:
            table[codepoint] = lower
    for codepoint in range(ord("A"), ord("Z") + 1):
        table[codepoint] = chr(codepoint).lower()
    table.update({ord(k): v for k, v in _EXTRA_LETTERS.items()})
    table.update({ord(k.upper()): v for k, v in _EXTRA_LETTERS.items() if len(k.upper()) == 1})
    table.update({ord(c): " " for c in _SEPARATORS})
    return table


@functools.lru_cache(maxsize=1)
def _ascii_table() -> bytes:
    """The ASCII part of `_fold_table` as a ``bytes.translate`` table."""
    table = bytearray(range(256))
    for codepoint, replacement in _fold_table().items():
        if codepoint < 128:
            table[codepoint] = ord(replacement)
    return bytes(table)


def _replace(match: re.Match[str]) -> str:
    """`_fold_table` applied to one character found by `_NEEDS_FOLDING`."""
    char = match.group()
    return _fold_table().get(ord(char), char)


def fold(text: str) -> str:
    """Fold case, accents, apostrophes and hyphens, keeping one output character per input one.

    Because the result has the same length as ``text``, an offset found in the
    folded text is the same offset in the original.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    The folded text, e.g. ``fold("Mazār-e Sharīf") == "mazar e sharif"``.
    """
    if text.isascii():  # the common case, at C speed
        return text.encode("ascii").translate(_ascii_table()).decode("ascii")
    # str.lower() keeps the length of every character but "İ" (it gives "i" + a dot).
    lowered = text.replace("\u0130", "I").lower()
    return _NEEDS_FOLDING.sub(_replace, lowered)


def name_key(name: str) -> str:
    """The matching key of a name: folded, with runs of spaces collapsed and ends trimmed.

    Unlike `fold` it may change the length: combining marks are dropped first.
    """
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(fold(bare).split())


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the automaton stores for one key."""

    length: int
    place_id: str
    province_id: str | None  # set when the key is also a province's name
    # Districts in other provinces that share the key (the place_id first): the
    # provinces the text names nearest decide which one a mention means.
    alternatives: tuple[str, ...] = ()
    # A district name that is also a word ("Dara", "Kang"), matched only where
    # the text says it is a district (`_DISTRICT_CONTEXT`).
    bare: bool = False


class Gazetteer:
    """Places and their spellings, with exact lookup and a multi-pattern matcher.

    Parameters
    ----------
    places
        A table with the columns of `PLACE_COLUMNS` (as ``data/places.csv``):
        ``aliases`` holds extra spellings separated by "|"; ``population`` is 0
        when unknown. Use `load_gazetteer` to read and check one from a file.

    Attributes
    ----------
    places
        The table, indexed by position, with float ``lat``/``lon`` and int ``population``.
        Shared by every user of a cached gazetteer: do not modify it.
    """

    def __init__(self, places: pd.DataFrame) -> None:
        self.places = places
        self._by_id: dict[str, Place] = {}
        self._provinces: dict[str, Place] = {}
        ranked: dict[str, list[tuple[tuple[int, int, str], str]]] = {}
        province_keys: dict[str, str] = {}
        for row in places[PLACE_COLUMNS].to_dict("records"):
            place = Place(
                place_id=str(row["place_id"]), name=str(row["name"]), kind=str(row["kind"]),
                province_id=str(row["province_id"]), province=str(row["province"]),
                lat=float(row["lat"]), lon=float(row["lon"]),
            )
            self._by_id[place.place_id] = place
            if place.kind == "province":
                self._provinces[place.place_id] = place
            rank = (_kind_rank(place.kind), -int(row["population"]), place.place_id)
            for key in _keys(place.name, str(row["aliases"])):
                ranked.setdefault(key, []).append((rank, place.place_id))
                if place.kind == "province":
                    province_keys[key] = place.place_id
        self._keys = {key: min(candidates)[1] for key, candidates in ranked.items()}
        self._shared = {
            key: tuple(place_id for _, place_id in sorted(candidates))
            for key, candidates in ranked.items()
            if len(candidates) > 1
        }
        self._province_keys = province_keys
        self._automaton = ahocorasick.Automaton()
        for key, place_id in self._keys.items():
            entry = _Entry(len(key), place_id, province_keys.get(key), self._alternatives(key))
            self._automaton.add_word(key, entry)
        # Districts whose own name is a word are named "X district" (see
        # data/README.md); "X" alone is a key only in a district context.
        for key, place_id in self._keys.items():
            bare = key.removesuffix(" district")
            if bare != key and bare not in self._keys and self._by_id[place_id].kind == "district":
                entry = _Entry(len(bare), place_id, None, self._alternatives(key), bare=True)
                self._automaton.add_word(bare, entry)
        if self._keys:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._by_id)

    def _alternatives(self, key: str) -> tuple[str, ...]:
        """The place a key means and the districts elsewhere that share it; () if none."""
        shared = self._shared.get(key, ())
        if not shared:
            return ()
        first = self._by_id[shared[0]]
        others = tuple(
            place_id for place_id in shared[1:]
            if self._by_id[place_id].kind == "district"
            and self._by_id[place_id].province_id != first.province_id
        )
        return (first.place_id, *others) if others else ()

    def by_id(self, place_id: str) -> Place | None:
        """The place with this ``place_id``, or None."""
        return self._by_id.get(place_id)

    def province(self, province_id: str) -> Place:
        """The province entry of an ISO 3166-2 id such as ``"AF-HER"``.

        Raises
        ------
        InputError
            When the gazetteer has no province with that id.
        """
        if province_id not in self._provinces:
            msg = (
                f"no province {province_id!r} in the gazetteer; "
                f"known ids: {', '.join(sorted(self._provinces))}"
            )
            raise InputError(msg)
        return self._provinces[province_id]

    def lookup(self, name: str, *, province_id: str | None = None) -> Place | None:
        """The place a name means, or None when no spelling matches.

        Parameters
        ----------
        name
            A place name in any spelling the gazetteer knows, in any case, with
            or without accents and hyphens. "X province" and "province of X"
            give the province X; "X district" and "district of X" the district
            X when there is one; "X city" gives what "X" gives.
        province_id
            When several places share the name, the one in this province (an
            ISO 3166-2 id) if there is one: ``lookup("Arghandab",
            province_id="AF-ZAB")`` is Zabul's district, not Kandahar's.

        Returns
        -------
        The place, or None (the caller reports the unknown name).
        """
        key = name_key(name)
        if key in self._keys:
            return self._by_id[self._choose(key, province_id)]
        for pattern in (r"^(.+?) provinces?$", r"^province of (.+)$"):
            match = re.match(pattern, key)
            if match and match.group(1) in self._province_keys:
                return self._provinces[self._province_keys[match.group(1)]]
        for pattern in (r"^(.+?) districts?$", r"^district of (.+)$"):
            match = re.match(pattern, key)
            if match and match.group(1) in self._keys:
                districts = [
                    place_id for place_id in self._shared.get(match.group(1), ())
                    if self._by_id[place_id].kind == "district"
                ]
                if districts:
                    chosen = next((d for d in districts
                                   if self._by_id[d].province_id == province_id), districts[0])
                    return self._by_id[chosen]
                return self._by_id[self._choose(match.group(1), province_id)]
        match = re.match(r"^(.+?) city$", key)
        if match and match.group(1) in self._keys:
            return self._by_id[self._choose(match.group(1), province_id)]
        return None

    def _choose(self, key: str, province_id: str | None) -> str:
        """The place_id a key means, preferring a place in ``province_id`` when several share it."""
        if province_id is not None:
            for place_id in self._shared.get(key, ()):
                if self._by_id[place_id].province_id == province_id:
                    return place_id
        return self._keys[key]

    def find(self, text: str) -> list[Mention]:
        """Every place named in a text: whole words, longest first, sorted by position.

        Parameters
        ----------
        text
            Any text; offsets in the result index into it.

        Returns
        -------
        Non-overlapping mentions ordered by ``start``; ``surface`` is the text as written.
        """
        if not self._keys:
            return []
        folded = fold(text)
        size = len(folded)
        hits: list[tuple[int, int, _Entry]] = []
        for last, entry in self._automaton.iter(folded):
            length = entry.length
            start = last - length + 1
            if (start == 0 or not folded[start - 1].isalnum()) and (
                last + 1 == size or not folded[last + 1].isalnum()
            ):
                hits.append((start, -length, entry))
        if not hits:
            return []
        hits.sort()  # by start, longest first; no two hits share both (keys are unique)
        chosen: list[tuple[int, int, _Entry]] = []
        covered = 0
        for start, negative_length, entry in hits:
            end = start - negative_length
            if start >= covered and not entry.bare and not text[start:end].islower():
                chosen.append((start, end, entry))
                covered = end
        bare = [(start, start - negative_length, entry) for start, negative_length, entry in hits
                if entry.bare and not text[start : start - negative_length].islower()]
        if bare:
            chosen = _with_district_words(folded, chosen, bare)
        after, before = _province_words(folded)
        # Walk leftwards so that "Kandahar, Helmand and Herat provinces" makes all three provinces.
        mentions: list[Mention] = []
        ambiguous: list[tuple[int, tuple[str, ...]]] = []  # (position in mentions, choices)
        in_list = False
        for index in range(len(chosen) - 1, -1, -1):
            start, end, entry = chosen[index]
            place_id = entry.place_id
            if entry.province_id is None:
                in_list = False
            elif end in after:
                in_list = after[end]
                place_id = entry.province_id
            elif in_list and _LIST_GAP.fullmatch(folded, end, chosen[index + 1][0]) is not None:
                place_id = entry.province_id
            else:
                in_list = False
                if start in before:
                    place_id = entry.province_id
            if place_id == entry.place_id and entry.alternatives:
                ambiguous.append((len(mentions), entry.alternatives))
            mentions.append(Mention(self._by_id[place_id], start, end, text[start:end]))
        if ambiguous:
            self._disambiguate(mentions, ambiguous)
        mentions.reverse()
        return mentions

    def _disambiguate(
        self, mentions: list[Mention], ambiguous: list[tuple[int, tuple[str, ...]]]
    ) -> None:
        """Give each mention of a shared name the place whose province the text names nearest.

        The anchors are the other mentions (a province, its capital, any place in
        it); a mention keeps its default place when no anchor is in the province
        of another candidate, or when its own province's anchor is as near.
        """
        positions = {position for position, _ in ambiguous}
        anchors: dict[str, list[int]] = {}
        for position, mention in enumerate(mentions):
            if position not in positions:
                anchors.setdefault(mention.place.province_id, []).append(mention.start)
        for position, choices in ambiguous:
            mention = mentions[position]
            best, nearest = choices[0], None
            for place_id in choices:
                starts = anchors.get(self._by_id[place_id].province_id, ())
                distance = min((abs(s - mention.start) for s in starts), default=None)
                if distance is not None and (nearest is None or distance < nearest):
                    best, nearest = place_id, distance
            if best != mention.place.place_id:
                mentions[position] = Mention(self._by_id[best], mention.start, mention.end,
                                             mention.surface)

def _with_district_words(
    folded: str,
    chosen: list[tuple[int, int, _Entry]],
    bare: list[tuple[int, int, _Entry]],
) -> list[tuple[int, int, _Entry]]:
    """``chosen`` plus the bare district names that the words around them make districts.

    A bare name counts after "district of" or "districts, including" and before
    "districts", and so does each name listed with it ("districts of Nari,
    Kang and Dara"; "Nari and Kang districts").
    """
    taken = list(chosen)
    for start, end, entry in bare:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, entry))
    taken.sort(key=lambda hit: hit[0])
    keep = [not entry.bare for _, _, entry in taken]
    listed = [False] * len(taken)
    for order in (range(len(taken)), range(len(taken) - 1, -1, -1)):
        in_list = False
        previous: int | None = None
        for index in order:
            start, end, _ = taken[index]
            if previous is not None and in_list:
                left, right = sorted((index, previous))
                in_list = _LIST_GAP.fullmatch(folded, taken[left][1], taken[right][0]) is not None
            if order.step > 0 and _DISTRICT_BEFORE.search(folded, max(0, start - 40), start):
                in_list = True
            if order.step < 0 and _DISTRICT_AFTER.match(folded, end):
                in_list = True
            listed[index] = listed[index] or in_list
            previous = index
    return [hit for hit, kept, named in zip(taken, keep, listed, strict=True) if kept or named]


def _province_words(folded: str) -> tuple[dict[int, bool], set[int]]:
    """Where the word "province" stands next to a possible name in folded text.

    Returns
    -------
    ``(after, before)``: ``after`` maps each offset followed by spaces and
    "province" or "provinces" to whether the word is plural; ``before`` holds
    the offsets just after "province of ".
    """
    after: dict[int, bool] = {}
    before: set[int] = set()
    for match in _PROVINCE_WORD.finditer(folded):
        start = match.start()
        if start > 0 and folded[start - 1].isalnum():
            continue
        name_end = start
        while name_end > 0 and folded[name_end - 1] == " ":
            name_end -= 1
        if name_end < start:
            after[name_end] = bool(match.group(1))
        if match.group(2):
            before.add(match.end())
    return after, before


def _kind_rank(kind: str) -> int:
    """Position of a kind in the precedence order (unknown kinds last)."""
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _keys(name: str, aliases: str) -> list[str]:
    """Distinct non-empty matching keys of a name and its "|"-separated aliases."""
    spellings = [name, *aliases.split(ALIAS_SEPARATOR)] if aliases else [name]
    keys = (name_key(spelling) for spelling in spellings)
    return list(dict.fromkeys(key for key in keys if key))


def read_places(path: Path) -> pd.DataFrame:
    """Read and check a places table (the format of ``data/places.csv``).

    Raises
    ------
    DataError
        When the file is missing, unreadable, lacks a column, or has a row with
        an empty id or name, a duplicate id, or coordinates that are not numbers.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as err:
        msg = f"gazetteer file {path} does not exist; pass an existing places CSV"
        raise DataError(msg) from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        msg = f"gazetteer file {path} is not a readable UTF-8 CSV: {err}"
        raise DataError(msg) from err
    missing = [column for column in PLACE_COLUMNS if column not in frame.columns]
    if missing:
        msg = f"gazetteer file {path} lacks the column(s) {', '.join(missing)}"
        raise DataError(msg)
    frame = frame[PLACE_COLUMNS].copy()
    for column in ("place_id", "name"):
        empty = frame.index[frame[column].str.strip() == ""]
        if len(empty):
            msg = f"gazetteer file {path} line {empty[0] + 2}: empty {column}"
            raise DataError(msg)
    duplicated = frame.index[frame["place_id"].duplicated()]
    if len(duplicated):
        line = duplicated[0]
        value = frame.at[line, "place_id"]
        msg = f"gazetteer file {path} line {line + 2}: duplicate place_id {value!r}"
        raise DataError(msg)
    for column in ("lat", "lon", "population"):
        numbers = pd.to_numeric(frame[column].replace("", "0" if column == "population" else ""),
                                errors="coerce")
        bad = frame.index[numbers.isna()]
        if len(bad):
            line = bad[0]
            msg = (
                f"gazetteer file {path} line {line + 2}: {column} "
                f"{frame.at[line, column]!r} is not a number"
            )
            raise DataError(msg)
        frame[column] = numbers
    frame["population"] = frame["population"].astype("int64")
    return frame


@functools.lru_cache(maxsize=8)
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Load a gazetteer (default: the bundled ``data/places.csv``); cached per path.

    Parameters
    ----------
    path
        A CSV with the columns of `PLACE_COLUMNS`; None for the bundled one.

    Raises
    ------
    DataError
        When the file is missing or malformed (the message names the file and line).
    """
    source = path if path is not None else data_path("places.csv")
    gazetteer = Gazetteer(read_places(source))
    logger.debug("loaded %d places from %s", len(gazetteer), source)
    return gazetteer

