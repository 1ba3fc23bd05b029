"""Sentence splitting and the sharing out of place mentions (`controlmap._sentences`)."""

from __future__ import annotations

import pytest

from controlmap._rules import _default_rules
from controlmap._sentences import article_sentences, split_sentences
from controlmap.gazetteer import Gazetteer, load_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_sentence_never_crosses_a_line_break(newline: str) -> None:
    text = f"Officials in the north said{newline}Taloqan had fallen. Residents agreed."
    assert _texts(text) == [
        "Officials in the north said", "Taloqan had fallen.", "Residents agreed.",
    ]


def test_blank_lines_and_indentation_give_no_sentences() -> None:
    text = "  The governor left.\n\n   \n\tThe army stayed.  \n"
    assert _texts(text) == ["The governor left.", "The army stayed."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met (Gen. Sami Sadat on Monday.", ["He met (Gen. Sami Sadat on Monday."]),
        ("“Dr. Ahmadi left,” she said.", ["“Dr. Ahmadi left,” she said."]),
        ("The talks ended at 5 p.m. on Friday.", ["The talks ended at 5 p.m. on Friday."]),
    ],
)
def test_abbreviations_after_brackets_and_quotes_stay_joined(
    text: str, expected: list[str]
) -> None:
    assert _texts(text) == expected


def test_an_abbreviation_at_the_end_of_a_line_joins_nothing_across_it() -> None:
    text = "The statement was signed by Gen.\nThe city fell on Sunday."
    assert _texts(text) == ["The statement was signed by Gen.", "The city fell on Sunday."]


def test_a_word_that_only_ends_like_an_abbreviation_ends_the_sentence() -> None:
    # "Amir" ends with "Mr" but is no abbreviation, so the sentence after it is not joined.
    assert _texts("The new commander is called Amir. Residents fled the city.") == [
        "The new commander is called Amir.", "Residents fled the city.",
    ]


def test_mentions_are_shared_out_with_offsets_relative_to_their_sentence(
    gazetteer: Gazetteer,
) -> None:
    text = "Herat fell on Thursday.\nThe fighting moved to Kandahar and Lashkar Gah."
    sentences = article_sentences(text, gazetteer.find(text), _default_rules())
    assert [s.text for s in sentences] == [
        "Herat fell on Thursday.", "The fighting moved to Kandahar and Lashkar Gah.",
    ]
    for sentence in sentences:
        assert all(sentence.text[m.start : m.end] == m.surface for m in sentence.mentions)
    assert [m.surface for m in sentences[1].mentions] == ["Kandahar", "Lashkar Gah"]
    assert [s.paragraph for s in sentences] == [0, text.index("The fighting")]
    assert sentences[0].start == 0 and sentences[1].end == len(text)


def test_link_lines_are_dropped_with_their_mentions(gazetteer: Gazetteer) -> None:
    text = "Read more: Kunduz falls to the Taliban\nThe Taliban entered Herat."
    sentences = article_sentences(text, gazetteer.find(text), _default_rules())
    assert [s.text for s in sentences] == ["The Taliban entered Herat."]
    assert [m.surface for m in sentences[0].mentions] == ["Herat"]
