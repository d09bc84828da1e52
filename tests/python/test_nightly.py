"""The nightly run: succeeds, is idempotent, survives being killed, refuses to run twice at once,
and finishes the rest of a delivery with a rejected file while exiting non-zero."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from yibao.errors import UserError
from yibao.lock import run_lock
from yibao.nightly import nightly
from yibao.paths import PROJECT_DIR
from yibao.synth import generate

from conftest import data_env, duck
from test_ingest import rewrite_manifest

CITY = dict(persons=1500, seed=9, start="2025-01", end="2025-04", days=2, defect_rate=0.0)
MARTS = (
    "rpt_coverage_monthly",
    "rpt_fund_balance_monthly",
    "rpt_reimbursement_monthly",
    "rpt_kpop_coverage",
    "rpt_fund_annual_settlement",
)


def marts(data) -> dict:
    con = duck(data)
    try:
        return {m: con.execute(f"select * from marts.{m} order by all").fetchall() for m in MARTS}
    finally:
        con.close()


def runs(data) -> list[tuple]:
    con = duck(data)
    try:
        return con.execute(
            "select status, files_loaded, rows_loaded, files_rejected, log_file "
            "from ops.pipeline_runs where kind = 'nightly' order by started_at"
        ).fetchall()
    finally:
        con.close()


def built_nodes(data) -> dict[str, str]:
    """unique_id -> status of the last dbt invocation."""
    results = json.loads((data / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {r["unique_id"]: r["status"] for r in results}


def test_nightly_runs_and_a_second_run_changes_nothing(tmp_path, capsys):
    generate(**CITY, out=tmp_path)
    with data_env(tmp_path):
        assert nightly(dry_run=True) == 0
        out = capsys.readouterr().out
        assert "30 delivered files not yet loaded" in out and "every model rebuilt in full: a new warehouse" in out
        assert not (tmp_path / "warehouse" / "yibao.duckdb").exists()
        assert nightly() == 0
        first = marts(tmp_path)
        first_nodes = built_nodes(tmp_path)
        assert nightly(dry_run=True) == 0
        assert "no seed, model or dbt changed since the last build" in capsys.readouterr().out
        assert nightly() == 0
        second = marts(tmp_path)
        second_nodes = built_nodes(tmp_path)
    assert first == second and all(first.values())
    # The first run loaded and tested the seeds; the second left out the seeds and the tests on seeds alone, and
    # nothing else (a test on a model and a seed still ran).
    manifest = json.loads((tmp_path / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))
    parents = {u: n["depends_on"]["nodes"] for u, n in manifest["nodes"].items() if u.startswith("test.")}
    on_seeds = {u for u, p in parents.items() if p and all(x.startswith("seed.") for x in p)}
    mixed = {u for u, p in parents.items() if any(x.startswith("seed.") for x in p)} - on_seeds
    seed_nodes = {u for u in first_nodes if u.startswith("seed.")}
    assert len(seed_nodes) == len(list((PROJECT_DIR / "seeds").glob("*.csv"))) and len(on_seeds) >= 20 and mixed
    assert on_seeds <= set(first_nodes) and mixed <= set(second_nodes)
    assert set(second_nodes) == set(first_nodes) - seed_nodes - on_seeds
    assert "no seed, model or dbt changed since the last build: incremental only" in capsys.readouterr().out
    (status1, loaded1, rows1, _, log1), (status2, loaded2, rows2, _, _) = runs(tmp_path)
    assert status1 == status2 == "success" and loaded1 == 30 and rows1 > 10_000 and loaded2 == rows2 == 0
    text = open(log1, encoding="utf-8").read()
    assert os.path.exists(log1) and "nightly SUCCESS" in text
    steps = re.search(r"steps: (.*)", text)[1]  # every step measured, in the summary
    assert [s.rsplit(" ", 2)[0] for s in steps.split(", ")] == [
        "ingest",
        "dbt parse",
        "source freshness",
        "dbt build",
        "publish",
        "report files",
    ]
    assert (tmp_path / "exports" / "2025-04" / "230800" / "manifest.json").exists()
    assert (tmp_path / "warehouse" / "published" / "CURRENT").exists()


def test_a_run_killed_during_the_build_recovers_to_the_same_figures(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    generate(**CITY, out=killed)
    shutil.copytree(killed / "landing", clean / "landing")
    env = dict(os.environ, YIBAO_DATA=str(killed), YIBAO_DB=str(killed / "warehouse" / "yibao.duckdb"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "yibao.cli", "nightly"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        logs = list((killed / "logs").glob("*.log")) if (killed / "logs").exists() else []
        if logs and "step: dbt build" in logs[0].read_text(encoding="utf-8"):
            break
        time.sleep(0.2)
    time.sleep(4)  # well inside the build
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "warehouse" / "published" / "CURRENT").exists()  # nothing half-built was published
    with data_env(killed):
        assert nightly() == 0
    with data_env(clean):
        assert nightly() == 0
    assert marts(killed) == marts(clean)


def test_a_second_run_is_refused_while_one_holds_the_lock(tmp_path):
    with data_env(tmp_path), run_lock(tmp_path):
        with pytest.raises(UserError, match="another yibao run is in progress"):
            nightly()
        result = subprocess.run(
            [sys.executable, "-m", "yibao.cli", "nightly"], capture_output=True, text=True, env=dict(os.environ)
        )
    assert result.returncode == 3 and "another yibao run is in progress" in result.stderr


def test_a_rejected_file_fails_the_run_but_the_rest_completes(tmp_path, capsys):
    generate(**CITY, out=tmp_path)
    delta = tmp_path / "landing" / "20250502"
    rewrite_manifest(delta, rows={"setl.csv": 1})
    with data_env(tmp_path):
        assert nightly() == 1
    out = capsys.readouterr().out
    assert "PROBLEM: rejected 20250502/setl.csv: row count" in out
    ((status, loaded, _, rejected, _),) = runs(tmp_path)
    assert status == "failed" and rejected == 1 and loaded == 29
    assert (tmp_path / "warehouse" / "published" / "CURRENT").exists()
    assert all(marts(tmp_path).values())


def test_stale_sources_come_from_dbt_sources_json(tmp_path):
    """The nightly reads dbt's own verdict (target/sources.json), not its printed output."""
    import json

    from yibao.runs import read_freshness

    assert read_freshness(tmp_path / "missing.json") is None
    results = [
        {"unique_id": "source.yibao.raw.setl", "status": "pass", "max_loaded_at_time_ago_in_s": 3600},
        {"unique_id": "source.yibao.raw.clct", "status": "warn", "max_loaded_at_time_ago_in_s": 3 * 86400},
        {"unique_id": "source.yibao.raw.fund_txn", "status": "error", "max_loaded_at_time_ago_in_s": 9 * 86400},
        {"unique_id": "source.yibao.raw.medins", "status": "runtime error"},
    ]
    path = tmp_path / "sources.json"
    path.write_text(json.dumps({"results": results}), encoding="utf-8")
    stale, unchecked = read_freshness(path)
    assert stale == ["raw.clct (warn: last loaded 3.0 days ago)", "raw.fund_txn (error: last loaded 9.0 days ago)"]
    assert unchecked == ["raw.medins"]
