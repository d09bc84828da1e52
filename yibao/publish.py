"""Publishing: a read-only copy of what the dashboards read, switched in atomically.

After a good build, the marts, dq and ops schemas are copied into a new DuckDB file under
$YIBAO_DATA/warehouse/published/, and the file `CURRENT` is replaced to point at it. The
dashboards open only the file CURRENT names, read-only, so a build or a nightly run that is
writing the warehouse never locks them out, and a failed run leaves the last good data in place.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .warehouse import connect

PUBLISHED_SCHEMAS = ("marts", "dq", "ops")
KEEP = 3  # published files kept, so a dashboard session reading an older one is not cut off


def published_dir(db: Path) -> Path:
    return db.parent / "published"


def current(db: Path) -> Path | None:
    pointer = published_dir(db) / "CURRENT"
    if not pointer.exists():
        return None
    target = published_dir(db) / pointer.read_text(encoding="utf-8").strip()
    return target if target.exists() else None


def publish(db: Path) -> Path:
    folder = published_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in [*folder.glob("*.partial*"), *folder.glob("CURRENT.tmp")]:  # a publication cut off before
        leftover.unlink(missing_ok=True)  # callers hold the run lock, so no other publication is under way
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"yibao_{stamp}.duckdb"
    partial = target.with_suffix(".partial")
    con = connect(partial)
    try:
        con.execute(f"attach '{db}' as warehouse (read_only)")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
            tables = con.execute(
                "select table_name from information_schema.tables where table_catalog = 'warehouse' "
                "and table_schema = ? and table_type = 'BASE TABLE'",
                [schema],
            ).fetchall()
            for (table,) in tables:
                con.execute(f"create table {schema}.{table} as select * from warehouse.{schema}.{table}")
        con.execute("detach warehouse")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(partial, target)
    pointer_tmp = folder / "CURRENT.tmp"
    pointer_tmp.write_text(target.name, encoding="utf-8")
    os.replace(pointer_tmp, folder / "CURRENT")
    for old in sorted(folder.glob("yibao_*.duckdb"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return target
