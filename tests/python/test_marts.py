"""Headline figures against independent computations from the raw tables, to 0.01."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import independent
from conftest import duck
from independent import closing_balances, inpatient_policy_ratio


def mart(data, sql: str) -> pd.DataFrame:
    con = duck(data)
    try:
        df = con.execute(sql).df()
    finally:
        con.close()
    if "month_end" in df:
        df["month_end"] = pd.to_datetime(df["month_end"]).dt.date
    return df


def test_closing_balance_of_every_sub_account_and_month(clean_city):
    got = mart(clean_city, "select admdvs, fund_type, month_end, closing_balance from marts.rpt_fund_balance_monthly")
    expected = closing_balances(clean_city, sorted(got["month_end"].unique()))
    merged = got.merge(expected, on=["admdvs", "fund_type", "month_end"], how="left", suffixes=("", "_expected"))
    merged["closing_balance_expected"] = merged["closing_balance_expected"].fillna(0.0)
    assert len(merged) == 8 * 7 * 13  # seven accounting units and the city; seven funds (510100 merged); 13 months
    gap = (merged["closing_balance"].astype(float) - merged["closing_balance_expected"]).abs()
    assert gap.max() < 0.01, merged[gap >= 0.01].head()
    assert merged["closing_balance_expected"].abs().sum() > 1e6  # the comparison is about real money


def test_policy_scope_inpatient_ratio_per_scheme_county_and_month(clean_city):
    got = mart(
        clean_city,
        """
        select admdvs, insutype, month_end, sum(insurance_fund_pay) as num, sum(inscp_scp_amt) as den
        from marts.rpt_reimbursement_monthly where med_group = 'inpatient'
        group by admdvs, insutype, month_end""",
    )
    got = got[got["den"] != 0]
    got["ratio"] = got["num"].astype(float) / got["den"].astype(float)
    expected = inpatient_policy_ratio(clean_city)
    expected = expected[expected["inscp_scp_amt"] != 0]  # a settlement and its reversal in one month net to 0
    merged = got.merge(
        expected,
        left_on=["admdvs", "insutype", "month_end"],
        right_on=["admdvs", "insutype", "month_end"],
        how="outer",
        suffixes=("", "_expected"),
        indicator=True,
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert len(merged) > 100
    assert (merged["ratio"] - merged["ratio_expected"]).abs().max() < 0.0001
    assert (merged["num"].astype(float) - merged["num_expected"]).abs().max() < 0.01


def test_every_mart_has_the_city_and_its_areas_every_month(clean_city):
    """Coverage and care per county and district (ten, and the city level 230899); fund balances per accounting
    unit (seven: 市本级 and six counties) and fund (seven: maternity merged into 310100); each with the city row."""
    for table, areas, per_area in (
        ("rpt_coverage_monthly", 12, 1),
        ("rpt_fund_balance_monthly", 8, 7),
        ("rpt_kpop_coverage", 12, 1),
        ("rpt_reimbursement_monthly", 12, 3 * 5 * 4 * 3),  # scheme x group x tier x care area
    ):
        counts = mart(
            clean_city,
            f"select month_end, count(*) as n, count(distinct admdvs) as regions from marts.{table} group by month_end",
        )
        assert (counts["regions"] == areas).all(), table
        assert (counts["n"] == areas * per_area).all(), table


def test_no_key_group_person_is_missed_in_clean_data(clean_city):
    # Judged on the as-of date (DESIGN §6). Earlier months may show roster lines that have since ended,
    # of persons who never enrolled: the generator plants them so the as-of rule is exercised.
    kpop = mart(clean_city, "select * from marts.rpt_kpop_coverage where admdvs = '230800' order by month_end")
    assert (kpop["roster_persons"] > 0).all()
    assert kpop["not_enrolled_persons"].iloc[-1] == 0
    assert kpop["not_enrolled_persons"].iloc[0] > 0
    assert mart(clean_city, "select count(*) as n from marts.rpt_kpop_uninsured")["n"][0] == 0


def test_dim_person_carries_no_pii_and_one_current_version(clean_city):
    con = duck(clean_city)
    try:
        cols = {
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'core' and table_name = 'dim_person'"
            ).fetchall()
        }
        current = con.execute(
            "select count(*), count(distinct person_id) from core.dim_person where is_current"
        ).fetchone()
        persons = con.execute("select count(distinct person_key) from staging.stg_psn_info").fetchone()[0]
        key_length = con.execute(
            "select min(length(person_key)), max(length(person_key)) from core.dim_person"
        ).fetchone()
    finally:
        con.close()
    assert not cols & {"certno", "psn_name", "brdy"}
    assert {"is_key_group", "age_band", "person_key"} <= cols
    assert current[0] == current[1] == persons
    assert key_length == (64, 64)


def _counties(city: str = "230800") -> list[str]:
    region = pd.read_csv(Path(__file__).parents[2] / "seeds" / "region.csv", dtype=str)
    return sorted(region.loc[region["parent_admdvs"] == city, "admdvs"])


def _units(city: str = "230800") -> list[str]:
    """The accounting units (policy 000: the city itself and each county or county-level city), as seeded."""
    region = pd.read_csv(Path(__file__).parents[2] / "seeds" / "region.csv", dtype=str)
    return sorted(set(region.loc[region["parent_admdvs"] == city, "accounting_unit"]))


def test_months_payable_follows_the_policy_on_every_outflow(demo_city):
    """DESIGN §5 from raw data, pooled funds only: every outflow of the fund's own counts (the 大病保险 premium
    transfer out of 390100; maternity allowance and retirees' account credits out of 310100, maternity being merged),
    the average runs over complete months, and the incomplete month has no figure and no warning. Personal accounts,
    大病 and medical aid have none at all."""
    got = mart(
        demo_city,
        "select admdvs, fund_type, month_end, months_payable, warning_level, is_complete "
        "from marts.rpt_fund_balance_monthly",
    )
    units = _units()
    assert len(units) == 7  # 市本级 (the four districts and 230899) and six counties and county-level cities
    expected = independent.months_payable(demo_city, units, "230800")
    merged = got.merge(expected, on=["admdvs", "fund_type", "month_end"], how="inner", suffixes=("", "_expected"))
    assert len(merged) >= 8 * 2 * 24  # seven units and the city, two pooled funds
    both = merged.dropna(subset=["months_payable", "months_payable_expected"])
    assert len(both) > 8 * 2 * 20
    assert (
        (both["months_payable"] - both["months_payable_expected"]).abs()
        <= 1e-6 * both["months_payable_expected"].abs().clip(lower=1)
    ).all()
    assert (merged["months_payable"].isna() == merged["months_payable_expected"].isna()).all()
    incomplete = merged[~merged["is_complete"]]
    assert len(incomplete) == 8 * 2 and incomplete["months_payable"].isna().all()
    assert incomplete["warning_level"].isna().all()
    others = got[~got["fund_type"].isin(["310100", "390100"])]
    assert len(others) and others["months_payable"].isna().all() and others["warning_level"].isna().all()
    assert "510100" not in set(got["fund_type"])  # merged into 310100 (city seed)
    assert set(got["admdvs"]) == {*units, "230800"}


def test_annual_settlement_follows_the_policy(demo_city):
    """DESIGN §4 from raw data under Jiamusi's own rule (policy 000): own balance first, then the local government,
    no city cover; the government owes at least its own level's unpaid subsidy; only whole, finished years, closed
    after 31 March of the next year."""
    got = mart(demo_city, "select * from marts.rpt_fund_annual_settlement where admdvs <> '230800'")
    expected = independent.annual_settlement(demo_city, _units())
    settled = got[got["status"].isin(["provisional", "closed", "plan_missing"])]
    merged = settled.merge(
        expected, on=["admdvs", "fund_type", "year"], how="outer", suffixes=("", "_expected"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][["admdvs", "fund_type", "year"]]
    assert (merged["status"] == merged["status_expected"]).all()
    assert set(merged["year"]) == {2024, 2025}  # 2026 is open on the as-of date 2026-01-03
    assert set(merged.loc[merged["year"] == 2024, "status"]) == {"closed"}  # closed on 2025-03-31
    assert set(merged.loc[merged["year"] == 2025, "status"]) == {"provisional"}  # not before 2026-03-31
    assert (got["rule"] == "own_then_local").all()
    for col in (
        "deficit",
        "covered_by_own_balance",
        "covered_by_county_government",
        "covered_by_city",
        "owed_by_local_government",
    ):
        gap = (merged[col].astype(float) - merged[f"{col}_expected"].astype(float)).abs()
        assert gap.max() < 0.01, (
            col,
            merged.loc[gap.idxmax(), ["admdvs", "fund_type", "year", col, f"{col}_expected"]],
        )
    assert (merged["covered_by_city"].astype(float) == 0).all()  # no city cover under policy 000
    ratio_gap = (merged["revenue_plan_completion"] - merged["revenue_plan_completion_expected"]).abs()
    assert ratio_gap.max() < 1e-9
    open_year = got[got["year"] == 2026]
    assert (open_year["status"] == "year_open").all()
    assert (
        open_year[
            [
                "covered_by_own_balance",
                "covered_by_city",
                "covered_by_county_government",
                "revenue_plan_completion",
                "responsible_party",
            ]
        ]
        .isna()
        .all()
        .all()
    )
    # the demo city shows every branch policy 000 has (issue 35): a deficit covered by the unit's own balance, one
    # the balance cannot cover (its government's), a unit whose own subsidy is in arrears while its premiums exceed
    # plan, and a top-up that differs from what is owed
    done = got[got["status"].isin(["provisional", "closed"])]
    assert ((done["deficit"] > 0) & (done["covered_by_county_government"] == 0)).any()
    assert (done["covered_by_county_government"] > 0).any()
    assert ((done["subsidy_arrears_county"] > 0) & (done["contribution_plan_completion"] > 1)).any()
    paid = done[done["paid_by_local_government"] > 0]
    assert len(paid) and (paid["outstanding_local_government"] != 0).all()


def test_the_years_own_result_is_the_ledgers_own_money(demo_city):
    """DESIGN §4: 当期结余 = 本年收入小计 - 本年支出小计, the year's own money: read here from fct_fund_ledger by entry
    type, written out from the policy's meaning rather than from the statement-line seed. Money between the city
    and its units (上划结余, 调剂) and government top-ups are how a result is covered, not part of it."""
    between = ("opening_transfer", "adjustment_in", "adjustment_out", "government_topup")
    ledger = mart(
        demo_city,
        "select admdvs, fund_type, entry_type, amount from core.fct_fund_ledger "
        "where year(month_end) = 2025 and fund_type in ('310100', '390100')",
    )
    assert set(ledger["entry_type"]) >= {"contribution_pooled", "contribution_aid", "contribution_maternity"}
    assert set(ledger["entry_type"]) >= {"maternity_allowance", "account_credit_out", "critical_illness_premium"}
    own = ledger[~ledger["entry_type"].isin(between)]
    own = own[own["admdvs"].isin(_units())]  # money booked outside the pool is an exception, on no statement
    by_own_path = {k: float(v) for k, v in own.groupby(["admdvs", "fund_type"])["amount"].sum().items()}
    for fund in ("310100", "390100"):
        by_own_path["230800", fund] = sum(v for (a, f), v in list(by_own_path.items()) if f == fund)
    statement = (
        mart(
            demo_city,
            "select admdvs, fund_type, amount from marts.rpt_fund_statement "
            "where period = 'year' and period_end = '2025-12-31' and line = 'current_result' "
            "and fund_type in ('310100', '390100')",
        )
        .set_index(["admdvs", "fund_type"])["amount"]
        .astype(float)
    )
    assert len(statement) == 2 * 8  # seven units and the city
    for key, result in statement.items():
        assert abs(result - by_own_path.get(key, 0.0)) < 0.005, key
    # and the annual settlement judges the same result
    settled = (
        mart(
            demo_city,
            "select admdvs, fund_type, current_result from marts.rpt_fund_annual_settlement where year = 2025",
        )
        .set_index(["admdvs", "fund_type"])["current_result"]
        .astype(float)
    )
    for key, result in statement.items():
        assert abs(settled[key] - result) < 0.005, key
