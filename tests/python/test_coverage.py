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
            "select psn_no, certno, surv_stas, updt_time, _delivery_date, _row_number from raw.psn_info"
        ).df()
        pop = con.execute("select admdvs, year, hsreg_pop, _delivery_date, _row_number from raw.pop_stat").df()
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
    pop = latest(pop, ["admdvs", "year"], ["_delivery_date", "_row_number"])
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
        per_county = chosen.groupby("insu_admdvs").agg(
            insured_persons=("certno", "size"),
            insured_employee=("insutype", lambda s: (s == "310").sum()),
            insured_resident=("insutype", lambda s: (s == "390").sum()),
        )
        years = pop[pop["year"] <= month_end.year]
        popn = latest(years, ["admdvs"], ["year"]).set_index("admdvs")["hsreg_pop"]
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
                    registered_population=int(popn[admdvs]) if admdvs in popn.index else None,
                )
            )
        month = nxt
    df = pd.DataFrame(out)
    city = df.groupby("month_end", as_index=False)[
        ["insured_persons", "insured_employee", "insured_resident", "registered_population"]
    ].sum()
    city["admdvs"] = "230800"
    df = pd.concat([df, city], ignore_index=True)
    df["coverage_rate"] = df["insured_persons"] / df["registered_population"]
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
    assert city_level["registered_population"].isna().all() and city_level["coverage_rate"].isna().all()
    # ten counties, the city level and the city, 12 months and the delta month
    assert len(mart) == len(expected) == 12 * 13
    mart["month_end"] = pd.to_datetime(mart["month_end"]).dt.date
    for col in [
        "admdvs",
        "month_end",
        "insured_persons",
        "insured_employee",
        "insured_resident",
    ]:
        assert mart[col].tolist() == expected[col].tolist(), col
    populated = expected["registered_population"].notna()
    assert mart["registered_population"].isna().tolist() == (~populated).tolist()
    assert (
        mart.loc[populated, "registered_population"].tolist()
        == expected.loc[populated, "registered_population"].tolist()
    )
    assert mart.loc[populated, "coverage_rate"].tolist() == pytest.approx(
        expected.loc[populated, "coverage_rate"].tolist(), abs=1e-9
    )


def test_coverage_is_realistic(clean_city):
    con = duck(clean_city)
    try:
        city = con.execute("select * from marts.rpt_coverage_monthly where admdvs = '230800'").df()
    finally:
        con.close()
    assert city["coverage_rate"].between(0.95, 0.97).all()
    share = city["insured_employee"] / city["insured_persons"]
    assert share.between(0.20, 0.30).all()
