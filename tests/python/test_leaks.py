"""Leak checks on data that has something to leak: a city generated with defects, with a delivery whose psn_info
columns are reordered, whose roster has an ID number and a date swapped, and whose rows are quarantined. Nothing
a county user sees names another county, and no output - pages, report files, correction lists, logs, Great
Expectations Data Docs, the published copy - holds a delivered ID number or name (DESIGN §8)."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest

from yibao.export_dq import export_dq
from yibao.nightly import nightly
from yibao.regions import regions
from yibao.synth import generate

from conftest import data_env, duck
from test_dashboard import CITY_USER, COUNTY_USER, PAGES, page_text, run_page
from test_ingest import rewrite_manifest

HOSTILE = dict(persons=1500, seed=17, start="2024-11", end="2025-01", days=1, defect_rate=0.01)


def _rewrite(path, transform) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows = transform(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return rows


@pytest.fixture(scope="module")
def hostile_city(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile_city")
    generate(**HOSTILE, out=data)
    full = sorted(p for p in (data / "landing").iterdir() if p.name.isdigit())[0]

    def reorder_and_break(rows):  # psn_name first; one row with a gender code outside its set
        header = rows[0]
        order = [header.index("psn_name")] + [i for i in range(len(header)) if header[i] != "psn_name"]
        rows = [[r[i] for i in order] for r in rows]
        rows[3][rows[0].index("gend")] = "7"
        return rows

    def swap_certno_and_begndate(rows):
        header = rows[0]
        c, b = header.index("certno"), header.index("begndate")
        rows[2][c], rows[2][b] = rows[2][b], rows[2][c]
        return rows

    def bad_amount(rows):
        rows[5][rows[0].index("medfee_sumamt")] = "一百元"
        return rows

    _rewrite(full / "psn_info.csv", reorder_and_break)
    _rewrite(full / "kpop_roster.csv", swap_certno_and_begndate)
    _rewrite(full / "setl.csv", bad_amount)
    rewrite_manifest(full)
    with data_env(data):
        assert nightly() == 0  # ingest, build, publish, report files and a log; warnings are allowed
        export_dq(data / "warehouse" / "yibao.duckdb", data / "exports")
    return data


def delivered_pii(data) -> tuple[set[str], set[str]]:
    """Every ID number and every three-character name delivered in psn_info and the roster."""
    certnos, names = set(), set()
    for path in (data / "landing").glob("*/*.csv"):
        if path.stem not in ("psn_info", "kpop_roster"):
            continue
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            for value in (row.get("certno"), row.get("begndate")):
                if value and re.fullmatch(r"\d{17}[\dX]", value):
                    certnos.add(value)
            if row.get("psn_name") and len(row["psn_name"]) == 3:
                names.add(row["psn_name"])
    return certnos, names


def leaks(text: str, certnos: set[str], names: set[str]) -> list[str]:
    found = [c for c in certnos if c in text]
    found += [n for n in names if n in text]
    return found


def test_the_hostile_city_has_something_to_leak(hostile_city):
    con = duck(hostile_city)
    try:
        quarantined = dict(
            con.execute("select split_part(file, '/', 2), count(*) from dq.quarantine_rows group by 1").fetchall()
        )
        rules = {r for (r,) in con.execute("select distinct rule_id from dq.dq_exceptions").fetchall()}
        counties = con.execute("select count(distinct admdvs) from dq.dq_exceptions").fetchone()[0]
    finally:
        con.close()
    assert quarantined == {"psn_info.csv": 1, "kpop_roster.csv": 1, "setl.csv": 1}
    assert {"quarantined", "one_person_one_number", "dup_enrollment_cross_scheme"} <= rules
    assert counties >= 5  # exceptions in many counties, so a county user has others' rows to be kept from


@pytest.mark.parametrize("page", PAGES)
def test_a_county_user_sees_no_other_county_on_defect_data(hostile_city, page):
    with data_env(hostile_city):
        at = run_page(page, COUNTY_USER)
    assert not at.exception, [e.value for e in at.exception]
    # a cross-county duplicate enrollment names the other county: both offices must agree which one ends (DESIGN §6);
    # a masked ID number keeps its first six digits, the birthplace's address code, which may be another county's
    text = re.sub(r"跨区县重叠参保：[^\n]*|\d{6}\*{8}[\dX]{4}", "", page_text(at))
    others = [(code, r.name_zh) for code, r in regions().items() if code != "230822"]
    # a code as a whole token: card numbers such as C2308000000000883 carry the city code inside them
    shown = [zh for code, zh in others if zh in text] + [
        code for code, _ in others if re.search(rf"(?<![0-9A-Za-z]){code}(?![0-9])", text)
    ]
    assert not shown, f"{page} shows other areas to a county user: {shown}"


@pytest.mark.parametrize("user", [CITY_USER, COUNTY_USER], ids=["city", "county"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_delivered_id_number_or_name(hostile_city, page, user):
    certnos, names = delivered_pii(hostile_city)
    with data_env(hostile_city):
        at = run_page(page, user)
    assert not at.exception
    assert not leaks(page_text(at), certnos, names), page


def test_no_file_written_holds_a_delivered_id_number_or_name(hostile_city):
    """Report files, correction lists, logs, Great Expectations results and Data Docs, dbt's own output."""
    certnos, names = delivered_pii(hostile_city)
    assert len(certnos) > 1000 and len(names) > 500
    scanned = 0
    for folder in ("exports", "logs", "gx", "dbt"):
        for path in (hostile_city / folder).rglob("*"):
            if not path.is_file() or path.suffix in (".duckdb", ".wal", ".png"):
                continue
            if path.suffix == ".xlsx":
                from openpyxl import load_workbook

                text = "\n".join(
                    str(c)
                    for sheet in load_workbook(path)
                    for row in sheet.iter_rows(values_only=True)
                    for c in row
                    if c is not None
                )
            else:
                text = path.read_text(encoding="utf-8", errors="replace")
            found = leaks(text, certnos, names)
            assert not found, f"{path.relative_to(hostile_city)} holds {found[:3]}"
            scanned += 1
    assert scanned > 20
    assert any((hostile_city / "exports").rglob("*.xlsx")) and any((hostile_city / "logs").glob("nightly_*.log"))


