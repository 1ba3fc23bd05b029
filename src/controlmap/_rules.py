"""The extraction rules: ``rules/triggers.toml`` compiled into `Rules`, and the screens.

`load_rules` reads the word lists of the package resource ``rules/triggers.toml``
(or a file of the same layout) and compiles them into the regular expressions of
the frozen `Rules` record that `extract` applies; the big word alternations are
indexed by their first characters (`_by_first_character`) so that ``re`` skips
ahead quickly. Not for: applying the rules to sentences or deciding a status
(`extract`), nor for reading articles or events tables.

Screens
-------
Most sentences that name a place say nothing about its control, so
`extract.classify` first screens a sentence: every pattern that can yield a
finding (control verbs and nouns, subject predicates, possessives, frame clauses)
needs one of a set of plain words ("seize", "fell", "cut off", ...) that
`_required_words` derives from the compiled patterns themselves, and one
Aho-Corasick pass (`_Screen`) rejects a sentence with none of them before any
pattern runs. The words are derived, not listed, so editing
``rules/triggers.toml`` keeps the screen exact; a pattern with no usable word
turns screening off. The control-verb and control-noun scans of a sentence and
the predicates read after a place ("X fell", "X's fall") are screened the same way.

The patterns read for each place that seldom match (denials, hedges, sources,
facilities, actors: `_GATED`) are gated by their words too. `Rules.for_sentence`
makes one Aho-Corasick pass (`_Gates`) for all these words and the screens' words
together, and gives the sentence a copy of the rules in which each pattern it
cannot match fails at once (copies are kept per set of words found, a few dozen in
practice). Text joined from two pieces of a sentence is gated on its own
(`Rules.gated`), since a word may form at the joint.
"""

from __future__ import annotations

import functools
import importlib
import logging
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import ahocorasick

from .errors import InputError
from .profile import Profile, load_profile

logger = logging.getLogger(__name__)

# The regex parser is private API (re._parser since Python 3.11): it only serves to
# index the word lists by their first characters (`_by_first_character`); without it
# every word is simply tried everywhere, which is slower but gives the same matches.
try:
    re_parser: Any = importlib.import_module("re._parser")
    re_constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other Python implementations
    re_parser = re_constants = None

# A sentence is matched with the place in question masked by _TARGET characters and
# every other place name by _OTHER characters (`extract._masked`).
_TARGET = "\x01"
_OTHER = "\x02"

# Sentences are matched in this form: lower case, curly quotes folded (`_normalise`).
_FOLD = MappingProxyType(
    str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " "})
)


def _normalise(text: str) -> str:
    """Lower case with curly quotes folded, keeping every offset."""
    return text.translate(_FOLD).lower()


# "X's governor surrendered": a fall stated by a possessive, kept here because
# the after-place screen is derived from it as from the rule-file patterns.
_DEFENDERS_GAVE_UP = re.compile(
    r"\x01+'s\s+(?:[a-z-]+\s+){0,2}?(?:governor|defenders|garrison|police chief|officials"
    r"|authorities|forces|troops|soldiers|administration)\b(?:\s+and\s+[a-z-]+(?:\s+[a-z-]+){0,2}?)?"
    r"(?:\s+(?:have|has|had|all|also|reportedly))*\s+(?:surrendered|capitulated|fled"
    r"|laid down (?:their )?arms|abandoned (?:the|their) (?:city|town|posts))\b"
)


