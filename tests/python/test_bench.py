"""The bench cannot rot: a small-size run of `yibao bench` goes through every stage, writes its
results, and its hand-written baseline gives the same headline figures as the marts."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import duckdb
import pytest

from yibao.bench import slope
from yibao.bench.report import BEGIN, END, write_doc

STAGES = {"generate", "ingest", "build", "baseline", "dashboard", "export", "nightly_1", "build_marts"}


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "yibao.cli",
            "bench",
            "--persons",
            "2500",
            "--days",
            "1",
            "--work",
            str(work / "cities"),
            "--results",
            str(work / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (result,) = (work / "results").glob("*.json")
    return work, json.loads(result.read_text(encoding="utf-8")), proc.stdout


def test_every_stage_is_measured(bench_run):
    _, out, stdout = bench_run
    (size,) = out["sizes"]
    assert size["persons"] == 2500 and set(size["stages"]) == STAGES
    for name, stage in size["stages"].items():
        assert stage["returncode"] == 0 and stage["seconds"] > 0, name
        assert 0.01 < stage["peak_rss_gb"] < 8, name  # a process tree was sampled, not nothing
    assert size["details"]["rows_generated"] > 25_000
    assert size["stages"]["build"]["over_baseline"] > 1
    # the like-for-like build ran fewer nodes than the full build
    assert 0 < size["stages"]["build_marts"]["over_baseline"] < size["stages"]["build"]["over_baseline"]
    assert size["details"]["dashboard"]["queries"] >= 10  # every page's queries were recorded and timed
    assert len(out["summary"]) == 9 and "| stage | measured | target | met |" in stdout
    assert out["machine"]["cores"] >= 1 and out["scaling"]["slope"] is None  # one size: no slope


def test_baseline_gives_the_marts_headline_figures(bench_run, tmp_path):
    from yibao.bench.baseline import run

    work, _, _ = bench_run
    data = work / "cities" / "persons_2500"
    base = tmp_path / "baseline"  # the bench ran it before the nightly; compare on the final warehouse
    run(data / "warehouse" / "yibao.duckdb", base)
    con = duckdb.connect(str(data / "warehouse" / "yibao.duckdb"), read_only=True)
    try:
        coverage = con.execute(f"""
            select count(*), count(b.admdvs), max(abs(m.insured_persons - b.insured_persons))
            from marts.rpt_coverage_monthly m
            left join '{base}/baseline_coverage.parquet' b using (admdvs, month_end)
            -- the city level (230899) has rows with no one insured there, which the baseline leaves out
            where not (b.admdvs is null and m.insured_persons = 0)""").fetchone()
        funds = con.execute(f"""
            select count(*), count(m.admdvs), count(b.admdvs), max(abs(m.closing_balance - b.closing_balance)),
                   sum(abs(m.closing_balance))
            from marts.rpt_fund_balance_monthly m
            full join '{base}/baseline_fund_balance.parquet' b using (admdvs, fund_type, month_end)""").fetchone()
        reimbursement = con.execute(f"""
            with m as (select admdvs, insutype, med_group, month_end, sum(insurance_fund_pay) as pay,
                              sum(inscp_scp_amt) as scope
                       from marts.rpt_reimbursement_monthly group by all having sum(inscp_scp_amt) <> 0)
            select count(*), count(m.admdvs), count(b.admdvs), max(abs(m.pay - b.insurance_fund_pay)),
                   max(abs(m.scope - b.inscp_scp_amt))
            from m full join '{base}/baseline_reimbursement.parquet' b using (admdvs, insutype, med_group, month_end)
            where b.admdvs is null or b.inscp_scp_amt <> 0""").fetchone()
    finally:
        con.close()
    assert coverage[0] == coverage[1] > 100 and coverage[2] == 0
    assert funds[0] == funds[1] == funds[2] > 500 and funds[3] < 0.01 and funds[4] > 1e6  # units x funds x months
    assert reimbursement[0] == reimbursement[1] == reimbursement[2] > 100
    assert reimbursement[3] < 0.01 and reimbursement[4] < 0.01


def test_slope_is_the_log_log_exponent():
    assert slope([(250_000, 10.0)]) is None
    assert math.isclose(slope([(n, 3e-5 * n) for n in (250_000, 500_000, 1_000_000)]), 1.0)
    assert math.isclose(slope([(n, 1e-9 * n**1.5) for n in (1_000, 8_000)]), 1.5)


def test_doc_section_is_replaced_not_appended(bench_run, tmp_path):
    _, out, _ = bench_run
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text(f"# Performance\n\nintro\n\n{BEGIN}\nold table\n{END}\n\n## Analysis\nkept\n", encoding="utf-8")
    write_doc(doc, out)
    write_doc(doc, out)
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text and text.count(BEGIN) == 1 and "intro" in text and "kept" in text
    assert "| full dbt build (models + tests) |" in text and "2,500 persons" in text
