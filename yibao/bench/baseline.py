"""Bench stage: the hand-written baseline, bench/baseline.sql, run on the warehouse's raw tables.

Run as `python -m yibao.bench.baseline WAREHOUSE.duckdb OUT_DIR`: the warehouse is attached
read-only, the script's temp tables are computed, and its three result tables are written to
OUT_DIR as Parquet so they can be compared with the marts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from ..warehouse import memory_limit

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "baseline.sql"
RESULTS = ("baseline_coverage", "baseline_fund_balance", "baseline_reimbursement")


def run(db: Path, out: Path) -> None:
    """Under the warehouse's own memory limit, threads and settings (profiles.yml: insertion order not kept), spilling
    to OUT_DIR/tmp, so the comparison with dbt is fair."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "memory_limit": memory_limit(),
            "threads": int(os.environ.get("YIBAO_THREADS", "2")),
            "preserve_insertion_order": False,
            "temp_directory": str(out / "tmp"),
        }
    )
    try:
        con.execute(f"attach '{db}' as wh (read_only)")
        con.execute("use wh")
        con.execute(SCRIPT.read_text(encoding="utf-8"))
        for table in RESULTS:
            con.execute(f"copy temp.main.{table} to '{out / (table + '.parquet')}' (format parquet)")
    finally:
        con.close()


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