@dataclass(frozen=True)
class Rules:
    """The compiled rule tables of ``rules/triggers.toml``. Build with `load_rules`."""

    abbreviations: frozenset[str]
    link_line: re.Pattern[str]
    object_verb: re.Pattern[str]  # group v<i> is a verb of kind object_kinds[i]
    object_kinds: tuple[str, ...]
    object_tail: re.Pattern[str]  # from the verb to the place: its object
    flight: re.Pattern[str]  # verbs of flight, which need a side as subject ("fled")
    subject_predicate: re.Pattern[str]  # groups government / contested / fallen
    closing_predicate: re.Pattern[str]  # the same after ", X," (an appositive name)
    noun_head: re.Pattern[str]  # "the fall of", "fighting in"
    noun_tail: re.Pattern[str]
    possessive_noun: re.Pattern[str]
    clause_verbs: re.Pattern[str]
    partial: re.Pattern[str]
    facility: re.Pattern[str]
    possessive_facility: re.Pattern[str]
    seat_of_power: re.Pattern[str]
    conditional: re.Pattern[str]
    forecast: re.Pattern[str]
    long_horizon: re.Pattern[str]
    negation: re.Pattern[str]
    denial: re.Pattern[str]
    simile: re.Pattern[str]
    taliban_source: re.Pattern[str]
    unverified: re.Pattern[str]
    confirmation: re.Pattern[str]
    government_actor: re.Pattern[str]
    taliban_actor: re.Pattern[str]
    foreign_actor: re.Pattern[str]  # neither side: "us troops", "the un", "aid workers"
    source_before: re.Pattern[str]
    frame_before: re.Pattern[str]
    part_before: re.Pattern[str]  # "two districts in the northern province of " + place
    part_near: re.Pattern[str]  # "villages near ", "checkpoints on the outskirts of "
    named_part_before: re.Pattern[str]  # the same after named places: "Y and Z in " + place
    part_after: re.Pattern[str]  # place + "'s Y district", " districts"
    any_trigger: re.Pattern[str]
    screen: _Screen | None  # words every sentence that can state control contains
    verb_screen: _Screen | None  # words every match of object_verb contains
    noun_screen: _Screen | None  # words every match of noun_head contains
    after_screen: _Screen | None  # words every predicate after the place contains
    function_words: frozenset[str]
    not_places: frozenset[str]
    seats_of_government: frozenset[str]  # gazetteer names whose officials speak for all
    count_patterns: tuple[re.Pattern[str], ...]
    default_total: int
    attacker: str = "Taliban"  # the attacker's label: the ``actor`` of its captures
    defender: str = "government"  # the defender's short name: the ``actor`` of its holds
    gates: _Gates | None = None  # the rarely matching patterns, by the words they need
    whole: Rules | None = field(default=None, compare=False, repr=False)
    _variants: dict[int, Rules] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def unscreened(self) -> Rules:
        """The rules with every pattern in place (`for_sentence` leaves some out)."""
        return self.whole or self

    def for_sentence(self, norm: str) -> Rules | None:
        """These rules for one normalised sentence (`gated`), or None when it has none
        of the words of `screen`: then it states no control."""
        if self.gates is None:
            return self if self.screen is None or self.screen.passes(norm) else None
        present = self.gates.present(norm)
        if not present & self.gates.screen_bit:
            return None
        return self._variant(present)

    def gated(self, norm: str) -> Rules:
        """These rules for one normalised text: a pattern that needs a word the text
        lacks (the gated patterns, the control verbs and nouns, the predicates after a
        place) is replaced by one that fails at once, and the screens it passed are
        dropped.

        The result holds for ``norm`` and for any text cut out of it or masked (place
        names replaced by mask characters), but not for texts joined from pieces of
        it, where a word may form across the joint: those are gated on their own
        (``rules.unscreened.gated(joined)``) or read with `unscreened`.
        """
        if self.gates is None:
            return self
        return self._variant(self.gates.present(norm))

    def _variant(self, present: int) -> Rules:
        """The rules without the patterns missing from the bit mask ``present``."""
        variant = self._variants.get(present)
        if variant is None:
            changes: dict[str, Any] = {"screen": None, "verb_screen": None, "noun_screen": None}
            for name in self.gates.absent(present) if self.gates else ():
                for pattern in _SCREENED.get(name, (name,)):
                    changes[pattern] = _NEVER
            if "after_screen" in changes:
                changes["after_screen"] = _Screen(())  # nothing after the place can match
            variant = replace(self, gates=None, whole=self, **changes)
            if len(self._variants) < _MAX_VARIANTS:  # bounded: memory stays flat
                self._variants[present] = variant
        return variant


# A pattern that matches nothing and fails at once (\\A lets re try one position only).
_NEVER = re.compile(r"\A(?!)")
# The patterns each screen speaks for: without its words, they cannot match.
_SCREENED: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "screen": (),  # the whole sentence is turned away first (`Rules.for_sentence`)
    "verb_screen": ("object_verb",),
    "noun_screen": ("noun_head",),
    "after_screen": ("after_screen", "possessive_noun", "subject_predicate", "closing_predicate"),
})
_MAX_VARIANTS = 4096


class _Gates:
    """Which of the rarely matching patterns of `Rules` a sentence cannot match.

    Each pattern has a set of plain words of which every match contains one
    (`_required_words`); one Aho-Corasick pass over a sentence finds which sets it
    touches, as a bit mask over `names`; the words of the screens are found in the
    same pass. Patterns whose words are too short to be telling are not gated, and a
    missing screen (None) counts as always passed.
    """

    def __init__(
        self, patterns: dict[str, re.Pattern[str]], screens: dict[str, _Screen | None]
    ) -> None:
        bits_of: dict[str, int] = {}
        names: list[str] = []
        self._always = 0
        for name, pattern in patterns.items():
            required = _required_words(pattern.pattern, pattern.flags)
            if not required or min(map(len, required[0])) < _MIN_SCREEN_WORD:
                continue
            for word in required[0]:
                bits_of[word] = bits_of.get(word, 0) | 1 << len(names)
            names.append(name)
        for name, screen in screens.items():
            if screen is None:
                self._always |= 1 << len(names)
            for word in screen.words if screen is not None else ():
                bits_of[word] = bits_of.get(word, 0) | 1 << len(names)
            names.append(name)
        self.names = tuple(names)
        self.screen_bit = 1 << names.index("screen")
        self._automaton = ahocorasick.Automaton()
        for word, bits in bits_of.items():
            self._automaton.add_word(word, bits)
        self._automaton.make_automaton()

    def present(self, norm: str) -> int:
        """Bit mask of the gated patterns and screens whose words ``norm`` holds (the
        others cannot match it, nor any text cut out of it)."""
        bits = self._always
        for _, word_bits in self._automaton.iter(norm):
            bits |= word_bits
        return bits

    def absent(self, present: int) -> list[str]:
        """The names of the patterns missing from the bit mask ``present``."""
        return [name for index, name in enumerate(self.names) if not present >> index & 1]


