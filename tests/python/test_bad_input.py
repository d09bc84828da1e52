"""Bad deliveries: each gets a clear message, nothing is lost, and the row counts reconcile for every file."""

from __future__ import annotations

import csv
import io
import shutil

from yibao.build import dbt_build
from yibao.synth import generate

from conftest import data_env, duck, ingest_into
from test_ingest import rewrite_manifest

TINY = dict(persons=400, seed=5, start="2025-01", end="2025-02", days=1, defect_rate=0.0)


def edit_rows(path, edits, encoding="utf-8"):
    """Apply {data_row_number: {column: value}} to a CSV file, keeping everything else."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for number, changes in edits.items():
        for column, value in changes.items():
            rows[number][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return rows


def test_bad_deliveries_are_reported_and_nothing_is_lost(tmp_path, capsys):
    generate(**TINY, out=tmp_path)
    full = tmp_path / "landing" / "20250228"
    people = edit_rows(full / "psn_info.csv", {7: {"certno": "23082219900101123"}}, encoding="gbk")
    raw = (full / "psn_info.csv").read_bytes().split(b"\n")
    raw[5] = raw[5].replace(b",", b",\xff", 1)  # a byte that is not GBK in data row 5
    (full / "psn_info.csv").write_bytes(b"\n".join(raw))
    setl = edit_rows(
        full / "setl.csv", {3: {"psn_cash_pay": "999999.99"}, 4: {"vali_flag": "7"}, 5: {"insutype": "999"}}
    )
    rewrite_manifest(full, rows={"clct.csv": 1})  # the manifest count of clct.csv is off
    shutil.copytree(tmp_path / "landing" / "20250301", tmp_path / "landing" / "20250305")  # sent twice

    with data_env(tmp_path):
        report = ingest_into(tmp_path)
        assert dbt_build(["--quiet"]) == 0
    summary = report.summary()
    assert not report.ok
    assert "REJECTED 20250228/clct.csv: row count" in summary and "differs from manifest (1)" in summary
    assert (tmp_path / "quarantine" / "20250228" / "clct.csv").exists()
    assert "20250228/psn_info.csv" in summary and "1 quarantined" in summary
    duplicates = [r for r in report.results if r.delivery == "20250305" and r.status == "duplicate"]
    assert duplicates and all(
        "identical to the file already loaded from delivery 20250301" in r.reason for r in duplicates
    )

    con = duck(tmp_path)
    try:
        quarantined = dict(con.execute("select file || '#' || row_number, reason from dq.quarantine_rows").fetchall())
        masked_line = con.execute(
            "select original_line from dq.quarantine_rows where file = '20250228/psn_info.csv'"
        ).fetchone()[0]
        exceptions = set(con.execute("select rule_id, entity_key from dq.dq_exceptions").fetchall())
        files = con.execute(
            "select delivery_date, file, extract, status, manifest_rows, rows_loaded, "
            "rows_quarantined from ops.loaded_files"
        ).fetchall()
        per_file_raw = {}
        for (extract,) in con.execute(
            "select distinct extract from ops.loaded_files where status = 'loaded'"
        ).fetchall():
            per_file_raw.update(
                dict(con.execute(f"select _file, count(*) from raw.{extract} group by _file").fetchall())
            )
        per_file_quarantine = dict(
            con.execute("select file, count(*) from dq.quarantine_rows group by file").fetchall()
        )
    finally:
        con.close()

    assert "undecodable bytes" in quarantined["20250228/psn_info.csv#5"]
    assert "vali_flag=7 is not in code set vali_flag" in quarantined["20250228/setl.csv#4"]
    assert people[5][2] not in masked_line and people[5][2][:6] + "********" in masked_line
    assert people[5][3] not in masked_line

    header = setl[0]
    assert ("certno_invalid", people[7][0]) in exceptions
    assert ("setl_arithmetic", setl[3][header.index("setl_id")]) in exceptions
    assert ("quarantined", "20250228/setl.csv#4") in exceptions
    # an unknown code is not a reason to quarantine money: the row loads, under 'other', and is reported
    assert ("code_unmapped", setl[5][header.index("setl_id")]) in exceptions
    assert "20250228/setl.csv#5" not in quarantined
    assert ("quarantined", "20250228/psn_info.csv#5") in exceptions

    for delivery, file, _extract, status, manifest_rows, loaded, quarantined_rows in files:
        label = f"{delivery:%Y%m%d}/{file}"
        if status == "loaded":
            assert loaded + quarantined_rows == manifest_rows, label
            assert per_file_raw.get(label, 0) == loaded, label
            assert per_file_quarantine.get(label, 0) == quarantined_rows, label
        else:
            assert status in ("rejected", "duplicate") and loaded == 0, label


def test_row_numbers_after_a_malformed_line_are_the_files_own(tmp_path):
    """A malformed line is missing from the CSV scan; every row after it must still carry its own data-row
    number, in raw (_row_number), in the quarantine, and when an undecodable line is matched by number."""
    generate(**TINY, out=tmp_path)
    full = tmp_path / "landing" / "20250228"
    setl = edit_rows(full / "setl.csv", {6: {"vali_flag": "7"}}, encoding="gbk")
    lines = (full / "setl.csv").read_bytes().split(b"\n")
    lines[2] += b",one field too many"  # data row 2 is malformed
    lines[4] = lines[4].replace(b",", b",\xff", 1)  # data row 4: a byte that is not GBK
    (full / "setl.csv").write_bytes(b"\n".join(lines))
    rewrite_manifest(full)
    header, setl_id = setl[0], setl[0].index("setl_id")

    with data_env(tmp_path):
        ingest_into(tmp_path)
    con = duck(tmp_path)
    try:
        quarantined = dict(
            con.execute("select row_number, reason from dq.quarantine_rows where file = '20250228/setl.csv'").fetchall()
        )
        loaded = dict(
            con.execute("select _row_number, setl_id from raw.setl where _file = '20250228/setl.csv'").fetchall()
        )
    finally:
        con.close()
    assert sorted(quarantined) == [2, 4, 6], quarantined
    assert quarantined[2].startswith("malformed line")
    assert "undecodable bytes" in quarantined[4]
    assert "vali_flag=7 is not in code set vali_flag" in quarantined[6]
    assert len(loaded) == len(setl) - 1 - 3
    assert all(loaded[n] == setl[n][setl_id] for n in (1, 3, 5, 7, len(setl) - 1)), header
