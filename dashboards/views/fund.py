"""基金 Fund sub-accounts: balances by county, income against expenditure, months of payment with the
warning bands, the annual responsibility table and revenue-plan completion."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from common import footnote, page_setup
from i18n import WARNING_COLOURS, lang, pick, t
from labels import FUND_NAMES, POOLED_FUND, region_name, yuan

user, data, f = page_setup("fund")
name = lambda a: region_name(a, lang())  # noqa: E731
pooled = [POOLED_FUND["310"], POOLED_FUND["390"]]
fund = POOLED_FUND["390" if f.scheme == "all" else f.scheme]
fund = st.radio(
    pick("基金", "Fund"), pooled, index=pooled.index(fund), horizontal=True, format_func=lambda x: pick(*FUND_NAMES[x])
)

bal = data.frame(
    "marts.rpt_fund_balance_monthly", "fund_type = ? and month_end <= ?", (fund, f.month_end), order="month_end, admdvs"
)
bal["area"] = bal["admdvs"].map(name)
for col in ("opening_balance", "income", "expenditure", "closing_balance"):
    bal[col] = bal[col].astype(float)
counties = bal[bal["admdvs"] != f.city] if f.area == f.city else bal[bal["admdvs"] == f.area]
area_rows = bal[bal["admdvs"] == f.area]

line = px.line(
    counties,
    x="month_end",
    y="closing_balance",
    color="area",
    labels={
        "month_end": pick("月份", "Month"),
        "closing_balance": pick("期末累计结余（元）", "Closing balance (yuan)"),
        "area": "",
    },
    title=pick("各区县分账户累计结余", "Sub-account balance by county"),
)
st.plotly_chart(line, width="stretch")

left, right = st.columns(2)
with left:
    flows = area_rows.melt(
        id_vars=["month_end"], value_vars=["income", "expenditure"], var_name="kind", value_name="yuan"
    )
    flows["kind"] = flows["kind"].map({"income": pick("收入", "Income"), "expenditure": pick("支出", "Expenditure")})
    bars = px.bar(
        flows,
        x="month_end",
        y="yuan",
        color="kind",
        barmode="group",
        labels={"month_end": pick("月份", "Month"), "yuan": pick("金额（元）", "Yuan"), "kind": ""},
        title=pick(f"{name(f.area)} 收入与支出", f"{name(f.area)}: income and expenditure"),
    )
    st.plotly_chart(bars, width="stretch")
with right:
    mp = go.Figure()
    top = max(20.0, float(area_rows["months_payable"].max() or 0) + 2)
    for level, low, high in (("red", 0, 3), ("amber", 3, 6), ("green", 6, 15), ("blue", 15, top)):
        mp.add_hrect(y0=low, y1=high, fillcolor=WARNING_COLOURS[level], opacity=0.12, line_width=0)
    mp.add_trace(
        go.Scatter(
            x=area_rows["month_end"], y=area_rows["months_payable"], mode="lines+markers", name=t("months_payable")
        )
    )
    mp.update_layout(
        title=pick(f"{name(f.area)} 可支付月数（预警区间）", f"{name(f.area)}: months of payment with warning bands"),
        yaxis_title=t("months_payable"),
        yaxis_range=[0, top],
    )
    st.plotly_chart(mp, width="stretch")

st.subheader(pick("年度基金决算与责任分担", "Annual settlement of responsibility"))
annual = data.frame("marts.rpt_fund_annual_settlement", "fund_type = ?", (fund,), order="year, admdvs")
annual[pick("区域", "Area")] = annual["admdvs"].map(name)
annual["responsible_party"] = annual["responsible_party"].map(
    {
        "none": pick("无赤字", "no deficit"),
        "own_balance": pick("本级累计结余", "own balance"),
        "city": pick("市级统筹基金", "city pooled balance"),
        "county_government": pick("县级政府", "county government"),
        "county_government_and_city": pick("县级政府与市级统筹基金", "county government and city"),
    }
)
annual["status"] = annual["status"].map(
    {
        "settled": pick("已决算", "settled"),
        "year_open": pick("年度未结束", "year not over"),
        "year_partial": pick("数据未覆盖全年", "year not covered whole"),
        "plan_missing": pick("缺少年度计划", "plan missing"),
    }
)
money_cols = [
    "income",
    "expenditure",
    "current_result",
    "balance_at_start",
    "covered_by_own_balance",
    "covered_by_county_government",
    "covered_by_city",
    "city_balance_shortfall",
]
view = annual[
    [
        pick("区域", "Area"),
        "year",
        "status",
        "months_reported",
        *money_cols,
        "revenue_plan_completion",
        "contribution_plan_completion",
        "subsidy_plan_completion",
        "responsible_party",
    ]
]
view = view.rename(
    columns={
        "year": pick("年度", "Year"),
        "status": pick("决算状态", "Status"),
        "months_reported": pick("报告月数", "Months"),
        "income": pick("当年收入", "Income"),
        "expenditure": pick("当年支出", "Expenditure"),
        "current_result": pick("当期结余", "Result"),
        "balance_at_start": pick("年初累计结余", "Balance at start"),
        "covered_by_own_balance": pick("本级结余弥补", "Own balance"),
        "covered_by_county_government": pick("县级政府弥补", "County government"),
        "covered_by_city": pick("市级统筹弥补", "City"),
        "city_balance_shortfall": pick("市级结余不足部分", "City shortfall"),
        "revenue_plan_completion": pick("收入计划完成率", "Revenue plan"),
        "contribution_plan_completion": pick("征缴计划完成率", "Contribution plan"),
        "subsidy_plan_completion": pick("财政补助计划完成率", "Subsidy plan"),
        "responsible_party": pick("责任主体", "Who covers"),
    }
)
percent = st.column_config.NumberColumn(format="percent")
st.dataframe(
    view,
    hide_index=True,
    width="stretch",
    column_config={
        pick(zh, en): percent
        for zh, en in (
            ("收入计划完成率", "Revenue plan"),
            ("征缴计划完成率", "Contribution plan"),
            ("财政补助计划完成率", "Subsidy plan"),
        )
    },
)
st.caption(
    pick(
        "只有已结束且数据覆盖全年的年度才做决算；未结束年度的收支为年初至今数，不计算完成率和责任分担。",
        "Only a year that is over and that the data covers whole is settled; an open year's income and "
        "expenditure are year to date, with no completion or responsibility.",
    )
)

settled = annual[annual["revenue_plan_completion"].notna()]
latest = settled[settled["year"] == settled["year"].max()]
plan = px.bar(
    latest[latest["admdvs"] != f.city],
    x=pick("区域", "Area"),
    y="revenue_plan_completion",
    labels={"revenue_plan_completion": pick("收入计划完成率", "Revenue-plan completion")},
    title=pick(
        f"{int(latest['year'].max()) if not latest.empty else ''} 年收入计划完成率（征缴与财政补助，已决算年度）",
        f"Revenue-plan completion, contributions and subsidies, {int(latest['year'].max()) if not latest.empty else ''} (last settled year)",
    ),
)
plan.add_hline(y=1.0, line_dash="dash", line_color="#d62728")
plan.update_yaxes(tickformat=".0%")
st.plotly_chart(plan, width="stretch")
st.caption(
    pick(
        f"{name(f.area)} 最新期末结余 {yuan(area_rows['closing_balance'].iloc[-1]) if not area_rows.empty else '—'}",
        f"{name(f.area)} latest balance {yuan(area_rows['closing_balance'].iloc[-1], 'en') if not area_rows.empty else '—'}",
    )
)
footnote()