# --- rules --------------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    """One non-capturing alternation of regex fragments, longest first."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def load_rules(path: Path | None = None, *, profile: Profile | None = None) -> Rules:
    """Compile the rule tables.

    Parameters
    ----------
    path
        A TOML file with the layout of the bundled ``rules/triggers.toml``; by
        default the bundled file.
    profile
        The conflict: a list item ``"{attacker}"`` stands for the attacker's names,
        and its seats of government and capitals count replace the file's. By
        default the bundled Afghanistan 2021 profile.

    Raises
    ------
    InputError
        When the file cannot be read or a table or pattern is missing or invalid.
    """
    try:
        if path is None:
            text = resources.files("controlmap").joinpath("rules", "triggers.toml").read_text(
                encoding="utf-8"
            )
            where = "controlmap/rules/triggers.toml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            where = str(path)
        table = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as err:
        msg = f"cannot read the extraction rules {path or 'the bundled rules'}: {err}"
        raise InputError(msg) from err
    profile = profile or load_profile()
    table = _expand(table, {"{attacker}": [_word(n) for n in profile.attacker.names]})
    try:
        table["names"]["seats_of_government"] = list(profile.seats_of_government)
        table["counts"]["default_total"] = profile.capitals
        return replace(_compile(table), attacker=profile.attacker.label,
                       defender=profile.defender.short)
    except (KeyError, TypeError, re.error) as err:
        msg = (
            f"the extraction rules in {where} are invalid ({err!r}); "
            "compare with the bundled file"
        )
        raise InputError(msg) from err


def _word(name: str) -> str:
    """A side's name as a rule fragment: case folded, spaces as written, nothing special."""
    return re.escape(name.lower()).replace("\\ ", " ")


