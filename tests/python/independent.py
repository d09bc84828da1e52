"""Independent computations for the tests: pandas straight from the raw tables, never from the models.

They follow DESIGN's booking rules as written, so a model and its check are two readings of one text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import duck

POOLED = {"310": "310100", "390": "390100", "510": "510100"}
MAPPED = {
    "hifob_pay": "330100",
    "cvlserv_pay": "320100",
    "hifmi_pay": "390200",
    "maf_pay": "610100",
    "acct_pay": "310200",
}


def latest(df: pd.DataFrame, key: list[str], by: list[str]) -> pd.DataFrame:
    """The version of each key that counts. DESIGN §4 says staging keeps "the latest updt_time", and §2 that
    "any row may be re-sent with a later updt_time"; it does not say which of two versions with the same
    updt_time wins. Read on its own, a later delivery is the sender's later word, so this check prefers the later
    _delivery_date, and within one file the later line (what a reader of the file top to bottom keeps last).
    Staging (macros/latest_version.sql) orders the same way, so the two readings agree; a tie inside one file
    would be a sender's error either way. `by` names the columns in that order of precedence."""
    return df.sort_values(key + by, kind="stable").groupby(key, as_index=False).tail(1)


def raw(data, table: str) -> pd.DataFrame:
    con = duck(data)
    try:
        return con.execute(f"select * from raw.{table}").df()
    finally:
        con.close()


def month_end(dates: pd.Series) -> pd.Series:
    return (pd.to_datetime(dates) + pd.offsets.MonthEnd(0)).dt.date


def settlements(data) -> pd.DataFrame:
    s = latest(raw(data, "setl"), ["setl_id"], ["updt_time", "_delivery_date", "_row_number"])
    s = s[s["vali_flag"] == "1"].copy()
    s["month_end"] = month_end(s["setl_time"])
    for col in (
        "medfee_sumamt",
        "inscp_scp_amt",
        "hifp_pay",
        "hifob_pay",
        "hifmi_pay",
        "cvlserv_pay",
        "maf_pay",
        "acct_pay",
    ):
        s[col] = s[col].astype(float)
    return s


def ledger_movements(data) -> pd.DataFrame:
    """Signed money per county, fund and month, from contributions, fund transactions and settlements."""
    c = latest(raw(data, "clct"), ["clct_id"], ["updt_time", "_delivery_date", "_row_number"])
    c["month_end"] = month_end(c["arvl_date"])
    c["pooled"] = c["clct_amt"].astype(float) - c["acct_crdt_amt"].astype(float)
    pooled = c[c["insutype"].isin(POOLED)].assign(fund_type=lambda d: d["insutype"].map(POOLED))
    parts = [
        pooled[["insu_admdvs", "fund_type", "month_end", "pooled"]].rename(columns={"pooled": "amount"}),
        c.assign(fund_type="310200", amount=c["acct_crdt_amt"].astype(float))[
            ["insu_admdvs", "fund_type", "month_end", "amount"]
        ],
    ]
    t = latest(raw(data, "fund_txn"), ["txn_id"], ["_delivery_date", "_row_number"])
    t["month_end"] = month_end(t["txn_date"])
    parts.append(t.assign(amount=t["amount"].astype(float))[["insu_admdvs", "fund_type", "month_end", "amount"]])
    s = settlements(data)
    hifp = s[s["insutype"].isin(POOLED)]
    parts.append(
        hifp.assign(fund_type=hifp["insutype"].map(POOLED), amount=-hifp["hifp_pay"])[
            ["insu_admdvs", "fund_type", "month_end", "amount"]
        ]
    )
    for col, fund in MAPPED.items():
        parts.append(s.assign(fund_type=fund, amount=-s[col])[["insu_admdvs", "fund_type", "month_end", "amount"]])
    moves = pd.concat(parts, ignore_index=True)
    return moves.groupby(["insu_admdvs", "fund_type", "month_end"], as_index=False)["amount"].sum()


