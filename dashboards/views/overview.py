"""总览 Overview: the morning KPIs, each with its trend and the change against the previous month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from yibao import metrics

from common import footnote, page_setup
from i18n import WARNING_COLOURS, WARNING_LABELS, lang, pick, t
from labels import POOLED_FUND, months, pct, persons, region_name, yuan
from labels import target as indicator_target

user, data, f = page_setup("overview")
st.subheader(f"{region_name(f.area, lang())} · {f.month}")

cov = data.frame(
    "marts.rpt_coverage_monthly", "admdvs = ? and month_end <= ?", (f.area, f.month_end), order="month_end"
)
insured_col = {"all": "insured_persons", "310": "insured_employee", "390": "insured_resident"}[f.scheme]
funds = data.frame(
    "marts.rpt_fund_balance_monthly",
    "admdvs = ? and month_end <= ? and fund_type in (?, ?)",
    (f.area, f.month_end, POOLED_FUND["310"], POOLED_FUND["390"]),
    order="month_end",
)
ratios = data.frame(
    "marts.rpt_reimbursement_monthly",
    "admdvs = ? and month_end <= ? and med_group = 'inpatient' and insutype in ('310', '390')",
    (f.area, f.month_end),
    columns="insutype, month_end, sum(insurance_fund_pay) as fund, sum(inscp_scp_amt) as inscp",
    group="insutype, month_end",
    order="month_end",
)
# the policy-scope ratio over the month's hospital tiers, by the one definition in yibao/metrics.py
ratios["ratio"] = [metrics.ratio(fund, inscp) for fund, inscp in zip(ratios["fund"], ratios["inscp"])]
overpaid = data.frame(
    "marts.rpt_benefit_audit_monthly",
    "admdvs = ? and month_end = ?",
    (f.area, f.month_end),
    columns="sum(overpaid_amt) as overpaid, sum(settlements_mismatched) as n",
)
exceptions = data.frame("dq.dq_exceptions", "admdvs = ? or ? = ?", (f.area, f.area, f.city), columns="count(*) as n")


def delta(series: pd.Series, fmt) -> str | None:
    """The change against the previous month, or None where either month has no figure."""
    if len(series) < 2 or pd.isna(series.iloc[-1]) or pd.isna(series.iloc[-2]):
        return None
    return fmt(series.iloc[-1] - series.iloc[-2])


def trend(series: pd.Series) -> list[float]:
    return [float(v) for v in series.tail(12) if not pd.isna(v)]


c1, c2, c3 = st.columns(3)
if not cov.empty:
    c1.metric(
        t("coverage_rate_hsreg"),
        pct(cov["coverage_rate_hsreg"].iloc[-1]),
        delta(cov["coverage_rate_hsreg"], lambda d: f"{d * 100:+.1f} pt"),
        chart_data=trend(cov["coverage_rate_hsreg"]),
        border=True,
        help=t("vs_previous"),
    )
    c2.metric(
        t("insured_persons"),
        persons(cov[insured_col].iloc[-1], lang()),
        delta(cov[insured_col], lambda d: f"{d:+,.0f}"),
        chart_data=trend(cov[insured_col]),
        border=True,
    )
pooled = funds if f.scheme == "all" else funds[funds["fund_type"] == POOLED_FUND[f.scheme]]
balance = pooled.groupby("month_end")["closing_balance"].sum().astype(float)
if not balance.empty:
    c3.metric(
        t("pooled_balance"),
        yuan(balance.iloc[-1], lang()),
        delta(balance, lambda d: yuan(d, lang())),
        chart_data=trend(balance),
        border=True,
    )

c4, c5, c6, c7 = st.columns(4)
for col, fund, key in ((c4, POOLED_FUND["310"], "employee_months"), (c5, POOLED_FUND["390"], "resident_months")):
    series = funds[funds["fund_type"] == fund]
    if series.empty:
        continue
    level = series["warning_level"].iloc[-1]
    label = WARNING_LABELS.get(level, ("—", "—"))[1 if lang() == "en" else 0]
    col.metric(
        t(key),
        months(series["months_payable"].iloc[-1]),
        delta(series["months_payable"], lambda d: f"{d:+.1f}"),
        chart_data=trend(series["months_payable"]),
        border=True,
    )
    col.markdown(
        f"<span style='color:{WARNING_COLOURS.get(level, '#888')};font-weight:600'>● {label}</span>",
        unsafe_allow_html=True,
    )

for col, scheme, key in ((c6, "310", "ratio_employee"), (c7, "390", "ratio_resident")):
    target = indicator_target(f"inpatient_policy_ratio_{scheme}")
    rows = ratios[ratios["insutype"] == scheme].sort_values("month_end")
    if rows.empty:
        continue
    series = rows["ratio"].map(lambda r: float("nan") if r is None else float(r)).reset_index(drop=True)
    if pd.Timestamp(rows["month_end"].iloc[-1]).date() != f.month_end:  # no such settlements this month
        series = pd.concat([series, pd.Series([float("nan")])], ignore_index=True)
    col.metric(
        t(key),
        pct(series.iloc[-1]),
        delta(series, lambda d: f"{d * 100:+.1f} pt"),
        chart_data=trend(series),
        border=True,
        help=f"{t('target')} {target:.0%}",
    )
    gap = series.iloc[-1] - target  # NaN when the month has no such settlements: no gap to show
    shown = "—" if pd.isna(gap) else f"{gap * 100:+.1f}"
    col.caption(pick(f"目标 {target:.0%}，差 {shown} 个百分点", f"target {target:.0%}, {shown} pt"))

c8, c9 = st.columns(2)
c8.metric(t("open_exceptions"), f"{int(exceptions['n'].iloc[0]) if not exceptions.empty else 0:,}", border=True)
if not overpaid.empty:
    c9.metric(
        t("overpaid_month"),
        yuan(overpaid["overpaid"].iloc[0], lang()),
        border=True,
        help=pick(
            f"待遇核查：本月 {int(overpaid['n'].iloc[0] or 0)} 笔住院结算不符合统一政策",
            f"benefit audit: {int(overpaid['n'].iloc[0] or 0)} inpatient settlements paid off the policy this month",
        ),
    )
footnote()