def _expand(value: Any, placeholders: dict[str, list[str]]) -> Any:
    """``value`` with each list item that is a placeholder replaced by its words."""
    if isinstance(value, dict):
        return {k: _expand(v, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            named = isinstance(item, str) and item in placeholders
            out.extend(placeholders[item] if named else [_expand(item, placeholders)])
        return out
    return value


@functools.cache
def profile_rules(conflict: Path | None) -> Rules:
    """The bundled rules for the conflict profile at ``conflict`` (None: the default)."""
    return _default_rules() if conflict is None else load_rules(profile=load_profile(conflict))


@functools.cache
def _default_rules() -> Rules:
    """The bundled rules, compiled once per process (read-only)."""
    return load_rules()


def _compile(table: dict[str, Any]) -> Rules:
    """Build the regular expressions of `Rules` from the TOML tables."""
    verbs, markers, roles = table["verbs"], table["markers"], table["roles"]
    # Sentences are lower-cased before matching (`_normalise`), so the patterns are
    # compiled case-sensitively: re skips ahead by first characters only then, which
    # makes the big alternations several times faster.
    flags = 0
    token = r"(?:\x02+(?:'s)?|as well as|[a-z0-9][\w'.-]*|\([^()]{0,40}\)|[–—])"
    breaks = (
        r"(?:said|says|say|told|tells|who|whom|whose|which|where|while|(?<!\ball )but|after"
        r"|before|when|whereas|that|as(?! well as)|because|since|although|though|is|was|were"
        r"|are|has|have"
        r"|had|be|been|being|will|would|could|can|may|might|not|if|than|to|from|by|with"
        r"|against|despite|amid|until|then|so|near|outside|towards?|between|along|through"
        r"|into|onto|across|around|via|for|at|on|about|km|kms|kilometres|kilometers|miles?"
        r"|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)"
    )
    chunk = r"(?:(?:(?<=,)|(?<=, ))[^,;:\x01\x02]{1,70}?,\s*)"
    filler = rf"(?:{chunk}|(?!{breaks}\b){token}[\s,]+){{0,12}}?"
    # Order matters: among verbs starting at the same spot the first list here wins
    # ("retook" is government before "took" is a fall, "took control of" before "took",
    # "evacuated from" is a retreat before "evacuated" is a loss).
    word_end = r"(?=\s)"
    ordered: list[tuple[str, list[str], str]] = [
        ("government", list(verbs["government_active"]), word_end),
        ("partial", [
            v for v in verbs["contested_active"] if "of" in v and ("part" in v or "much" in v)
        ], word_end),
        ("fallen", list(verbs["fallen_control"]), word_end),
        # "retreated from X", "pulled out of X" (the "out" of "pulled out" serves "of").
        ("retreat_from", _retreat_verbs(table), r"(?:\s+from|\s+out of|(?<=out)\s+of)" + word_end),
        ("flight", list(roles["flight"]), word_end),  # "fled X"
        ("fallen", list(verbs["fallen_active"]), word_end),
        ("handover", list(verbs.get("handover", [])), word_end),  # "handed X to the Taliban"
        ("contested", list(verbs["contested_active"]), word_end),
        ("movement", list(verbs["movement"]), word_end),  # no event, and blocks the rest
    ]
    # where a part of a province lies: ", in the northern province of ", " in Afghanistan's "
    where_it_lies = (
        r",?\s+(?:in|of)\s+(?:the\s+)?"
        rf"(?:{_alt(roles['region_adjectives'])}\s+)*(?:provinces?\s+of\s+)?"
        r"(?:\x02+(?:\s*,\s*(?:and\s+)?|\s+and\s+))*$"
    )
    object_verb = re.compile(
        _by_first_character(
            [(f"v{index}", words, suffix) for index, (_, words, suffix) in enumerate(ordered)]
        ),
        flags,
    )
    object_tail = re.compile(
        rf"\s+(?:(?:the |a |an )?(?:full |complete |total )?control (?:of|over)\s+)?"
        rf"{filler}\x01+",
        flags,
    )
    aux = (
        r"(?:has|have|had|was|were|is|are|been|also|finally|now|reportedly|itself|all|both"
        r"|effectively|completely|fully|then|later|eventually|already|too|quickly|swiftly"
        r"|officially|just|largely|apparently|said to be|reported to be|believed to be"
        r"|still|firmly|already|either|on \w+day|on \w+ \d+|\w+ly)"
    )
    listing = (
        r"(?:\s*\([^()]{0,40}\))?(?:\s+in the (?:far )?[a-z-]+)?"
        r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+|\s+or\s+|\s*&\s*)"
        r"(?:the (?:city|town|cities|towns) of\s+)?\x02+(?:\s*\([^()]{0,40}\))?"
        r"(?:\s+in the (?:far )?[a-z-]+)?)*"
        # a last name the gazetteer does not know: "X, Y and Jelga, all districts of P",
        # "X, Y and Abshar had been captured"
        r"(?:\s+and\s+[a-z][a-z-]+(?=,|\s+(?:had|have|has|were|are|was|is)\s))?"
    )
    appositive = (
        r"(?:(?:\s*,[^,;:\x01]{1,110}?){1,2},|\s*[–—][^–—;\x01]{1,110}?[–—]|\s+\([^()]{1,60}\))?"
    )
    # "the X, Y and Z districts of W province were seized": the list names the parts
    located = (
        r"(?:\s+(?:districts|provinces|cities|towns))?(?:\s+(?:of|in)\s+(?:the\s+)?"
        r"(?:[a-z]+ern\s+)?(?:province\s+of\s+)?\x02+(?:\s+province)?)?"
    )
    # "X, which fell last week, ...", "X, the whole of which is still outside ...": a
    # relative clause says what happened to the place it follows.
    relative = r"(?:\s*,\s*(?:which|the whole of which|all of which)|\s*,(?=\s+where\b))?"
    subject = (
        rf"^\x01+(?:\s+(?:province|city|town|district))?{listing}{located}"
        rf"(?:\s+(?:has|have|had))?{appositive}{relative}"
        rf"(?:\s+{aux}){{0,4}}\s+"
    )
    # "Helmand's capital, Lashkar Gah, fell" and "two more capitals, X and Y, fell": the
    # name, or a list of names, closes an appositive itself (only tried when a comma
    # opens the appositive before it, see `extract._predicate_after`).
    closing = rf"^\x01+(?:\s+(?:province|city|town))?{listing},(?:\s+{aux}){{0,4}}\s+"
    predicates = [
        ("government", _alt(verbs["government_subject"])),
        ("contested", _alt(verbs["contested_subject"])),
        ("fallen", _alt(verbs["fallen_subject"])),
    ]
    predicate_groups = (
        "(?:" + "|".join(rf"(?P<{status}>{pred})" for status, pred in predicates) + r")\b"
    )
    subject_predicate = re.compile(subject + predicate_groups, flags)
    closing_predicate = re.compile(closing + predicate_groups, flags)
    nouns_before = _alt(verbs["fallen_noun"])
    contested_before = _alt(verbs["contested_noun"])
    preps = _alt(verbs["contested_prep"])
    noun_filler = rf"(?:{chunk}|(?!{breaks}\b){token}[\s,]+){{0,12}}?"
    noun_head = re.compile(
        _by_first_character([
            # "the seizure of X", and with the time between: "the fall on Sunday of X",
            # "the capture a day earlier of X", "the loss last week of X"
            ("fallen", list(verbs["fallen_noun"]),
             r"(?:\s+(?:on\s+\w+day|(?:a|one|the)\s+day\s+(?:earlier|before|later)"
             r"|(?:last|this|earlier\s+this)\s+(?:week|month|\w+day)|overnight|yesterday"
             r"|earlier|hours\s+(?:earlier|later)|days\s+(?:earlier|later)))?\s+of(?=\s)"),
            ("contested", list(verbs["contested_noun"]),
             # "fighting between the Taliban and the army was continuing in X"
             r"\b(?:\s+between\s+[^,;.\x01\x02]{1,60}?\s+and\s+[^,;.\x01\x02]{1,60}?"
             r"(?=\s+(?:was|were|is|are|has|have|had|continu|raged|rages|erupted|broke"
             r"|in|for|around|inside|near|on)\s))?"
             r"(?:\s+(?:was|were|is|are|has|have|had|been|also|still|now|raging|rages|raged"
             r"|grown|grew|become|became|more|intense|fiercer|heavier"
             r"|continued|continues|continuing|erupted|broke out|ongoing|under way|underway"
             r"|spread|spreads|spreading|flared|flare|flares|resumed|escalated|reported|intensified|heavy"
             rf"|fierce|intense))*\s+{preps}(?=\s)"),
        ]),
        flags,
    )
    noun_tail = re.compile(rf"\s+{noun_filler}\x01+", flags)
    possessive_noun = re.compile(
        rf"^\x01+'s\s+(?:(?P<fallen>{nouns_before})|(?P<contested>{contested_before}"
        r"|defen[cs]es|outskirts|gates))\b",
        flags,
    )
    clause_verbs = re.compile(
        "|".join(
            [
                rf"(?P<government>\b{_verbs_alt(table, 'government_active')}"
                rf"|\b{_verbs_alt(table, 'government_subject')})",
                rf"(?P<fallen>\b{_alt(verbs['fallen_control'] + verbs['fallen_active'])}"
                rf"|\b{_alt(verbs['fallen_subject'])})",
                rf"(?P<retreat>\b{_alt(_retreat_verbs(table))})",
                rf"(?P<contested>\b{_alt(verbs['contested_active'] + verbs['contested_subject'])}"
                rf"|\b{contested_before}\b)",
            ]
        ),
        flags,
    )
    count_unit = _alt(table["counts"]["units"])
    count_unit_one = _alt(u.removesuffix("s") + "s?" for u in table["counts"]["units"])
    number = r"(?P<n>\d+|[a-z]+(?:-[a-z]+)?)"
    count_patterns = (
        re.compile(
            rf"\b(?P<q>(?:over|more than|almost|nearly|about|around|at least|some) )?"
            rf"(?P<frac>a quarter|a third|half|two-thirds|three-quarters|a fifth|{number})"
            rf"\s+(?:of|out of)\s+(?:the\s+)?(?:afghanistan's|country's|nation's|\w+'s)?\s*"
            rf"(?P<total>\d+|[a-z]+-[a-z]+|[a-z]+)\s+{count_unit}",
            flags,
        ),
        re.compile(
            rf"\bthe\s+(?P<ord>\d+(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?)\s+{count_unit_one}"
            rf"\s+to\s+(?:fall|be (?:captured|taken|seized|overrun))",
            flags,
        ),
        # A total, said to be one: "a total of 12 capitals", "now controls 12 capitals",
        # "12 capitals so far". A day's count ("captured three capitals on Sunday") is not.
        re.compile(
            rf"\b(?:{_alt(table['counts']['total_before'])}),?\s+"
            rf"(?P<n2>\d+|[a-z]+(?:-[a-z]+)?)\s+{count_unit}",
            flags,
        ),
        re.compile(
            rf"\b(?P<n2>\d+|[a-z]+(?:-[a-z]+)?)\s+{count_unit}\b[^.;:]{{0,60}}?"
            rf"\b(?:{_alt(table['counts']['total_after'])})\b",
            flags,
        ),
    )
    any_trigger = re.compile(
        "|".join(
            [
                clause_verbs.pattern,
                rf"\b{nouns_before}\s+of\b",
            ]
        ),
        flags,
    )
    compiled = Rules(
        abbreviations=frozenset(table["splitting"]["abbreviations"]),
        link_line=re.compile(
            rf"[^\S\n]*{_alt(table['splitting']['link_lines'])}", re.IGNORECASE
        ),
        object_verb=object_verb,
        object_kinds=tuple(kind for kind, _, _ in ordered),
        flight=re.compile(rf"{_alt(roles['flight'])}\b", flags),
        object_tail=object_tail,
        subject_predicate=subject_predicate,
        closing_predicate=closing_predicate,
        noun_head=noun_head,
        noun_tail=noun_tail,
        possessive_noun=possessive_noun,
        clause_verbs=clause_verbs,
        partial=re.compile(
            rf"\b{_alt(verbs['partial'])}\s+(?:the\s+)?"
            r"(?:(?:city|town|provincial capital)\s+of\s+)?"
            r"(?:\x02+'s\s+)?\x01*$",
            flags,
        ),
        facility=re.compile(
            rf"\b{_alt(roles['facility'])}\b(?:\s+[\w'-]+){{0,2}}?\s+(?:in|of|at|near|outside)\s+"
            r"(?:the\s+)?(?:city\s+of\s+)?$",
            flags,
        ),
        possessive_facility=re.compile(
            # "X's airport" and "X airport": the name only says which city's airport
            rf"^\x01+(?:'s)?\s+(?:[\w-]+\s+)?(?P<facility>{_alt(roles['facility'])})\b", flags
        ),
        seat_of_power=re.compile(rf"\b{_alt(roles['seat_of_power'])}", flags),
        conditional=re.compile(rf"\b{_alt(verbs['conditional'])}\b", flags),
        forecast=re.compile(rf"\b{_alt(verbs['forecast'])}\s+(?:\w+\s+){{0,2}}$", flags),
        long_horizon=re.compile(
            r"\b(?:within|in|over|inside|by)\s+(?:the next\s+|a\s+|the coming\s+|some\s+)?"
            r"(?:few\s+|couple of\s+)?(?:(?:[1-9]\d+|thirty|sixty|ninety)\s+days"
            r"|(?:\d+\s+|[a-z]+\s+)?(?:weeks|months|years)|(?:a|one|the)\s+(?:month|year))\b",
            flags,
        ),
        negation=re.compile(rf"\b{_alt(markers['negation'])}\b|n't\b", flags),
        denial=re.compile(
            r"\b(?:den(?:y|ies|ied|ying)|rejected|dismissed|refuted)\b(?:\s+\w+){0,4}\s+"
            r"(?:that|claims|reports|rumou?rs)\b|\brumou?r(?:s|ed)?\s+(?:that|of)\b",
            flags,
        ),
        simile=re.compile(rf"\b{_alt(markers['simile'])}\s+(?:\w+\s+){{0,2}}$", flags),
        taliban_source=re.compile(rf"\b(?<!anti-){_alt(markers['taliban_source'])}", flags),
        unverified=re.compile(rf"\b{_alt(markers['unverified'])}", flags),
        confirmation=re.compile(rf"\b{_alt(markers['confirmation'])}", flags),
        government_actor=re.compile(rf"\b{_alt(verbs['government_actors'])}\b", flags),
        # not "anti-taliban forces"
        taliban_actor=re.compile(
            rf"\b(?<!anti-)(?<!anti ){_alt(verbs['taliban_actors'])}\b", flags
        ),
        foreign_actor=re.compile(rf"\b{_alt(verbs['foreign_actors'])}(?![\w-])", flags),
        source_before=re.compile(
            rf"\b{_alt(roles['source_before'])}\s+(?:the\s+)?(?:[a-z]+ern\s+)?$", flags
        ),
        part_before=re.compile(
            # a part, maybe with its names ("the districts of Y and Z"), then where it lies
            rf"\b(?<!police ){_alt(roles['subdivisions'])}\b"
            r"(?:\s+(?:of|in|at)\s+(?:\x02+|[a-z-]+(?:\s+[a-z-]+)?)"
            r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:\x02+|[a-z-]+(?:\s+[a-z-]+)?))*)?"
            + where_it_lies,
            flags,
        ),
        part_near=re.compile(
            # a part that lies near the place: "two villages on the outskirts of X had
            # been cleared" is about the villages, X only says where they are
            rf"\b(?<!police ){_alt(roles['subdivisions'])}\b"
            r"(?:\s+(?:of\s+)?(?:\x02+|[a-z-]+(?:\s+[a-z-]+)?)"
            r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:\x02+|[a-z-]+(?:\s+[a-z-]+)?))*)?,?"
            r"\s+(?:near|outside|around|close to|on the (?:outskirts|edge|edges) of"
            r"|in the (?:vicinity|suburbs) of)\s+(?:the\s+)?(?:(?:city|town) of\s+)?$",
            flags,
        ),
        named_part_before=re.compile(
            # named parts ("Y district and Z in the province of "): the caller checks
            # that the names are parts, not cities or provinces
            r"\x02+(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)\x02+)*(?:\s*\([^()]{0,40}\))?"
            + where_it_lies,
            flags,
        ),
        part_after=re.compile(
            # "X's Y district", "X province's Y district", "five X districts"
            r"\x01*(?:(?:'s|\s+province(?:'s)?)\s+(?!(?:said|says|told)\b)"
            r"(?:(?:\x02+|[a-z-]+)\s+){0,2}?|\s+(?:province\s+)?(?=districts\b))"
            rf"(?<!police ){_alt(roles['subdivisions'])}\b",
            flags,
        ),
        frame_before=re.compile(
            r"(?:^|[,;:]\s*|\bthat\s+|\band\s+)(?:[\"'“‘]\s*)?(?:in|inside|across|at)\s+"
            r"(?:the\s+)?(?:[a-z]+ern\s+)?(?:(?:city|town|province|provincial capital)\s+of\s+)?$",
            flags,
        ),
        any_trigger=any_trigger,
        # Every way `_classify_mention` finds a predicate starts from a match of one of
        # these patterns; a new way must add its pattern here, or the screen drops it
        # (test_screen_never_drops_a_sentence_the_classifier_accepts).
        screen=_screen([
            object_verb, noun_head, possessive_noun, _DEFENDERS_GAVE_UP, subject_predicate,
            closing_predicate, clause_verbs,
        ]),
        verb_screen=_screen([object_verb]),
        noun_screen=_screen([noun_head]),
        after_screen=_screen([
            possessive_noun, _DEFENDERS_GAVE_UP, subject_predicate, closing_predicate,
        ]),
        function_words=frozenset(table["names"]["function_words"]),
        not_places=frozenset(table["names"]["not_places"]),
        seats_of_government=frozenset(table["names"].get("seats_of_government", ())),
        count_patterns=count_patterns,
        default_total=int(table["counts"]["default_total"]),
    )
    gated = {name: getattr(compiled, name) for name in _GATED}
    screens = {name: getattr(compiled, name) for name in _SCREENED}
    return replace(compiled, gates=_Gates(gated, screens))


