"""The warehouse identities can fail: on a copy of a built city, corrupt one input (a ledger entry, a mart cell),
run the check again, and see it name what was corrupted. A check that cannot be made to fail proves nothing."""

from __future__ import annotations

import shutil

import pytest

from yibao.build import dbt

from conftest import data_env, duck

COUNTY, FUND = "230822", "390100"


@pytest.fixture
def city_copy(clean_city, tmp_path):
    copy = tmp_path / "city"
    shutil.copytree(clean_city, copy, ignore=shutil.ignore_patterns("published", "exports", "gx", "logs"))
    return copy


def months(data) -> list:
    con = duck(data)
    try:
        return [m for (m,) in con.execute("select month_end from core.int_calendar__months order by 1").fetchall()]
    finally:
        con.close()


def corrupt(data, *statements: str) -> None:
    con = duck(data, read_only=False)
    try:
        for sql in statements:
            assert con.execute(sql).fetchone()[0] == 1, sql  # exactly one row changed
    finally:
        con.close()


def ledger_identity_keys(data) -> set[str]:
    with data_env(data):
        assert dbt("run", "--select", "dq_rule__ledger_identity", "--quiet").returncode == 0
    con = duck(data)
    try:
        return {k for (k,) in con.execute("select entity_key from dq.dq_rule__ledger_identity").fetchall()}
    finally:
        con.close()


def test_ledger_identity_holds_on_the_built_city(city_copy):
    assert ledger_identity_keys(city_copy) == set()


def test_ledger_identity_names_every_corrupted_sub_account(city_copy):
    m = months(city_copy)
    key = lambda area, fund, month: f"{area}|{fund}|{month:%Y-%m}"  # noqa: E731
    corrupt(
        city_copy,
        # one ledger entry: the mart no longer equals the ledger from that month on (closing and flow paths)
        f"update core.fct_fund_ledger set amount = amount - 100 where admdvs = '{COUNTY}' and fund_type = '{FUND}' "
        f"and month_end = '{m[3]}' and entry_type = 'settlement_inpatient'",
        # a closing cell of another unit (the city unit): closing path, identity, and the next month's carry-over
        f"update marts.rpt_fund_balance_monthly set closing_balance = closing_balance + 1 "
        f"where admdvs = '230899' and fund_type = '310100' and month_end = '{m[5]}'",
        # an opening cell: opening path, carry-over and identity
        f"update marts.rpt_fund_balance_monthly set opening_balance = opening_balance - 1 "
        f"where admdvs = '230826' and fund_type = '330100' and month_end = '{m[6]}'",
        # a city row's income: flow path and identity
        f"update marts.rpt_fund_balance_monthly set income = income + 1 "
        f"where admdvs = '230800' and fund_type = '610100' and month_end = '{m[2]}'",
    )
    found = ledger_identity_keys(city_copy)
    expected = (
        {key(COUNTY, FUND, month) for month in m[3:]}
        | {key("230800", FUND, month) for month in m[3:]}
        | {
            key("230899", "310100", m[5]),
            key("230899", "310100", m[6]),
            key("230826", "330100", m[6]),
            key("230800", "610100", m[2]),
        }
    )
    assert found == expected, (sorted(found - expected)[:5], sorted(expected - found)[:5])


def reconcile_fails(data, test: str = "city_totals_reconcile_with_ledger", full_refresh: bool = False) -> bool:
    """Whether the selected data tests fail; with full_refresh, in their --full-refresh form (dbt test has no such
    flag: a build that selects only tests runs only them)."""
    with data_env(data):
        if full_refresh:
            result = dbt("build", "--full-refresh", "--select", test, "--quiet", capture=True)
        else:
            result = dbt("test", "--select", test, "--quiet", capture=True)
    return result.returncode != 0


