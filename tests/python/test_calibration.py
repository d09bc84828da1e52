"""The demo city's figures sit in DESIGN §5's plausibility ranges, as the marts give them."""
from __future__ import annotations

from conftest import duck


def q(data, sql):
    con = duck(data)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_coverage_and_scheme_mix(demo_city):
    rows = q(demo_city, "select coverage_rate, insured_employee * 1.0 / insured_persons "
                        "from marts.rpt_coverage_monthly where admdvs = '230800'")
    assert len(rows) == 25
    for coverage, employee_share in rows:
        assert 0.95 <= coverage <= 0.97
        assert 0.22 <= employee_share <= 0.28


def test_inpatient_ratios_and_costs_near_the_national_bulletin(demo_city):
    rows = q(demo_city, """
        select insutype, sum(insurance_fund_pay) / sum(inscp_scp_amt), sum(medfee_sumamt) / sum(settlements),
               sum(settlements)
        from marts.rpt_reimbursement_monthly
        where admdvs = '230800' and med_group = 'inpatient' and insutype in ('310', '390')
        group by insutype order by insutype""")
    (emp, emp_ratio, emp_cost, emp_n), (res, res_ratio, res_cost, res_n) = rows
    assert abs(emp_ratio - 0.846) < 0.03 and abs(res_ratio - 0.681) < 0.03
    assert abs(emp_cost / 12175 - 1) < 0.10 and abs(res_cost / 7674 - 1) < 0.10
    assert emp_n > 1000 and res_n > 1000


def test_inpatient_rate_per_100_insured_per_year(demo_city):
    (rate,) = q(demo_city, """
        select sum(settlements) * 100.0 / avg(insured)
        from (select sum(r.settlements) as settlements, max(c.insured_persons) as insured
              from marts.rpt_reimbursement_monthly r
              join marts.rpt_coverage_monthly c on c.admdvs = r.admdvs and c.month_end = r.month_end
              where r.admdvs = '230800' and r.med_group = 'inpatient' and year(r.month_end) = 2025
              group by r.month_end)""")[0]
    assert 12 <= rate <= 25  # admissions per 100 insured per year


def test_pooled_funds_are_neither_exhausted_nor_hoarded(demo_city):
    rows = q(demo_city, """
        select fund_type, months_payable from marts.rpt_fund_balance_monthly
        where admdvs = '230800' and fund_type in ('310100', '390100') and month_end >= '2024-12-31'
          -- complete months only: a month three days old has little expenditure yet, which inflates the ratio
          and month_end <= (select max(as_of_date) from core.int_calendar__months)""")
    assert rows
    for fund_type, months in rows:
        assert 6 <= months <= 18, (fund_type, months)
