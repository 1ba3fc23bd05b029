"""Start-up stays light: heavy libraries are imported where they are used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "geopandas", "folium", "matplotlib", "trafilatura", "dateparser")


def _imported_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


def test_importing_the_package_imports_no_heavy_library() -> None:
    assert _imported_after("import controlmap") == []


def test_the_package_still_exports_every_name_on_use() -> None:
    import controlmap

    for name in controlmap.__all__:
        assert getattr(controlmap, name) is not None, name
    assert set(controlmap.__all__) <= set(dir(controlmap))


def test_the_command_line_help_imports_no_heavy_library() -> None:
    code = ("from click.testing import CliRunner\nfrom controlmap.cli import cli\n"
            "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
            "assert CliRunner().invoke(cli, ['build', '--help']).exit_code == 0")
    assert _imported_after(code) == []
