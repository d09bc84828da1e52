"""Issue 15, items 1-5: a landing folder as a careless or hostile sender leaves it. One bad item is named with
what to do and never stops the rest; a delivery from the future, or long after the last one, is held; a file
changed after it was loaded is refused; and the small cases each get a message that says what is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yibao.cli import main
from yibao.lock import LOCKED, run_lock
from yibao.synth import generate

from conftest import count, data_env, duck, ingest_into
from test_ingest import rewrite_manifest

TINY = dict(persons=400, seed=5, start="2025-01", end="2025-02", days=2, defect_rate=0.0)
FULL, DAY1, DAY2 = "20250228", "20250301", "20250302"


@pytest.fixture(scope="module")
def tiny_landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny_landing")
    generate(**TINY, out=out)
    return out / "landing"


@pytest.fixture
def tiny(tmp_path, tiny_landing) -> Path:
    """A fresh copy of the tiny city's deliveries: a full load and two daily deltas."""
    shutil.copytree(tiny_landing, tmp_path / "landing")
    return tmp_path


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def edit(path: Path, changes: dict[int, dict[str, str]]) -> list[list[str]]:
    rows = rows_of(path)
    for number, values in changes.items():
        for column, value in values.items():
            rows[number][rows[0].index(column)] = value
    write_rows(path, rows)
    return rows


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    with data_env(data):
        import os

        return subprocess.run(
            [sys.executable, "-m", "yibao.cli", *args], capture_output=True, text=True, env=dict(os.environ)
        )


def statuses(data: Path) -> dict[str, str]:
    con = duck(data)
    try:
        return {
            f"{d:%Y%m%d}/{f}": s
            for d, f, s in con.execute("select delivery_date, file, status from ops.loaded_files").fetchall()
        }
    finally:
        con.close()


# 1. One malformed item stops every later delivery


def test_a_malformed_item_is_named_and_every_other_delivery_still_loads(tiny):
    landing = tiny / "landing"
    kpop = landing / FULL / "kpop_roster.csv"
    lines = kpop.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace('"psn_name"', '"certno"')  # the header names certno twice
    kpop.write_text("\n".join(lines), encoding="utf-8")
    rewrite_manifest(landing / FULL)
    manifest = (landing / DAY1 / "manifest.csv").read_text(encoding="utf-8").split("\n")
    manifest[1] = ",".join([manifest[1].split(",")[0], "twenty", manifest[1].split(",")[2]])
    (landing / DAY1 / "manifest.csv").write_text("\n".join(manifest), encoding="utf-8")
    (landing / "20250799").mkdir()
    shutil.copy(landing / DAY2 / "manifest.csv", landing / "20250799" / "manifest.csv")
    for day, text, encoding in (("20250303", None, None), ("20250304", "文件,行数\nsetl.csv,1\n", "gbk")):
        shutil.copytree(landing / DAY2, landing / day)
        m = landing / day / "manifest.csv"
        m.write_bytes(text.encode(encoding) if text else m.read_bytes().replace(b",", b";"))

    result = cli(tiny, "ingest")
    out = result.stdout
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "Calculating Metrics" not in result.stdout + result.stderr  # item 10: no GX progress bars
    assert f"REJECTED {FULL}/kpop_roster.csv: the header names column(s) certno more than once" in out
    assert f"PROBLEM {DAY1}/manifest.csv: manifest.csv line 2: rows='twenty' is not a whole number" in out
    assert "PROBLEM 20250303/manifest.csv: manifest.csv line 1 is 'file;rows;sha256'" in out
    assert "PROBLEM 20250304/manifest.csv: manifest.csv is not UTF-8 text" in out
    assert "PROBLEM 20250799: named like a delivery, but 20250799 is not a date" in out
    assert out.count("what to do:") >= 5
    loaded = statuses(tiny)
    assert loaded[f"{FULL}/setl.csv"] == "loaded" and loaded[f"{DAY2}/setl.csv"] == "loaded"  # after the bad ones
    assert not any(k.startswith(DAY1) for k in loaded)

    manifest[1] = ",".join([manifest[1].split(",")[0], "0", manifest[1].split(",")[2]])  # the sender fixes it
    rewrite_manifest(landing / DAY1)
    assert cli(tiny, "ingest").returncode == 1  # 20250303/4 and 20250799 are still there, and still named
    assert statuses(tiny)[f"{DAY1}/setl.csv"] == "loaded"