# Patterns read for each place that seldom match: `Rules.for_sentence` skips them in
# a sentence without any word they need.
_GATED = (
    "confirmation", "taliban_source", "unverified", "partial", "facility",
    "possessive_facility", "seat_of_power", "denial", "negation", "simile", "forecast",
    "long_horizon", "government_actor", "taliban_actor", "foreign_actor", "source_before",
)


def _by_first_character(branches: list[tuple[str, list[str], str]]) -> str:
    """One alternation of word lists, dispatched on the first two characters of a word.

    ``branches`` are (group name, regex fragments, suffix) in priority order. The
    result matches what ``\\b(?P<name>alts)suffix|...`` matches, branch by branch,
    but tries at each position only the fragments that can start with the two
    characters there: with hundreds of fragments this is much faster in ``re``. The
    group of a match is named ``<name>_<n>``; fragments whose start cannot be listed
    (``\\w+ly``) are tried everywhere.
    """
    buckets: dict[str, dict[str, list[str]]] = {}
    anywhere: list[tuple[str, str, str]] = []
    for name, fragments, suffix in branches:
        by_start: dict[str, list[str]] = {}
        for fragment in fragments:
            starts = _starts(fragment)
            if starts is None:
                anywhere.append((name, fragment, suffix))
                continue
            for start in starts:
                by_start.setdefault(start, []).append(fragment)
        for start, group in by_start.items():
            number = sum(len(alternatives) for b in buckets.values() for alternatives in b.values())
            buckets.setdefault(start[0], {}).setdefault(start, []).append(
                f"(?P<{name}_{number}>{_alt(group)}){suffix}"
            )
    indexed = []
    for first, by_two in sorted(buckets.items()):
        inner = "|".join(
            f"(?={re.escape(two)})(?:{'|'.join(alternatives)})"
            for two, alternatives in sorted(by_two.items())
        )
        indexed.append(f"(?={re.escape(first)})(?:{inner})")
    # One character class first: most words start with no listed character, and
    # re rejects them there instead of trying each first character in turn.
    gate = "".join(re.escape(first) for first in sorted(buckets))
    parts = [f"(?=[{gate}])(?:{'|'.join(indexed)})"] if indexed else []
    parts += [
        f"(?P<{name}_any{index}>{fragment}){suffix}"
        for index, (name, fragment, suffix) in enumerate(anywhere)
    ]
    return r"\b(?:" + "|".join(parts) + ")"


