"""Direction of a control statement: who holds a place that a verb acts on.

Capture verbs give the place to their subject, loss verbs take it from their
subject, withdrawal and flight verbs take it from the side that leaves (and say
nothing when civilians or foreigners leave), holding verbs give it to whoever holds;
a facility in a place ("the prison in X") is part of it, its seat of power stands
for it. The rules are described in `extract` ("Direction", "Hedges"). Not for:
finding the verb (`extract`), qualifying the statement (`_hedges`).
"""

from __future__ import annotations

import re

from ._hedges import _is_partial
from ._rules import _TARGET, Rules
from .records import Status


def _object_status(
    kind: str, before: str, object_text: str, rules: Rules, place_kind: str
) -> Status | None:
    """Status given by a verb whose object is the target, after direction and facility."""
    parts = _SUBJECT_BREAK.split(before[-70:])
    subject = parts[-1]
    if len(parts) > 1 and _PRONOUN_SUBJECT.match(subject):
        subject = parts[-2] + subject  # "the Taliban said they had retaken X": the speaker
        rules = rules.unscreened  # a word may form where the two parts join
    government_subject = bool(rules.government_actor.search(subject)) and not bool(
        rules.taliban_actor.search(subject)
    )
    if _LEAVING.match(object_text) and _bystander(subject, government_subject, rules):
        return None  # civilians or foreigners leaving a place say nothing of its control
    if _ALL_BUT.search(object_text) and kind in ("fallen", "government"):
        # "the Taliban control every region except X", "took all but X": X is the
        # exception, still held by the other side
        taliban = bool(rules.taliban_actor.search(subject)) and not government_subject
        return "government" if taliban else None
    if kind == "government":
        head = object_text.rstrip(_TARGET)
        if _APPROACHES.search(object_text) and _PUSHED_BACK.match(object_text):
            return "government"  # "pushed the Taliban back from the outskirts of X"
        if rules.facility.search(head) and place_kind not in _FACILITY_KINDS:
            return "contested"  # "still hold the airport in X": part of the place
        if _is_partial(object_text, rules, place_kind):
            return "contested"  # "still control the centre of X": part of the place
        verb = object_text.split()[0]
        if _RETAKE.match(verb) and rules.taliban_actor.search(subject) and not government_subject:
            return "fallen"  # "the Taliban retook X": retaking gives X to its subject
        if re.match(r"(?:still\s+|firmly\s+)?(?:hold|held|control|defend|secur|keep|kept|remain"
                    r"|is|are|was|were)", verb):
            # "hold"/"control" give the place to whoever the subject is.
            if rules.taliban_actor.search(subject) and not government_subject:
                return "fallen"
            if not government_subject and not re.search(r"\bstill\b", object_text):
                return None
        return "government"
    if kind == "partial":
        return "contested"
    if kind in ("retreat_from", "flight"):
        left = _leaving_status(subject, object_text, rules, need_side=True)
        return None if left is None else _facility_status(left, object_text, rules, place_kind)
    if kind == "fallen":
        loss = re.match(
            r"(?:los|abandon|evacuat|surrender|ced|hand|gave|give|giv|turn|sign)", object_text
        )
        if loss:
            taliban_lost = bool(rules.taliban_actor.search(subject)) and not government_subject
            if taliban_lost:
                return "government"
            return _facility_status("fallen", object_text, rules, place_kind)
        if government_subject:
            return "government"
        return _facility_status("fallen", object_text, rules, place_kind)
    if kind == "contested":
        return "contested"
    return None


def _bystander(subject: str, government_subject: bool, rules: Rules) -> bool:
    """Whether the subject of a leaving verb is neither side: civilians or foreigners.

    "Thousands of civilians fled X" and "US troops pulled out of X" say nothing of
    who holds X; "hundreds of soldiers fled X" names the government side.
    """
    if rules.foreign_actor.search(subject):
        return True
    return bool(_CIVILIANS.search(subject)) and not government_subject


def _leaving_status(
    subject: str, verb_text: str, rules: Rules, *, need_side: bool
) -> Status | None:
    """Who holds a place that the subject of a withdrawal or flight verb left.

    The government side leaving gives ``fallen``, the Taliban leaving
    ``government``. Civilians and foreigners leaving give nothing, and so does a
    subject that names no side when ``need_side`` is set or the verb is one of
    flight ("fled X"), since anyone may flee.
    """
    government = bool(rules.government_actor.search(subject)) and not bool(
        rules.taliban_actor.search(subject)
    )
    if _bystander(subject, government, rules):
        return None
    taliban = bool(rules.taliban_actor.search(subject)) and not government
    if not (government or taliban) and (need_side or rules.flight.match(verb_text)):
        return None
    return "government" if taliban else "fallen"


