"""Tests for controlmap.corpus: reading files into Articles, problems, publication dates."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from controlmap._outputs import Manifest
from controlmap.corpus import Corpus, load_corpus
from controlmap.errors import InputError
from controlmap.records import Article

D = dt.date
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

REPORT = "Rebels seized the river port of {place} on Tuesday, August 10, 2021, officials said.\n"

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Rebels take Qaryat - Daily Wire</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li></ul></nav>
<div class="advert">Cheap flights to everywhere, book now and save big today</div>
<article>
<h1>Rebels take Qaryat</h1>
<p>Rebel fighters took control of the hill town of Qaryat on Monday, August 9, 2021,
after a week of fighting on its outskirts, two local officials said.</p>
<p>Residents said the garrison had left during the night and that the rebels raised their
flag over the governor's office without meeting resistance in the town centre.</p>
<p>The loss of Qaryat cuts the main road between the coast and the mountains, officials said,
and leaves the provincial capital exposed to attack from the north and the east.</p>
</article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Terrible news from Qaryat, said commenter bob99.</p></div></section>
<footer>Copyright Daily Wire. All rights reserved.</footer>
</body></html>
"""


def _ids(corpus: Corpus) -> list[str]:
    return [a.id for a in corpus]


def _messages(corpus: Corpus) -> list[str]:
    return [str(p) for p in corpus.problems]


# --- formats ---------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Report B\n" + REPORT.format(place="Beta"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text(
        "# Rebels take Alfa\n\n" + REPORT.format(place="Alfa"), encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Report A\n" + REPORT.format(place="Gamma"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["a.txt", "b.txt", "sub/a.md"]
    assert _ids(corpus) == _ids(corpus)  # iterating twice gives the same articles
    articles = {a.id: a for a in corpus}
    assert articles["sub/a.md"].title == "Rebels take Alfa"
    assert "river port of Alfa" in articles["sub/a.md"].text
    assert articles["b.txt"].path == (tmp_path / "b.txt").resolve()
    assert corpus.root == tmp_path.resolve()
    assert corpus.problems == []


def test_articles_are_frozen_records_with_text_dates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Report\n" + REPORT.format(place="Alfa"), encoding="utf-8")
    (article,) = load_corpus(tmp_path)
    assert isinstance(article, Article)
    assert (article.published, article.published_source) == (D(2021, 8, 10), "text")
    with pytest.raises(AttributeError):
        article.text = ""  # type: ignore[misc]