_PREFIX = 2  # characters of a word used to pick the fragments to try
_MAX_STARTS = 400


def _starts(fragment: str) -> set[str] | None:
    """The first `_PREFIX` characters any match of ``fragment`` can begin with, or None."""
    if re_parser is None:
        return None
    found = _sequence_starts(re_parser.parse(fragment))
    if found is None or any(len(text) < _PREFIX for text, _ in found):
        return None
    return {text for text, _ in found}


def _sequence_starts(sequence: Any) -> set[tuple[str, bool]] | None:
    """(prefix, may continue) pairs of a parsed regex sequence; None when unbounded."""
    results = {("", True)}
    for op, argument in sequence:
        if not any(open_ for _, open_ in results):
            break  # every prefix is complete: what follows cannot change it
        item = _item_starts(op, argument)
        if item is None:
            return None
        grown = set()
        for text, open_ in results:
            if not open_:
                grown.add((text, False))
                continue
            for more, more_open in item:
                joined = text + more
                grown.add((joined[:_PREFIX], more_open and len(joined) < _PREFIX))
        results = grown
        if len(results) > _MAX_STARTS:
            return None
    return results


def _item_starts(op: Any, argument: Any) -> set[tuple[str, bool]] | None:
    """`_sequence_starts` of one parsed item."""
    if op is re_constants.LITERAL:
        return {(chr(argument), True)}
    if op in (re_constants.AT, re_constants.ASSERT, re_constants.ASSERT_NOT):
        return {("", True)}
    if op is re_constants.IN:
        chars: set[tuple[str, bool]] = set()
        for kind, value in argument:
            if kind is re_constants.LITERAL:
                chars.add((chr(value), True))
            elif kind is re_constants.RANGE and value[1] - value[0] <= 40:
                chars |= {(chr(code), True) for code in range(value[0], value[1] + 1)}
            else:
                return None
        return chars
    if op is re_constants.SUBPATTERN:
        return _sequence_starts(argument[-1])
    if op is re_constants.BRANCH:
        union: set[tuple[str, bool]] = set()
        for branch in argument[1]:
            starts = _sequence_starts(branch)
            if starts is None:
                return None
            union |= starts
        return union
    if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT):
        low, high, item = argument
        once = _sequence_starts(item)
        if once is None:
            return None
        starts = set(once) | ({("", True)} if low == 0 else set())
        if high >= 2:  # two repetitions are enough for a two-character prefix
            starts |= {
                ((text + more)[:_PREFIX], more_open and len(text + more) < _PREFIX)
                for text, open_ in once if open_
                for more, more_open in once
            }
        return starts
    return None


