"""Issue 16, item 5: each exposure in models/marts/_marts__exposures.yml names exactly the tables its code reads,
so `dbt ls --select +exposure:<page>` tells the truth about what a page or a report file depends on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# exposure -> the code that reads the warehouse for it (every page also reads the month list in common.py)
CODE = {
    **{
        f"{page}_page": [f"dashboards/views/{page}.py", "dashboards/common.py"]
        for page in ("overview", "coverage", "fund", "reimbursement", "audit", "quality", "pipeline")
    },
    **{f"{page}_page": [f"dashboards/views/{page}.py", "dashboards/common.py"] for page in ("cities", "adjustment")},
    "province_report_files": ["yibao/export.py"],
    "county_correction_lists": ["yibao/export_dq.py"],
}
READ = re.compile(r"\b(?:marts|dq|ops|core)\.([a-z_]+)\b")


def read_by(files: list[str]) -> set[str]:
    return {name for f in files for name in READ.findall((ROOT / f).read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def exposures(clean_city) -> dict[str, set[str]]:
    manifest = json.loads((clean_city / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))
    names = {uid: node.get("name") for uid, node in {**manifest["nodes"], **manifest["sources"]}.items()}
    return {e["name"]: {names[uid] for uid in e["depends_on"]["nodes"]} for e in manifest["exposures"].values()}


def test_every_consumer_is_an_exposure(exposures):
    assert set(exposures) == set(CODE)


@pytest.mark.parametrize("exposure", sorted(CODE))
def test_an_exposure_names_exactly_what_its_code_reads(exposures, exposure):
    assert exposures[exposure] == read_by(CODE[exposure])


def test_every_public_mart_reaches_an_exposure(clean_city, exposures):
    manifest = json.loads((clean_city / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))
    marts = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}
    assert marts, "no marts in the manifest"
    assert marts - set().union(*exposures.values()) == set()


def test_every_model_and_snapshot_has_a_primary_key_test(clean_city):
    """Issues 16 and 33: a key test on every model and snapshot, with no exception. The big incremental tables check
    the rows written since the last complete run (unique_key_since_last_run), int_person__current the persons judged
    again (primary_key_in_scope), the views over raw versions the deliveries loaded since (unique_lineage_since_last_run)."""
    manifest = json.loads((clean_city / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))
    keyed = {
        parent
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name")
        in (
            "unique",
            "unique_combination_of_columns",
            "unique_key_since_last_run",
            "primary_key",
            "primary_key_in_scope",
            "unique_lineage_since_last_run",
        )
        for parent in node["depends_on"]["nodes"]
    }
    built = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "snapshot")}
    assert len(built) > 50
    assert sorted(manifest["nodes"][uid]["name"] for uid in built - keyed) == []
