"""A change of seed, model or dbt is never served stale (issue 33, yibao/refresh.py): a build rebuilds in full every
node whose seed, SQL, config or macros changed since the warehouse was last built, with everything downstream of it,
and nothing else. test_incremental checks that such a nightly equals a --full-refresh."""

from __future__ import annotations

import json
import shutil

from yibao import refresh
from yibao.nightly import nightly
from yibao.synth import generate

from conftest import con_rows, data_env, duck, hold_back_deltas, project_copy

CITY = dict(persons=1500, seed=9, start="2025-01", end="2025-04", days=2, defect_rate=0.0)
BASE = ["--quiet"]


def test_nothing_changed_builds_incrementally_without_the_unchanged_seeds():
    plan = refresh.Plan()
    assert plan.steps(BASE, skip_unchanged_seeds=True) == [
        ["--quiet", "--exclude", "resource_type:seed", "--indirect-selection", "cautious"]
    ]
    assert plan.steps(BASE, skip_unchanged_seeds=False) == [["--quiet"]]
    assert plan.lines() == ["no seed, model or dbt changed since the last build: incremental only"]


def test_a_changed_seed_is_rebuilt_with_its_descendants_after_the_rest():
    plan = refresh.Plan(changed={"benefit_policy": "its SQL or seed file changed"}, downstream=["fct_benefit_audit"])
    assert plan.refresh == ["benefit_policy", "fct_benefit_audit"]
    first, second = plan.steps(BASE, skip_unchanged_seeds=True)
    assert first == [
        "--quiet",
        "--exclude",
        "benefit_policy",
        "fct_benefit_audit",
        "resource_type:seed",
        "--indirect-selection",
        "cautious",
    ]
    assert second == ["--quiet", "--select", "benefit_policy", "fct_benefit_audit", "--full-refresh"]
    assert plan.lines() == [
        "2 nodes rebuilt in full, the rest incremental:",
        "  benefit_policy: its SQL or seed file changed",
        "  downstream of them: fct_benefit_audit",
    ]


def test_everything_is_rebuilt_in_one_build_when_the_state_is_unknown():
    plan = refresh.Plan(everything="a new warehouse")
    assert plan.steps(BASE, skip_unchanged_seeds=True) == [["--quiet", "--full-refresh"]]
    assert plan.lines() == ["every model rebuilt in full: a new warehouse"]


def descendants(manifest: dict, name: str) -> set[str]:
    """The models, seeds and snapshots downstream of the model `name`, from dbt's child map."""
    children = manifest["child_map"]
    start = next(uid for uid in children if uid.split(".")[0] == "model" and uid.split(".")[-1] == name)
    found, todo = set(), [start]
    while todo:
        for child in children[todo.pop()]:
            if child.split(".")[0] in ("model", "seed", "snapshot") and child not in found:
                found.add(child)
                todo.append(child)
    return {uid.split(".")[-1] for uid in found}


def written(data, table: str) -> tuple:
    """The first and last run that wrote a row of the table."""
    return con_rows(data, f"select min(_written_at), max(_written_at) from {table}")[0]


def test_a_changed_model_is_rebuilt_with_its_descendants_and_the_rest_is_not(tmp_path, capsys):
    data = tmp_path / "data"
    generate(**CITY, out=data)
    deltas = hold_back_deltas(data)
    with data_env(data), project_copy(tmp_path / "project") as project:
        assert nightly() == 0
        assert "every model rebuilt in full: no build of this warehouse recorded" in capsys.readouterr().out

        model = project / "models" / "core" / "fct_contribution.sql"
        model.write_text(model.read_text(encoding="utf-8") + "-- reviewed for the ledger\n", encoding="utf-8")
        shutil.move(str(data / "held" / deltas[0]), data / "landing" / deltas[0])
        assert nightly(dry_run=True) == 0
        planned = capsys.readouterr().out
        assert "fct_contribution: its SQL or seed file changed" in planned
        assert nightly() == 0
        out = capsys.readouterr().out

        manifest = json.loads((data / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))
        below = descendants(manifest, "fct_contribution")
        assert {"fct_fund_ledger", "rpt_fund_balance_monthly"} <= below and "fct_settlement" not in below
        told = next(line for line in out.splitlines() if "downstream of them:" in line)
        assert set(told.split("downstream of them: ")[1].split(", ")) == below
        assert f"{len(below) + 1} nodes rebuilt in full, the rest incremental" in out

        # every row of the changed model was written again by this run; the settlements it does not read were not
        run = con_rows(data, "select max(_written_at) from core.fct_contribution")[0][0]
        assert written(data, "core.fct_contribution") == (run, run)
        first, last = written(data, "core.fct_settlement")
        assert first < last <= run  # old rows kept; tonight's incremental build ran just before the rebuild

        assert nightly() == 0  # built from the changed project now: nothing to rebuild
        assert "no seed, model or dbt changed since the last build: incremental only" in capsys.readouterr().out

        con = duck(data, read_only=False)
        try:
            con.execute("drop table raw.hosp_lv")
        finally:
            con.close()
        assert nightly(dry_run=True) == 0
        assert "every model rebuilt in full: seed tables missing from raw: hosp_lv" in capsys.readouterr().out
