"""The DuckDB warehouse file: connecting, and the tables Python owns in raw, ops and dq.

dbt owns staging, core, marts and the dq models; ingest owns the raw tables and the
load bookkeeping below, created here if missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .contract import EXTRACTS, LINEAGE

SCHEMAS = ("raw", "staging", "core", "marts", "dq", "ops")

OPS_DDL = [
    """create table if not exists ops.loaded_files (
        delivery_date date not null,
        file varchar not null,
        extract varchar,
        sha256 varchar not null,
        status varchar not null,          -- loaded | rejected | duplicate
        manifest_rows bigint,
        rows_loaded bigint not null,
        rows_quarantined bigint not null,
        reason varchar,
        loaded_at timestamp not null,
        encoding varchar,
        extra_columns varchar             -- header columns not in the contract, not loaded
    )""",
    "alter table ops.loaded_files add column if not exists extra_columns varchar",
    # the layout a file came in (message | backend, yibao/layouts.py), the version of its mapping (the first 12 hex
    # digits of the sha256 of its rows of seeds/layout_column.csv) and the rows with a value the mapping derived
    "alter table ops.loaded_files add column if not exists layout varchar",
    "alter table ops.loaded_files add column if not exists mapping_version varchar",
    "alter table ops.loaded_files add column if not exists rows_derived bigint",
    # the columns of a delivered row that the contract does not use, as JSON: kept, not dropped (DESIGN §2)
    """create table if not exists raw.extra_values (
        _file varchar not null,
        _row_number integer not null,
        extra_values varchar not null
    )""",
    # size and modification time of the file as loaded: an unchanged file is not hashed again (ingest.unchanged_since_loaded)
    "alter table ops.loaded_files add column if not exists file_bytes bigint",
    "alter table ops.loaded_files add column if not exists file_mtime_ns bigint",
    """create table if not exists ops.gx_results (
        delivery_date date not null,
        file varchar not null,
        extract varchar not null,
        success boolean not null,
        evaluated_expectations integer not null,
        failed_quarantine integer not null,
        failed_warn integer not null,
        details json,
        seconds double,
        validated_at timestamp not null,
        rows_validated bigint              -- all rows, or a repeatable sample of a large full load
    )""",
    """create table if not exists ops.pipeline_runs (
        run_id varchar not null,
        kind varchar not null,             -- nightly | build
        started_at timestamp not null,
        ended_at timestamp,
        status varchar not null,           -- success | warning | failed | running
        seconds double,
        steps json,                        -- step name -> seconds
        files_loaded integer,
        rows_loaded bigint,
        rows_quarantined bigint,
        files_rejected integer,
        tests_passed integer,
        tests_warned integer,
        tests_failed integer,
        exceptions_by_rule json,
        log_file varchar,
        message varchar
    )""",
    """create table if not exists dq.quarantine_rows (
        file varchar not null,
        delivery_date date not null,
        row_number bigint not null,
        reason varchar not null,
        original_line varchar,
        quarantined_at timestamp not null
    )""",
    # The region the row names, when it names one of seeds/region.csv: its exception goes to that county.
    "alter table dq.quarantine_rows add column if not exists admdvs varchar",
    # What the stored tables were built from: the parsed project (dbt's manifest.json) and the dbt versions of the
    # last build whose full rebuilds all succeeded (refresh.py). One row.
    """create table if not exists ops.build_state (
        manifest varchar not null,
        versions varchar not null,
        recorded_at timestamp not null,
        run_id varchar not null
    )""",
    # stores of the incremental machinery before issue 33: ops.build_state and ops.build_watermark replace them
    "drop table if exists ops.seeds_loaded",
    "drop table if exists ops.model_watermarks",
    "drop table if exists ops.checked_through",
]


def memory_limit() -> str:
    """DuckDB's memory limit for every connection yibao opens, as for dbt in profiles.yml."""
    return os.environ.get("YIBAO_MEMORY_LIMIT", "6GB")


def connect(db: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The warehouse, with the same memory limit and threads as dbt's profile (profiles.yml), so a full-city load
    stays within bounds and spills to DuckDB's default folder (<file>.tmp) rather than taking the machine."""
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists() and not read_only and db.stat().st_mode & 0o077:  # made before files were owner-only
        db.chmod(0o600)
    return duckdb.connect(
        str(db),
        read_only=read_only,
        config={"memory_limit": memory_limit(), "threads": os.environ.get("YIBAO_THREADS", "2")},
    )


def raw_ddl(extract: str) -> str:
    cols = ",\n  ".join(f"{c} {t}" for c, t in EXTRACTS[extract].columns + LINEAGE)
    return f"create table if not exists raw.{extract} (\n  {cols}\n)"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for extract in EXTRACTS:
        con.execute(raw_ddl(extract))
        for column, typ in EXTRACTS[extract].columns:  # a column the contract gained since the table was made
            if column in EXTRACTS[extract].optional:
                con.execute(f"alter table raw.{extract} add column if not exists {column} {typ}")
    for ddl in OPS_DDL:
        con.execute(ddl)
