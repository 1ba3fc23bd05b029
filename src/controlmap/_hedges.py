"""What qualifies a control statement, and who vouches for it.

Negation, denial, conditions, aims, forecasts, similes and partial control turn a
status into ``contested`` or cancel it (`_hedge`); a Taliban source or an
unverified report makes a fall a claim, an independent confirmation keeps it a
fall (`_vouching`, `_source`). The rules are described in `extract` ("Hedges",
"Source"). Not for: finding the statement (`extract`) or its direction
(`_direction`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ._rules import _OTHER, Rules, _normalise
from .records import Mention, Status


def _hedge(
    status: Status,
    confidence: float,
    masked: str,
    start: int,
    end: int,
    before_trigger: str,
    breaks: Sequence[int],
    rules: Rules,
    place_kind: str = "capital",
) -> tuple[Status, float, bool] | None:
    """Apply negation, conditions, forecasts, similes and partial control to a status."""
    clause_start = _clause_start(breaks, start)
    head = masked[clause_start:start]
    local = before_trigger[-45:] if before_trigger else ""
    # A negation counts in the trigger's own clause: not in "asked not to be named, said
    # government forces had withdrawn from X".
    own = local[max((m.end() for m in _SPEECH_BREAK.finditer(local)), default=0) :]
    if _NO_LONGER.search(local) and status in ("government", "fallen"):
        # "the government no longer controls X": the holder changed hands.
        status = "fallen" if status == "government" else "government"
    elif rules.negation.search(own):
        return None
    if rules.denial.search(masked, max(0, start - 120), start):
        if status == "fallen" and _DENIED_BUT_FIGHTING.match(masked, end):
            return "contested", min(confidence, 0.6), False  # a denial, yet fighting goes on
        return None
    if rules.simile.search(local):
        return None
    if _INTENT.search(local) and not _ACHIEVED.search(local):
        # "launched an offensive to retake X", "trying to capture X": an aim, so fighting.
        status, confidence = "contested", min(confidence, 0.6)
    if rules.conditional.search(head[-60:]):
        status = "contested"
    expected = _EXPECTED_AFTER.match(masked, start)
    if expected is not None and status != "government":
        if expected.group("far"):
            return None  # "the fall of X is a matter of months": no day's control
        return "contested", min(confidence, 0.5), False  # "... is only a matter of time"
    modal = rules.forecast.search(local) or _MODAL_AFTER.match(masked, start)
    if modal and status != "government":
        if rules.long_horizon.search(
            masked[start : start + 200]
        ) or rules.unscreened.long_horizon.search(local + masked[end : end + 120]):
            return None
        status, confidence = "contested", min(confidence, 0.5)
    if status == "fallen" and _is_partial(masked[max(0, start - 40) : start], rules, place_kind):
        status = "contested"
    return status, confidence, False


@dataclass(frozen=True)
class _Vouching:
    """What a sentence and the next one say about sources, for every fall it states."""

    confirmed: bool  # an independent source confirms (this sentence or the next)
    unverified_next: bool  # the next sentence flags the statement as unverified


def _vouching(masked: str, next_sentence: str, rules: Rules) -> _Vouching:
    """Read the sentence and the next one once for confirmations and hedges."""
    following = _normalise(next_sentence[:200])
    other = rules.unscreened.gated(following)  # gated for the next sentence itself
    return _Vouching(
        confirmed=bool(rules.confirmation.search(masked) or other.confirmation.search(following)),
        unverified_next=bool(
            other.unverified.search(following, 0, 120)
            and not other.any_trigger.search(following, 0, 120)
        ),
    )


def _source(masked: str, mention: Mention, vouching: _Vouching, rules: Rules) -> str:
    """Who vouches for a fall: "taliban" (a claim), "confirmed" or "".

    A claim marker counts when it stands in the clause of the place: from the last
    clause break before it (`_SOURCE_BREAK`) to the next one or the next place after
    it ("X fell, a Taliban spokesman said"; not "X fell on Friday, and a Taliban
    spokesman said fighters were advancing on Y"). A confirmation counts anywhere in
    the sentence or in the next one.
    """
    # (read up to the end of the place: a break's lookahead must see the place after it)
    breaks = _SOURCE_BREAK.finditer(masked, 0, mention.end)
    start = max((m.end() for m in breaks if m.end() <= mention.start), default=0)
    rest = masked[mention.end :].split(_OTHER, 1)[0]
    end = _SOURCE_BREAK.search(rest)
    own = masked[start : mention.start] + (rest[: end.start()] if end else rest)
    # gated for ``own`` itself: a word may form where its two pieces join
    rules = rules.unscreened.gated(own)
    claimed = (
        rules.taliban_source.search(own) or rules.unverified.search(own)
        or vouching.unverified_next
    )
    if vouching.confirmed:
        return "confirmed"
    return "taliban" if claimed else ""


# Fighting goes on, or the government side still holds out: "fighting continues",
# "government forces are still in control" (not about another place named next).
_FIGHTING_GOES_ON = (
    r"\b(?:fighting|clashes|battles?|resistance|gunfire)"
    r"(?:\s+(?:is|was|were|are|has|have|had|been|still|reportedly))*\s+(?:continu|rag|persist"
    r"|go(?:es|ing)? on|went on|under way|underway|ongoing)(?![^.;\x01]{0,25}\x02)"
    r"|\b(?:fighting|fought|fight|fights) back\b"
)
_STILL_HOLDS = (
    r"\b(?:government|security|afghan) (?:forces|troops)"
    r"(?:\s+(?:are|were|is|was))?\s+(?:still|remain)(?![^.;\x01]{0,40}\x02)"
)
_STILL_FIGHTING = f"{_FIGHTING_GOES_ON}|{_STILL_HOLDS}"


_DISPUTED = re.compile(
    r"\b(?:government|ministry|officials?|authorities|army|military|governor|police"
    r"|resistance|front)\b"
    r"(?:\s+[a-z']+){0,3}\s+(?:denied|rejected|dismissed|disputed)\b"
    r"|\b(?:denied|rejected|dismissed|disputed) by (?:the )?(?:government|ministry|officials?"
    r"|authorities|army|military|governor|police|resistance|anti-taliban)\b"
    # "..., but officials say fighting continues": another account of the same place
    rf"|\bbut\b[^\x02.;]{{0,60}}?(?:{_STILL_FIGHTING})"
)


def _counter_account(masked: str, end: int) -> tuple[bool, Status | None]:
    """Whether the rest of the sentence disputes a fall of the place ending at ``end``,
    and what the other account says of the place.

    "..., but officials say government forces are still in control" is a hold
    (``government``), "..., but officials say fighting continues" a fight
    (``contested``), "..., a claim the government denied" nothing more (None).
    """
    if _TAKEN_BACK.search(masked, end):
        return True, "government"  # "..., but security forces took it back"
    disputed = _DISPUTED.search(masked, end)
    if disputed is None:
        return False, None
    rest = masked[disputed.start() :]
    if re.search(_STILL_HOLDS, rest):
        # "still holding out in parts of the city" is partial control
        return True, "contested" if _IN_PARTS.search(rest) else "government"
    if re.search(_FIGHTING_GOES_ON, rest):
        return True, "contested"
    return True, None


# The fall did not last: "..., but security forces took it back (the same day)".
_TAKEN_BACK = re.compile(
    r"\bbut\b[^.;\x02]{0,40}?\b(?:government|security|afghan|army|commando)\w*\s+"
    r"(?:forces|troops|soldiers|units)?[^.;\x02]{0,20}?\b(?:took it back|retook it|recaptured it"
    r"|regained it|regained control|drove (?:them|the taliban|the insurgents) out|pushed them back)"
)
_IN_PARTS = re.compile(r"\b(?:parts?|pockets|some areas|neighbou?rhoods?|sections?) of\b")


def _is_partial(text: str, rules: Rules, place_kind: str) -> bool:
    """Whether ``text`` before the place says only part of it ("much of X").

    "The districts of X and Y" names districts: it is all of X, unless X is a city or
    a province, whose districts are parts of it.
    """
    found = rules.partial.search(text)
    return found is not None and not (
        place_kind not in ("capital", "province") and "district" in found.group(0)
    )


# "denied that X had fallen, saying fighting was continuing"
_DENIED_BUT_FIGHTING = re.compile(rf"[^\x02.;]{{0,80}}?(?:{_STILL_FIGHTING})")


_NO_LONGER = re.compile(r"\bno longer\s+(?:\w+\s+)?$")


_INTENT = re.compile(r"\bto\s+$")


# "the fall of X is only a matter of time", "X's fall seems imminent": the fall is
# expected, not reported (``far`` when it is weeks or months away).
_EXPECTED_AFTER = re.compile(
    r"\x01*(?:'s)?\s+(?:is|was|seems|seemed|appears|appeared|looks|looked|looms|loomed)"
    r"(?:\s+(?:now|only|just|increasingly|all but|to be))*\s+(?:"
    r"(?P<far>a matter of (?:weeks|months|years)|(?:weeks|months|years) away)"
    r"|a matter of (?:time|days|hours)|(?:only )?(?:days|hours) away|imminent|inevitable"
    r"|expected|likely|feared|near|close|certain)\b(?!\s+to\b)"  # not "... is certain to embolden"
)


# "X could fall": a modal right after the place.
_MODAL_AFTER = re.compile(r"\x01*\s+(?:could|may|might|would|will|is expected to|is likely to)\b")


_ACHIEVED = re.compile(
    r"\b(?:managed|went on|able|succeeded|began|started|moved|forced|compelled|obliged)\s+to\s+$"
)


# Where the clause of a fall ends for its source: a clause break, or a clause joined
# by ", and" or ", although" (but not ", and" before a place of a list).
_SOURCE_BREAK = re.compile(
    r"[;:]|b(?<!\wb)ut\b|w(?<!\ww)hile\b"
    r"|,\s+(?:and|although|though|whereas)\b(?!\s+(?:the\s+(?:city|town)\s+of\s+)?[\x01\x02])"
)


# A clause break: "[;:]|\bbut\b|\bwhile\b". The word boundary before a word is checked
# after its first letter ("b(?<!\wb)ut"): a pattern that starts with a character
# class lets re jump to the next candidate character instead of trying every
# position, which makes these patterns, read for every place, several times faster.
_CLAUSE_BREAK = re.compile(r"[;:]|b(?<!\wb)ut\b|w(?<!\ww)hile\b")


# "[;:]|,\s+(?:said|says|told|added)\b|\b(?:said|says|told)\s+(?:that\s+)?", written
# as `_CLAUSE_BREAK` is.
_SPEECH_BREAK = re.compile(
    r"[;:]|,\s+(?:said|says|told|added)\b|s(?<!\ws)(?:aid|ays)\s+(?:that\s+)?"
    r"|t(?<!\wt)old\s+(?:that\s+)?"
)


def _clause_start(breaks: Sequence[int], offset: int) -> int:
    """Where the clause holding ``offset`` starts: after the last of ``breaks`` (the ends
    of the sentence's clause breaks, `_CLAUSE_BREAK`) before it."""
    if not breaks:
        return 0
    return max((at for at in breaks if at <= offset), default=0)
