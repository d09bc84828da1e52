"""Two cities delivered together (Jiamusi 230800 and Mudanjiang 231000): the second city's user sees their own
city and only it, the province user (省医保局) sees both side by side and the provincial adjustment fund, and the
report files are written per city. Names and codes come from seeds/region.csv, the one list of regions."""

from __future__ import annotations

import json

import pytest

from yibao.errors import UserError
from yibao.export import export_period
from yibao.export_dq import export_dq
from yibao.regions import counties, name, regions

from conftest import data_env, duck
from test_dashboard import PAGES, User, page_text, run_page

MUDANJIANG = User("mdj", "牡丹江市医保局", "city:231000")
PROVINCE = User("sheng", "省医保局", "province")


@pytest.fixture
def in_two(two_cities):
    with data_env(two_cities):
        yield two_cities


@pytest.mark.parametrize("page", PAGES)
def test_the_second_city_user_sees_their_city_and_no_other(in_two, page):
    at = run_page(page, MUDANJIANG)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and not at.error
    text = page_text(at)
    if page in ("overview", "coverage", "fund", "reimbursement"):
        assert "牡丹江市" in text or "231000" in text, text[:500]
    others = [c for c in regions() if c != "231000" and c not in counties("231000")]
    leaks = [name(c) for c in others if name(c) in text] + [c for c in others if c in text]
    assert not leaks, f"{page} shows another city's areas: {leaks}"


def test_the_second_city_overview_equals_its_city_row(in_two):
    metrics = {m.label: m.value for m in run_page("overview", MUDANJIANG).metric}
    con = duck(in_two)
    try:
        month = con.execute(
            "select max(month_end) from marts.rpt_coverage_monthly where is_complete and admdvs = '231000'"
        ).fetchone()[0]
        rate = con.execute(
            "select coverage_rate_hsreg from marts.rpt_coverage_monthly where admdvs = '231000' and month_end = ?",
            [month],
        ).fetchone()[0]
    finally:
        con.close()
    assert metrics["户籍参保率"] == f"{rate * 100:.1f}%"


def test_the_province_compares_every_delivered_city(in_two):
    at = run_page("cities", PROVINCE)
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["统筹区"]) == ["佳木斯市", "牡丹江市"]
    con = duck(in_two)
    try:
        month = con.execute(
            "select max(month_end) from marts.rpt_coverage_monthly where admdvs in ('230800', '231000') "
            "group by month_end having bool_and(is_complete) order by 1 desc limit 1"
        ).fetchone()[0]
        rates = dict(
            con.execute(
                "select admdvs, coverage_rate_hsreg from marts.rpt_coverage_monthly "
                "where admdvs in ('230800', '231000') and month_end = ? order by admdvs",
                [month],
            ).fetchall()
        )
        plan = dict(
            con.execute(
                "select admdvs, revenue_plan_completion from marts.rpt_fund_annual_settlement "
                "where admdvs in ('230800', '231000') and year = 2024 and fund_type = '390100'"
            ).fetchall()
        )
    finally:
        con.close()
    coverage = [c for c in table.columns if c.startswith("户籍参保率")][0]
    assert list(table[coverage]) == [f"{rates[c] * 100:.1f}%" for c in ("230800", "231000")]
    completion = [c for c in table.columns if "2024 年收入计划完成率" in c and "居民" in c][0]
    assert list(table[completion]) == [f"{plan[c] * 100:.1f}%" for c in ("230800", "231000")]


def test_the_province_sees_the_adjustment_fund(in_two):
    at = run_page("adjustment", PROVINCE)
    assert not at.exception, [e.value for e in at.exception]
    con = duck(in_two)
    try:
        drawn, shared, remaining = con.execute(
            "select any_value(province_drawn), sum(deficit_shared), sum(city_remaining_share) "
            "from marts.rpt_province_adjustment where year = 2024 and fund_type = '390100'"
        ).fetchone()
    finally:
        con.close()
    at.selectbox(key="adj_year").set_value(2024).run()
    metrics = {m.label: m.value for m in at.metric}
    from labels import yuan

    assert metrics["全省计提调剂金"] == yuan(drawn)
    table = at.dataframe[0].value
    assert list(table["统筹区"]) == ["佳木斯市", "牡丹江市"]
    assert "调剂金分担" in table.columns and "市级累计结余承担" in table.columns
    assert drawn > 0 and shared + remaining >= 0


def test_a_city_user_has_no_province_page_and_a_bare_city_role_signs_nobody_in(in_two):
    at = run_page("overview", MUDANJIANG)
    assert "各市对比" not in [p for p in page_text(at).splitlines()]
    assert not User("old", "old", "city").scope  # the role must name its city: city:<admdvs>
    assert not User("odd", "odd", "city:230822").scope  # a county's code is no city
    assert User("p", "p", "province").scope == tuple(sorted(regions()))


def test_report_files_for_every_city_or_one(in_two, tmp_path):
    db = in_two / "warehouse" / "yibao.duckdb"
    written = export_period(db, tmp_path / "all", "2024")
    assert sorted({p.parent.name for p in written}) == ["230800", "231000"]
    for city in ("230800", "231000"):
        manifest = json.loads((tmp_path / "all" / "2024" / city / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["city"] == city and manifest["is_complete"] is True
        text = (tmp_path / "all" / "2024" / city / f"{city}_2024_coverage.csv").read_text(encoding="utf-8-sig")
        assert name(city) in text
        assert not [c for c in ("230800", "231000") if c != city and c in text]
    one = export_period(db, tmp_path / "one", "2024", city="231000")
    assert {p.parent.name for p in one} == {"231000"}
    with pytest.raises(UserError, match="not in the warehouse"):
        export_period(db, tmp_path / "none", "2024", city="230600")
    lists = export_dq(db, tmp_path / "dq")
    # each city's counties and its own list, and the province's list of what belongs to no city
    assert len(lists) == len(counties("230800")) + len(counties("231000")) + 2 + 1