def test_the_published_copy_holds_no_delivered_id_number_or_name(hostile_city):
    certnos, names = delivered_pii(hostile_city)
    published = sorted((hostile_city / "warehouse" / "published").glob("*.duckdb"))
    assert published
    con = duckdb.connect(str(published[-1]), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
        ).fetchall()
        assert {s for s, _, _ in columns} <= {"marts", "dq", "ops"}
        for schema, table, column in columns:
            values = [
                v
                for (v,) in con.execute(
                    f'select distinct "{column}" from {schema}.{table} where "{column}" is not null'
                ).fetchall()
            ]
            text = json.dumps(values, ensure_ascii=False)
            found = leaks(text, certnos, names)
            assert not found, f"{schema}.{table}.{column} holds {found[:3]}"
    finally:
        con.close()


def test_no_table_past_staging_holds_a_delivered_id_number_or_name(hostile_city):
    """In the warehouse itself: raw and staging hold PII by design; core, marts, dq and ops must not."""
    certnos, names = delivered_pii(hostile_city)
    con = duck(hostile_city)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_schema in ('core', 'marts', 'dq', 'ops')"
        ).fetchall()
        assert {"core", "marts", "dq", "ops"} <= {s for s, _, _ in columns}
        for schema, table, column in columns:
            values = [
                v
                for (v,) in con.execute(
                    f'select distinct "{column}" from {schema}."{table}" where "{column}" is not null'
                ).fetchall()
            ]
            found = leaks(json.dumps(values, ensure_ascii=False), certnos, names)
            assert not found, f"{schema}.{table}.{column} holds {found[:3]}"
    finally:
        con.close()


def test_every_file_in_the_data_folder_is_owner_only(hostile_city):
    """The warehouse holds raw ID numbers and names: nothing yibao wrote is readable by group or others."""
    import stat

    exposed = [
        str(p.relative_to(hostile_city))
        for p in hostile_city.rglob("*")
        if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    ]
    assert not exposed, exposed[:10]
    assert (hostile_city / "warehouse" / "yibao.duckdb").stat().st_mode & 0o777 == 0o600
    unit = (__import__("yibao.paths").paths.PROJECT_DIR / "deploy" / "yibao-nightly.service").read_text(
        encoding="utf-8"
    )
    assert "\nUMask=0077" in unit
