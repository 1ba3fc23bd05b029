"""Colours, labels and hatching of the four control states, shared by the HTML map
and the PNG/GIF exports so that both read the same.

Okabe-Ito colours (safe for the common colour-vision deficiencies); ``claimed``
is also hatched so that it is told apart from ``taliban`` without colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .records import STATES, State

if TYPE_CHECKING:
    from .profile import Profile

STATE_COLORS: dict[State, str] = {
    "government": "#0072B2",  # blue
    "contested": "#F0E442",  # yellow
    "claimed": "#CC79A7",  # reddish purple, hatched
    "taliban": "#D55E00",  # vermilion
}
STATE_LABELS: dict[State, str] = {
    "government": "Government",
    "contested": "Contested",
    "claimed": "Claimed by Taliban (unconfirmed)",
    "taliban": "Taliban",
}
HATCHED: frozenset[State] = frozenset({"claimed"})
ORDER: tuple[State, ...] = STATES


@dataclass(frozen=True)
class Palette:
    """The colours and words of the states on one conflict's maps and legends."""

    colors: Mapping[State, str]
    labels: Mapping[State, str]  # legend entries
    short: Mapping[State, str]  # counts and changes ("Taliban 12", "government → Taliban")


DEFAULT = Palette(
    STATE_COLORS, STATE_LABELS,
    {"government": "government", "contested": "contested", "claimed": "claimed",
     "taliban": "Taliban"},
)


def for_profile(profile: Profile) -> Palette:
    """The palette saying the profile's side names in its colours."""
    return Palette(
        STATE_COLORS | {"government": profile.defender.color, "taliban": profile.attacker.color},
        {
            "government": profile.defender.label,
            "contested": "Contested",
            "claimed": f"Claimed by {profile.attacker.label} (unconfirmed)",
            "taliban": profile.attacker.label,
        },
        {"government": profile.defender.short, "contested": "contested", "claimed": "claimed",
         "taliban": profile.attacker.short},
    )
