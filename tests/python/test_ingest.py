"""Ingest: idempotent, GBK and gzip load, bad files rejected whole with a clear message, nothing lost."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from yibao.cli import main
from yibao.files import file_sha256
from yibao.synth import generate

from conftest import data_env, duck, ingest_into

TINY = dict(persons=400, seed=5, start="2025-01", end="2025-02", days=1, defect_rate=0.0)


@pytest.fixture
def tiny(tmp_path) -> Path:
    generate(**TINY, out=tmp_path)
    return tmp_path


def rewrite_manifest(folder: Path, rows: dict[str, int] | None = None) -> None:
    """Recompute the manifest the way a sender would, optionally overriding row counts."""
    lines = ["file,rows,sha256"]
    for f in sorted(folder.iterdir()):
        if f.name == "manifest.csv":
            continue
        opener = gzip.open if f.name.endswith(".gz") else open
        with opener(f, "rb") as fh:
            n = sum(1 for _ in fh) - 1
        lines.append(f"{f.name},{(rows or {}).get(f.name, n)},{file_sha256(f)}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def raw_counts(data: Path) -> dict[str, int]:
    con = duck(data)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in tables}
    finally:
        con.close()


def test_ingest_twice_changes_nothing(tiny):
    first = ingest_into(tiny)
    assert first.ok, first.summary()
    counts = raw_counts(tiny)
    assert counts["setl"] > 0 and counts["psn_info"] > 0
    second = ingest_into(tiny)
    assert second.ok
    assert sum(r.rows_loaded for r in second.results) == 0
    assert raw_counts(tiny) == counts


def test_rows_carry_lineage(tiny):
    ingest_into(tiny)
    con = duck(tiny)
    try:
        row = con.execute(
            "select _file, _delivery_date, _row_number, _loaded_at from raw.setl "
            "order by _delivery_date, _row_number limit 1"
        ).fetchone()
        first_id = con.execute(
            "select setl_id from raw.setl where _row_number = 1 "
            "and _delivery_date = (select min(_delivery_date) from raw.setl)"
        ).fetchone()[0]
        numbers = con.execute(
            "select min(_row_number), max(_row_number), count(*) from raw.setl group by _file order by 3 desc limit 1"
        ).fetchone()
    finally:
        con.close()
    assert row[0] == "20250228/setl.csv" and str(row[1]) == "2025-02-28" and row[2] == 1 and row[3] is not None
    first_line = (tiny / "landing" / "20250228" / "setl.csv").read_text(encoding="utf-8").splitlines()[1]
    assert first_line.startswith(f'"{first_id}"')
    assert numbers[0] == 1 and numbers[1] == numbers[2]


def test_gbk_and_gzip_deliveries_load(tiny):
    folder = tiny / "landing" / "20250228"
    text = (folder / "psn_info.csv").read_text(encoding="utf-8")
    (folder / "psn_info.csv").write_bytes(text.encode("gbk"))
    with open(folder / "setl.csv", "rb") as src, gzip.open(folder / "setl.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    (folder / "setl.csv").unlink()
    rewrite_manifest(folder)
    report = ingest_into(tiny)
    assert report.ok, report.summary()
    con = duck(tiny)
    try:
        names = con.execute(
            "select psn_name from raw.psn_info where _delivery_date = '2025-02-28' order by _row_number"
        ).fetchall()
        n_setl = con.execute("select count(*) from raw.setl where _file = '20250228/setl.csv.gz'").fetchone()[0]
    finally:
        con.close()
    expected = [line.split(",")[3].strip('"') for line in text.splitlines()[1:]]
    assert [n for (n,) in names] == expected
    assert any("\u4e00" <= ch <= "\u9fff" for ch in expected[0])
    assert n_setl > 0


def test_bad_files_are_rejected_whole_and_the_rest_loads(tiny, capsys):
    folder = tiny / "landing" / "20250228"
    setl = (folder / "setl.csv").read_bytes()
    rewrite_manifest(folder)  # the manifest as sent: before the damage below
    (folder / "setl.csv").write_bytes(setl[: len(setl) // 2])  # truncated mid-line
    lines = (folder / "clct.csv").read_text(encoding="utf-8").splitlines()
    drop = lines[0].split(",").index('"arvl_date"')
    (folder / "clct.csv").write_text(
        "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines) + "\n",
        encoding="utf-8",
    )

    with data_env(tiny):
        rc = main(["ingest"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "REJECTED 20250228/setl.csv: row count" in out and "differs from manifest" in out
    assert "REJECTED 20250228/clct.csv: required column(s) missing: arvl_date" in out
    assert "what to do:" in out
    assert (tiny / "quarantine" / "20250228" / "setl.csv").exists()
    assert not (folder / "setl.csv").exists()

    con = duck(tiny)
    try:
        statuses = dict(
            con.execute("select file, status from ops.loaded_files where delivery_date = '2025-02-28'").fetchall()
        )
        assert con.execute("select count(*) from raw.setl where _delivery_date = '2025-02-28'").fetchone()[0] == 0
        loaded = con.execute("select count(*) from raw.psn_insu where _delivery_date = '2025-02-28'").fetchone()[0]
    finally:
        con.close()
    assert statuses["setl.csv"] == "rejected" and statuses["clct.csv"] == "rejected"
    assert statuses["psn_insu.csv"] == "loaded" and loaded > 0


def test_unknown_file_and_missing_manifest_are_reported(tiny):
    folder = tiny / "landing" / "20250228"
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tiny / "landing" / "20250301" / "manifest.csv").unlink()
    report = ingest_into(tiny)
    assert not report.ok
    assert any(r.file == "notes.csv" and "unknown extract" in r.reason for r in report.rejected)
    assert "PROBLEM 20250301: no manifest.csv" in report.summary()
    con = duck(tiny)
    try:
        assert con.execute("select count(*) from raw.setl where _delivery_date = '2025-03-01'").fetchone()[0] == 0
        assert con.execute("select count(*) from raw.setl where _delivery_date = '2025-02-28'").fetchone()[0] > 0
    finally:
        con.close()


def test_great_expectations_validates_every_file_with_data(tiny):
    report = ingest_into(tiny)
    con = duck(tiny)
    try:
        validated = {
            f
            for (f,) in con.execute(
                "select strftime(delivery_date, '%Y%m%d') || '/' || file from ops.gx_results"
            ).fetchall()
        }
        with_data = {
            f"{d:%Y%m%d}/{f}"
            for d, f in con.execute(
                "select delivery_date, file from ops.loaded_files where status = 'loaded' and manifest_rows > 0"
            ).fetchall()
        }
        details = con.execute("select details from ops.gx_results").fetchall()
    finally:
        con.close()
    assert validated == with_data and len(validated) >= 10
    assert report.data_docs and report.data_docs.exists()
    assert "Data Docs at" in report.summary()
    certnos = (tiny / "landing" / "20250228" / "psn_info.csv").read_text(encoding="utf-8")
    assert not any(line.split(",")[2].strip('"') in str(details) for line in certnos.splitlines()[1:])


def test_checked_in_suites_match_the_rules():
    import json

    from yibao.contract import EXTRACTS
    from yibao.validate import GX_DIR, suite_dict

    for extract in EXTRACTS:
        stored = json.loads((GX_DIR / "expectations" / f"{extract}.json").read_text(encoding="utf-8"))
        assert stored == suite_dict(extract), f"run `make gx-suites`: gx/expectations/{extract}.json is stale"


def test_validation_frame_dates_are_nanoseconds_where_they_fit():
    """GX compares a datetime64[ns] column in one step and any other value by value; a year-9999 date, which
    nanoseconds cannot hold, keeps its column in microseconds and is still there to be judged."""
    import duckdb

    from yibao.contract import EXTRACTS
    from yibao.typed_load import validation_frame

    con = duckdb.connect()
    columns = ", ".join(f"cast(null as {typ}) as {col}" for col, typ in EXTRACTS["medins"].columns)
    con.execute(f"create temp table _checked as select {columns}, 0 as _type_errors limit 0")
    con.execute(
        "insert into _checked (fixmedins_code, begndate, enddate, _type_errors) values "
        "('H1', date '2020-01-01', date '9999-12-31', 0), ('H2', date '2021-06-30', null, 0)"
    )
    frame = validation_frame(con, "medins")
    assert str(frame["begndate"].dtype) == "datetime64[ns]"
    assert str(frame["enddate"].dtype) == "datetime64[us]"
    assert sorted(frame["enddate"].dropna().dt.year) == [9999]
    assert sorted(frame["begndate"].dt.strftime("%Y-%m-%d")) == ["2020-01-01", "2021-06-30"]


def test_validator_prepared_in_a_thread_reports_its_failure_where_it_is_used(tmp_path, monkeypatch):
    """The landing check is prepared in a thread; if that fails, the file that needs it gets the error (ingest names
    the file and goes on), and the next file tries again rather than getting the old error."""
    import duckdb

    import yibao.validate
    from yibao.ingest import Loader

    attempts = []

    class Broken:
        def __init__(self, data_dir):
            attempts.append(data_dir)
            if len(attempts) == 1:
                raise RuntimeError("great_expectations could not be imported")

    monkeypatch.setattr(yibao.validate, "LandingValidator", Broken)
    loader = Loader(duckdb.connect(), tmp_path)
    loader.prepare_validator()
    with pytest.raises(RuntimeError, match="could not be imported"):
        _ = loader.validator
    assert isinstance(loader.validator, Broken) and len(attempts) == 2
    loader.close()