# 2. Misnamed folders are skipped silently


def test_anything_in_landing_that_is_not_a_delivery_is_reported(tiny):
    landing = tiny / "landing"
    for name in ("2025-13-45", "tmp", "2025073", "202507031", "_truth"):
        (landing / name).mkdir(exist_ok=True)
    (landing / "notes.txt").write_text("hello", encoding="utf-8")
    report = ingest_into(tiny)
    text = report.summary()
    assert not report.ok
    for name in ("2025-13-45", "tmp", "2025073", "202507031"):
        assert f"PROBLEM {name}: not a delivery folder: deliveries are named by their date, YYYYMMDD" in text
    assert "PROBLEM notes.txt: a file directly in landing/" in text
    assert "_truth" not in text
    assert report.results and all(r.status == "loaded" for r in report.results)


# 3. A delivery dated in the future is accepted


def test_a_delivery_from_the_future_or_long_after_the_last_is_held(tiny):
    landing = tiny / "landing"
    future = landing / "29991231"
    shutil.copytree(landing / DAY2, future)
    edit(future / "setl.csv", {1: {"setl_id": "S-FUTURE-1", "setl_time": "2999-12-31 10:00:00"}})
    rewrite_manifest(future)
    late = landing / "20250615"  # 105 days after the last delivery
    shutil.copytree(landing / DAY2, late)
    edit(late / "setl.csv", {1: {"setl_id": "S-LATE-1"}})
    rewrite_manifest(late)
    day2 = rows_of(landing / DAY2 / "setl.csv")
    edit(
        landing / DAY2 / "setl.csv", {2: {"updt_time": "2026-12-31 00:00:00"}, 3: {"setl_time": "2025-03-04 09:00:00"}}
    )
    rewrite_manifest(landing / DAY2)

    report = ingest_into(tiny)
    text = report.summary()
    assert not report.ok
    assert "HELD 29991231: dated 2999-12-31, after today" in text
    assert "HELD 20250615: dated 105 days after the last delivery loaded (20250302)" in text
    assert "yibao ingest --release 20250615" in text
    assert count(tiny, "select max(_delivery_date) from raw.setl") == dt.date(2025, 3, 2)
    assert count(tiny, "select count(*) from raw.setl where setl_id like 'S-%'") == 0
    con = duck(tiny)
    try:
        reasons = dict(
            con.execute(f"select row_number, reason from dq.quarantine_rows where file = '{DAY2}/setl.csv'").fetchall()
        )
    finally:
        con.close()
    assert reasons == {
        2: "updt_time is dated after the delivery date 2025-03-02 (by more than 1 day)",
        3: "setl_time is dated after the delivery date 2025-03-02 (by more than 1 day)",
    }
    assert day2[2][0] != day2[3][0]

    again = ingest_into(tiny)  # still held, still said
    assert "HELD 29991231" in again.summary() and "HELD 20250615" in again.summary()
    result = cli(tiny, "ingest", "--release", "20250615")
    assert result.returncode == 1 and "HELD 29991231" in result.stdout and "HELD 20250615" not in result.stdout
    assert count(tiny, "select count(*) from raw.setl where setl_id = 'S-LATE-1'") == 1
    assert count(tiny, "select count(*) from raw.setl where setl_id = 'S-FUTURE-1'") == 0


# 4. A changed re-delivery is absorbed silently


def test_a_file_changed_after_it_was_loaded_is_refused(tiny):
    assert ingest_into(tiny).ok
    setl = tiny / "landing" / DAY1 / "setl.csv"
    rows = rows_of(setl)
    before = count(tiny, f"select sum(medfee_sumamt) from raw.setl where _file = '{DAY1}/setl.csv'")
    column = rows[0].index("medfee_sumamt")
    for r in rows[1:11]:
        r[column] = f"{float(r[column]) + 1000:.2f}"
    write_rows(setl, rows)
    rewrite_manifest(setl.parent)

    report = ingest_into(tiny)
    refused = [r for r in report.rejected if r.file == "setl.csv"]
    assert not report.ok and len(refused) == 1
    assert "changed since it was loaded on" in refused[0].reason and "new delivery" in refused[0].reason
    assert count(tiny, f"select sum(medfee_sumamt) from raw.setl where _file = '{DAY1}/setl.csv'") == before
    assert count(tiny, f"select count(*) from raw.setl where _file = '{DAY1}/setl.csv'") == len(rows) - 1
    assert (
        count(
            tiny,
            "select count(*) from ops.loaded_files where delivery_date = '2025-03-01' "
            "and file = 'setl.csv' and status = 'loaded'",
        )
        == 1
    )
    assert (tiny / "quarantine" / DAY1 / "setl.csv").exists()
    assert ingest_into(tiny).ok  # said once; the next run has nothing new to say


