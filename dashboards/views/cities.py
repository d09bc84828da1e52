"""各市对比 Cities side by side, for the province (省医保局): per delivered city, coverage against its target,
months of payment of each pooled fund, the inpatient policy-scope ratios year to date against their targets, and
the revenue-plan completion of the last settled year. Every figure is a city row of a mart; ratios over several
months are summed parts through the one definition (common.ratios)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from common import SUMS, footnote, province_setup, ratios
from i18n import lang, pick, t
from labels import FUND_NAMES, POOLED_FUND, months, pct, persons, region_name, target

user, data, cities, month = province_setup("cities")
name = lambda a: region_name(a, lang())  # noqa: E731
month_end = (pd.Timestamp(month + "-01") + pd.offsets.MonthEnd(0)).date()
marks = ", ".join("?" for _ in cities)
in_cities = f"admdvs in ({marks})"

coverage = data.frame(
    "marts.rpt_coverage_monthly",
    f"{in_cities} and month_end = ?",
    (*cities, month_end),
    columns="admdvs, insured_persons, coverage_rate_hsreg, coverage_rate_resident, is_complete",
)
funds = [POOLED_FUND["310"], POOLED_FUND["390"]]
balance = data.frame(
    "marts.rpt_fund_balance_monthly",
    f"{in_cities} and month_end = ? and fund_type in (?, ?)",
    (*cities, month_end, *funds),
    columns="admdvs, fund_type, closing_balance, months_payable, warning_level",
)
inpatient = ratios(
    data.frame(
        "marts.rpt_reimbursement_monthly",
        f"{in_cities} and med_group = 'inpatient' and insutype in ('310', '390') and month_end between ? and ?",
        (*cities, month_end.replace(month=1, day=1), month_end),
        columns=f"admdvs, insutype, {SUMS}",
        group="admdvs, insutype",
    )
)
settled = data.frame(
    "marts.rpt_fund_annual_settlement",
    f"{in_cities} and status in ('provisional', 'closed') and year <= ?",
    (*cities, month_end.year),
    columns="admdvs, fund_type, year, revenue_plan_completion",
    order="year",
)
last_year = int(settled["year"].max()) if not settled.empty else None

table = pd.DataFrame({"admdvs": cities})
table["city"] = table["admdvs"].map(name)
table = table.merge(coverage, on="admdvs", how="left")
for fund in funds:
    part = balance[balance["fund_type"] == fund][["admdvs", "months_payable"]]
    table = table.merge(part.rename(columns={"months_payable": f"months_{fund}"}), on="admdvs", how="left")
for scheme in ("310", "390"):
    part = inpatient[inpatient["insutype"] == scheme][["admdvs", "policy_scope_ratio"]]
    table = table.merge(part.rename(columns={"policy_scope_ratio": f"ratio_{scheme}"}), on="admdvs", how="left")
if last_year is not None:
    for fund in funds:
        part = settled[(settled["year"] == last_year) & (settled["fund_type"] == fund)]
        table = table.merge(
            part[["admdvs", "revenue_plan_completion"]].rename(columns={"revenue_plan_completion": f"plan_{fund}"}),
            on="admdvs",
            how="left",
        )

goal = target("coverage_rate_hsreg")
goal_310, goal_390 = target("inpatient_policy_ratio_310"), target("inpatient_policy_ratio_390")
fund_label = lambda fund: pick(*FUND_NAMES[fund])  # noqa: E731
columns = {
    "city": pick("统筹区", "City"),
    "insured_persons": t("insured_persons"),
    "coverage_rate_hsreg": pick(f"户籍参保率（目标 {goal:.0%}）", f"Coverage, registered base (target {goal:.0%})"),
    "coverage_rate_resident": t("coverage_rate_resident"),
    **{f"months_{fund}": f"{fund_label(fund)} · {t('months_payable')}" for fund in funds},
    "ratio_310": pick(
        f"职工住院政策范围内支付比例（目标 {goal_310:.0%}）", f"Employee inpatient ratio (target {goal_310:.0%})"
    ),
    "ratio_390": pick(
        f"居民住院政策范围内支付比例（目标 {goal_390:.0%}）", f"Resident inpatient ratio (target {goal_390:.0%})"
    ),
}
if last_year is not None:
    columns |= {
        f"plan_{fund}": pick(
            f"{fund_label(fund)} · {last_year} 年收入计划完成率", f"{fund_label(fund)} · {last_year} revenue plan"
        )
        for fund in funds
    }
shown = table[list(columns)].copy()
for column in (
    "coverage_rate_hsreg",
    "coverage_rate_resident",
    "ratio_310",
    "ratio_390",
    *(c for c in columns if c.startswith("plan_")),
):
    shown[column] = shown[column].map(pct)
for column in (c for c in columns if c.startswith("months_")):
    shown[column] = shown[column].map(months)
shown["insured_persons"] = shown["insured_persons"].map(lambda x: persons(x, lang()))
st.dataframe(shown.rename(columns=columns), hide_index=True, width="stretch")
st.caption(
    pick(
        f"参保率和可支付月数为 {month} 月末数；住院支付比例为 {month[:4]} 年 1 月至 {month} 的累计；"
        + (f"收入计划完成率为已决算的 {last_year} 年度。" if last_year else "尚无已决算年度，收入计划完成率不显示。"),
        f"Coverage and months of payment at the end of {month}; inpatient ratios from January to {month}; "
        + (f"revenue-plan completion for the settled year {last_year}." if last_year else "no year is settled yet."),
    )
)

left, right = st.columns(2)
with left:
    bar = px.bar(
        table,
        x="city",
        y="coverage_rate_hsreg",
        text=table["coverage_rate_hsreg"].map(pct),
        labels={"city": "", "coverage_rate_hsreg": t("coverage_rate_hsreg")},
        title=pick(f"{month} 各市户籍参保率", f"Coverage on the registered base by city, {month}"),
    )
    bar.add_hline(
        y=goal, line_dash="dash", line_color="#d62728", annotation_text=pick(f"目标 {goal:.0%}", f"target {goal:.0%}")
    )
    bar.update_yaxes(tickformat=".0%", range=[0.85, 1.0])
    st.plotly_chart(bar, width="stretch")
with right:
    ratio_long = table.melt(
        id_vars=["city"], value_vars=["ratio_310", "ratio_390"], var_name="scheme", value_name="ratio"
    )
    ratio_long["scheme"] = ratio_long["scheme"].map({"ratio_310": t("employee"), "ratio_390": t("resident")})
    grouped = px.bar(
        ratio_long,
        x="city",
        y="ratio",
        color="scheme",
        barmode="group",
        labels={"city": "", "ratio": pick("政策范围内支付比例", "Policy-scope ratio"), "scheme": ""},
        title=pick(
            f"住院政策范围内支付比例（{month[:4]} 年累计）", f"Inpatient policy-scope ratio, {month[:4]} to date"
        ),
    )
    grouped.add_hline(y=goal_310, line_dash="dash", line_color="#1f77b4")
    grouped.add_hline(y=goal_390, line_dash="dot", line_color="#ff7f0e")
    grouped.update_yaxes(tickformat=".0%")
    st.plotly_chart(grouped, width="stretch")
footnote()
