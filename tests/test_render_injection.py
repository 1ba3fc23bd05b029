"""Text from articles, events files, boundary layers and options is data, never template code.

Every text field that reaches the page carries Jinja2 markup (``{{7*7}}``, ``{%``,
``{#``) and a payload that would create a folder if it were ever evaluated. The page
must show each one literally, and the folder must never appear.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_reconcile import make_events, make_regions

from controlmap.pipeline import build
from controlmap.reconcile import reconcile
from controlmap.render import render_map
from controlmap.settings import Settings

ARITHMETIC = "{{7*7}}"
COMMENT = "{# unclosed"
STATEMENT = "{% for x in y %}"


def _payload(canary: Path) -> str:
    """Template code that creates ``canary`` when evaluated by Jinja2."""
    return f"{{{{ cycler.__init__.__globals__.os.mkdir('{canary}') }}}}"


def _data(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="controlmap-data">(.*?)</script>',
                      text, re.S)
    assert block is not None
    data: dict[str, Any] = json.loads(block.group(1))
    return data


def _corpus(folder: Path, canary: Path) -> None:
    payload = _payload(canary)
    folder.mkdir()
    record = {
        "title": f"Jsonl {ARITHMETIC} {payload}",
        "published": "2021-08-12",
        "outlet": f"Outlet {STATEMENT}",
        "url": f"https://example.org/{ARITHMETIC}",
        "text": f"The Taliban captured Ghazni on Thursday, officials said. {ARITHMETIC} {payload}",
    }
    (folder / "wire.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / "note.md").write_text(
        f"# Markdown {ARITHMETIC} {COMMENT}\n\nKunduz fell to the Taliban on Sunday {payload}, "
        "residents said.\n", encoding="utf-8")
    (folder / "page.html").write_text(
        f"<html><head><title>Page {ARITHMETIC} {COMMENT}</title></head><body><article>"
        f"<p>The Taliban took control of Herat on Thursday, a provincial council member said. "
        f"{ARITHMETIC}</p></article></body></html>", encoding="utf-8")
    (folder / "articles.csv").write_text(
        "file,published\nnote.md,2021-08-09\npage.html,2021-08-13\n", encoding="utf-8")


def test_article_text_and_title_option_appear_literally(tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    _corpus(tmp_path / "corpus", canary)
    title = f"Map {ARITHMETIC} {COMMENT} {STATEMENT} {_payload(canary)}"
    result = build(tmp_path / "corpus", tmp_path / "out", settings=Settings(title=title))

    assert not canary.exists()
    data = _data(result.index)
    assert data["title"] == title
    texts = [json.dumps(event) for event in data["events"]] + data["texts"]
    assert any(f"Jsonl {ARITHMETIC}" in t for t in texts)
    assert any(f"Outlet {STATEMENT}" in t for t in texts)
    assert any(f"Markdown {ARITHMETIC} {COMMENT}" in t for t in texts)
    assert any(f"Page {ARITHMETIC} {COMMENT}" in t for t in texts)
    assert any(_payload(canary) in t for t in texts)
    page = result.index.read_text(encoding="utf-8")
    assert "<title>Map {{7*7}} {# unclosed {% for x in y %}" in page


@pytest.mark.parametrize("field", ["place", "evidence", "title", "outlet", "url", "article"])
def test_events_file_text_appears_literally(tmp_path: Path, field: str) -> None:
    canary = tmp_path / "ran"
    text = f"{ARITHMETIC} {COMMENT} {STATEMENT} {_payload(canary)}"
    regions = make_regions({"AF-ALP": "Alpha"})
    events = make_events({"region_id": "AF-ALP", "region": "Alpha", "date": "2021-08-04",
                          "status": "fallen", field: text})
    page = render_map(reconcile(events, regions), tmp_path / "index.html")

    assert not canary.exists()
    data = _data(page)
    shown = data["events"][0][field]
    assert (data["texts"][shown] if field == "evidence" else shown) == text


def test_region_name_appears_literally(tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    name = f"Alpha {ARITHMETIC} {COMMENT} {_payload(canary)}"
    regions = make_regions({"AF-ALP": name})
    events = make_events({"region_id": "AF-ALP", "region": name, "date": "2021-08-04"})
    page = render_map(reconcile(events, regions), tmp_path / "index.html")

    assert not canary.exists()
    assert _data(page)["regions"]["features"][0]["properties"]["name"] == name