def test_a_same_size_change_is_refused_too(tiny):
    """A loaded file is not read again while its size and modification time are unchanged (issue 14); a change
    that keeps the size (two lines swapped) still gets a new modification time, so it is hashed and refused."""
    assert ingest_into(tiny).ok
    setl = tiny / "landing" / DAY1 / "setl.csv"
    header, first, second, *rest = setl.read_bytes().split(b"\n")
    size = setl.stat().st_size
    setl.write_bytes(b"\n".join([header, second, first, *rest]))  # two lines swapped: same bytes, new order
    assert first != second and setl.stat().st_size == size
    rewrite_manifest(setl.parent)

    refused = [r for r in ingest_into(tiny).rejected if r.file == "setl.csv"]
    assert len(refused) == 1 and "changed since it was loaded on" in refused[0].reason


def ingest_before(data: Path, day: str):
    """Ingest with the delivery `day` held back, as the night before it came; then put it in landing/ again."""
    held = data / "held"
    held.mkdir(exist_ok=True)
    (data / "landing" / day).rename(held / day)
    try:
        return ingest_into(data)
    finally:
        (held / day).rename(data / "landing" / day)


def test_a_night_reads_only_the_new_delivery(tiny, monkeypatch):
    """Ingest hashes a file only when it is new or changed: the full load and the deltas already loaded are
    known by their size and modification time, so a night's ingest reads the new delivery, not the history."""
    import yibao.ingest

    assert ingest_before(tiny, DAY2).ok

    hashed = []
    real = yibao.ingest.file_sha256
    monkeypatch.setattr(yibao.ingest, "file_sha256", lambda p: hashed.append(p.parent.name) or real(p))
    report = ingest_into(tiny)
    assert report.ok and {r.delivery for r in report.results if r.status == "loaded"} == {DAY2}
    assert hashed and set(hashed) == {DAY2}


def test_a_night_renders_only_its_own_validation_pages(tiny):
    """Data Docs: a night renders the pages of its own validation results and the index, not every page kept
    (a full rebuild grows by 25 ms a result, a minute a night after a year). Earlier pages stay as they were."""
    first = ingest_before(tiny, DAY2)
    assert first.ok and first.data_docs.exists()
    site = first.data_docs.parent
    pages = {p: p.stat().st_mtime_ns for p in (site / "validations").rglob("*.html")}
    assert pages and all(DAY2 not in str(p) for p in pages)

    assert ingest_into(tiny).ok
    after = {p: p.stat().st_mtime_ns for p in (site / "validations").rglob("*.html")}
    assert {p: after[p] for p in pages} == pages  # no earlier page rendered again
    new = [p for p in after if p not in pages]
    assert new and all(DAY2 in str(p) for p in new)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert DAY1 in index and DAY2 in index


# 5. Smaller ones


def test_empty_and_utf16_files_say_what_is_wrong(tiny):
    folder = tiny / "landing" / DAY2
    (folder / "medins.csv").write_bytes(b"")
    text = (folder / "psn_card.csv").read_text(encoding="utf-8")
    (folder / "psn_card.csv").write_bytes(text.encode("utf-16"))
    rewrite_manifest(folder, rows={"medins.csv": 0, "psn_card.csv": text.count("\n") - 1})
    reasons = {r.file: r.reason for r in ingest_into(tiny).rejected}
    assert reasons["medins.csv"].startswith("is empty (0 bytes)")
    assert reasons["psn_card.csv"].startswith("is UTF-16 encoded")


