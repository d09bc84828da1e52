"""Province report files: totals reconcile with the marts, CSVs are stable, and no ID number appears anywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from yibao.export import export_period, parse_period

from conftest import duck

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z.])[0-9]{17}[0-9Xx](?![0-9A-Za-z.])")  # not inside a decimal


def read_csv(path) -> list[dict]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    return [{k.split("(")[-1].rstrip(")"): v for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("period,complete", [("2025-03", True), ("2025Q1", True), ("2025", False)])
def test_totals_reconcile_with_the_marts(clean_city, period, complete):
    first, last = parse_period(period)
    written = export_period(clean_city / "warehouse" / "yibao.duckdb", clean_city / "exports", period)
    names = {p.name for p in written}
    stem = f"230800_{period}" if complete else f"230800_{period}_partial"  # 2025 is not over on the as-of date
    assert {
        f"{stem}_coverage.csv",
        f"{stem}_fund.csv",
        f"{stem}_fund_indicators.csv",
        f"{stem}_benefits.csv",
        f"{stem}_report.xlsx",
        "manifest.json",
    } == names
    folder = clean_city / "exports" / period / "230800"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["is_complete"] is complete
    cover = {r[0]: r[1] for r in load_workbook(folder / f"{stem}_report.xlsx")["封面"].iter_rows(values_only=True)}
    assert cover["期间状态"] == "完整期间" if complete else cover["期间状态"].startswith("未完结的部分期间")
    con = duck(clean_city)
    try:
        last_month = con.execute(
            "select max(month_end) from marts.rpt_coverage_monthly where month_end <= ?", [last]
        ).fetchone()[0]
        insured = con.execute(
            "select insured_persons from marts.rpt_coverage_monthly where admdvs = '230800' and month_end = ?",
            [last_month],
        ).fetchone()[0]
        income = con.execute(
            "select sum(income), sum(expenditure) from marts.rpt_fund_balance_monthly "
            "where admdvs = '230800' and month_end between ? and ?",
            [first, last],
        ).fetchone()
        benefits = con.execute(
            "select sum(settlements), sum(medfee_sumamt), sum(insurance_fund_pay) "
            "from marts.rpt_reimbursement_monthly where admdvs = '230800' "
            "and month_end between ? and ?",
            [first, last],
        ).fetchone()
    finally:
        con.close()
    coverage = read_csv(folder / f"{stem}_coverage.csv")
    city = next(r for r in coverage if r["admdvs"] == "230800")
    assert int(city["insured_persons"]) == insured
    assert sum(int(r["insured_persons"]) for r in coverage if r["admdvs"] != "230800") == insured
    fund = [r for r in read_csv(folder / f"{stem}_fund.csv") if r["admdvs"] == "230800"]
    # 本年收入合计 and 本年支出合计 of every fund are all the money in and out of the city's sub-accounts
    assert sum(Decimal(r["amount"]) for r in fund if r["line_name"] == "本年收入合计") == income[0]
    assert sum(Decimal(r["amount"]) for r in fund if r["line_name"] == "本年支出合计") == income[1]
    rows = [r for r in read_csv(folder / f"{stem}_benefits.csv") if r["admdvs"] == "230800"]
    assert sum(int(r["settlements"]) for r in rows) == benefits[0]
    assert sum(Decimal(r["medfee_sumamt"]) for r in rows) == benefits[1]
    assert sum(Decimal(r["insurance_fund_pay"]) for r in rows) == benefits[2]

    wb = load_workbook(folder / f"{stem}_report.xlsx")
    assert wb.sheetnames == ["封面", "参保情况", "基金收支", "基金运行指标", "待遇享受"]
    cover = dict(r[:2] for r in wb["封面"].iter_rows(min_row=2, values_only=True))
    assert cover["报告期"].startswith(period) and cover["数据截止日期"] and cover["生成时间"]
    sheet = wb["待遇享受"]
    assert sheet.freeze_panes == "A2" and sheet.cell(row=1, column=7).value == "结算人次"
    total = [r for r in sheet.iter_rows(values_only=True)][-1]
    assert total[1] == "合计（全市）" and total[6] == benefits[0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in manifest["files"]} == names - {"manifest.json"}
    assert all(len(f["sha256"]) == 64 and f["rows"] > 0 for f in manifest["files"])


def test_the_fund_form_is_the_statement_per_fund_and_adds_up(demo_city):
    """The province's 基金收支 sheet, read back from the xlsx: for each unit, the city and each fund, the 2025
    statement holds 年末滚存结余 = 上年结余 + 本年收支结余 and 本年收支结余 = 本年收入合计 - 本年支出合计, worked here
    from the sheet's own numbers, and no row adds funds together."""
    db = demo_city / "warehouse" / "yibao.duckdb"
    written = export_period(db, demo_city / "exports", "2025")
    book = next(p for p in written if p.suffix == ".xlsx")
    rows = list(load_workbook(book)["基金收支"].iter_rows(values_only=True))
    assert rows[0] == ("区划代码", "核算单位", "基金", "行次", "项目", "金额")
    statements: dict[tuple[str, str], dict[str, Decimal]] = {}
    for admdvs, _area, fund, _no, line, amount in rows[1:]:
        assert admdvs and fund, f"a row without a unit or fund: {admdvs, fund, line}"  # no total across funds
        statements.setdefault((admdvs, fund), {})[line] = Decimal(str(amount)).quantize(Decimal("0.01"))
    units = {a for a, _ in statements}
    assert "230800" in units and "230899" in units and not units & {"230803", "230804", "230805", "230811"}
    assert {f for _, f in statements} >= {"310100", "390100"} and "510100" not in {f for _, f in statements}
    for key, s in statements.items():
        assert s["本年收支结余"] == s["本年收入合计"] - s["本年支出合计"], key
        assert s["年末滚存结余"] == s["上年结余"] + s["本年收支结余"], key
        assert s["当期结余"] == s["本年收入小计"] - s["本年支出小计"], key
    # the city's statement is the sum of its units', line by line
    for fund in ("310100", "390100"):
        for line, amount in statements["230800", fund].items():
            assert amount == sum(v[line] for (a, f), v in statements.items() if f == fund and a != "230800"), line


def test_the_same_period_twice_gives_identical_csv_bytes(clean_city):
    db, out = clean_city / "warehouse" / "yibao.duckdb", clean_city / "exports_twice"
    first = {p.name: p.read_bytes() for p in export_period(db, out / "a", "2025Q1") if p.suffix == ".csv"}
    second = {p.name: p.read_bytes() for p in export_period(db, out / "b", "2025Q1") if p.suffix == ".csv"}
    assert first == second and len(first) == 4


def test_no_id_number_in_any_export_or_log(clean_city):
    from yibao.export_dq import export_dq

    db = clean_city / "warehouse" / "yibao.duckdb"
    export_period(db, clean_city / "exports", "2025Q2")
    export_dq(db, clean_city / "exports")
    con = duck(clean_city)
    try:
        certnos = {c for (c,) in con.execute("select distinct certno from raw.psn_info").fetchall()}
    finally:
        con.close()
    scanned = 0
    for root in ("exports", "logs", "dbt/logs"):
        for path in (clean_city / root).rglob("*") if (clean_city / root).exists() else []:
            if not path.is_file():
                continue
            if path.suffix == ".xlsx":
                wb = load_workbook(path)
                text = "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)
            else:
                text = path.read_text(encoding="utf-8", errors="replace")
            scanned += 1
            assert not ID_PATTERN.search(text), path
            assert not any(c in text for c in certnos), path
    assert scanned >= 10