def _facility_status(
    status: Status, object_text: str, rules: Rules, place_kind: str = "capital"
) -> Status:
    """A fall of a facility in a place: the seat of power counts, others are partial.

    A place that is itself a facility (a border crossing, an airport, a base) is
    named, not located, by "the border crossing of X".
    """
    if place_kind in _FACILITY_KINDS:
        return status
    if rules.facility.search(object_text.rstrip(_TARGET)):
        if status == "fallen" and rules.seat_of_power.search(object_text):
            return "fallen"
        return "contested"
    return status


def _clause_status(
    clause: re.Match[str], rest: str, rules: Rules, place_kind: str, subject: str
) -> tuple[Status | None, bool]:
    """Status of a frame sentence ("In X, insurgents seized the governor's office").

    ``subject`` is the text around the place before the predicate: it tells who
    withdrew or fled ("Soldiers in X laid down their arms"). Also says whether the
    predicate names the framed place again ("the city", with no other place named in
    between), in which case it holds for that place even when the sentence names
    others.
    """
    after = rest[clause.start() : clause.end() + 60]
    city = _THE_CITY.search(after)
    anaphor = (
        city is not None
        and place_kind != "province"
        and _OTHER_CITY.search(rest, 0, clause.start() + city.start()) is None
    )
    if clause.group("government"):
        return ("government" if anaphor else None), anaphor
    if clause.group("retreat"):
        # ``subject`` joins the text on both sides of the place: no gated rules for it
        return _leaving_status(subject, clause.group(0), rules.unscreened, need_side=False), anaphor
    if clause.group("fallen"):
        if rules.seat_of_power.search(after):
            return "fallen", anaphor
        if _PARTIAL_FACILITY.search(after):
            return "contested", anaphor
        return ("fallen" if anaphor else None), anaphor
    if clause.group("contested"):
        return "contested", anaphor
    return None, anaphor


_OTHER_CITY = re.compile(r"\x02+(?!\x02|\s+province)")  # "the city" cannot mean a province


# "\b(?:the|this|that) (?:city|town|provincial capital)\b", written as `_CLAUSE_BREAK` is.
_THE_CITY = re.compile(r"t(?<!\wt)h(?:e|is|at) (?:city|town|provincial capital)\b")


_PARTIAL_FACILITY = re.compile(
    r"\b(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:prison|jail|airport|base|barracks|checkpoints?|outposts?|district)"
)


# Where the subject of a verb starts: after "[;:]|\bwhile\b|\bbut\b|\bthat\b|\bsaid\b|
# \bsays\b|\btold\b|\baccording to\b". Written with each word boundary after the
# word's first letter ("w(?<!\ww)hile"), as in `_CLAUSE_BREAK`.
_SUBJECT_BREAK = re.compile(
    r"[;:]|w(?<!\ww)hile\b|b(?<!\wb)ut\b|t(?<!\wt)(?:hat|old)\b|s(?<!\ws)a(?:id|ys|ying)\b"
    r"|a(?<!\wa)ccording to\b"
)


# "they", or the speaker's own forces: "the front said its forces had retaken X"
_PRONOUN_SUBJECT = re.compile(
    r"\s*(?:they|it|we|(?:its|their|our) (?:forces|fighters|troops|men|units))\b"
)


_RETAKE = re.compile(
    r"(?:re-?t(?:ook|ake|aken|akes|aking)|recaptur|re-?seiz|regain|reclaim|liberat|clear)"
)


# The approaches to a place are not part of it: "pushed the Taliban back from the
# outskirts of X" keeps X.
_APPROACHES = re.compile(
    r"\b(?:outskirts|edge|edges|gates)\s+of\s+(?:the\s+)?(?:\w+\s+of\s+)?\x01+$"
)


# The verb that pushed an attacker back, or the attack that was pushed back ("attacks
# had been repelled on the outskirts of X").
_PUSHED_BACK = re.compile(
    r"(?:(?:attacks?|assaults?|offensives?|advances?)\b[^\x01\x02]{0,40}?\b)?"
    r"(?:push|drove|drive|driv|repel|repuls|forc|expel|oust|evict|clear|beat|beaten)"
)


_ALL_BUT = re.compile(
    r"\b(?:all but|except(?:\s+for)?|apart from|other than|save for|with the exception of)\s+"
    r"(?:the\s+)?(?:(?:city|town|province) of\s+)?\x01+$"
)


_CIVILIANS = re.compile(
    r"\b(?:residents|civilians|families|people|thousands|hundreds|refugees|villagers"
    r"|children|women|men|traders|diplomats|foreigners|staff)\b"
)


_LEAVING = re.compile(
    r"(?:fled|flee|abandon|evacuat|withdr|retreat|left|leave|driven|pushed|forced|expelled"
    r"|evicted)"
)


_FACILITY_KINDS = frozenset({"border_crossing", "airport", "base"})
