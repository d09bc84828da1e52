"""Independent computations for the tests: pandas straight from the raw tables, never from the models.

They follow DESIGN's booking rules as written, so a model and its check are two readings of one text.
"""
from __future__ import annotations

import pandas as pd

from conftest import duck

POOLED = {"310": "310100", "390": "390100", "510": "510100"}
MAPPED = {"hifob_pay": "330100", "cvlserv_pay": "320100", "hifmi_pay": "390200", "maf_pay": "610100",
          "acct_pay": "310200"}


def latest(df: pd.DataFrame, key: list[str], by: list[str]) -> pd.DataFrame:
    return df.sort_values(key + by).groupby(key, as_index=False).tail(1)


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
    for col in ("medfee_sumamt", "inscp_scp_amt", "hifp_pay", "hifob_pay", "hifmi_pay", "cvlserv_pay", "maf_pay",
                "acct_pay"):
        s[col] = s[col].astype(float)
    return s


def ledger_movements(data) -> pd.DataFrame:
    """Signed money per county, fund and month, from contributions, fund transactions and settlements."""
    c = latest(raw(data, "clct"), ["clct_id"], ["updt_time", "_delivery_date", "_row_number"])
    c["month_end"] = month_end(c["arvl_date"])
    c["pooled"] = c["clct_amt"].astype(float) - c["acct_crdt_amt"].astype(float)
    pooled = c[c["insutype"].isin(POOLED)].assign(fund_type=lambda d: d["insutype"].map(POOLED))
    parts = [pooled[["insu_admdvs", "fund_type", "month_end", "pooled"]].rename(columns={"pooled": "amount"}),
             c.assign(fund_type="310200", amount=c["acct_crdt_amt"].astype(float))[
                 ["insu_admdvs", "fund_type", "month_end", "amount"]]]
    t = latest(raw(data, "fund_txn"), ["txn_id"], ["_delivery_date", "_row_number"])
    t["month_end"] = month_end(t["txn_date"])
    parts.append(t.assign(amount=t["amount"].astype(float))[["insu_admdvs", "fund_type", "month_end", "amount"]])
    s = settlements(data)
    hifp = s[s["insutype"].isin(POOLED)]
    parts.append(hifp.assign(fund_type=hifp["insutype"].map(POOLED), amount=-hifp["hifp_pay"])[
        ["insu_admdvs", "fund_type", "month_end", "amount"]])
    for col, fund in MAPPED.items():
        parts.append(s.assign(fund_type=fund, amount=-s[col])[["insu_admdvs", "fund_type", "month_end", "amount"]])
    moves = pd.concat(parts, ignore_index=True)
    return moves.groupby(["insu_admdvs", "fund_type", "month_end"], as_index=False)["amount"].sum()


def closing_balances(data, months: list) -> pd.DataFrame:
    """Closing balance per county sub-account and month: all money booked up to the month end."""
    moves = ledger_movements(data)
    rows = []
    for (admdvs, fund), g in moves.groupby(["insu_admdvs", "fund_type"]):
        for m in months:
            rows.append((admdvs, fund, m, g.loc[g["month_end"] <= m, "amount"].sum()))
    out = pd.DataFrame(rows, columns=["admdvs", "fund_type", "month_end", "closing_balance"])
    city = out.groupby(["fund_type", "month_end"], as_index=False)["closing_balance"].sum().assign(admdvs="230800")
    return pd.concat([out, city], ignore_index=True)


def inpatient_policy_ratio(data) -> pd.DataFrame:
    """Policy-scope inpatient ratio per county (and city), scheme and month, net of reversals."""
    s = settlements(data)
    s = s[s["med_type"].str.match(r"^2\d$")].copy()
    s["num"] = s["hifp_pay"] + s["hifob_pay"] + s["hifmi_pay"] + s["cvlserv_pay"]
    county = s.groupby(["insu_admdvs", "insutype", "month_end"], as_index=False)[["num", "inscp_scp_amt"]].sum()
    city = county.groupby(["insutype", "month_end"], as_index=False)[["num", "inscp_scp_amt"]].sum()
    out = pd.concat([county.rename(columns={"insu_admdvs": "admdvs"}), city.assign(admdvs="230800")])
    out["ratio"] = out["num"] / out["inscp_scp_amt"]
    return out
