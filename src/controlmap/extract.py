"""Events from prose: which sentence says which place fell, is fought over, or is held.

For every article the extractor finds the gazetteer's place names, splits the
text into sentences, and decides for each name whether its sentence states
control of that place and which `Status` it states. The rules are
rules of English news prose, described in the README and applied here, the direction of a
verb in `_direction` and hedges and sources in `_hedges`; their word lists live in
the package resource ``rules/triggers.toml``, compiled by `_rules.load_rules`.
The extractor also reads counts of fallen provincial capitals ("12 of the 34
provincial capitals", `_capital_counts`) and reports control-like sentences about
names the gazetteer does not know (`_unknown_names`).

Not for: loading files (`corpus`), compiling the rules file (`_rules`), resolving a
date expression (`dates`), matching names (`gazetteer`), reading or writing
``events.csv`` (`events_table`), or merging reports into one state per day
(`reconcile`).

The rules themselves (how a mention becomes an event, and each rule's confidence)
are described in the README, "The extractor's rules"; their words are in
``rules/triggers.toml``.

Dates
-----
How an event is dated is described in `_event_dates`.

Sentences
---------
How an article is split into sentences and its place names shared out to them is
described in `_sentences`.

Performance
-----------
Most sentences that name a place say nothing about its control, so `classify` first
makes one Aho-Corasick pass over a sentence for the plain words its patterns need
(see `_rules`, "Screens"): a sentence with none is turned away, and in the others
every pattern whose words are missing (a control verb, a denial, a source) fails at
once. The patterns read for every place start with a character class where they
can, so that ``re`` jumps between candidate characters. The next sentence and a
count's dates are read only when needed, and the words around unknown names are
found with one Aho-Corasick pass over the article. ``benchmarks/bench_extract.py``
measures throughput (``--profile`` shows where the time goes).

Offsets
-------
``Event.start``/``end`` are the offsets of the evidence sentence in
``Article.text``; ``Unresolved.start``/``end`` are those of the unknown name.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ._capital_counts import _counts
from ._direction import _FACILITY_KINDS, _THE_CITY, _clause_status, _facility_status, _object_status
from ._event_dates import _Calendar, _Date, _date_for
from ._hedges import (
    _CLAUSE_BREAK,
    _TAKEN_BACK,
    _counter_account,
    _hedge,
    _source,
    _Vouching,
    _vouching,
)
from ._rules import (
    _DEFENDERS_GAVE_UP,
    _OTHER,
    _TARGET,
    Rules,
    _default_rules,
    _normalise,
    _Screen,
    load_rules,
)
from ._sentences import _next_sentence, _Sentence, article_sentences, split_sentences
from ._unknown_names import _unresolved
from .dates import resolve
from .events_table import events_frame, read_events
from .records import (
    Article,
    CapitalCount,
    Event,
    Extraction,
    Mention,
    Status,
)

# How far (characters) a predicate may sit from the place name it governs.
_WINDOW = 160


class PlaceFinder(Protocol):
    """What the extractor needs from a gazetteer (`gazetteer.Gazetteer` is one)."""

    def find(self, text: str) -> list[Mention]:
        """Every place name in ``text``, non-overlapping, ordered by start."""
        ...


@dataclass(frozen=True)
class Finding:
    """What one sentence says about one place mention.

    ``source`` is ``"taliban"`` when the only source is the capturing side or the
    statement is flagged as unverified, ``"confirmed"`` when an independent source
    backs it, and ``""`` otherwise.
    """

    mention: Mention
    status: Status
    actor: str
    confidence: float
    source: str = ""


# --- classification -----------------------------------------------------------------------


def _masked(norm: str, mentions: Sequence[Mention], target: int) -> str:
    """``norm`` with the target mention as \\x01 and every other mention as \\x02."""
    parts: list[str] = []
    cursor = 0
    for index, mention in enumerate(mentions):
        parts.append(norm[cursor : mention.start])
        mark = _TARGET if index == target else _OTHER
        parts.append(mark * (mention.end - mention.start))
        cursor = mention.end
    parts.append(norm[cursor:])
    return "".join(parts)


def _with_target(base: str, mention: Mention) -> str:
    """``base`` (every mention masked as another place) with ``mention`` as the target.

    Built for one mention at a time and dropped after use: a copy per mention
    kept at once would grow with the square of a long list sentence.
    """
    return base[: mention.start] + _TARGET * (mention.end - mention.start) + base[mention.end :]


def _is_name_part(sentence: str, mention: Mention, rules: Rules) -> bool:
    """Whether the name is part of a longer proper name ("Kabul University", "Ismail Herat")."""
    after = sentence[mention.end : mention.end + 30]
    following = _NEXT_CAPITALISED.match(after)
    if following and following.group(1) not in {"Province", "City", "Provinces", "Valley"}:
        return True
    place = mention.place
    if (
        place.kind == "province" or (place.kind == "capital" and place.name == place.province)
    ) and _OWNS_A_NAME.match(sentence, mention.end):
        return True  # "Badakhshan's Yaftal", "Herat's Guzara": the province's district
    before = sentence[max(0, mention.start - 30) : mention.start]
    preceding = _PREVIOUS_CAPITALISED.search(before)
    if preceding is None:
        return False
    head = sentence[: mention.start - len(preceding.group(1)) - 1].strip(" \"'“‘")
    return bool(head) and preceding.group(1) not in rules.function_words


# "Kabul University"; "Baghlan-e-Markazi", a longer name joined by an ezafe ("Spin
# Boldak-Chaman crossing" is a crossing of both places)
_NEXT_CAPITALISED = re.compile(r"^(?: ([A-Z][a-z]+)|(-(?:e|i|ye|y)[- ][a-zA-Z]))")
_OWNS_A_NAME = re.compile(
    r"'s (?!(?:Taliban|Afghan|Government|Governor|Provincial|Police|District|Old|City|First"
    r"|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)\b)[A-Z][a-z]"
)
# A capitalised word right before the place, not after a word or a stop:
# "(?:^|[^\w.,;:])([A-Z][a-z]+) $", written as `_CLAUSE_BREAK` is.
_PREVIOUS_CAPITALISED = re.compile(r"([A-Z](?<![\w.,;:][A-Z])[a-z]+) $")
# The word boundary before a year is checked after its first digit, so that re can
# skip to the next "1" or "2" instead of trying every position of the sentence.
_YEAR = re.compile(r"(1(?<!\w1)[89]\d\d|2(?<!\w2)0\d\d)\b")
_LONG_STANDING = re.compile(
    r"\bfor (?:many |several |some |the (?:past|last) (?:\w+ )?)?(?:years|decades|a decade)\b"
)
_NOW = re.compile(r"\bnow\b")
_ANY_YEAR = re.compile(r"(?:1[89]|20)\d\d")  # every year `_YEAR_AFTER` reads, and more
_HISTORY_REACH = 60
_YEAR_AFTER = re.compile(
    r"(?:\s+city)?,?\s+(?:in|since|until|till|by|during|between)\s+(?:(?:early|late|mid)-?\s*)?"
    r"(?:[a-z]+\s+)?(1[89]\d\d|20\d\d)\b"
)
# Words that put a sentence in the days around publication ("on Sunday").
_RECENT_WORD = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight"
    r"|last night|overnight|this week|this morning)\b"
)
_MONTH_NAME = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
# A day of a month, with its year if one follows: "august 12, 1998", "12 august 1921",
# "the 8th of aug.". "august 1998" names no day and is not matched.
_DAY_OF_MONTH = re.compile(
    rf"\b(?:{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?(?![\d:])"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}(?![a-z]))"
    r"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)(?!\d))?"
)
_CAPITAL_OF = re.compile(
    r"\bcapital\s+(?:city\s+)?of\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}(?:province\s+of\s+)?$"
)


def classify(
    sentence: str,
    mentions: Sequence[Mention],
    *,
    rules: Rules | None = None,
    next_sentence: str = "",
    published: dt.date | None = None,
) -> list[Finding]:
    """What one sentence says about the control of each place it names.

    Parameters
    ----------
    sentence
        One sentence.
    mentions
        The gazetteer mentions in ``sentence`` (offsets into it), ordered by start.
    rules
        Rule tables; by default the bundled ones.
    next_sentence
        The sentence that follows, read only for a hedge on this one ("There was no
        official confirmation.").
    published
        Publication date; a year before it marks a statement as history.

    Returns
    -------
    One finding per mention that states control (mentions that state none are left
    out), in the order of the mentions; a place named twice with one status gives
    one finding.
    """
    return _classify(
        sentence, mentions, rules or _default_rules(), lambda: next_sentence, published
    )


def _classify(
    sentence: str,
    mentions: Sequence[Mention],
    rules: Rules,
    following: Callable[[], str],
    published: dt.date | None,
) -> list[Finding]:
    """`classify`, reading the next sentence (``following()``) only when a hedge needs it."""
    if not mentions:
        return []
    norm = _normalise(sentence)
    # One pass over the sentence for the words every pattern needs: the patterns it
    # cannot match fail at once below.
    sentence_rules = rules.for_sentence(norm)
    if sentence_rules is None:
        return []  # no control word at all: no pattern below could match
    rules = sentence_rules
    dated = published is not None and _ANY_YEAR.search(norm) is not None
    history = _history_years(norm, published) if dated else []
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    base = _masked(norm, mentions, -1)
    # A cue counts only before a place (`_predicate`), so none after the last is read.
    last = mentions[-1].start
    cues = _Cues(
        verbs=_scan(rules.object_verb, rules.verb_screen, base, last),
        nouns=_scan(rules.noun_head, rules.noun_screen, base, last),
        breaks=tuple(m.end() for m in _CLAUSE_BREAK.finditer(base, 0, last)),
    )
    # "For years, the Taliban have controlled large parts of X": a standing state, not
    # a day's control (unless the sentence says what changed now)
    standing = (
        _LONG_STANDING.search(norm) is not None and _NOW.search(norm) is None
        and _RECENT_WORD.search(norm) is None
    )
    historic = [
        standing
        or any(abs(offset - mention.start) < _HISTORY_REACH for offset in history)
        or (dated and _dated_before(norm, mention.end, published))
        for mention in mentions
    ]
    results = _gapped(
        [
            None if historic[index] else _classify_mention(
                sentence, _with_target(base, mention), mention, cues, rules,
                mentions[index + 1] if index + 1 < len(mentions) else None,
                published=published,
                preceding=mentions[index - 1] if index else None,
            )
            for index, mention in enumerate(mentions)
        ],
        historic, mentions, base,
    )
    shares = _listed(results, historic, mentions, base, sentence, rules)
    vouching: _Vouching | None = None
    settled: dict[int, tuple[Status, float, str, Status | None] | None] = {}

    def settle(index: int) -> tuple[Status, float, str, Status | None] | None:
        """Status, confidence, source and the account beside it of a mention with a
        result (None: a frame dropped)."""
        nonlocal vouching
        mention = mentions[index]
        status, confidence, frame = results[index]  # type: ignore[misc]
        if frame and any(
            other is not None and mentions[j].place.place_id != mention.place.place_id
            for j, other in enumerate(results)
        ):
            return None  # "In X, ...": only when the sentence names no other place in control
        # One masked copy at a time: a copy per mention kept at once would grow with
        # the square of a long list sentence.
        masked = _with_target(base, mention)
        if (
            status == "government"
            and _LIBERATED.search(masked)
            and rules.taliban_source.search(masked)
            and not rules.government_actor.search(masked)
        ):
            status = "fallen"  # the Taliban call their captures "liberation": a claim below
        source = ""
        beside: Status | None = None  # what another account in the sentence says
        if status == "fallen":
            vouching = vouching or _vouching(base, following(), rules)
            source = _source(masked, mention, vouching, rules)
            disputed, beside = _counter_account(masked, mention.end)
            if disputed and source != "taliban" and _FIGHTING_BACK.search(masked, mention.end):
                pass  # "took X, but the resistance has been fighting back": a fall, then a fight
            elif disputed and source != "taliban":
                # "X fell, officials said, a claim the ministry denied": the accounts
                # conflict; a fall undone in the same sentence ("briefly captured X, but
                # security forces took it back") was a fight, then a hold
                status, source = "contested", ""
                beside = beside if _TAKEN_BACK.search(masked, mention.end) else None
            # a Taliban claim that others deny stays a claim, with their account beside
        if source == "taliban" and status == "fallen":
            status, confidence = "claimed", min(confidence, 0.6)
        if status == "government" and _RESISTANCE_SAYS.search(masked, 0, mention.start):
            # "the front announced that its forces had retaken X": the anti-Taliban
            # side's own word for a retaking, which the Taliban dispute, is a fight
            status, confidence = "contested", min(confidence, 0.6)
        return status, confidence, source, beside

    for index, mention in enumerate(mentions):
        if results[index] is None:
            continue
        # A member of a list says what the place its statement came from says, read once.
        origin = shares.get(index, index)
        if origin not in settled:
            settled[origin] = settle(origin)
        decided = settled[origin]
        if decided is None:
            continue
        status, confidence, source, beside = decided
        for status_, confidence_ in ((status, confidence), (beside, 0.6)):
            if status_ is None:
                continue
            key = (mention.place.place_id, status_)
            if key in seen:
                continue
            seen.add(key)
            actor = rules.defender if status_ == "government" else rules.attacker
            findings.append(
                Finding(mention, status_, actor, confidence_, source if status_ == status else "")
            )
    return findings


def _gapped(
    results: list[tuple[Status, float, bool] | None],
    historic: Sequence[bool],
    mentions: Sequence[Mention],
    base: str,
) -> list[tuple[Status, float, bool] | None]:
    """Give a place in a gapped conjunct the predicate of the place before it.

    "X fell on Friday, and Y on Saturday", "captured X on Sunday, and Y and Z the
    next day": the second conjunct repeats the first without its verb, so a place
    there that no predicate reaches shares the statement about the place before it.
    The conjunct must hold nothing but places and a time ("..., and Y residents
    fled" is not one).
    """
    for index in range(1, len(mentions)):
        before = results[index - 1]
        if results[index] is not None or historic[index] or before is None or before[2]:
            continue
        mention, previous = mentions[index], mentions[index - 1]
        if _GAP_BEFORE.fullmatch(base, previous.end, mention.start) and _GAP_AFTER.match(
            base, mention.end
        ):
            results[index] = (before[0], min(before[1], 0.7), False)
    return results


def _listed(
    results: list[tuple[Status, float, bool] | None],
    historic: Sequence[bool],
    mentions: Sequence[Mention],
    base: str,
    sentence: str,
    rules: Rules,
) -> dict[int, int]:
    """Give every member of a list of places the statement its neighbour in the list has.

    A predicate reaches only `_WINDOW` characters, so in "the Taliban captured A,
    B, C, ... and T" (or "A, B, ... and T fell") the members far from the verb
    would get nothing and vanish. A member joined to its neighbour by nothing but
    a comma or "and" shares the neighbour's statement: forwards from the verb of
    an object list, then backwards from the predicate of a subject list. One pass
    each way, so the work grows with the number of places, not its square. A
    member that only locates another ("the capital of X, Y, fell") or is part of
    a longer name stays out, as it does near the verb.
    ``results`` is filled in place; the answer maps each member filled to the
    mention whose statement it shares.
    """
    shares: dict[int, int] = {}

    def fill(index: int, neighbour: int) -> None:
        other = results[neighbour]
        if results[index] is not None or other is None or other[2] or historic[index]:
            return
        left, right = mentions[min(index, neighbour)], mentions[max(index, neighbour)]
        mention = mentions[index]
        # A list holds places of one level: a province beside a district ("in Baghlan
        # province, Nahrin and Burka") locates the list, it is no member of it.
        one_level = (mention.place.kind == "province") == (
            mentions[neighbour].place.kind == "province")
        if (
            one_level
            and _LIST_SEPARATOR.fullmatch(base, left.end, right.start)
            and not _is_name_part(sentence, mention, rules)
            and not (mention.place.kind == "province"
                     and _CAPITAL_OF.search(base, max(0, mention.start - 60), mention.start))
        ):
            results[index] = other
            shares[index] = shares.get(neighbour, neighbour)

    for index in range(1, len(mentions)):
        fill(index, index - 1)
    for index in range(len(mentions) - 2, -1, -1):
        fill(index, index + 1)
    return shares


# Between two members of a list of places: "A, B", "A and B", "A (Herat) or B".
_LIST_SEPARATOR = re.compile(
    r"(?:\s+(?:province|city|town))?(?:\s*\([^()\x01\x02]{0,40}\))?"
    r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+|\s+or\s+|\s*&\s*)"
    r"(?:the (?:city|town) of\s+)?"
)


# A time adjunct of a gapped conjunct: "on Saturday", "a day later", "the next day".
_GAP_TIME = (
    r"(?:\s+(?:on|by|early|late|later|overnight|hours|days|a day|two days|the next|"
    r"the following|the same|shortly|soon)\b[^,;:.\x01\x02]{0,30}?)?"
)
# Between the place before and the place of the conjunct: the rest of the first
# conjunct ("... on Friday", "fell on Friday"), then "and".
_GAP_BEFORE = re.compile(
    r"[^;:\x01\x02]{0,60}?(?:\s*,\s*|\s+)(?:and|and then|then)\s+(?:the (?:city|town) of\s+)?"
)
# After the place of the conjunct: more places, a time, then the end of the clause.
_GAP_AFTER = re.compile(
    rf"(?:\s+(?:city|town))?(?:(?:\s*,\s*|\s+)(?:and\s+)?\x02+(?:\s+(?:city|town))?)*"
    rf"{_GAP_TIME}\s*(?:[.;!?,]|$)"
)


def _history_years(norm: str, published: dt.date | None) -> list[int]:
    """Offsets of years before publication in a sentence that gives no recent day.

    "The Taliban captured Kabul in 1996" and "... in August 1998" are history; "the
    Taliban, who ruled until 2001, took Kunduz on Sunday" is not. A place named
    within `_HISTORY_REACH` characters of such a year states no current control.
    """
    if published is None:
        return []
    years = [m.start() for m in _YEAR.finditer(norm) if int(m.group(1)) < published.year]
    if not years or _is_recent(norm, published):
        return []
    return years


def _dated_before(norm: str, end: int, published: dt.date | None) -> bool:
    """Whether the place is followed by a year before publication: "from X in 2001".

    Such a place is history even in a sentence that also names a recent day ("the
    Taliban, who were ousted from X in 2001, took Y on Thursday").
    """
    if published is None:
        return False
    year = _YEAR_AFTER.match(norm, end)
    return year is not None and int(year.group(1)) < published.year


def _names_day_before(norm: str, published: dt.date | None) -> bool:
    """Whether the sentence names a day of a month at least `_RETROSPECT` days before
    publication ("entered X on August 15" in a report of 22 August)."""
    if published is None:
        return False
    for day in _DAY_OF_MONTH.finditer(norm):
        when = resolve(day.group(0).title(), published)  # dates reads capitalised months
        if when is not None and dt.timedelta(days=_RETROSPECT) <= published - when:
            return True
    return False


_RETROSPECT = 3
# A verb of entering a place: a fight for it when reported live (see `_classify_mention`).
_ENTRY = re.compile(
    r"(?:ent(?:er|ers|ered|ering)|storm(?:s|ed|ing)?(?: into)?|ha(?:ve|s|d) (?:now )?entered"
    r"|push(?:ed|es|ing)? into)\b"
)
# The entry is the background of the sentence: "after the Taliban stormed into X".
_BACKGROUND_ENTRY = re.compile(
    r"\b(?:after|since|when|once|following)\s+(?:the\s+)?(?:taliban|insurgents|militants)"
    r"(?:\s+[a-z]+){0,2}?\s+$"
)


def _is_recent(norm: str, published: dt.date) -> bool:
    """Whether a sentence names a day near publication.

    A weekday or a word like "today" does, and so does a day of a month whose year,
    when given, is not before the publication year ("August 8, 2021", "on Aug. 8");
    "12 August 1921" and "August 1998" do not.
    """
    if _RECENT_WORD.search(norm):
        return True
    return any(
        day.group("year") is None or int(day.group("year")) >= published.year
        for day in _DAY_OF_MONTH.finditer(norm)
    )


def _scan(
    pattern: re.Pattern[str], screen: _Screen | None, text: str, end: int
) -> tuple[re.Match[str], ...]:
    """Every match of ``pattern`` in ``text[:end]``; none, without scanning, if ``screen`` fails.

    The text after ``end`` holds only mask characters and what follows the last
    place, which no cue needs (a lookahead past ``end`` sees a mask character in
    ``text``, and no pattern accepts one there or at the end of a text alike).
    """
    if screen is not None and not screen.passes(text):
        return ()
    return tuple(pattern.finditer(text, 0, end))


# What follows a place given away ("handed X over to the Taliban").
_TO_THE_TALIBAN = re.compile(
    r"\s+(?:back\s+)?(?:over\s+)?to\s+(?:the\s+)?(?:taliban|insurgents|militants)\b"
)


@dataclass(frozen=True)
class _Cues:
    """Control verbs and nouns of one sentence, found once for all its mentions."""

    verbs: tuple[re.Match[str], ...]
    nouns: tuple[re.Match[str], ...]
    breaks: tuple[int, ...]  # ends of the clause breaks before the last place (`_CLAUSE_BREAK`)


def _classify_mention(
    sentence: str,
    masked: str,
    mention: Mention,
    cues: _Cues,
    rules: Rules,
    following: Mention | None = None,
    *,
    published: dt.date | None = None,
    preceding: Mention | None = None,
) -> tuple[Status, float, bool] | None:
    """Status, confidence and whether it came from a frame ("In X, ..."), or None.

    ``preceding`` and ``following`` are the places the sentence names before and
    after this one, if any.
    """
    start, end = mention.start, mention.end
    if _is_name_part(sentence, mention, rules):
        return None
    if mention.place.kind == "province" and _CAPITAL_OF.search(masked, max(0, start - 60), start):
        return None  # "X, capital of Y province": Y only locates X
    if _locates_a_part(masked, mention, preceding, following, rules):
        return None  # "two districts in X province", "X's Y district": the part changed hands
    if rules.part_near.search(masked, max(0, start - 90), start):
        return None  # "villages on the outskirts of X were retaken": the villages were
    if _REFERENCE_BEFORE.search(masked, max(0, start - 70), start):
        return None  # "Ghazni, 150 km from X", "the road to X": a point of reference
    if mention.place.name in rules.seats_of_government and _STANDS_FOR_GOVERNMENT.match(
        masked, end
    ):
        return None  # "centres still under Kabul's control": the government, not the city
    found = _predicate(masked, mention, cues, rules)
    if found is not None:
        status, confidence, trigger_at = found
        if status == "contested" and _took_seat_of_power(masked[end:], rules):
            status = "fallen"  # "entered X and seized the governor's office": X fell
        if (
            status == "contested" and trigger_at >= 0 and _ENTRY.match(masked, trigger_at)
            and (
                _BACKGROUND_ENTRY.search(masked, 0, trigger_at)
                or _names_day_before(masked, published)
            )
        ):
            # An entry told days later ("entered X on August 15, ending ...") or as
            # the background of another event ("after the Taliban stormed into X")
            # is the takeover it led to; a live report of it is a fight.
            status = "fallen"
        before_trigger = masked[:trigger_at] if trigger_at >= 0 else ""
        hedged = _hedge(status, confidence, masked, start, end, before_trigger, cues.breaks, rules,
                        mention.place.kind)
        if hedged is not None and hedged[0] == "contested":
            # "After weeks of fighting around X, the city fell": the fall ends the fight
            fell = _the_city_after(masked, mention, rules)
            if fell is not None and fell[0] == "fallen":
                return fell
        return hedged
    head = masked[max(0, start - 80) : start]
    if _PREPOSITION_END.search(head, max(0, len(head) - 24)) and (
        rules.frame_before.search(head) or rules.source_before.search(head)
    ):
        rest = masked[end:]
        clause = rules.clause_verbs.search(rest)
        if clause is None or rules.simile.search(rest[: clause.start()]):
            return None
        if mention.place.name in rules.seats_of_government and _SPEECH.search(
            head + rest[: clause.start()]
        ):
            return None  # "In Kabul, officials said ...": they speak for the country
        framed_status, anaphor = _clause_status(
            clause, rest, rules, mention.place.kind, head + rest[: clause.start()]
        )
        if framed_status is None:
            return None
        if anaphor and _OTHER in masked[:start]:
            anaphor = False  # "the city" may mean a place named earlier in the sentence
        before = masked[: end + clause.start()]
        hedged = _hedge(framed_status, 0.6, masked, start, end, before, cues.breaks, rules,
                        mention.place.kind)
        return None if hedged is None else (hedged[0], hedged[1], not anaphor)
    # No predicate reaches the name (geography, people, talks, metonymy), unless the
    # sentence goes on to say what happened to "the city".
    return _the_city_after(masked, mention, rules)


def _locates_a_part(
    masked: str, mention: Mention, preceding: Mention | None, following: Mention | None,
    rules: Rules,
) -> bool:
    """Whether the place only says where a part of a province lies.

    "Seized two districts in the northern province of X", "X's Y district", "five X
    districts", "a key X district": the verb is about the districts, and a province
    turns only when its capital does. A city that shares its province's name is read
    as the province here ("eight districts of Herat"), unless it is called a city.
    """
    place = mention.place
    called_province = bool(_PROVINCE_AROUND.search(masked, max(0, mention.start - 14),
                                                   mention.end + 10))
    if place.kind != "province" and not called_province and not (
        place.kind == "capital" and place.name == place.province
        and not _CITY_AROUND.search(masked, max(0, mention.start - 12), mention.end + 6)
    ):
        return False
    start, end = mention.start, mention.end
    named = rules.named_part_before.search(masked, max(0, start - 120), start)
    if named is not None and preceding is not None and preceding.place.kind not in _WHOLES:
        return True  # "Y district in Afghanistan's X province", "Y and Z in northern X"
    before = rules.part_before.search(masked, max(0, start - 120), start)
    if before is not None:
        # "every district of X", "all 7 districts in X" is the whole province, and
        # "most districts in X" most of it
        return not _EVERY_PART.search(masked, max(0, before.start() - 16), before.start())
    if place.kind == "province" and rules.part_after.match(masked, start):
        return True  # not for a city: "Kandahar's western districts" are the city's
    owner = _OWNER.match(masked, end)
    if (
        owner is not None and following is not None and following.start == owner.end()
        and following.place.kind not in _WHOLES
    ):
        return True  # "X's Y", "X province's Y district" with Y a district of X
    return bool(
        _INDEFINITE_END.search(masked, max(0, start - 30), start)
        and masked.startswith(" district", end)
    )


_WHOLES = ("capital", "province")  # what a province does not merely locate
_OWNER = re.compile(r"(?:\s+province)?'s\s+")
_EVERY_PART = re.compile(
    r"\b(?:every|each|most|(?:nearly\s+|almost\s+)?all(?:\s+(?:the|its|\d+|[a-z]+))?"
    r"|(?:the\s+)?majority\s+of(?:\s+the)?)\s+$"
)
# A place named as a point of reference: a distance or direction from it ("150 km south
# of the capital, X", "north of X"), the way to it ("on the road to X", "the gateway to
# X"). What the sentence says of the other place is not said of it.
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:km|kms|kilomet(?:re|er)s|miles)\b(?:\s*\([^()]{0,20}\))?\s+"
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+)?(?:of|from)"
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of"
    r"|\b(?:on|along|off) the (?:main )?(?:road|highway|way) (?:to|from|between|linking)"
    r"|\bgateway to|\bdoorstep of)\s+"
    r"(?:the\s+)?(?:(?:national|afghan|provincial|country's)\s+)?(?:capital|city|town)?,?\s*$"
)
# The side that lost a place fights on for it: "..., but anti-Taliban forces have been
# fighting back"
_FIGHTING_BACK = re.compile(
    r"\bbut\b[^.;\x02]{0,60}?\b(?:fighting|fought|fight|fights|hitting|striking) back\b"
)
_RESISTANCE_SAYS = re.compile(
    r"\b(?:resistance|nrf|national resistance front|the front|anti-taliban)\b[^.;\x01]{0,60}?"
    r"\b(?:said|says|claimed|claims|announced|tweeted|wrote|asserted|insisted|saying)\b"
)
_STANDS_FOR_GOVERNMENT = re.compile(
    r"(?:'s)?\s+(?:control|rule|authority|writ|government|administration|regime|authorities)\b"
)
_PROVINCE_AROUND = re.compile(r"\bprovinces?\s+of\s+\x01|\x01+\s+province\b")
_CITY_AROUND = re.compile(r"\bcity\s+of\s+\x01|\x01+\s+city\b")
_INDEFINITE_END = re.compile(
    r"\b(?:a|an|one|another|key|strategic|important|major)\s+(?:[a-z-]+\s+)?$"
)


def _the_city_after(
    masked: str, mention: Mention, rules: Rules
) -> tuple[Status, float, bool] | None:
    """What the sentence says of "the city" after the place, when that means the place.

    "The Taliban reached X on Thursday and seized the city" and "X's governor was
    arrested after he handed the city to the Taliban": in a sentence that names no
    other place, "the city" ("the town", "the provincial capital") after a city or
    town is that place, and the statement about it is read as if it named the place.
    """
    if mention.place.kind not in _CITY_KINDS or _OTHER in masked:
        return None
    city = _THE_CITY.search(masked, mention.end)
    if city is None or masked.startswith((" of ", "'s"), city.end()):
        return None  # "the city of Y" names a place; "the city's defences" are not it
    start, end = city.span()
    stand_in = (
        masked[: mention.start] + _OTHER * (mention.end - mention.start)
        + masked[mention.end : start] + _TARGET * (end - start) + masked[end:]
    )
    target = Mention(mention.place, start, end, city.group(0))
    # only what the sentence says after the place can be about "the city"
    cues = _Cues(
        verbs=tuple(rules.object_verb.finditer(stand_in, mention.end, start)),
        nouns=tuple(rules.noun_head.finditer(stand_in, mention.end, start)),
        breaks=tuple(m.end() for m in _CLAUSE_BREAK.finditer(stand_in, 0, start)),
    )
    found = _predicate(stand_in, target, cues, rules)
    if found is None:
        return None
    status, confidence, trigger_at = found
    before = stand_in[:trigger_at] if trigger_at >= 0 else ""
    hedged = _hedge(
        status, min(confidence, 0.6), stand_in, start, end, before, cues.breaks, rules
    )
    return None if hedged is None else (hedged[0], hedged[1], False)


_CITY_KINDS = frozenset({"capital", "city", "town"})  # what "the city" can stand for
# A verb of reporting between a frame and its predicate: the predicate is what was said.
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|tweeted|wrote|announced|added|confirmed|claimed"
    r"|reported|according to)\b"
)


def _took_seat_of_power(rest: str, rules: Rules) -> bool:
    """Whether the clause after the place goes on to take its seat of power, or it.

    "The Taliban entered X and seized the governor's office", "... entered X and took
    control of the city": the entry was a fall. The clause ends at the next place
    named or at a clause break.
    """
    taken = _AND_TOOK.match(rest)
    if taken is None:
        return False
    the_city = rest.endswith("the ", 0, taken.end()) and _CITY_NOUN.match(rest, taken.end())
    return bool(the_city or rules.seat_of_power.match(rest, taken.end()))


_CITY_NOUN = re.compile(r"(?:city|town|provincial capital)\b")


_AND_TOOK = re.compile(
    r"[^\x02;:]{0,100}?\band\s+(?:that\s+)?(?:they\s+|fighters\s+)?(?:had\s+|have\s+)?"
    r"(?:then\s+|later\s+|quickly\s+|also\s+)?(?:seized|captured|brought"
    r"|took(?: control of| over)?|overran|occupied"
    r"|raised (?:their|the|a) (?:white )?flag (?:over|on))\s+(?:the\s+|a\s+)?"
)


def _predicate(
    masked: str, mention: Mention, cues: _Cues, rules: Rules
) -> tuple[Status, float, int] | None:
    """The control predicate governing the target, with its offset (-1: after the place).

    The verb or noun nearest before the place whose object reaches the place wins;
    a verb of government control outranks a noun of fighting ("repelled an attack
    on X"). Without one, a predicate after the place ("X fell") decides.
    """
    start, end = mention.start, mention.end
    window = start - _WINDOW
    best: tuple[int, Status, float] | None = None
    moved_at = -1  # where a verb of movement towards the place starts
    for verb in reversed(cues.verbs):
        if verb.end() > start or verb.start() < window:
            continue
        if _DETERMINER_END.search(masked, max(0, verb.start() - 8), verb.start()):
            continue  # "the capture of X" is a noun, read below
        if not rules.object_tail.fullmatch(masked, verb.end(), end):
            continue
        object_text = masked[verb.start() : end]
        if _is_location_of_object(masked[verb.end() : end], mention.place.kind, rules):
            return None
        kind = rules.object_kinds[int(str(verb.lastgroup)[1:].split("_")[0])]
        if kind == "movement":
            moved_at = verb.start()  # "took X and closed in on Y": nothing reaches Y
            break
        if kind == "handover":
            if not _TO_THE_TALIBAN.match(masked, end):
                continue  # "handed X officials a list": only a place given to them fell
            kind = "fallen"
        status = _object_status(kind, masked[max(0, verb.start() - 70) : verb.start()],
                                object_text, rules, mention.place.kind)
        if status is not None:
            best = (verb.start(), status, 0.85)
            break
    if best is None or best[1] != "government":
        for noun in reversed(cues.nouns):
            if noun.end() > start or noun.start() < max(window, moved_at):
                continue
            if best is not None and noun.start() < best[0]:
                break
            if rules.noun_tail.fullmatch(masked, noun.end(), end):
                status_of: Status = (
                    "fallen" if str(noun.lastgroup).startswith("fallen") else "contested"
                )
                status = _facility_status(
                    status_of, masked[noun.start() : end], rules, mention.place.kind
                )
                best = (noun.start(), status, 0.8)
                break
    right = masked[start : end + _WINDOW]
    if best is not None and _CONJOINED.search(masked, best[0], start):
        # "control was reduced to Y, and X also fell": X's own predicate says it
        after = _predicate_after(masked, start, right, rules)
        if after is not None:
            return after
    if best is not None and (best[1] == "contested" or "," in masked[best[0] : start]):
        # "fighters holed up in X, which has not yet fallen", "took Y, leaving the
        # capital, X, as the last city under government control": the hold is what X's
        # own predicate says
        after = _predicate_after(masked, start, right, rules)
        if after is not None and after[0] == "government":
            return after
    if best is not None:
        facility = rules.possessive_facility.match(right)
        if facility is not None and best[1] != "contested":
            seat = rules.seat_of_power.search(right[: facility.end() + 20])
            return ("fallen" if seat and best[1] == "fallen" else "contested"), 0.6, best[0]
        return best[1], best[2], best[0]
    if rules.after_screen is None or rules.after_screen.passes(right):
        after = _predicate_after(masked, start, right, rules)
        if after is not None:
            return _facility_subject(after, masked[max(0, start - 60) : start], rules,
                                     mention.place.kind)
    return _summary_list(masked, start, rules)


def _predicate_after(
    masked: str, start: int, right: str, rules: Rules
) -> tuple[Status, float, int] | None:
    """A predicate after the place: "X's fall", "X's governor surrendered", "X fell"."""
    possessive = rules.possessive_noun.match(right)
    if possessive is not None:
        return ("fallen" if possessive.group("fallen") else "contested"), 0.75, -1
    if _DEFENDERS_GAVE_UP.match(right):
        return "fallen", 0.7, -1  # "X's governor and officials surrendered"
    predicate = rules.subject_predicate.match(right)
    if predicate is None and _OPENS_APPOSITIVE.search(masked, max(0, start - 160), start):
        predicate = rules.closing_predicate.match(right)
    last = _LAST_HELD.match(right) if predicate is None else None
    if last is not None:
        # "X, the only province not under Taliban control": the appositive says what
        # "X is the only province ..." says
        held = rules.subject_predicate.match(f"{last.group(1)} is {right[last.start(2) :]}")
        if held is not None and held.lastgroup == "government":
            return "government", 0.8, -1
    if predicate is not None:
        status_name = str(predicate.lastgroup)
        if (
            status_name == "fallen" and _COUNTED_BEFORE.search(masked, max(0, start - 30), start)
            and right.lstrip(_TARGET).startswith(" districts")
        ):
            return "contested", 0.6, -1  # "nine X districts were in Taliban hands": part of X
        if status_name == "fallen":
            agent = _BY_AGENT.match(right, predicate.end())
            if agent is not None and rules.unscreened.government_actor.match(right, agent.end()):
                return "government", 0.85, -1  # "X was occupied by the resistance forces"
        return status_name, 0.85, -1  # type: ignore[return-value]
    return None


_LAST_HELD = re.compile(r"(\x01+(?:\s+(?:province|city|town))?)\s*,\s*(the (?:only|last)\b)")
_COUNTED_BEFORE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many"
    r"|some|most)\s+(?:of\s+(?:the\s+)?)?$"
)
_BY_AGENT = re.compile(r"\s+by\s+(?:the\s+|local\s+|afghan\s+)*")


# An appositive opened by a comma before the place, maybe with a list of places before
# it: "Helmand's capital, X", "two more capitals, Y and X", "several cities,
# including Y and X".
_OPENS_APPOSITIVE = re.compile(
    r", (?:(?:including|such as|among them|notably|namely) )?"
    r"(?:\x02+(?:\s*\([^()]{0,40}\))?(?:\s*,\s*(?:and\s+)?|\s+and\s+))*$"
)


def _facility_subject(
    found: tuple[Status, float, int], head: str, rules: Rules, place_kind: str
) -> tuple[Status, float, int]:
    """A predicate whose subject is a facility in the place: partial control of it.

    "The prison in X was captured" and "only the airport in X remains in government
    hands" are ``contested``; the seat of power ("the governor's compound in X
    fell") is the place, and defenders ("the garrison in X surrendered") are a side.
    """
    status, confidence, at = found
    if (
        status == "contested"
        or place_kind in _FACILITY_KINDS
        or not rules.facility.search(head)
        or rules.government_actor.search(head)
    ):
        return found
    if status == "fallen" and rules.seat_of_power.search(head):
        return found
    return "contested", min(confidence, 0.6), at


def _summary_list(masked: str, start: int, rules: Rules) -> tuple[Status, float, int] | None:
    """A place listed after a colon or dash that sums up a control statement.

    "Three more provincial capitals fell on Monday: X, Y and Z" gives each listed
    place the predicate of the clause before the colon, and so does "the Taliban
    captured three more capitals, including X and Y", "..., including the strategically
    important city of X", "the provinces whose capitals have fallen (X, Y and Z)".
    """
    window = masked[max(0, start - 240) : start]
    if (
        ":" not in window and "—" not in window and "–" not in window and " - " not in window
        and "including" not in window and "(" not in window and "among them" not in window
        and "namely" not in window and "such as" not in window and " are " not in window
        and " were " not in window and " includ" not in window
    ):
        return None
    listed = _SUMMARY_LIST.search(masked, max(0, start - 240), start)
    if listed is None:
        return None
    if listed.group("colon").strip() == "(" and not (
        _OTHER in masked[listed.end("colon") : start] or _LIST_GOES_ON.match(masked, start)
    ):
        return None  # "Obe (Herat)": one name in brackets locates the name before it
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(masked, 0, listed.start())),
                       default=0)
    verbs = list(rules.clause_verbs.finditer(masked, clause_start, listed.start("colon")))
    if not verbs:
        return None
    verb = verbs[-1]
    if verb.group("government"):
        held = _object_status(
            "government", masked[max(0, verb.start() - 70) : verb.start()],
            masked[verb.start() : listed.start("colon")], rules, "capital",
        )
        return (held, 0.7, verb.start()) if held is not None else None
    if verb.group("contested"):
        return "contested", 0.7, verb.start()
    return "fallen", 0.7, verb.start()


_LIST_GOES_ON = re.compile(r"\x01+\s*(?:,|and\b)")
# "the (strategically important) city of": what a list item may say before its name
_NAMED = (
    r"(?:the\s+(?:[a-z-]+\s+){0,3}?(?:city|town|border town|provincial capital|capital|province"
    r"|air ?base|base)\s+(?:of|at)\s+|\x02+'s\s+)?"  # "..., P's X" names X by its province
)
# Where a listed place lies, and what separates items: "X in southern P; Y and Z in
# eastern Q; and W in R province", "X, Y and Z, as well as W in P"
_ITEM_IN = (
    r"(?:\s+in\s+(?:the\s+)?(?:[a-z]+ern\s+)?\x02+(?:\s+province)?"
    r"(?:,\s*(?:also|likewise)\s+in\s+the\s+[a-z]+,?)?)?"
)
# A listed place; a name the gazetteer does not know counts when its province follows in
# brackets ("Obe (Herat)")
_ITEM = r"(?:\x02+|[a-z][a-z-]+(?=\s*\(\x02))"
_ITEM_SEPARATOR = (
    r"(?:\s*[,;]\s*(?:and\s*,?\s*|as well as\s+)?|\s+and\s+|\s+as well as\s+)"
    r"(?:in\s+\x02+(?:\s+provinces?)?\s*,\s*)?"  # "..., and, in Farah province, X and Y"
)
# "... provincial capitals fell on Monday: X, Y and Z" (the target is one of the list).
_SUMMARY_LIST = re.compile(
    # (a place may only locate the units: "three districts of Y, among them X")
    r"\b(?:capitals|cities|towns|provinces|districts|centres|centers|territory|territories)\b"
    r"(?:[^:;—–()\x01\x02]|(?:(?<=of )|(?<=in ))\x02+){0,100}?"
    r"(?P<colon>\s*(?::|—|–| - |,?\s+(?:including|among them|namely|such as)|\("
    r"|\s(?:are|were|include|included|includes)\s)\s*)"
    rf"(?:{_NAMED}{_ITEM}(?:\s*\([^()]*\))?{_ITEM_IN}{_ITEM_SEPARATOR})*{_NAMED}$"
)


_CONJOINED = re.compile(r"\x02\s*,?\s+and\s+(?:also\s+)?$")  # "..., and " + the place
_PREPOSITION_END = re.compile(r"\b(?:in|inside|across|at|from|of|the|[a-z]+ern)\s+$")
_DETERMINER_END = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that)\s+$")


def _is_location_of_object(object_text: str, place_kind: str, rules: Rules) -> bool:
    """Whether the target only locates the verb's object: "a city in X", "capital of X province".

    A facility in the place ("the prison in X") is not such a case: it is partial
    control of the place, decided by `_facility_status`.
    """
    head = object_text.rstrip(_TARGET)
    if rules.facility.search(head) or rules.partial.search(head):
        return False  # "the prison in X", "most districts in X": part of X
    if _LOCATED_IN.search(head):
        return True
    return bool(_CAPITAL_OF.search(head)) and place_kind == "province"


_LOCATED_IN = re.compile(r"[a-z]\s+(?:in|near|outside)\s+(?:the\s+)?(?:[a-z]+ern\s+)?$")
_LIBERATED = re.compile(r"\bliberat(?:e|es|ed|ing|ion)\b")


# --- articles -----------------------------------------------------------------------------


def extract_article(
    article: Article,
    gazetteer: PlaceFinder,
    *,
    rules: Rules | None = None,
) -> Extraction:
    """Events, counts of fallen capitals and unknown names in one article.

    Parameters
    ----------
    article
        The article; its text, id, publication date, title, outlet and url are used.
    gazetteer
        The place matcher (`gazetteer.load_gazetteer()`).
    rules
        Rule tables (`load_rules`); by default the bundled ones.

    Returns
    -------
    The extraction: events in text order, capital counts and unresolved names.
    """
    rules = rules or _default_rules()
    text = article.text
    sentences = article_sentences(text, gazetteer.find(text), rules)
    calendar = _Calendar(sentences, text, article.published)
    found: list[tuple[int, Finding, _Date | None]] = []
    counts: list[CapitalCount] = []
    seat = _Seat(gazetteer, rules)
    for position, sentence in enumerate(sentences):
        mentions = _with_antecedent(sentences, position)
        if "apital" in sentence.text:
            counts.extend(
                _counts(sentence, article, functools.partial(calendar.dates, position), rules)
            )
            mentions = seat.added_to(sentence.text, mentions)
        if not mentions:
            continue
        findings = _classify(
            sentence.text, mentions, rules,
            functools.partial(_next_sentence, text, sentence.end), article.published,
        )
        if findings:
            dates = calendar.dates(position)
            for finding in findings:
                found.append((position, finding, _date_for(finding.mention, sentence.text, dates)))
    return Extraction(
        article=article,
        events=tuple(_assemble(article, found, sentences, calendar)),
        counts=tuple(counts),
        unresolved=_unresolved(text, sentences, article, rules),
    )


class _Seat:
    """"The capital" in a sentence that does not name it: the seat of government.

    "Taliban fighters entered the capital on Sunday" and "the government controls
    only the capital" are about the seat of government of the rules
    (``seats_of_government``) when it is the only one; "the provincial capital", "the
    capital of X", "the capital, X" and "the capital's districts" are not.
    """

    def __init__(self, gazetteer: PlaceFinder, rules: Rules) -> None:
        self._gazetteer = gazetteer
        self._names = sorted(rules.seats_of_government)
        self._place: Mention | None = None
        self._looked = False

    def added_to(self, text: str, mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
        """``mentions`` with "the capital" of ``text`` standing for the seat, if it does."""
        if len(self._names) != 1:
            return mentions
        called = _THE_CAPITAL.search(text)
        if called is None or _FORECAST_WORD.search(
            text, max(0, called.start() - 70), called.start()
        ):
            return mentions  # read only what is said to have happened, not what may
        seat = self._seat()
        if seat is None or any(m.place.place_id == seat.place.place_id for m in mentions):
            return mentions
        if any(m.start < called.end() and called.start() < m.end for m in mentions):
            return mentions
        stand_in = Mention(seat.place, called.start(), called.end(), called.group(0))
        return tuple(sorted((*mentions, stand_in), key=lambda m: m.start))

    def _seat(self) -> Mention | None:
        if not self._looked:
            self._looked = True
            found = [m for m in self._gazetteer.find(self._names[0])
                     if m.place.kind in ("capital", "city")]
            self._place = found[0] if found else None
        return self._place


_FORECAST_WORD = re.compile(
    r"\b(?:may|might|could|would|will|likely|expected|poised|forecast|predict\w*|aim\w*|plan\w*"
    r"|intend\w*|effort|efforts)\b",
    re.IGNORECASE,
)
_THE_CAPITAL = re.compile(
    r"\b(?:the (?:afghan |country's |national )?capital|afghanistan's capital)\b"
    r"(?!\s*(?:,|of\b|'s?\b|city\b|\())",
    re.IGNORECASE,
)


def _with_antecedent(sentences: Sequence[_Sentence], position: int) -> tuple[Mention, ...]:
    """The mentions of a sentence, with "the city" that opens it standing for the one
    city the sentence before named.

    "Fighters massed around X on Friday. The northern city fell on Saturday.": the
    second sentence names no city, and "the northern city" can only be X. Nothing is
    added when the sentence names a city itself or when the sentence before names
    none or several (news often gives each sentence a paragraph of its own, so the
    sentence before may open another paragraph).
    """
    sentence = sentences[position]
    head = sentence.text[:90]
    if position == 0 or not ("city" in head or "town" in head or "capital" in head):
        return sentence.mentions  # a quick test first: most sentences open otherwise
    opening = _OPENS_WITH_THE_CITY.match(sentence.text) or _NAMES_THE_CITY.search(sentence.text)
    if opening is None or any(m.place.kind in _CITY_KINDS for m in sentence.mentions):
        return sentence.mentions
    before = sentences[position - 1]
    cities = {m.place.place_id: m for m in before.mentions if m.place.kind in _CITY_KINDS}
    if len(cities) != 1:
        return sentence.mentions
    (antecedent,) = cities.values()
    stand_in = Mention(antecedent.place, opening.start(1), opening.end(1), opening.group(1))
    return tuple(sorted((*sentence.mentions, stand_in), key=lambda m: m.start))


# "The northern city fell", "But the provincial capital held out": not "the city of Y"
# (a name) or "the city's" (a part of it).
_OPENS_WITH_THE_CITY = re.compile(
    r"(?:(?:but|and|then|later|eventually|finally|by \w+|on \w+)\s*,?\s+)?"
    r"(?:(?:[\w'-]+\s+){1,3}(?:said|says|added|reported)\s+(?:that\s+)?)?"  # "X said the city"
    r"((?:the|this|that)\s+(?:[a-z-]+\s+){0,2}?(?:city|town|provincial capital)"
    r"(?:\s+(?:center|centre))?)\b"
    r"(?!\s+of\b|'s|\s+council|\s+hall)",
    re.IGNORECASE,
)


# "Hours later, government forces recaptured the town": "the town" as the object of a
# verb, as at the opening of the sentence, can only be the one city of the sentence
# before. After a preposition ("fighters were in the city") it only locates what the
# sentence is about, which the sentence before already said of the city.
_NAMES_THE_CITY = re.compile(
    r"\b(?!(?:in|into|inside|within|near|around|outside|to|from|of|at|on|for|towards?"
    r"|across|through|over|by|with)\s)[a-z]+\s+((?:the|this|that)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:city|town|provincial capital))\b"
    # "still hold the city centre" holds a part of it: partial control, read elsewhere
    r"(?!\s+of\b|'s|\s+council|\s+hall|\s+cent(?:er|re))",
)


def extract_events(
    articles: Iterable[Article],
    gazetteer: PlaceFinder,
    *,
    rules: Rules | None = None,
) -> Iterator[Extraction]:
    """Stream `extract_article` over a corpus, one extraction per article.

    Articles are read one at a time, so memory does not grow with the corpus.
    """
    rules = rules or _default_rules()
    for article in articles:
        yield extract_article(article, gazetteer, rules=rules)


def _group(status: Status) -> str:
    """Status class used to share a date between reports of one place."""
    return "fallen" if status in ("fallen", "claimed") else status


def _assemble(
    article: Article,
    found: Sequence[tuple[int, Finding, _Date | None]],
    sentences: Sequence[_Sentence],
    calendar: _Calendar,
) -> list[Event]:
    """Turn findings into events: confirmations, shared dates and fallbacks applied.

    ``found`` holds (sentence position, finding, the finding's own date).
    """
    confirmed = {
        f.mention.place.place_id for _, f, _ in found if f.status == "fallen" or f.source
        == "confirmed"
    }
    strong: dict[str, dt.date] = {}
    weak: dict[str, dt.date] = {}
    for _, finding, own in found:
        if own is not None and _group(finding.status) == "fallen":
            into = weak if own.weak else strong
            place_id = finding.mention.place.place_id
            into[place_id] = min(own.day, into.get(place_id, own.day))
    events: list[Event] = []
    # One evidence string per sentence, shared by all its events: a list sentence
    # naming thousands of places would otherwise be copied once per place.
    evidence: dict[int, str] = {}
    for position, finding, own in found:
        sentence = sentences[position]
        if position not in evidence:
            evidence[position] = " ".join(sentence.text.split())
        status = finding.status
        confidence = finding.confidence
        place = finding.mention.place
        if status == "claimed" and place.place_id in confirmed:
            status, confidence = "fallen", max(confidence, 0.7)
        day = None
        if _group(status) == "fallen" and (own is None or own.weak):
            # A fall happens once: an undated or anaphorically dated report of it
            # takes the date the article gives the same fall elsewhere.
            day = strong.get(place.place_id) or weak.get(place.place_id)
        if day is None:
            day = calendar.day_of(position, own, recap=_group(status) == "fallen")
        events.append(
            Event(
                article=article.id, place=place.name, place_id=place.place_id, kind=place.kind,
                province_id=place.province_id, province=place.province, status=status,
                date=day, actor=finding.actor, confidence=round(confidence, 2),
                evidence=evidence[position], start=sentence.start,
                end=sentence.end, lat=place.lat, lon=place.lon, title=article.title,
                outlet=article.outlet, url=article.url,
            )
        )
    return _without_fights_before_the_fall(events)


def _without_fights_before_the_fall(events: list[Event]) -> list[Event]:
    """The events less a fight for a place on a day before the article's own report of its fall.

    A report that tells of a siege or an offensive and then of the fall it ended in
    reports one event, the fall; a fight after the fall (a counter-attack) or on the
    same day (one source says it fell, another that fighting goes on) is kept.
    """
    fell: dict[str, dt.date] = {}
    for event in events:
        if event.status == "fallen" and event.date is not None:
            fell[event.place_id] = min(event.date, fell.get(event.place_id, event.date))
    if not fell:
        return events
    return [
        event for event in events
        if not (
            event.status == "contested" and event.date is not None
            and event.place_id in fell and event.date < fell[event.place_id]
        )
    ]


# Rules and load_rules belong to `_rules`, events_frame and read_events to
# `events_table`; they stay importable from here, where they used to live.
__all__ = [
    "Finding",
    "PlaceFinder",
    "Rules",
    "classify",
    "events_frame",
    "extract_article",
    "extract_events",
    "load_rules",
    "read_events",
    "split_sentences",
]
