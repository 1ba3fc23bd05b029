"""Colours, labels and hatching of the four control states, shared by the HTML map
and the PNG/GIF exports so that both read the same.

Okabe-Ito colours (safe for the common colour-vision deficiencies); ``claimed``
is also hatched so that it is told apart from ``taliban`` without colour.
"""

from __future__ import annotations

from .records import STATES, State

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