class _Screen:
    """Words of which every sentence that can state control contains at least one.

    `classify` rejects a sentence without any of them before running its patterns:
    most sentences that name a place state nothing about its control, and one
    Aho-Corasick pass is far cheaper than the patterns (see "Performance").
    """

    def __init__(self, words: Iterable[str]) -> None:
        unique = set(words)
        every = _automaton(unique)
        # A word that contains another word lets no more sentences through.
        self.words = frozenset(
            word for word in unique if all(found == word for _, found in every.iter(word))
        )
        self._automaton = _automaton(self.words)

    def passes(self, norm: str) -> bool:
        """Whether the normalised sentence ``norm`` contains one of the words."""
        return bool(self.words) and next(self._automaton.iter(norm), None) is not None


def _automaton(words: Iterable[str]) -> Any:
    """An Aho-Corasick automaton that reports each of ``words`` found in a text."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _screen(patterns: Sequence[re.Pattern[str]]) -> _Screen | None:
    """The screen of sentences for ``patterns``, one of which every finding needs.

    Each pattern contributes one set of words that all its matches contain
    (`_required_words`); a set whose words all contain words that the other
    patterns contribute already is preferred, since it lets no more sentences
    through. None (no screening) when a pattern has no such set, or only one with
    a very short word, which would let almost every sentence through.
    """
    choices = [_required_words(pattern.pattern, pattern.flags) for pattern in patterns]
    for pattern, pieces in zip(patterns, choices, strict=True):
        if not pieces or min(map(len, pieces[0])) < _MIN_SCREEN_WORD:
            logger.debug("no screening words for the pattern %.60r...; every sentence "
                         "is read", pattern.pattern)
            return None
    chosen = [pieces[0] for pieces in choices]
    for index, pieces in enumerate(choices if len(choices) > 1 else []):
        others = _Screen(word for j, words in enumerate(chosen) if j != index for word in words)
        chosen[index] = next(
            (words for words in pieces if all(others.passes(word) for word in words)),
            chosen[index],
        )
    return _Screen(word for words in chosen for word in words)


_MIN_SCREEN_WORD = 3
_MAX_LANGUAGE = 64  # strings a finite piece of a pattern may expand to


class _Words(NamedTuple):
    """What a piece of a regular expression matches, as plain words."""

    exact: frozenset[str] | None  # every string the piece matches, when they are few
    required: list[frozenset[str]]  # sets of words all its matches contain, best first


_UNKNOWN = _Words(None, [])
_EMPTY = _Words(frozenset({""}), [])


@functools.cache  # the screens share patterns, and parsing them is the slow part
def _required_words(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Sets of words of which every match of ``pattern`` contains one, best first.

    Found by walking the parsed pattern: finite pieces ("seiz(?:e|ed)") expand to
    their strings; each stretch of them in a sequence, and each set required by a
    longer piece, is a set that every match needs one word of. Sets whose shortest
    word is longer come first, and earlier ones on a tie (of "(?:was|were) \\w+ly
    captured", "ly captured"; of "fled\\s+from", "fled" before "from"). Assertions
    and the mask characters count as matching nothing, so the words are literal
    text of the sentence, never part of a place name. Case-insensitive parts
    require nothing. Empty when nothing is known (and without Python's regex parser).
    """
    if re_parser is None:
        return ()
    parsed = re_parser.parse(pattern, flags)
    if parsed.state.flags & re.IGNORECASE:
        return ()
    return tuple(_sequence_words(parsed).required)


