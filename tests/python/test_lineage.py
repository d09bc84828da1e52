"""Lineage points at the right line (issue 33): raw.<extract>._row_number is the data-row number of the row in its
file, and a quarantined row's number is the line it names, on two threads while the CPU is busy.

DuckDB's parallel CSV reader did not keep file order in the rowids it was numbered from: a 10,000-person city's
settlement file came out with most of its rows numbered as another, depending on load and thread timing. The test
loads a settlement file of about 60,000 rows with a few broken rows at known places, three times, each while two
other processes keep both cores busy.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import time

import pytest

from yibao.synth import generate

from conftest import data_env, duck, ingest_into
from test_ingest import rewrite_manifest

BROKEN_VALUE = {7: "medfee_sumamt", 4321: "hifp_pay"}  # data-row number -> a column given a value that is no number
MALFORMED = 12345  # a data row given one field too many


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """One full load (no deltas) of a 12,000-person city, its settlement file broken at known rows; the setl_id of
    every data row of that file, in file order."""
    data = tmp_path_factory.mktemp("lineage")
    generate(persons=12000, seed=11, start="2024-07", end="2025-06", days=1, defect_rate=0.0, out=data)
    folder = next(p for p in sorted((data / "landing").iterdir()) if p.name.isdigit())
    setl = folder / "setl.csv"
    with open(setl, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    for number, column in BROKEN_VALUE.items():
        body[number - 1][header.index(column)] = "12x.50"
    body[MALFORMED - 1] = [*body[MALFORMED - 1], "one too many"]
    with open(setl, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *body])
    rewrite_manifest(folder)
    return data, folder.name, [row[0] for row in body]


@pytest.mark.parametrize("attempt", range(3))
def test_row_numbers_are_file_lines_under_load(city, tmp_path, attempt):
    data, delivery, setl_ids = city
    assert len(setl_ids) > 50_000
    # every run on a copy of the landing folder, so each is a first load
    work = tmp_path / "data"
    (work / "landing").mkdir(parents=True)
    os.symlink(data / "landing" / delivery, work / "landing" / delivery)
    busy = [multiprocessing.Process(target=_spin, args=(120,)) for _ in range(2)]
    for process in busy:
        process.start()
    try:
        old = os.environ.get("YIBAO_THREADS")
        os.environ["YIBAO_THREADS"] = "2"
        with data_env(work):
            report = ingest_into(work)
    finally:
        for process in busy:
            process.terminate()
            process.join()
        if old is None:
            os.environ.pop("YIBAO_THREADS", None)
        else:
            os.environ["YIBAO_THREADS"] = old
    assert not report.errors, report.summary()
    con = duck(work)
    try:
        loaded = con.execute("select _row_number, setl_id from raw.setl").fetchall()
        quarantined = con.execute(
            "select row_number, original_line from dq.quarantine_rows where file like '%setl.csv' order by 1"
        ).fetchall()
    finally:
        con.close()
    assert len(loaded) == len(setl_ids) - 3
    wrong = [(number, setl_id) for number, setl_id in loaded if setl_ids[number - 1] != setl_id]
    assert not wrong, f"{len(wrong)} of {len(loaded)} rows carry another row's number, e.g. {wrong[:3]}"
    assert [number for number, _ in quarantined] == sorted([*BROKEN_VALUE, MALFORMED])
    for number, line in quarantined:
        assert line.split(",")[0] == setl_ids[number - 1], f"quarantined row {number} names another line: {line}"