def test_extra_columns_are_recorded(tiny):
    folder = tiny / "landing" / DAY2
    rows = rows_of(folder / "setl.csv")
    write_rows(
        folder / "setl.csv", [r + (["remark", "ext_flag"] if i == 0 else ["x", "1"]) for i, r in enumerate(rows)]
    )
    rewrite_manifest(folder)
    report = ingest_into(tiny)
    assert report.ok
    assert "note: column(s) remark, ext_flag are not in the contract" in report.summary()
    assert (
        count(
            tiny, "select extra_columns from ops.loaded_files where file = 'setl.csv' and delivery_date = '2025-03-02'"
        )
        == "remark, ext_flag"
    )


def test_a_nul_byte_in_a_key_is_quarantined(tiny):
    folder = tiny / "landing" / DAY2
    rows = edit(folder / "setl.csv", {1: {"setl_id": "S\x00001"}})
    rewrite_manifest(folder)
    assert ingest_into(tiny).ok
    assert count(tiny, "select count(*) from raw.setl where strpos(setl_id, chr(0)) > 0") == 0
    assert (
        count(tiny, f"select reason from dq.quarantine_rows where file = '{DAY2}/setl.csv' and row_number = 1")
        == "setl_id contains a NUL byte"
    )
    assert len(rows) > 2


def test_a_file_delivered_plain_and_gzipped_is_refused(tiny):
    folder = tiny / "landing" / DAY2
    with open(folder / "setl.csv", "rb") as src, gzip.open(folder / "setl.csv.gz", "wb") as dst:
        dst.write(src.read())
    rewrite_manifest(folder)
    report = ingest_into(tiny)
    refused = {r.file: r.reason for r in report.rejected}
    assert set(refused) == {"setl.csv", "setl.csv.gz"}
    assert all("delivered twice, as" in reason for reason in refused.values())
    assert count(tiny, "select count(*) from raw.setl where _delivery_date = '2025-03-02'") == 0


def test_a_quarantined_row_after_a_multi_line_field_shows_its_own_line(tiny):
    folder = tiny / "landing" / FULL
    rows = edit(folder / "setl.csv", {2: {"dise_codg": "J18.9\nsecond line"}, 5: {"vali_flag": "7"}})
    rewrite_manifest(folder, rows={"setl.csv": len(rows) - 1})  # records, not lines
    assert not ingest_into(tiny).rejected
    con = duck(tiny)
    try:
        line = con.execute(f"select original_line from dq.quarantine_rows where file = '{FULL}/setl.csv'").fetchone()[0]
    finally:
        con.close()
    assert line.startswith(rows[5][0] + ",") and ",7," in line


@pytest.mark.parametrize("command", ["ingest", "build", "nightly"])
def test_ingest_build_and_nightly_share_one_lock(tmp_path, command):
    with data_env(tmp_path), run_lock(tmp_path, "nightly"):
        result = cli(tmp_path, command)
    assert result.returncode == LOCKED
    assert "another yibao run is in progress (yibao nightly, pid" in result.stderr
    assert "Traceback" not in result.stderr
    assert f"{command} refused (exit 3)" in (tmp_path / "logs" / "yibao.log").read_text(encoding="utf-8")


def test_a_publication_cut_off_is_cleaned_up_by_the_next(tmp_path):
    import duckdb

    from yibao.publish import publish

    db = tmp_path / "warehouse" / "yibao.duckdb"
    db.parent.mkdir(parents=True)
    con = duckdb.connect(str(db))
    con.execute("create schema marts; create table marts.t as select 1 as x")
    con.close()
    folder = db.parent / "published"
    folder.mkdir()
    for leftover in ("yibao_20250101T000000000000.partial", "yibao_20250101T000000000000.partial.wal", "CURRENT.tmp"):
        (folder / leftover).write_bytes(b"cut off")
    target = publish(db)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["CURRENT", target.name])


@pytest.mark.parametrize("period", ["2025-13", "2025-00", "0000", "２０２５-０６", "٢٠٢٥"])
def test_export_refuses_a_period_that_is_not_one(tmp_path, capsys, period):
    with data_env(tmp_path):
        rc = main(["export", "--period", period])
    err = capsys.readouterr().err
    assert rc == 2 and f"period '{period}'" in err and "ASCII digits" in err
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())
