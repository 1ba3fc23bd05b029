"""The yardstick: real reports nobody here wrote, from ``../shared/devset``.

Builds the development set (with its publication dates as a sidecar), scores the
events with ``controlmap evaluate``'s level scoring and with the set's own
``score.py``, and fails when either figure drops below what the code reached, so
no change lowers it unseen. Skipped, with the reason, where ``../shared`` is absent:
nothing from the set is kept in this repository.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from controlmap.evaluate import evaluate_levels, read_index_gold
from controlmap.gazetteer import load_gazetteer
from controlmap.pipeline import build

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEVSET = SHARED / "devset"
DISTRICTS = SHARED / "geo" / "af_adm2_geoboundaries.geojson"

# The figures reached on the set; raise them when the extractor gets better.
MIN_EVENTS_F1 = 0.875
MIN_PROVINCES_ON_TIME = 1.0

pytestmark = pytest.mark.skipif(
    not (DEVSET / "score.py").exists() or not DISTRICTS.exists(),
    reason="the development set is not here (../shared/devset and ../shared/geo)",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("devset")
    corpus = root / "corpus"
    corpus.mkdir()
    for article in sorted((DEVSET / "articles").glob("*.txt")):
        shutil.copy(article, corpus / article.name)
    with (DEVSET / "index.csv").open(encoding="utf-8") as source, \
            (corpus / "articles.csv").open("w", newline="", encoding="utf-8") as sidecar:
        writer = csv.writer(sidecar)
        writer.writerow(["file", "published", "url", "outlet"])
        for row in csv.DictReader(source):
            writer.writerow([row["file"], row["published"], row["url"], row["outlet"]])
    build(corpus, root / "out")
    return root / "out"


def _score_py(*args: Path | str) -> str:
    done = subprocess.run([sys.executable, str(DEVSET / "score.py"), *map(str, args)],
                          capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_events_f1_holds_and_matches_score_py(built: Path) -> None:
    layer = gpd.read_file(DISTRICTS)
    districts = gpd.GeoDataFrame(
        {"region_id": layer["gb_shapeID"], "region": layer["name"],
         "province_id": layer["adm1_iso"]}, geometry=layer.geometry, crs=layer.crs)
    events = pd.read_csv(built / "events.csv", dtype=str, keep_default_na=False)
    ours = evaluate_levels(events, read_index_gold(DEVSET / "index.csv"),
                           gazetteer=load_gazetteer(), districts=districts)
    reference = float(re.findall(r"F1=([\d.]+)",
                                 _score_py(built / "events.csv", DEVSET / "index.csv"))[-1])
    assert round(ours.f1, 3) == reference
    assert ours.f1 >= MIN_EVENTS_F1


def test_provinces_turn_on_time(built: Path) -> None:
    out = _score_py("timeline", built / "timeline.csv", DEVSET / "capital_falls.csv",
                    DEVSET / "index.csv")
    share = float(re.findall(r"capital's fall: \d+/\d+ = ([\d.]+)", out)[-1])
    assert share >= MIN_PROVINCES_ON_TIME
