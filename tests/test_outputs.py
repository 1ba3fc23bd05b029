"""Output sets: all files or none, a manifest, no file overwritten that controlmap did not
write, CSVs that survive a bare CR and a spreadsheet, and values out of range refused."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from controlmap import _outputs, pipeline
from controlmap._outputs import OutputSet, check_set, guard_cell, read_manifest, unguard_cell
from controlmap.errors import InputError, OutputError
from controlmap.events_table import read_events

ARTICLE = ("Kabul, Aug. 13, 2021 - The Taliban captured Ghazni on Thursday, officials said. "
           "Fighting went on around Kandahar.\n")
BUILD_FILES = {"index.html", "embed.html", "events.csv", "articles.csv", "counts.csv",
               "unresolved.csv", "timeline.csv", "timeline.geojson", "timeline_runs.geojson",
               "timeline.gpkg", "timeline.parquet", "manifest.json"}


def _corpus(folder: Path, title: str = "Ghazni falls") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    record = {"text": ARTICLE, "title": title, "published": "2021-08-13",
              "url": "https://example.org/a", "outlet": "Example"}
    (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


def _consistent(folder: Path) -> bool:
    manifest = read_manifest(folder)
    return manifest is not None and not check_set(folder) and all(
        _outputs.sha256_of(folder / name) == digest for name, digest in manifest.outputs
    )


# --- CSV cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # a cell that already looks guarded keeps its apostrophe on reading
        ("Taliban take Ghazni", "Taliban take Ghazni"),
        ("don't panic", "don't panic"),
        ("", ""),
    ],
)
def test_formula_cells_get_an_apostrophe_and_reading_takes_it_off(cell: str, written: str) -> None:
    assert guard_cell(cell) == written
    assert unguard_cell(written) == cell


def test_numbers_are_never_guarded() -> None:
    assert guard_cell(-3.5) == -3.5


@pytest.mark.parametrize("text", ["a\rb", "a\nb", "a\r\nb", "\r", "a,\"b\"\r"])
def test_a_bare_cr_or_lf_in_a_cell_is_quoted_and_reads_back(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    _outputs.write_csv(pd.DataFrame({"title": [text, "next"], "n": [1, 2]}), path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["title", "n"], [guard_cell(text), "1"], ["next", "2"]]
    back = _outputs.unguard_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    assert back["title"].tolist() == [text, "next"]


@pytest.mark.parametrize("title", ["Ghazni\rfalls", "=HYPERLINK(\"http://x\")", "@SUM(1)",
                                   "+cmd|' /C calc'!A0", "'=quoted"])
def test_render_reads_back_the_text_a_build_wrote(tmp_path: Path, title: str) -> None:
    result = pipeline.build(_corpus(tmp_path / "corpus", title), tmp_path / "out")
    assert title in set(result.timeline.events["title"])
    raw = (tmp_path / "out" / "events.csv").read_text(encoding="utf-8")
    if title[0] in "=@+'":
        assert f",{title}," not in raw  # the spreadsheet sees text, not a formula
    events = read_events(tmp_path / "out" / "events.csv")
    assert {e.title for e in events} == {title}
    again = pipeline.render_csv(tmp_path / "out" / "events.csv", tmp_path / "again")
    assert set(again.timeline.events["title"]) == {title}


# --- output sets -----------------------------------------------------------------------------


def test_a_build_writes_a_manifest_of_its_outputs_and_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == BUILD_FILES
    manifest = read_manifest(out)
    assert manifest is not None and manifest.command == "build"
    assert {name for name, _ in manifest.outputs} == BUILD_FILES - {"manifest.json"}
    assert [path for path, _ in manifest.inputs] == ["feed.jsonl"]
    assert _consistent(out)


def test_a_failed_command_leaves_the_previous_set_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(RuntimeError), OutputSet(out, "build", writes=("events.csv",)) as outputs:
        outputs.write_text("events.csv", "half a table")
        raise RuntimeError("killed")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _consistent(out)


def test_a_commit_stopped_between_renames_is_finished_by_the_next_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    real_replace = os.replace
    calls = []

    def stop_after_two(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) > 3:  # the journal, then two outputs, then the process dies
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", stop_after_two)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(_corpus(tmp_path / "corpus2", "Another title"), out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert any("stopped while replacing" in p.message for p in check_set(out))
    _outputs.recover(out)
    assert _consistent(out)
    assert "Another title" in (out / "articles.csv").read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".controlmap-tmp-")]


def test_temporary_files_of_a_killed_command_are_swept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    (out / ".controlmap-tmp-99-1-events.csv").write_text("partial", encoding="utf-8")
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    assert not (out / ".controlmap-tmp-99-1-events.csv").exists()
    assert _consistent(out)


def test_extract_into_a_build_folder_removes_the_map_of_the_old_events(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    pipeline.extract_corpus(_corpus(tmp_path / "corpus2", "Other"), out)
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {"events.csv", "articles.csv", "counts.csv", "unresolved.csv",
                     "manifest.json"}
    assert _consistent(out)


def test_render_in_place_keeps_the_tables_it_does_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    events = out / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("fallen", "claimed"),
                      encoding="utf-8")  # corrected by hand, then rendered where it lies
    result = pipeline.render_csv(events, out)
    assert result.problems == ()
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == BUILD_FILES
    assert _consistent(out)


def test_render_says_when_the_files_beside_the_events_are_a_mixed_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    (out / "counts.csv").write_text("article,date,count,total,evidence\n", encoding="utf-8")
    result = pipeline.render_csv(out / "events.csv", tmp_path / "map")
    assert [Path(p.file).name for p in result.problems] == ["counts.csv"]
    assert "mixed" in result.problems[0].message


# --- what is never overwritten ---------------------------------------------------------------


def test_a_file_controlmap_did_not_write_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.csv").write_text("my own table\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by controlmap"):
        pipeline.build(_corpus(tmp_path / "corpus"), out)
    assert (out / "events.csv").read_text(encoding="utf-8") == "my own table\n"
    pipeline.build(_corpus(tmp_path / "corpus"), out, force=True)
    assert _consistent(out)


def test_an_output_changed_by_hand_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    (out / "timeline.csv").write_text("edited\n", encoding="utf-8")
    with pytest.raises(OutputError, match="changed after controlmap wrote it"):
        pipeline.build(_corpus(tmp_path / "corpus"), out)
    assert (out / "timeline.csv").read_text(encoding="utf-8") == "edited\n"


def test_a_symlink_in_out_is_never_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "precious.csv"
    precious.write_text("keep me\n", encoding="utf-8")
    (out / "events.csv").symlink_to(precious)
    with pytest.raises(OutputError, match="symbolic link"):
        pipeline.build(_corpus(tmp_path / "corpus"), out)
    pipeline.build(_corpus(tmp_path / "corpus"), out, force=True)  # replaces the link only
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert not (out / "events.csv").is_symlink()


@pytest.mark.parametrize("inside", [".", "build"])
def test_out_in_the_corpus_folder_is_refused(tmp_path: Path, inside: str) -> None:
    corpus = _corpus(tmp_path / "corpus")
    sidecar = corpus / "articles.csv"
    sidecar.write_text("file,published\nfeed.jsonl,2021-08-13\n", encoding="utf-8")
    with pytest.raises(OutputError, match="inside the corpus"):
        pipeline.build(corpus, corpus / inside)
    with pytest.raises(OutputError, match="inside the corpus"):
        pipeline.extract_corpus(corpus, corpus / inside)
    assert sidecar.read_text(encoding="utf-8") == "file,published\nfeed.jsonl,2021-08-13\n"


def test_export_png_never_writes_through_a_symlink(tmp_path: Path) -> None:
    from controlmap.export import export_png

    timeline = pipeline.build(_corpus(tmp_path / "corpus"), tmp_path / "out").timeline
    precious = tmp_path / "precious.png"
    precious.write_bytes(b"mine")
    (tmp_path / "map.png").symlink_to(precious)
    with pytest.raises(OutputError, match="symbolic link"):
        export_png(timeline, timeline.days[-1], tmp_path / "map.png")
    assert precious.read_bytes() == b"mine"


# --- values out of range ---------------------------------------------------------------------

EVENTS_HEADER = "article,place,status,date,lat,lon,confidence,start,end\n"


@pytest.mark.parametrize(
    ("row", "value"),
    [
        ("a,Ghazni,fallen,0001-01-01,33.5,68.4,0.9,0,10", "0001-01-01"),
        ("a,Ghazni,fallen,9999-12-31,33.5,68.4,0.9,0,10", "9999-12-31"),
        ("a,Ghazni,fallen,1899-12-31,33.5,68.4,0.9,0,10", "1899-12-31"),
        ("a,Ghazni,fallen,2021-08-13,nan,68.4,0.9,0,10", "nan"),
        ("a,Ghazni,fallen,2021-08-13,91,68.4,0.9,0,10", "91"),
        ("a,Ghazni,fallen,2021-08-13,33.5,inf,0.9,0,10", "inf"),
        ("a,Ghazni,fallen,2021-08-13,33.5,-180.5,0.9,0,10", "-180.5"),
        ("a,Ghazni,fallen,2021-08-13,33.5,68.4,1e400,0,10", "1e400"),
        ("a,Ghazni,fallen,2021-08-13,33.5,68.4,0.9,0,100000000000000000000000",
         "100000000000000000000000"),
        ("a,Ghazni,fallen,2021-08-13,33.5,68.4,0.9,-5,10", "-5"),
    ],
)
def test_events_out_of_range_are_refused_naming_file_line_and_value(
    tmp_path: Path, row: str, value: str
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS_HEADER + "a,Kabul,fallen,2021-08-15,34.5,69.2,0.9,0,10\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="out of range") as caught:
        read_events(path)
    assert f"{path}:3" in str(caught.value) and value in str(caught.value)


@pytest.mark.parametrize(
    ("cells", "value"),
    [
        ("2021-08-13,inf,34", "inf"),
        ("2021-08-13,1e400,34", "1e400"),
        ("2021-08-13,100000000000000000000000,34", "100000000000000000000000"),
        ("2021-08-13,-1,34", "-1"),
        ("2021-08-13,2.5,34", "2.5"),
        ("2021-08-13,12,nan", "nan"),
        ("0001-01-01,12,34", "0001-01-01"),
        ("9999-12-31,12,34", "9999-12-31"),
    ],
)
def test_counts_out_of_range_are_refused_naming_file_line_and_value(
    tmp_path: Path, cells: str, value: str
) -> None:
    out = tmp_path / "out"
    pipeline.extract_corpus(_corpus(tmp_path / "corpus"), out)
    counts = out / "counts.csv"
    counts.write_text(f"article,date,count,total,evidence\na,{cells},Twelve of the capitals\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"out of range|not a number") as caught:
        pipeline.timeline_from_csv(out / "events.csv")
    assert f"{counts}:2" in str(caught.value) and value in str(caught.value)


def test_the_gif_belongs_to_the_set_and_goes_when_a_build_makes_none(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out, gif=True)
    assert (out / "timeline.gif").read_bytes()[:6] == b"GIF89a"
    assert "timeline.gif" in _outputs.read_manifest(out).files  # type: ignore[union-attr]
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    assert not (out / "timeline.gif").exists()
    assert _consistent(out)


def test_an_absurd_count_in_an_article_is_reported_not_used(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    big = 10**23
    (corpus / "a.txt").write_text(
        f"Kabul, Aug. 13, 2021 - The Taliban have taken {big} of the {big} provincial "
        "capitals, officials said. The Taliban captured Ghazni on Thursday.\n",
        encoding="utf-8",
    )
    result = pipeline.build(corpus, tmp_path / "out")
    assert result.timeline.counts.empty or big not in set(result.timeline.counts["count"])
    assert any("out of range" in p.message for p in result.problems)


def test_render_of_an_edited_events_file_logs_that_the_map_beside_it_is_stale(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    pipeline.build(_corpus(tmp_path / "corpus"), out)
    events = out / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("fallen", "claimed"),
                      encoding="utf-8")
    with caplog.at_level("WARNING"):
        result = pipeline.render_csv(events, tmp_path / "map")
    assert result.problems == ()  # correcting by hand is what render is for
    assert "changed since controlmap wrote it" in caplog.text
    assert any(p.message.startswith("differs") for p in check_set(out))


def test_one_article_file_may_be_built_into_a_folder_beside_it(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    pipeline.build(corpus / "feed.jsonl", corpus / "build")
    assert _consistent(corpus / "build")


def test_a_planted_journal_cannot_move_or_delete_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    journal = {"manifest": {}, "staged": {"events.csv": "../victim.txt"},
               "remove": ["../victim.txt"]}
    (out / ".controlmap-commit.json").write_text(json.dumps(journal), encoding="utf-8")
    with pytest.raises(OutputError, match="not a journal"):
        _outputs.recover(out)
    assert victim.read_text(encoding="utf-8") == "mine"
