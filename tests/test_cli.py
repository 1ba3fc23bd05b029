"""The command line: help and README for every command, exit codes, one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from controlmap.cli import cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(cli.commands)


def test_the_commands_the_issue_asks_for_exist() -> None:
    assert {"build", "extract", "render", "evaluate", "places", "export-png"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.commands[name]
    assert command.help and len(command.help.split()) > 8
    assert "Example:" in result.output
    assert f"controlmap {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"controlmap {re.escape(name)}\b", readme), name


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "controlmap", "--help"], capture_output=True, text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Exit codes" in done.stdout


def test_places_prints_the_place_and_its_province() -> None:
    result = CliRunner().invoke(cli, ["places", "Firuz Koh"])
    assert result.exit_code == 0, result.output
    assert "Feroz Koh (capital)" in result.output
    assert "AF-GHO" in result.output and "Ghor" in result.output


def test_places_exits_1_with_one_line_for_an_unknown_name() -> None:
    result = CliRunner().invoke(cli, ["places", "Atlantis-on-Oxus"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "Atlantis-on-Oxus" in result.output


def test_a_bad_date_is_a_usage_error_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(ROOT / "seeds"), "--out", str(tmp_path), "--start", "13/08/2021"]
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


def test_a_library_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    baseline.write_text("region_id,state\nAF-XXX,taliban\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--baseline",
         str(baseline)],
    )
    assert result.exit_code == 2, result.output
    assert "baseline.csv" in result.output and "AF-XXX" in result.output
    assert "Traceback" not in result.output


def test_build_on_the_seeds_writes_every_output_and_prints_the_map(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(cli, ["build", str(ROOT / "seeds"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "embed.html", "events.csv", "articles.csv", "counts.csv",
                 "unresolved.csv", "timeline.csv", "timeline.geojson", "timeline.gpkg",
                 "timeline.parquet", "timeline_runs.geojson"):
        assert (out / name).is_file(), name
    assert f"map: {out / 'index.html'}" in result.output
    assert '<iframe src="index.html"' in result.output


def test_quiet_prints_nothing_but_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--quiet", "build", str(ROOT / "seeds"), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_base_url_makes_the_embed_snippet_absolute(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(ROOT / "seeds"), "--out", str(out),
                                      "--base-url", "https://example.org/maps/aug"])
    assert result.exit_code == 0, result.output
    snippet = (out / "embed.html").read_text(encoding="utf-8")
    assert '<iframe src="https://example.org/maps/aug/index.html"' in snippet
    bad = CliRunner().invoke(cli, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "b"),
                                   "--base-url", "javascript:alert(1)"])
    assert bad.exit_code == 2 and "Cannot embed" in bad.output


def test_the_default_title_names_the_date_range(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["-q", "build", str(ROOT / "seeds"), "--out", str(out)])
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Who controls what, 10–13 Aug 2021</title>" in page


def test_export_png_refuses_tiles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["-q", "build", str(ROOT / "seeds"), "--out", str(out)])
    result = CliRunner().invoke(cli, ["export-png", str(out / "events.csv"), "--tiles",
                                      "--out", str(tmp_path / "a.png")])
    assert result.exit_code == 2
    assert "--tiles does nothing there" in result.output
    assert not (tmp_path / "a.png").exists()


def test_a_bad_file_is_a_warning_naming_it_and_exit_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        "Kabul, Aug. 13, 2021 - The Taliban captured Ghazni on Thursday, officials said.\n",
        encoding="utf-8",
    )
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "broken.txt" in result.output
    events = (tmp_path / "out" / "events.csv").read_text(encoding="utf-8")
    assert "Ghazni" in events


def test_render_reuses_an_events_file(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["-q", "extract", str(ROOT / "seeds"), "--out", str(tmp_path)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        cli, ["-q", "render", str(tmp_path / "events.csv"), "--out", str(tmp_path / "map")]
    )
    assert second.exit_code == 0, second.output
    assert (tmp_path / "map" / "index.html").is_file()


def test_export_png_writes_a_still_and_an_animation(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["-q", "extract", str(ROOT / "seeds"), "--out",
                               str(tmp_path)]).exit_code == 0
    result = runner.invoke(cli, ["export-png", str(tmp_path / "events.csv"), "--day",
                                 "2021-08-13", "--out", str(tmp_path / "aug13.png"), "--gif",
                                 str(tmp_path / "all.gif")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "aug13.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "all.gif").read_bytes()[:6] == b"GIF89a"
    outside = runner.invoke(cli, ["export-png", str(tmp_path / "events.csv"), "--day",
                                  "2020-01-01", "--out", str(tmp_path / "x.png")])
    assert outside.exit_code == 2
    assert "2020-01-01" in outside.output and "Traceback" not in outside.output


def _small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(
        "Kabul, Aug. 13, 2021 - The Taliban captured Ghazni on Thursday, officials said.\n",
        encoding="utf-8",
    )
    return folder


def test_help_documents_every_exit_code() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    text = " ".join(result.output.split())
    for code in ("0 success", "1 finished with problems", "2 usage or fatal error",
                 "3 internal error"):
        assert code in text


def test_a_bug_is_exit_3_with_a_short_message_and_the_traceback_only_when_verbose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controlmap import pipeline

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "build", broken)
    args = ["build", str(_small_corpus(tmp_path / "c")), "--out", str(tmp_path / "out")]
    quiet = CliRunner().invoke(cli, args)
    assert quiet.exit_code == 3
    assert "internal error" in quiet.output and "ZeroDivisionError" in quiet.output
    assert "--verbose" in quiet.output and "Traceback" not in quiet.output
    assert quiet.output.strip().count("\n") == 0
    verbose = CliRunner().invoke(cli, ["--verbose", *args])
    assert verbose.exit_code == 3
    assert "Traceback" in verbose.output


def test_a_system_error_is_one_line_naming_the_file_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controlmap import pipeline

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "events.csv"))

    monkeypatch.setattr(pipeline, "build", full_disk)
    result = CliRunner().invoke(
        cli, ["build", str(_small_corpus(tmp_path / "c")), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "events.csv" in result.output and "No space left" in result.output
    assert "Traceback" not in result.output and result.output.strip().count("\n") == 0


def test_out_inside_the_corpus_is_refused_unless_forced(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "c")
    refused = CliRunner().invoke(cli, ["-q", "build", str(corpus), "--out", str(corpus)])
    assert refused.exit_code == 2
    assert "--force" in refused.output and "Traceback" not in refused.output
    assert not (corpus / "events.csv").exists()
    forced = CliRunner().invoke(cli, ["-q", "build", str(corpus), "--out", str(corpus / "map"),
                                      "--force"])
    assert forced.exit_code == 0, forced.output
    assert (corpus / "map" / "manifest.json").is_file()


def test_render_warns_with_exit_1_about_a_mixed_output_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["-q", "build", str(_small_corpus(tmp_path / "c")), "--out",
                               str(out)]).exit_code == 0
    (out / "counts.csv").write_text("article,date,count,total,evidence\n", encoding="utf-8")
    result = runner.invoke(cli, ["-q", "render", str(out / "events.csv"), "--out",
                                 str(tmp_path / "map")])
    assert result.exit_code == 1, result.output
    assert "counts.csv" in result.output and "mixed" in result.output


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_absurd_start_date_is_a_usage_error(tmp_path: Path, day: str) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(_small_corpus(tmp_path / "c")), "--out", str(tmp_path / "out"),
              "--start", day]
    )
    assert result.exit_code == 2
    assert day in result.output and "out of range" in result.output


def test_a_file_size_limit_is_one_line_exit_2_and_the_old_outputs_stay(tmp_path: Path) -> None:
    import resource

    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["-q", "build", str(_small_corpus(tmp_path / "c")), "--out",
                               str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = subprocess.run(
        [sys.executable, "-m", "controlmap", "-q", "build", str(ROOT / "seeds"), "--out",
         str(out)],
        preexec_fn=limit, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "File too large" in done.stderr and "Traceback" not in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_export_png_warns_with_exit_1_about_a_mixed_output_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["-q", "build", str(_small_corpus(tmp_path / "c")), "--out",
                               str(out)]).exit_code == 0
    (out / "timeline.csv").unlink()
    result = runner.invoke(cli, ["-q", "export-png", str(out / "events.csv"), "--out",
                                 str(tmp_path / "day.png")])
    assert result.exit_code == 1, result.output
    assert "timeline.csv" in result.output and "missing" in result.output
    assert (tmp_path / "day.png").is_file()
