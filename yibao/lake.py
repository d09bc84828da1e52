"""The raw tables as Parquet, for engines that do not read the DuckDB file (Spark, issue 8).

`yibao build --target spark` calls write_lake() first: every dbt source table - raw.<extract> with
every delivered version and its lineage columns, and dq.quarantine_rows - goes to
$YIBAO_LAKE/<schema>/<table>/part-0.parquet (default $YIBAO_DATA/lake), replacing the previous copy.
The dbt on-run-start hook then declares each folder as an external table of the same name
(macros/raw_sources.sql). DuckDB stays the system of record:
ingest, quarantine and the load bookkeeping happen there exactly as before.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from . import paths
from .contract import EXTRACTS
from .warehouse import connect

# models/staging/_staging__sources.yml: the raw extracts, the quarantine, and the two ops tables the models read
SOURCES = [f"raw.{extract}" for extract in EXTRACTS] + ["dq.quarantine_rows", "ops.loaded_files", "ops.build_watermark"]
# dbt creates ops.build_watermark on DuckDB; a warehouse no dbt run has touched yet has none: an empty one, as on Spark
EMPTY = {
    "ops.build_watermark": "select null::timestamp as loaded_through, null::date as as_of_date, "
    "null::timestamp as written_through, null::timestamp as recorded_at where false"
}


def lake_dir() -> Path:
    return Path(os.environ.get("YIBAO_LAKE", paths.data_dir() / "lake")).resolve()


def write_lake(db: Path, lake: Path) -> dict[str, int]:
    """Write each source table as one Parquet file in its own folder; returns rows per table."""
    t0 = time.perf_counter()
    rows = {}
    con = connect(db, read_only=True)
    try:
        for table in SOURCES:
            schema, name = table.split(".")
            folder = lake / schema / name
            staging = folder.with_name(name + ".new")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            present = con.execute(
                "select 1 from information_schema.tables where table_schema || '.' || table_name = ?", [table]
            ).fetchone()
            query = f"select * from {table}" if present else EMPTY[table]
            rows[table] = con.execute(
                f"copy ({query}) to '{staging / 'part-0.parquet'}' (format parquet, compression zstd)"
            ).fetchone()[0]  # COPY returns its row count
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
    finally:
        con.close()
    print(f"lake: {sum(rows.values()):,} source rows written as Parquet to {lake} in {time.perf_counter() - t0:.1f} s")
    return rows
