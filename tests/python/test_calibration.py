"""The demo city's figures sit in DESIGN §5's plausibility ranges, as the marts give them: the national bulletin
figures, and a city that looks like Jiamusi (many retirees, counties that differ, deficits)."""

from __future__ import annotations

import shutil
from decimal import Decimal

from yibao.build import dbt

from conftest import data_env, duck


def q(data, sql):
    con = duck(data)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_coverage_and_scheme_mix(demo_city):
    rows = q(
        demo_city,
        "select coverage_rate_hsreg, insured_employee * 1.0 / insured_persons "
        "from marts.rpt_coverage_monthly where admdvs = '230800'",
    )
    assert len(rows) == 25
    for coverage, employee_share in rows:
        assert 0.95 <= coverage <= 0.98  # DESIGN §5: coverage is 95 % or more (the 户籍 base, policy 004)
        assert 0.22 <= employee_share <= 0.28


def test_counties_differ_in_coverage(demo_city):
    """DESIGN §5: county coverage from about 92 % to 99 %; on both bases every county within 85-105 % (issue 36)."""
    ((low, high, low_resident, high_resident),) = q(
        demo_city,
        """
        select min(coverage_rate_hsreg), max(coverage_rate_hsreg), min(coverage_rate_resident),
            max(coverage_rate_resident)
        from marts.rpt_coverage_monthly
        where admdvs not in ('230800', '230899') and month_end = '2025-12-31'""",
    )
    assert 0.90 <= low <= 0.935 and 0.975 <= high <= 0.995
    assert 0.85 <= low_resident and high_resident <= 1.05


def test_some_residents_enrol_and_do_not_pay(demo_city):
    """DESIGN §5: some residents enrol and never pay; they are 参保未缴费, about 1.5 % of residents, not insured."""
    ((unpaid, residents),) = q(
        demo_city,
        "select enrolled_unpaid, insured_resident from marts.rpt_coverage_monthly "
        "where admdvs = '230800' and month_end = '2025-12-31'",
    )
    assert 0.008 <= unpaid / (unpaid + residents) <= 0.025


def test_a_northeastern_employee_scheme_has_under_two_workers_per_retiree(demo_city):
    """DESIGN §5: well under 2 working members per retiree (the national figure is about 2.7)."""
    for working, retired in q(
        demo_city,
        """
            select insured_employee_in_service, insured_employee_retired from marts.rpt_coverage_monthly
            where admdvs = '230800' and is_complete""",
    ):
        assert 1.2 <= working / retired < 2.0


def test_inpatient_ratios_and_costs_near_the_national_bulletin(demo_city):
    rows = q(
        demo_city,
        """
        select insutype, sum(insurance_fund_pay) / sum(inscp_scp_amt), sum(medfee_sumamt) / sum(settlements),
               sum(settlements)
        from marts.rpt_reimbursement_monthly
        where admdvs = '230800' and med_group = 'inpatient' and insutype in ('310', '390')
        group by insutype order by insutype""",
    )
    (emp, emp_ratio, emp_cost, emp_n), (res, res_ratio, res_cost, res_n) = rows
    assert abs(emp_ratio - 0.846) < 0.03 and abs(res_ratio - 0.681) < 0.03
    assert abs(emp_cost / 12175 - 1) < 0.10 and abs(res_cost / 7674 - 1) < 0.10
    assert emp_n > 1000 and res_n > 1000


def test_resident_inpatient_ratio_falls_from_tier_1_to_tier_3(demo_city):
    """Policy 003: the 100-yuan / 85 % band is for tier 1 and unrated institutions, the 1,000-yuan / 60 % band for
    tier 3, so the policy-scope ratio falls as the tier rises."""
    ratio = dict(
        q(
            demo_city,
            """
        select hosp_tier, sum(insurance_fund_pay) / sum(inscp_scp_amt) from marts.rpt_reimbursement_monthly
        where admdvs = '230800' and med_group = 'inpatient' and insutype = '390' group by hosp_tier""",
        )
    )
    assert ratio["tier1"] > ratio["tier2"] > ratio["tier3"]
    assert ratio["tier1"] - ratio["tier3"] > 0.15