def closing_balances(data, months: list) -> pd.DataFrame:
    """Closing balance per sub-account (accounting unit x fund) and month: all money booked up to the month end."""
    moves = fund_flows(data)
    rows = []
    for (admdvs, fund), g in moves.groupby(["admdvs", "fund_type"]):
        for m in months:
            rows.append((admdvs, fund, m, g.loc[g["month_end"] <= m, "amount"].sum()))
    out = pd.DataFrame(rows, columns=["admdvs", "fund_type", "month_end", "closing_balance"])
    city = out.groupby(["fund_type", "month_end"], as_index=False)["closing_balance"].sum().assign(admdvs="230800")
    return pd.concat([out, city], ignore_index=True)


def inpatient_policy_ratio(data) -> pd.DataFrame:
    """Policy-scope inpatient ratio per county (and city), scheme and month, net of reversals."""
    s = settlements(data)
    # DESIGN §2: inpatient is every med_type whose first two digits are 21-29, local longer codes included
    s = s[s["med_type"].str[:2].astype(int).between(21, 29)].copy()
    s["num"] = s["hifp_pay"] + s["hifob_pay"] + s["hifmi_pay"] + s["cvlserv_pay"]
    county = s.groupby(["insu_admdvs", "insutype", "month_end"], as_index=False)[["num", "inscp_scp_amt"]].sum()
    city = county.groupby(["insutype", "month_end"], as_index=False)[["num", "inscp_scp_amt"]].sum()
    out = pd.concat([county.rename(columns={"insu_admdvs": "admdvs"}), city.assign(admdvs="230800")])
    out["ratio"] = out["num"] / out["inscp_scp_amt"]
    return out


# fund_txn codes by what they are (DESIGN §2 txn_type), written out here rather than read from the seed's entry_type
OPENING, ADJUST_IN, ADJUST_OUT, TOPUP = "01", "31", "32", "41"
SUBSIDIES = {"11": "central", "12": "provincial", "13": "city", "14": "county"}
# outflows of a fund's own: other expenditure, maternity allowance, the 大病 premium transfer, retirees' credits out
OTHER_OUT = ("52", "53", "54", "61")
SEEDS = Path(__file__).parents[2] / "seeds"


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype=str, keep_default_na=False)


def unit_of() -> dict[str, str]:
    """Policy 000: 「以市、县(市)为单位分账核算」, the units as the region seed names them."""
    region = seed("region")
    return dict(zip(region["admdvs"], region["accounting_unit"].where(region["accounting_unit"] != "", None)))


def maternity_merged(city: str) -> bool:
    """「职工医保（含生育保险）」: the city seed says whether this city merged maternity into the employee scheme."""
    settings = seed("city_setting").set_index("admdvs")
    return city in settings.index and settings.loc[city, "maternity_merged"] == "true"


def as_of(data):
    """DESIGN §4: the as-of date is the latest delivery date."""
    con = duck(data)
    try:
        return max(
            con.execute(f"select max(_delivery_date) from raw.{t}").fetchone()[0] or pd.Timestamp.min.date()
            for t in ("psn_info", "psn_insu", "clct", "setl", "fund_txn", "medins", "kpop_roster", "psn_card")
        )
    finally:
        con.close()


