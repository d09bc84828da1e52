"""The coverage mart against an independent computation, in pandas, straight from the raw tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import duck


def latest(df: pd.DataFrame, key: list[str], by: list[str]) -> pd.DataFrame:
    return df.sort_values(key + by).groupby(key, as_index=False).tail(1)


def expected_coverage(data) -> pd.DataFrame:
    con = duck(data)
    try:
        insu = con.execute("select * from raw.psn_insu").df()
        info = con.execute(
            "select psn_no, certno, hsreg_admdvs, surv_stas, updt_time, _delivery_date, _row_number from raw.psn_info"
        ).df()
        pop = con.execute(
            "select admdvs, year, hsreg_pop, resident_pop, _delivery_date, _row_number from raw.pop_stat"
        ).df()
        clct = con.execute(
            "select clct_id, psn_no, insutype, accrual_ym, clct_amt, arvl_date, revs_flag, clct_flag, updt_time, "
            "_delivery_date, _row_number from raw.clct"
        ).df()
        setl_days = con.execute("select _delivery_date from raw.setl").df()
        first = con.execute(
            "select least((select min(cast(setl_time as date)) from raw.setl), "
            "(select min(arvl_date) from raw.clct), "
            "(select min(txn_date) from raw.fund_txn))"
        ).fetchone()[0]
    finally:
        con.close()
    as_of = max(pd.Timestamp(t["_delivery_date"].max()).date() for t in (insu, info, pop, setl_days))
    insu = latest(insu, ["psn_insu_rlts_id"], ["updt_time", "_delivery_date", "_row_number"])
    # a person whose record says deceased counts through the month of the first version that said so (DESIGN §4)
    deceased = set(
        latest(info, ["psn_no"], ["updt_time", "_delivery_date", "_row_number"]).query("surv_stas == '2'").certno
    )
    died = info[(info["surv_stas"] == "2") & info["certno"].isin(deceased)].groupby("certno")["updt_time"].min()
    counted_through = {c: (pd.Timestamp(t) + pd.offsets.MonthEnd(0)).date() for c, t in died.items()}
    info = latest(info, ["psn_no"], ["updt_time", "_delivery_date", "_row_number"])
    # the 户籍 county of each person's latest record
    household = latest(info, ["certno"], ["updt_time", "psn_no"]).set_index("certno")["hsreg_admdvs"]
    pop = latest(pop, ["admdvs", "year"], ["_delivery_date", "_row_number"])
    # resident premiums per person and year they pay for: net amount and first arrival of a normal line (DESIGN §5)
    clct = latest(clct, ["clct_id"], ["updt_time", "_delivery_date", "_row_number"])
    clct = clct[(clct["insutype"] == "390") & (clct["clct_flag"].fillna("1") == "1")]
    clct = clct.merge(info[["psn_no", "certno"]], on="psn_no")
    clct["year"] = clct["accrual_ym"].str[:4].astype(int)
    clct["normal_arrival"] = clct["arvl_date"].where(clct["revs_flag"] == "0")
    premiums = clct.groupby(["certno", "year"]).agg(net=("clct_amt", "sum"), first=("normal_arrival", "min"))
    paid_on = {k: pd.Timestamp(r["first"]).date() for k, r in premiums.iterrows() if r["net"] > 0}
    rows = insu[insu["insutype"].isin(["310", "390"]) & ~insu["psn_insu_stas"].isin(["0", "3"])]
    rows = rows.merge(info[["psn_no", "certno"]], on="psn_no", how="left")

    out = []
    month = dt.date(first.year, first.month, 1)
    while month <= as_of:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        month_end = nxt - dt.timedelta(days=1)
        day = pd.Timestamp(min(month_end, as_of))
        active = rows[(rows["psn_insu_date"] <= day) & (rows["paus_insu_date"].isna() | (rows["paus_insu_date"] > day))]
        chosen = latest(active, ["certno"], ["psn_insu_date", "psn_insu_rlts_id"])
        chosen = chosen[[counted_through.get(c, month_end) >= month_end for c in chosen["certno"]]]
        paid = [
            t == "310" or paid_on.get((c, month_end.year), dt.date.max) <= day.date()
            for c, t in zip(chosen["certno"], chosen["insutype"])
        ]
        unpaid = chosen[[not p for p in paid]].groupby("insu_admdvs").size()
        chosen = chosen[paid]
        per_county = chosen.groupby("insu_admdvs").agg(
            insured_persons=("certno", "size"),
            insured_employee=("insutype", lambda s: (s == "310").sum()),
            insured_resident=("insutype", lambda s: (s == "390").sum()),
        )
        by_household = chosen["certno"].map(household).value_counts()
        years = latest(pop[pop["year"] <= month_end.year], ["admdvs"], ["year"]).set_index("admdvs")
        popn, residents = years["hsreg_pop"], years["resident_pop"]
        # every county with a population, and the city level (xx99), which has persons and no population
        for admdvs in sorted(set(popn.index) | {"230899"}):
            r = per_county.loc[admdvs] if admdvs in per_county.index else None
            out.append(
                dict(
                    admdvs=admdvs,
                    month_end=month_end,
                    insured_persons=0 if r is None else int(r["insured_persons"]),
                    insured_employee=0 if r is None else int(r["insured_employee"]),
                    insured_resident=0 if r is None else int(r["insured_resident"]),
                    enrolled_unpaid=int(unpaid.get(admdvs, 0)),
                    hsreg_insured=int(by_household.get(admdvs, 0)),
                    hsreg_population=int(popn[admdvs]) if admdvs in popn.index else None,
                    resident_population=int(residents[admdvs]) if admdvs in residents.index else None,
                )
            )
        month = nxt
    df = pd.DataFrame(out)
    counts = ["insured_persons", "insured_employee", "insured_resident", "enrolled_unpaid", "hsreg_insured"]
    city = df.groupby("month_end", as_index=False)[[*counts, "hsreg_population", "resident_population"]].sum()
    city["admdvs"] = "230800"
    df = pd.concat([df, city], ignore_index=True)
    df["coverage_rate_hsreg"] = df["hsreg_insured"] / df["hsreg_population"]
    df["coverage_rate_resident"] = df["insured_persons"] / df["resident_population"]
    return df.sort_values(["admdvs", "month_end"]).reset_index(drop=True)


def test_coverage_mart_equals_independent_computation(clean_city):
    expected = expected_coverage(clean_city)
    con = duck(clean_city)
    try:
        mart = con.execute("select * from marts.rpt_coverage_monthly order by admdvs, month_end").df()
    finally:
        con.close()
    # the city-level code 230899 has a row every month, with the employees the city administers and no population
    city_level = mart[mart["admdvs"] == "230899"]
    assert len(city_level) == 13 and (city_level["insured_persons"] > 0).all()
    assert city_level["hsreg_population"].isna().all() and city_level["coverage_rate_hsreg"].isna().all()
    assert (city_level["hsreg_insured"] == 0).all()  # nobody's 户籍 is the city-level code
    # ten counties, the city level and the city, 12 months and the delta month
    assert len(mart) == len(expected) == 12 * 13
    mart["month_end"] = pd.to_datetime(mart["month_end"]).dt.date
    for col in [
        "admdvs",
        "month_end",
        "insured_persons",
        "insured_employee",
        "insured_resident",
        "enrolled_unpaid",
        "hsreg_insured",
    ]:
        assert mart[col].tolist() == expected[col].tolist(), col
    populated = expected["hsreg_population"].notna()
    assert mart["hsreg_population"].isna().tolist() == (~populated).tolist()
    for col in ("hsreg_population", "resident_population", "coverage_rate_hsreg", "coverage_rate_resident"):
        assert mart.loc[populated, col].tolist() == pytest.approx(expected.loc[populated, col].tolist(), abs=1e-9), col
    # the test city has residents who enrolled and never paid: the rule is exercised, not vacuous
    assert expected["enrolled_unpaid"].sum() > 0


def test_coverage_is_realistic(clean_city):
    con = duck(clean_city)
    try:
        city = con.execute("select * from marts.rpt_coverage_monthly where admdvs = '230800'").df()
    finally:
        con.close()
    assert city["coverage_rate_hsreg"].between(0.95, 0.98).all()
    assert city["coverage_rate_resident"].between(0.95, 1.02).all()
    share = city["insured_employee"] / city["insured_persons"]
    assert share.between(0.20, 0.30).all()