def _sequence_words(sequence: Any) -> _Words:
    """`_Words` of a parsed regex sequence."""
    run: set[str] = {""}  # the strings of the current stretch of finite pieces
    pieces: list[frozenset[str]] = []
    finite = True
    for op, argument in sequence:
        item = _item_words(op, argument)
        if item.exact is not None and len(run) * len(item.exact) <= _MAX_LANGUAGE:
            run = {a + b for a in run for b in item.exact}
            continue
        finite = False
        pieces.append(frozenset(run))
        if item.exact is not None:
            run = set(item.exact)
        else:
            pieces.extend(item.required)
            run = {""}
    pieces.append(frozenset(run))
    useful = [words for words in pieces if "" not in words]
    useful.sort(key=lambda words: -min(map(len, words)))  # stable: earlier first on ties
    return _Words(frozenset(run) if finite else None, useful)


def _item_words(op: Any, argument: Any) -> _Words:
    """`_Words` of one parsed regex item."""
    if op is re_constants.LITERAL:
        return _UNKNOWN if chr(argument) in (_TARGET, _OTHER) else _Words(
            frozenset({chr(argument)}), []
        )
    if op in (re_constants.AT, re_constants.ASSERT, re_constants.ASSERT_NOT):
        return _EMPTY
    if op is re_constants.IN:
        starts = _item_starts(op, argument)
        if starts is None or len(starts) > 10 or any(c in (_TARGET, _OTHER) for c, _ in starts):
            return _UNKNOWN
        return _Words(frozenset(c for c, _ in starts), [])
    if op is re_constants.SUBPATTERN:
        if argument[1] & re.IGNORECASE:  # (?i:...): words in any case, not worth listing
            return _UNKNOWN
        return _sequence_words(argument[-1])
    if op is re_constants.BRANCH:
        branches = [_sequence_words(branch) for branch in argument[1]]
        exact: frozenset[str] | None = None
        if all(b.exact is not None for b in branches):
            exact = frozenset().union(*(b.exact or () for b in branches))
            exact = exact if len(exact) <= _MAX_LANGUAGE else None
        # Every match goes through one branch: it contains a word of that branch's set.
        required = [] if not all(b.required for b in branches) else [
            frozenset().union(*(b.required[0] for b in branches))
        ]
        return _Words(exact, required)
    if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT):
        low, high, item = argument
        once = _sequence_words(item)
        exact = None
        if once.exact is not None and high <= 2:
            options: set[str] = {""} if low == 0 else set()
            options |= set(once.exact)
            if high == 2:
                options |= {a + b for a in once.exact for b in once.exact}
            exact = frozenset(options) if len(options) <= _MAX_LANGUAGE else None
        return _Words(exact, once.required if low >= 1 else [])
    return _UNKNOWN


def _verbs_alt(table: dict[str, Any], name: str) -> str:
    """The alternation of one verb list of the rule table."""
    return _alt(table["verbs"][name])


def _retreat_verbs(table: dict[str, Any]) -> list[str]:
    """The withdrawal verbs of the rule table."""
    return list(table["roles"]["retreat"])