def fund_flows(data, city: str = "230800") -> pd.DataFrame:
    """Every money movement of the pooled and other funds, one row per source row and fund, booked to its accounting
    unit (510100 to 310100 where the city merged maternity), with what it is: kind in contribution, subsidy,
    interest_other_in (own income); opening, adjust_in, topup (between levels); settlement, other_out (own
    spending); adjust_out. A subsidy row says its level."""
    c = latest(raw(data, "clct"), ["clct_id"], ["updt_time", "_delivery_date", "_row_number"])
    c["day"] = pd.to_datetime(c["arvl_date"])
    pooled = c[c["insutype"].isin(POOLED)]
    aid = c[c["clct_type"] == "40"]  # a premium paid by medical aid leaves 610100
    parts = [
        pd.DataFrame(
            {
                "admdvs": pooled["insu_admdvs"],
                "fund_type": pooled["insutype"].map(POOLED),
                "day": pooled["day"],
                "kind": "contribution",
                "amount": pooled["clct_amt"].astype(float) - pooled["acct_crdt_amt"].astype(float),
            }
        ),
        pd.DataFrame(
            {
                "admdvs": c["insu_admdvs"],
                "fund_type": "310200",
                "day": c["day"],
                "kind": "contribution",
                "amount": c["acct_crdt_amt"].astype(float),
            }
        ),
        pd.DataFrame(
            {
                "admdvs": aid["insu_admdvs"],
                "fund_type": "610100",
                "day": aid["day"],
                "kind": "other_out",
                "amount": -aid["clct_amt"].astype(float),
            }
        ),
    ]
    t = latest(raw(data, "fund_txn"), ["txn_id"], ["_delivery_date", "_row_number"])
    kind = t["txn_type"].map({OPENING: "opening", ADJUST_IN: "adjust_in", ADJUST_OUT: "adjust_out", TOPUP: "topup"})
    kind = kind.where(kind.notna(), t["txn_type"].map(lambda x: "other_out" if x in OTHER_OUT else None))
    kind = kind.where(kind.notna(), t["txn_type"].map(lambda x: "subsidy" if x in SUBSIDIES else "interest_other_in"))
    parts.append(
        pd.DataFrame(
            {
                "admdvs": t["insu_admdvs"],
                "fund_type": t["fund_type"],
                "day": pd.to_datetime(t["txn_date"]),
                "kind": kind,
                "level": t["txn_type"].map(SUBSIDIES),
                "amount": t["amount"].astype(float),
            }
        )
    )
    s = settlements(data)
    day = pd.to_datetime(s["setl_time"])
    hifp = s[s["insutype"].isin(POOLED)]
    parts.append(
        pd.DataFrame(
            {
                "admdvs": hifp["insu_admdvs"],
                "fund_type": hifp["insutype"].map(POOLED),
                "day": day[hifp.index],
                "kind": "settlement",
                "amount": -hifp["hifp_pay"],
            }
        )
    )
    for col, fund in MAPPED.items():
        parts.append(
            pd.DataFrame(
                {"admdvs": s["insu_admdvs"], "fund_type": fund, "day": day, "kind": "settlement", "amount": -s[col]}
            )
        )
    flows = pd.concat(parts, ignore_index=True)
    units = unit_of()
    flows["admdvs"] = flows["admdvs"].map(lambda a: units.get(a) or a)
    if maternity_merged(city):
        flows.loc[flows["fund_type"] == "510100", "fund_type"] = "310100"
    flows["month_end"] = (flows["day"] + pd.offsets.MonthEnd(0)).dt.date
    flows["year"] = flows["day"].dt.year
    return flows


def months_payable(data, counties: list[str], city: str) -> pd.DataFrame:
    """DESIGN §5: for the pooled funds only, balance ÷ the average monthly outflow of the fund's own (settlements and
    other expenditure, not a city adjustment out) over the trailing 12 complete months; none for an incomplete month
    or zero outflow. `counties` are the accounting units."""
    flows = fund_flows(data, city)
    flows = flows[flows["fund_type"].isin(set(POOLED.values()))]
    flows = flows[flows["admdvs"].isin(counties)]
    last_day = as_of(data)
    months = pd.period_range(flows["day"].min(), pd.Timestamp(last_day), freq="M")
    ends = [m.end_time.date() for m in months]
    rows = []
    for area, sel in [(a, flows["admdvs"] == a) for a in counties] + [(city, flows["admdvs"].isin(counties))]:
        for fund, g in flows[sel].groupby("fund_type"):
            net = g.groupby("month_end")["amount"].sum().reindex(ends, fill_value=0.0).cumsum()
            out = -g[g["kind"].isin(["settlement", "other_out"])].groupby("month_end")["amount"].sum()
            out = out.reindex(ends, fill_value=0.0)
            for i, end in enumerate(ends):
                window = out.iloc[max(0, i - 11) : i + 1].mean()
                complete = end <= last_day
                value = net.iloc[i] / window if complete and window > 0 else None
                rows.append((area, fund, end, value))
    return pd.DataFrame(rows, columns=["admdvs", "fund_type", "month_end", "months_payable"])