def test_city_totals_reconcile_with_the_ledger_and_fail_when_they_do_not(city_copy, tmp_path):
    assert not reconcile_fails(city_copy)
    second = tmp_path / "second"
    shutil.copytree(city_copy, second)
    m = months(city_copy)
    # a city cell that no longer equals its counties' ledger entries
    corrupt(
        city_copy,
        f"update marts.rpt_fund_balance_monthly set expenditure = expenditure + 1 "
        f"where admdvs = '230800' and fund_type = '{FUND}' and month_end = '{m[4]}'",
    )
    assert reconcile_fails(city_copy)
    # money in the ledger outside the pooling area that no source row names
    corrupt(
        second,
        f"insert into core.fct_fund_ledger select '230600', '{FUND}', month_end, entry_type, direction, "
        f"statement_line, 100.00 from core.fct_fund_ledger where admdvs = '{COUNTY}' and fund_type = '{FUND}' "
        f"and month_end = '{m[4]}' and entry_type = 'settlement_inpatient' limit 1",
    )
    assert reconcile_fails(second)


@pytest.mark.parametrize(
    "test,corruption",
    [
        (
            "ledger_reconciles_with_facts",  # one ledger entry no longer equals the delivered settlements
            "update core.fct_fund_ledger set amount = amount - 1 where admdvs = '230826' and fund_type = '310200' "
            "and month_end = '{m4}' and entry_type = 'settlement_outpatient'",
        ),
        (
            "fund_statement_identities",  # one line of a unit's monthly statement no longer adds up with the rest
            "update marts.rpt_fund_statement set amount = amount + 1 where admdvs = '230822' and fund_type = '390100' "
            "and period = 'month' and period_end = '{m4}' and line = 'interest_income'",
        ),
        (
            "city_rows_reconcile_with_facts",  # a city coverage cell no longer equals the person-months
            "update marts.rpt_coverage_monthly set insured_resident = insured_resident + 1 "
            "where admdvs = '230800' and month_end = '{m4}'",
        ),
        (
            "city_rows_reconcile_with_facts",  # a city reimbursement cell no longer equals the settlements
            "update marts.rpt_reimbursement_monthly set inscp_scp_amt = inscp_scp_amt + 1 where admdvs = '230800' "
            "and insutype = '390' and med_group = 'inpatient' and hosp_tier = 'tier2' and care_area = 'local' "
            "and month_end = '{m4}'",
        ),
        (
            "city_equals_sum_of_counties",  # a city key-group cell no longer equals its counties
            "update marts.rpt_kpop_coverage set roster_persons = roster_persons + 1 "
            "where admdvs = '230800' and month_end = '{m4}'",
        ),
    ],
    ids=[
        "ledger_vs_delivered",
        "statement_identities",
        "coverage_city_vs_facts",
        "reimbursement_city_vs_facts",
        "kpop_city_vs_counties",
    ],
)
def test_fact_reconciliations_fail_on_a_corrupted_cell(city_copy, test, corruption):
    assert not reconcile_fails(city_copy, test), f"{test} fails on the uncorrupted city"
    corrupt(city_copy, corruption.format(m4=months(city_copy)[4]))
    assert reconcile_fails(city_copy, test), f"{test} did not notice the corruption"


def test_facts_hold_every_delivered_key_and_fail_on_a_lost_one(city_copy):
    """holds_every_delivered_key: a key delivered since the last complete run that the fact lacks fails it; with no
    complete run recorded, every key is judged, so a line lost from the fact long after its delivery fails it too;
    and so does the --full-refresh form, which judges every key."""
    selected = "test_name:holds_every_delivered_key"
    assert not reconcile_fails(city_copy, selected)
    assert not reconcile_fails(city_copy, selected, full_refresh=True)
    # a settlement loaded after the last complete run that never reached fct_settlement
    corrupt(
        city_copy,
        "insert into raw.setl select * replace ('LATE-SETL-1' as setl_id, "
        "timestamp '2100-01-01 00:00:00' as _loaded_at) from raw.setl limit 1",
    )
    assert reconcile_fails(city_copy, selected)
    # a contribution line of the first delivery lost from fct_contribution, with the clock as before any complete run
    corrupt(
        city_copy,
        "delete from raw.setl where setl_id = 'LATE-SETL-1'",
        "delete from core.fct_contribution where clct_id = (select min(clct_id) from core.fct_contribution)",
        "update core.int_scope__run set loaded_since = timestamp '1900-01-01'",
    )
    assert reconcile_fails(city_copy, selected)
    corrupt(city_copy, "update core.int_scope__run set loaded_since = current_timestamp")
    assert not reconcile_fails(city_copy, selected), "the incremental form judged a key loaded before its clock"
    assert reconcile_fails(city_copy, selected, full_refresh=True)