def test_inpatient_rate_per_100_insured_per_year(demo_city):
    (rate,) = q(
        demo_city,
        """
        select sum(settlements) * 100.0 / avg(insured)
        from (select sum(r.settlements) as settlements, max(c.insured_persons) as insured
              from marts.rpt_reimbursement_monthly r
              join marts.rpt_coverage_monthly c on c.admdvs = r.admdvs and c.month_end = r.month_end
              where r.admdvs = '230800' and r.med_group = 'inpatient' and year(r.month_end) = 2025
              group by r.month_end)""",
    )[0]
    assert 12 <= rate <= 25  # admissions per 100 insured per year


def test_pooled_funds_are_neither_exhausted_nor_hoarded(demo_city):
    rows = q(
        demo_city,
        """
        select fund_type, months_payable from marts.rpt_fund_balance_monthly
        where admdvs = '230800' and fund_type in ('310100', '390100') and month_end >= '2024-12-31' and is_complete""",
    )
    assert len(rows) == 2 * 13
    for fund_type, months in rows:
        assert 6 <= months <= 18, (fund_type, months)


def test_deficits_exercise_every_branch_of_the_city_rule_and_the_other_rule(demo_city, tmp_path):
    """DESIGN §5: over the demo period units run deficits; under Jiamusi's rule (own_then_local, policy 000) both
    its branches occur - the own balance and the local government - and the city covers nothing. With the city
    seed's rule changed to plan_then_city (policy 001) and the marts rebuilt, the city branch appears, and the own
    balances cover exactly what they covered before."""
    sql = """
        select admdvs, fund_type, year, covered_by_own_balance, covered_by_county_government, covered_by_city
        from marts.rpt_fund_annual_settlement
        where admdvs <> '230800' and status in ('provisional', 'closed') and deficit > 0 order by 1, 2, 3"""
    own_rule = q(demo_city, sql)
    assert own_rule
    assert any(own > 0 for *_, own, _, _ in own_rule)
    assert any(government > 0 for *_, government, _ in own_rule)
    assert all(city == 0 for *_, city in own_rule)

    copy = tmp_path / "city"
    shutil.copytree(demo_city, copy, ignore=shutil.ignore_patterns("published", "exports", "gx", "logs"))
    con = duck(copy, read_only=False)
    try:
        con.execute("update raw.city_setting set responsibility_rule = 'plan_then_city' where admdvs = '230800'")
    finally:
        con.close()
    with data_env(copy):
        assert dbt("run", "--select", "int_fund__sub_accounts+", "--quiet").returncode == 0
    city_rule = q(copy, sql)
    assert [r[:4] for r in city_rule] == [r[:4] for r in own_rule]  # the same own-balance figures
    assert any(city > 0 for *_, city in city_rule)
    assert all(g <= g0 for (*_, g, _), (*_, g0, _) in zip(city_rule, own_rule))


def test_a_late_delivery_restates_a_closed_year_and_says_so(demo_city, tmp_path):
    """DESIGN §4 Closing: 2024 closed on 2025-03-31 and the first build recorded its figures. A settlement of June
    2024 that arrives now (booked here straight into the ledger, as the facts would book it) changes 2024's result:
    after the next run the mart shows the year restated, by minus that payment, dated the current as-of date, and
    the year stays closed; the open 2025 is untouched."""
    copy = tmp_path / "city"
    shutil.copytree(demo_city, copy, ignore=shutil.ignore_patterns("published", "exports", "gx", "logs"))
    sql = """
        select restated, restatement_difference, restated_as_of, status, current_result
        from marts.rpt_fund_annual_settlement where admdvs = '230822' and fund_type = '390100' and year = {}"""
    before, open_before = q(copy, sql.format(2024))[0], q(copy, sql.format(2025))[0]
    assert before[:3] == (False, None, None) and before[3] == "closed"
    con = duck(copy, read_only=False)
    try:
        changed = con.execute(
            "update core.fct_fund_ledger set amount = amount - 1234.56 where admdvs = '230822' "
            "and fund_type = '390100' and month_end = '2024-06-30' and entry_type = 'settlement_inpatient'"
        ).fetchone()[0]
    finally:
        con.close()
    assert changed == 1
    with data_env(copy):
        assert dbt("run", "--select", "int_fund__unit_years+", "--quiet").returncode == 0
    after, open_after = q(copy, sql.format(2024))[0], q(copy, sql.format(2025))[0]
    as_of = q(copy, "select max(as_of_date) from core.int_calendar__months")[0][0]
    assert after[:4] == (True, Decimal("-1234.56"), as_of, "closed")
    assert after[4] == before[4] - Decimal("1234.56")
    assert open_after == open_before