def annual_settlement(data, units: list[str], city: str = "230800") -> pd.DataFrame:
    """DESIGN §4 annual settlement per accounting unit x pooled fund x year the data covers whole and that is over.
    The year's own result = own income (contributions, subsidies, interest, other income) - own spending
    (settlements, other expenditure); the balance at the start of the year covers first. Then the city's rule:
    own_then_local (policy 000, 「累计结余不足支付的，由当地政府承担」): the government bears the rest;
    plan_then_city (policy 001): the government bears what its own level's unpaid subsidy and premiums below plan
    explain, the city the rest. Either way the government owes its own level's unpaid subsidy in full
    (「凡属财政欠缴或补助不到位的，按规定补齐」). Provisional until 31 March of the next year, then closed."""
    rule = seed("city_setting").set_index("admdvs").loc[city, "responsibility_rule"]
    flows = fund_flows(data, city)
    flows = flows[flows["admdvs"].isin(units) & flows["fund_type"].isin(["310100", "390100"])]
    plans = latest(raw(data, "fund_plan"), ["admdvs", "fund_type", "year"], ["_delivery_date", "_row_number"])
    plans = plans.assign(admdvs=plans["admdvs"].map(lambda a: unit_of().get(a) or a))
    plans = {(r.admdvs, r.fund_type, int(r.year)): r for r in plans.itertuples()}
    city_level = {a for a, k in zip(seed("region")["admdvs"], seed("region")["county_kind"]) if k == "city_level"}
    last_day, first_day = as_of(data), flows["day"].min().date()
    rows = []
    for year in range(first_day.year, last_day.year + 1):
        if not (first_day <= pd.Timestamp(year, 1, 31).date() and pd.Timestamp(year, 12, 31).date() <= last_day):
            continue
        closed = last_day >= pd.Timestamp(year + 1, 3, 31).date()
        for area in units:
            for fund in ("310100", "390100"):
                g = flows[(flows["admdvs"] == area) & (flows["fund_type"] == fund)]
                this = g[g["year"] == year]
                income = this.loc[this["kind"].isin(["contribution", "subsidy", "interest_other_in"]), "amount"].sum()
                spent = -this.loc[this["kind"].isin(["settlement", "other_out"]), "amount"].sum()
                start = g.loc[g["year"] < year, "amount"].sum() + this.loc[this["kind"] == "opening", "amount"].sum()
                deficit = max(spent - income, 0.0)
                plan = plans.get((area, fund, year))
                if plan is None and not (income == 0 and spent == 0 and start == 0):
                    rows.append((area, fund, year, "plan_missing", deficit, None, None, None, None, None))
                    continue
                own = min(deficit, max(start, 0.0))
                level = "city" if area in city_level else "county"
                paid_own_level = this.loc[(this["kind"] == "subsidy") & (this["level"] == level), "amount"].sum()
                planned_own_level = 0.0 if plan is None else float(getattr(plan, f"planned_subsidy_{level}"))
                arrears = max(planned_own_level - paid_own_level, 0.0)
                premiums = this.loc[this["kind"] == "contribution", "amount"].sum()
                premium_gap = 0.0 if plan is None else max(float(plan.planned_contribution_income) - premiums, 0.0)
                if rule == "own_then_local":
                    government = deficit - own
                else:
                    government = min(deficit - own, arrears + premium_gap)
                subsidies = this.loc[this["kind"] == "subsidy", "amount"].sum()
                planned = (
                    0.0
                    if plan is None
                    else float(plan.planned_contribution_income) + float(plan.planned_subsidy_income)
                )
                rows.append(
                    (
                        area,
                        fund,
                        year,
                        "closed" if closed else "provisional",
                        deficit,
                        own,
                        government,
                        deficit - own - government,
                        max(arrears, government),
                        (premiums + subsidies) / planned if planned else None,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "admdvs",
            "fund_type",
            "year",
            "status",
            "deficit",
            "covered_by_own_balance",
            "covered_by_county_government",
            "covered_by_city",
            "owed_by_local_government",
            "revenue_plan_completion",
        ],
    )