def test_html_main_text_without_navigation_adverts_or_comments(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (article,) = load_corpus(tmp_path)
    assert "hill town of Qaryat" in article.text
    for chrome in ("World news menu", "Cheap flights", "bob99", "All rights reserved"):
        assert chrome not in article.text
    assert "Rebels take Qaryat" in article.title
    assert article.published == D(2021, 8, 9)


def test_jsonl_lines_are_articles_and_a_bad_line_is_reported(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": REPORT.format(place="Alfa"), "title": "Alfa falls",
                    "url": "https://example.org/alfa", "outlet": "Wire",
                    "published": "2021-08-11"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        "",
        json.dumps({"text": REPORT.format(place="Beta")}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    articles = list(corpus)
    assert [a.id for a in articles] == ["feed.jsonl#1", "feed.jsonl#5"]
    first, last = articles
    assert (first.title, first.url, first.outlet) == ("Alfa falls", "https://example.org/alfa",
                                                      "Wire")
    assert (first.published, first.published_source) == (D(2021, 8, 11), "sidecar")
    assert (last.published, last.published_source) == (D(2021, 8, 10), "text")
    assert "river port of Beta" in last.text
    assert [(p.file, p.line) for p in corpus.problems] == [("feed.jsonl", 2), ("feed.jsonl", 3)]
    assert "malformed JSON" in corpus.problems[0].message
    assert "text" in corpus.problems[1].message


def test_single_files_and_lists_of_files(tmp_path: Path) -> None:
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text("Report\n" + REPORT.format(place=name), encoding="utf-8")
    assert _ids(load_corpus(tmp_path / "one.txt")) == ["one.txt"]
    assert _ids(load_corpus([tmp_path / "two.txt", tmp_path / "one.txt"])) == [
        "one.txt", "two.txt"
    ]


def test_missing_source_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere"):
        load_corpus(tmp_path / "nowhere")


def test_unsupported_files_are_reported_and_outputs_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "gold.csv").write_text("article,place\n", encoding="utf-8")  # data, not news
    out = tmp_path / "build"
    out.mkdir()
    for name in ("timeline.csv", "events.csv"):
        (out / name).write_text("date\n", encoding="utf-8")
    (out / "index.html").write_text(HTML, encoding="utf-8")
    (out / "articles.csv").write_text("file,published,published_source,events\n",
                                      encoding="utf-8")
    (out / "manifest.json").write_text(Manifest("build", "0").to_json(), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["a.txt"]
    assert [p.file for p in corpus.problems] == ["scan.pdf"]
    assert "unsupported file type '.pdf'" in corpus.problems[0].message


@pytest.mark.parametrize("table", ["events.csv", "timeline.csv"])
def test_a_folder_with_a_table_of_that_name_but_no_manifest_is_read(
    tmp_path: Path, table: str
) -> None:
    # Only controlmap's manifest.json marks an output folder; a user's own events.csv
    # beside articles must not hide them.
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / table).write_text("date\n", encoding="utf-8")
    (notes / "b.txt").write_text(REPORT.format(place="Bravo"), encoding="utf-8")
    (tmp_path / "manifest.json").write_text('{"tool": "another"}', encoding="utf-8")
    assert _ids(load_corpus(tmp_path)) == ["notes/b.txt"]


def test_hidden_folders_and_files_and_linked_folders_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / ".drafts").mkdir(parents=True)
    (corpus / ".drafts" / "c.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (corpus / ".hidden.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (corpus / ".DS_Store").write_bytes(b"\x00")  # not an article: no report
    (corpus / "a.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "d.txt").write_text(REPORT.format(place="Bravo"), encoding="utf-8")
    (corpus / "linked").symlink_to(elsewhere, target_is_directory=True)
    (corpus / "outside.txt").symlink_to(elsewhere / "d.txt")
    (corpus / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")  # the same article once
    loaded = load_corpus(corpus)
    assert _ids(loaded) == ["a.txt"]
    found = {p.file: p.message for p in loaded.problems}
    assert set(found) == {".drafts", ".hidden.txt", "linked", "outside.txt", "broken.txt"}
    assert "hidden folder" in found[".drafts"]
    assert "link to a folder" in found["linked"]
    assert "outside the corpus" in found["outside.txt"]
    assert "broken" in found["broken.txt"]


def test_a_file_name_that_is_not_utf8_is_read_and_reported(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # latin-1 bytes on a UTF-8 file system
    (tmp_path / name).write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    loaded = load_corpus(tmp_path)
    assert _ids(loaded) == ["caf\\xe9.txt"]
    assert [p.file for p in loaded.problems] == ["caf\\xe9.txt"]
    assert "not UTF-8" in loaded.problems[0].message
    loaded.problems[0].file.encode("utf-8")  # can go into articles.csv


def test_a_corpus_that_is_an_output_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(Manifest("build", "0").to_json(), encoding="utf-8")
    loaded = load_corpus(tmp_path)
    assert _ids(loaded) == []
    assert "controlmap's outputs" in loaded.problems[0].message


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \r\n\t\n", "empty file"),
        (bytes(range(256)) * 40, "binary file (not text)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary file (not text)"),
    ],
)
def test_empty_and_binary_files_are_skipped_with_a_problem(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["good.txt"]
    assert [(p.file, p.message) for p in corpus.problems] == [("bad.txt", f"{message}, skipped")]


ACCENTED = (
    "Les rebelles ont pris la ville de Sûre à l'aube, « sans combat », a déclaré le préfet.\n"
    "Señor Müller, le maire, a quitté la place forte après une journée très difficile.\n"
)
SMART = (
    "Rebels took the town of Sainte-Thérèse on Monday – the “last stronghold” – officials said.\n"
    "The mayor’s deputy fled to the café by the bridge before the fighting reached it.\n"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SMART.encode("utf-8"), SMART),
        (codecs.BOM_UTF8 + SMART.encode("utf-8"), SMART),
        (SMART.encode("utf-16"), SMART),  # Python writes the BOM
        (SMART.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), SMART),
        (SMART.encode("cp1252") * 3, SMART * 3),
        (ACCENTED.encode("latin-1") * 3, ACCENTED * 3),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "latin-1"],
)
def test_encodings_load_with_the_right_characters(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    (tmp_path / "article.txt").write_bytes(data)
    corpus = load_corpus(tmp_path)
    (article,) = corpus
    assert article.text == expected
    assert "\ufeff" not in article.title
    assert corpus.problems == []


def test_low_confidence_encoding_guess_is_noted_on_the_article(tmp_path: Path) -> None:
    # Few letters and many accented bytes: any single-byte decoding is a guess.
    (tmp_path / "odd.txt").write_bytes(bytes([0xE9, 0xFE, 0xA4, 0x20, 0xD0, 0xF1, 0x0A]) * 5)
    (article,) = load_corpus(tmp_path)
    assert article.problems
    assert "encoding guessed" in article.problems[0]


def test_crlf_newlines_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Title line\r\nBody on Monday.\r\n")
    (article,) = load_corpus(tmp_path)
    assert article.text == "Title line\nBody on Monday.\n"


def test_fifty_megabyte_article_loads(tmp_path: Path) -> None:
    paragraph = "Rebel fighters entered the northern town after a long siege, officials said.\n"
    body = paragraph * (50_000_000 // len(paragraph) + 1)
    (tmp_path / "huge.txt").write_text(
        "Siege of the northern town\n" + REPORT.format(place="Alfa") + body, encoding="utf-8"
    )
    (tmp_path / "small.txt").write_text(REPORT.format(place="Beta"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    sizes = {a.id: len(a.text) for a in corpus}
    assert sizes["huge.txt"] > 50_000_000
    assert "small.txt" in sizes
    assert corpus.problems == []


# --- the sidecar -----------------------------------------------------------------------------


def test_sidecar_fields_apply_and_bad_rows_are_reported(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Report {name}\n" + REPORT.format(place=name),
                                     encoding="utf-8")
    (tmp_path / "articles.csv").write_text(
        "file,published,url,outlet,title,colour\n"
        "a.txt,2021-08-12,https://example.org/a,Wire,Alfa falls,red\n"
        "b.txt,12/08/2021,https://example.org/b,Wire,,blue\n"
        ",2021-08-12,,,,\n"
        "missing.txt,2021-08-12,,,,\n"
        "c.txt,,,Daily,,\n",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    articles = {a.id: a for a in corpus}
    assert sorted(articles) == ["a.txt", "b.txt", "c.txt"]  # the sidecar is not an article
    a, b, c = articles["a.txt"], articles["b.txt"], articles["c.txt"]
    assert (a.published, a.published_source, a.url, a.outlet, a.title) == (
        D(2021, 8, 12), "sidecar", "https://example.org/a", "Wire", "Alfa falls"
    )
    assert (b.published, b.published_source, b.url) == (D(2021, 8, 10), "text", "")
    assert (c.outlet, c.published_source) == ("Daily", "text")
    problems = [(p.file, p.line) for p in corpus.problems]
    assert problems == [("articles.csv", 3), ("articles.csv", 4), ("articles.csv", 5)]
    messages = _messages(corpus)
    assert "'12/08/2021'" in messages[0] and "YYYY-MM-DD" in messages[0]
    assert "empty 'file'" in messages[1]
    assert "'missing.txt', but the corpus has no such article" in messages[2]


@pytest.mark.parametrize(("published", "why"), [
    ("3021-08-12", "in the future"),
    ("1021-08-12", "before 1900"),
    ("2021-02-30", "not a YYYY-MM-DD date"),
])
def test_absurd_given_publication_dates_are_reported(
    tmp_path: Path, published: str, why: str
) -> None:
    (tmp_path / "a.txt").write_text("Report\n" + REPORT.format(place="Alfa"), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"text": "The Taliban took Bravo on Monday.", "published": published}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "articles.csv").write_text(f"file,published\na.txt,{published}\n",
                                           encoding="utf-8")
    corpus = load_corpus(tmp_path)
    articles = {a.id: a for a in corpus}
    assert all(a.published is None or a.published.year == 2021 for a in articles.values())
    assert {a.published_source for a in articles.values()} <= {"text", "corpus", "unknown"}
    reported = {(p.file, p.line) for p in corpus.problems}
    assert reported == {("articles.csv", 2), ("b.jsonl", 1)}
    assert all(published in p.message and why in p.message for p in corpus.problems)


def test_sidecar_without_file_column_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (tmp_path / "articles.csv").write_text("name,published\na.txt,2021-08-01\n",
                                           encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["a.txt"]
    assert next(iter(corpus)).published_source == "text"
    assert [(p.file, p.line) for p in corpus.problems] == [("articles.csv", 1)]
    assert "no 'file' column" in corpus.problems[0].message


def test_sidecar_naming_an_unreadable_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "articles.csv").write_text("file,published\nempty.txt,2021-08-01\n",
                                           encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _messages(corpus) == [
        "empty.txt: empty file, skipped",
        "articles.csv:2: row names 'empty.txt', which could not be read",
    ]


# --- publication dates across the corpus -----------------------------------------------------


def test_weekday_only_article_is_dated_by_the_events_dated_articles_report(
    tmp_path: Path,
) -> None:
    # Two dated stories a month apart; each undated one reports two of their events.
    (tmp_path / "a.txt").write_text(
        "Rebels near Ostrava\nRebels shelled Ostrava on Monday and entered Brno on Tuesday, "
        "officials said on Wednesday, July 7, 2021.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Siege of Tarnow\nMilitias surrounded Tarnow on Monday and took Rzeszow on Tuesday, "
        "officials said on Wednesday, August 4, 2021.\n",
        encoding="utf-8",
    )
    (tmp_path / "c.txt").write_text(
        "Tarnow falls\nTarnow was surrounded on Monday. Rzeszow fell on Tuesday.\n",
        encoding="utf-8",
    )
    (tmp_path / "d.txt").write_text(
        "Brno shelled\nOstrava was shelled on Monday. Militias entered Brno on Tuesday.\n",
        encoding="utf-8",
    )
    articles = {a.id: a for a in load_corpus(tmp_path)}
    # The Monday-Tuesday pair of each matching story: published on the Tuesday.
    c, d = articles["c.txt"], articles["d.txt"]
    assert (c.published, c.published_source, c.published_confidence) == (
        D(2021, 8, 3), "corpus", "low"
    )
    assert (d.published, d.published_source) == (D(2021, 7, 6), "corpus")
    assert "is a guess" in d.problems[-1] and "Brno, Ostrava" in d.problems[-1]


@pytest.mark.parametrize(
    "undated",
    [
        "Brno was quiet on Tuesday.",  # one shared event: a coincidence one time in seven
        "Ostrava was shelled on Friday. Brno was taken on Saturday.",  # wrong weekdays
    ],
)
def test_too_few_matching_events_leave_the_date_unknown(tmp_path: Path, undated: str) -> None:
    (tmp_path / "a.txt").write_text(
        "Rebels shelled Ostrava on Monday and entered Brno on Tuesday, "
        "officials said on Wednesday, July 7, 2021.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(undated + "\n", encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    assert (articles["b.txt"].published, articles["b.txt"].published_source) == (None, "unknown")
    assert articles["b.txt"].problems[-1].startswith("publication date unknown (")


def test_nothing_is_invented_without_a_dated_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Rebels took Ostrava on Friday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Militias took Brno late last night.\n", encoding="utf-8")
    assert [(a.published, a.published_source) for a in load_corpus(tmp_path)] == [
        (None, "unknown"), (None, "unknown")
    ]


def test_article_without_any_date_expression_stays_unknown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (tmp_path / "b.txt").write_text("Rebels hold the port of Alfa.\n", encoding="utf-8")
    articles = {a.id: a for a in load_corpus(tmp_path)}
    assert (articles["b.txt"].published, articles["b.txt"].published_source) == (None, "unknown")


def test_page_date_far_from_the_rest_of_the_corpus_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "3 March 2025\nRebels still hold the port of Alfa since the fighting on Tuesday.\n",
        encoding="utf-8",
    )
    articles = {a.id: a for a in load_corpus(tmp_path)}
    # Without the header, Alfa's Tuesday is the one the dated article reports.
    assert (articles["b.txt"].published, articles["b.txt"].published_source) == (
        D(2021, 8, 10), "corpus"
    )
    assert "is a guess" in articles["b.txt"].problems[-1]


# The five sample articles, dated by reading them:
# 000 (France 24): caption "on August 12, 2021"; Herat fell "on Thursday" and the
#     Taliban "claimed Friday" Kandahar, so it was published Friday 13 August.
# 001 (AP/Reuters): "a police official said on Friday", the day after the
#     Kandahar/Herat claims of Thursday 12 August: Friday 13 August.
# 002 (AFP): "claimed this Friday having conquered Kandahar": Friday 13 August.
# 003 (Reuters copy under a Romanian page header "vineri, 19 aprilie 2024"):
#     "on Friday ... wresting control" of Kandahar and Herat, "since August 6":
#     Friday 13 August 2021; the 2024 header is the scrape date.
# 004 (RFI): "this Thursday, August 12", "earlier today": Thursday 12 August.
SEED_DATES = {
    "000_b335cc430364b05c.txt": (D(2021, 8, 13), "text"),
    "001_21a603dc0e4db137.txt": (D(2021, 8, 13), "corpus"),
    "002_5193f357d6e09261.txt": (D(2021, 8, 13), "corpus"),
    "003_e4289cc71e153fd7.txt": (D(2021, 8, 13), "corpus"),
    "004_975a2ccef8c349ae.txt": (D(2021, 8, 12), "text"),
}


def test_seed_articles_get_their_publication_dates() -> None:
    corpus = load_corpus(SEEDS)
    found = {a.id: (a.published, a.published_source) for a in corpus}
    assert found == SEED_DATES
    assert corpus.problems == []
    titles = {a.id: a.title for a in corpus}
    assert titles["003_e4289cc71e153fd7.txt"].startswith("Taliban capture")


def test_nested_sidecar_applies_to_its_folder_and_names_jsonl_lines(tmp_path: Path) -> None:
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "feed.jsonl").write_text(
        json.dumps({"text": "Rebels took Alfa on Friday."}) + "\n"
        + json.dumps({"text": "Rebels took Beta on Saturday."}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "wire" / "articles.csv").write_text(
        "file,published,outlet\nfeed.jsonl#2,2021-08-14,Wire\n", encoding="utf-8"
    )
    articles = {a.id: a for a in load_corpus(tmp_path)}
    second = articles["wire/feed.jsonl#2"]
    assert (second.published, second.published_source, second.outlet) == (
        D(2021, 8, 14), "sidecar", "Wire"
    )
    # The other line shares no dated event: its "Friday" stays undated.
    assert articles["wire/feed.jsonl#1"].published is None


def test_file_gone_before_iteration_is_reported(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(REPORT.format(place=name), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    (tmp_path / "a.txt").unlink()
    assert _ids(corpus) == ["b.txt"]
    assert [p.file for p in corpus.problems] == ["a.txt"]
    assert "could not read again" in corpus.problems[0].message
    assert len(corpus) == 2 and corpus.ids == ("a.txt", "b.txt")


def test_html_metadata_date_is_used_when_the_text_has_only_weekdays(tmp_path: Path) -> None:
    page = HTML.replace(
        "<title>", '<meta property="article:published_time" content="2021-08-10T08:00:00Z">'
        "<title>"
    ).replace("on Monday, August 9, 2021,", "on Monday")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (article,) = load_corpus(tmp_path)
    assert (article.published, article.published_source) == (D(2021, 8, 10), "text")


def test_jsonl_line_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    good = json.dumps({"text": "Rebels took Alfa on Friday."}).encode("utf-8")
    bad = json.dumps({"text": "Rebels took Sainte-Thérèse."}, ensure_ascii=False)
    (tmp_path / "feed.jsonl").write_bytes(good + b"\n" + bad.encode("cp1252") + b"\n")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["feed.jsonl#1"]
    assert [(p.file, p.line) for p in corpus.problems] == [("feed.jsonl", 2)]
    assert "not UTF-8" in corpus.problems[0].message


def test_html_without_article_text_is_reported(tmp_path: Path) -> None:
    (tmp_path / "blank.html").write_text(
        "<html><head><script>var tracking = 1;</script></head><body></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "good.txt").write_text(REPORT.format(place="Alfa"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert _ids(corpus) == ["good.txt"]
    assert [p.file for p in corpus.problems] == ["blank.html"]
    assert "no article text found in the HTML" in corpus.problems[0].message
