"""Issue 8: the same dbt project on Spark. Two small generated cities are ingested once, built on
DuckDB and on a local Spark (dbt-spark, session method), and the headline marts must agree to 0.01.

Run with `make spark-test` (it installs requirements-spark.lock; Java 17 must be on the PATH).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

CITIES = "230800,231000"
HEADLINES = {
    "rpt_coverage_monthly": (
        ["admdvs", "month_end"],
        ["insured_persons", "enrolled_unpaid", "hsreg_insured", "coverage_rate_hsreg", "coverage_rate_resident"],
    ),
    "rpt_fund_balance_monthly": (
        ["admdvs", "fund_type", "month_end"],
        ["opening_balance", "income", "expenditure", "closing_balance"],
    ),
    "rpt_reimbursement_monthly": (
        ["admdvs", "insutype", "med_group", "hosp_tier", "care_area", "month_end"],
        ["settlements", "insurance_fund_pay", "inscp_scp_amt", "policy_scope_ratio"],
    ),
    "rpt_province_adjustment": (
        ["admdvs", "fund_type", "year"],
        ["amount_drawn", "deficit", "deficit_shared", "city_remaining_share"],
    ),
}


def yibao(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "YIBAO_DB"}
    env["YIBAO_DATA"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "yibao.cli", *args], env=env, capture_output=True, text=True, timeout=3600
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("two_cities")
    steps = [
        (
            "generate",
            [
                "generate",
                "--cities",
                CITIES,
                "--persons",
                "1500",
                "--start",
                "2024-07",
                "--end",
                "2025-06",
                "--days",
                "1",
                "--defect-rate",
                "0.003",
                "--seed",
                "8",
                "--out",
                str(data),
            ],
        ),
        ("ingest", ["ingest"]),
        ("duckdb build", ["build"]),
        ("spark build", ["build", "--target", "spark"]),
    ]
    seconds = {}
    for name, args in steps:
        t0 = time.perf_counter()
        proc = yibao(data, *args)
        seconds[name] = round(time.perf_counter() - t0, 1)
        assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    print(f"\nbuild times on the same two cities: {seconds}")
    return data


@pytest.fixture(scope="module")
def spark(built):
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("yibao-spark-test")
        .enableHiveSupport()
        .config("spark.sql.warehouse.dir", str(built / "spark" / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={built / 'spark'}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def frame(df: pd.DataFrame, keys: list[str], measures: list[str]) -> pd.DataFrame:
    df = df[keys + measures].copy()
    for k in keys:
        df[k] = df[k].astype(str)
    for m in measures:
        df[m] = pd.to_numeric(df[m].astype(object), errors="coerce").astype(float)
    return df.set_index(keys).sort_index()


@pytest.mark.parametrize("mart", sorted(HEADLINES))
def test_spark_marts_equal_duckdb(built, spark, mart):
    keys, measures = HEADLINES[mart]
    con = duckdb.connect(str(built / "warehouse" / "yibao.duckdb"), read_only=True)
    try:
        local = frame(con.execute(f"select * from marts.{mart}").df(), keys, measures)
    finally:
        con.close()
    remote = frame(spark.table(f"marts.{mart}").toPandas(), keys, measures)
    assert len(local) >= 4 and local.index.equals(remote.index), (len(local), len(remote))
    assert set(local.index.get_level_values("admdvs")) >= {"230800", "231000"}
    assert local[measures[0]].abs().sum() > 0  # the comparison is about real figures
    gap = (local - remote).abs().fillna(0)
    both_null = local.isna() == remote.isna()
    assert both_null.all().all(), "a value is null on one engine only"
    assert (gap.max() < 0.01).all(), gap.max()


def test_the_adjustment_fund_shares_a_deficit(built):
    con = duckdb.connect(str(built / "warehouse" / "yibao.duckdb"), read_only=True)
    try:
        shared, drawn = con.execute(
            "select sum(deficit_shared), sum(amount_drawn) from marts.rpt_province_adjustment"
        ).fetchone()
    finally:
        con.close()
    assert 0 < shared <= drawn  # the half year 2024 runs a deficit; the fund never pays out more than it drew


def test_every_node_ran_on_spark(built):
    import json

    results = json.loads((built / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    results = [r for r in results if not r["unique_id"].startswith("exposure.")]  # exposures are no-ops
    statuses = {r["status"] for r in results}
    assert len(results) > 150 and statuses <= {"success", "pass", "warn"}, statuses
    ran = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "seed", "test", "unit_test"} <= ran
