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
    result = CliRunner().invoke(cli, ["--quiet", "build", str(ROOT / "seeds"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "embed.html", "events.csv", "articles.csv", "counts.csv",
                 "unresolved.csv", "timeline.csv", "timeline.geojson"):
        assert (out / name).is_file(), name
    assert f"map: {out / 'index.html'}" in result.output
    assert "<iframe" in result.output


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
