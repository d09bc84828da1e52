"""基金 Fund sub-accounts by accounting unit: balances, income against expenditure, months of payment with the
warning bands of the thresholds seed, the national fund statement of the period, and the annual settlement of
responsibility under the city's own rule: who owes what, what was paid, what is outstanding."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from common import date_axis, footnote, page_setup
from i18n import WARNING_COLOURS, lang, pick, t
from labels import FUND_NAMES, POOLED_FUND, region_name, unit_of, warning_bands, yuan

user, data, f = page_setup("fund")
name = lambda a: region_name(a, lang())  # noqa: E731
pooled = [POOLED_FUND["310"], POOLED_FUND["390"]]
fund = POOLED_FUND["390" if f.scheme == "all" else f.scheme]
fund = st.radio(
    pick("基金", "Fund"), pooled, index=pooled.index(fund), horizontal=True, format_func=lambda x: pick(*FUND_NAMES[x])
)
# money belongs to the accounting unit: a district's page shows the city unit (市本级) it books to
unit = unit_of(f.area)
if unit != f.area:
    st.info(
        pick(
            f"基金以核算单位分账核算：{name(f.area)} 的基金收支记在 {name(unit)}。",
            f"Funds are kept per accounting unit: {name(f.area)}'s money is booked to {name(unit)}.",
        )
    )

bal = data.frame(
    "marts.rpt_fund_balance_monthly", "fund_type = ? and month_end <= ?", (fund, f.month_end), order="month_end, admdvs"
)
bal["area"] = bal["admdvs"].map(name)
for col in ("opening_balance", "income", "expenditure", "closing_balance"):
    bal[col] = bal[col].astype(float)
units = bal[bal["admdvs"] != f.city] if unit == f.city else bal[bal["admdvs"] == unit]
area_rows = bal[bal["admdvs"] == unit]

line = px.line(
    units,
    x="month_end",
    y="closing_balance",
    color="area",
    labels={
        "month_end": pick("月份", "Month"),
        "closing_balance": pick("期末累计结余（元）", "Closing balance (yuan)"),
        "area": "",
    },
    title=pick("各核算单位累计结余（负数为穿底）", "Balance by accounting unit (below zero: overdrawn)"),
)
date_axis(line).add_hline(y=0, line_color="#444", line_width=1)
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
        title=pick(f"{name(unit)} 收入与支出", f"{name(unit)}: income and expenditure"),
    )
    st.plotly_chart(date_axis(bars), width="stretch")
with right:
    # months of payment, not clipped: a negative balance shows below zero, against the seed's warning bands
    values = area_rows["months_payable"].dropna().astype(float)
    low = min(0.0, float(values.min()) - 1) if not values.empty else 0.0
    bands = warning_bands()
    uppers = [upper for _, _, upper in bands if upper is not None]
    high = max(max(uppers, default=15) + 5, float(values.max()) + 2 if not values.empty else 0)
    mp = go.Figure()
    for level, lower, upper in bands:
        mp.add_hrect(
            y0=low if lower is None else lower,
            y1=high if upper is None else upper,
            fillcolor=WARNING_COLOURS[level],
            opacity=0.12,
            line_width=0,
        )
    mp.add_trace(
        go.Scatter(
            x=area_rows["month_end"], y=area_rows["months_payable"], mode="lines+markers", name=t("months_payable")
        )
    )
    mp.update_layout(
        title=pick(f"{name(unit)} 可支付月数（预警区间）", f"{name(unit)}: months of payment with warning bands"),
        yaxis_title=t("months_payable"),
        yaxis_range=[low, high],
    )
    st.plotly_chart(date_axis(mp), width="stretch")

st.subheader(pick("基金收支表", "Fund statement (基金收支表)"))
kinds = {"month": pick("月报", "Month"), "quarter": pick("季报", "Quarter"), "year": pick("年报", "Year")}
kind = st.radio(pick("报告期", "Period"), list(kinds), index=2, horizontal=True, format_func=kinds.get)
m = f.month_end
period_end = {
    "month": m,
    "quarter": (pd.Timestamp(m) + pd.offsets.QuarterEnd(0)).date(),
    "year": dt.date(m.year, 12, 31),
}[kind]
statement = data.frame(
    "marts.rpt_fund_statement",
    "admdvs = ? and fund_type = ? and period = ? and period_end = ?",
    (unit, fund, kind, period_end),
    order="line_no",
)
if statement.empty:
    st.info(pick("这一报告期没有基金收支表。", "No statement for this period."))
else:
    if not bool(statement["is_complete"].iloc[0]):
        st.warning(
            pick(
                f"{period_end} 止的报告期尚未结束：以下为截至数据截止日的部分期间数，不是整期报表。",
                f"The period ending {period_end} is not over: these are the figures so far, not a whole period.",
            )
        )
    table = pd.DataFrame(
        {
            pick("行次", "Line"): statement["line_no"],
            pick("项目", "Item"): statement["line_name_zh" if lang() == "zh" else "line_name_en"],
            pick("金额（元）", "Yuan"): statement["amount"].astype(float),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=420)
    st.caption(
        pick(
            "本年收入小计、本年支出小计为当期自身收支；合计另含上划结余、调剂和政府补亏。当期结余 = 收入小计 − 支出小计，"
            "是责任分担所用的当年结果；年末滚存结余 = 上年结余 + 本年收支结余。报表按基金分列，不跨基金合计。",
            "Subtotals hold the period's own money; totals add the opening transfer, city adjustments and government "
            "top-ups. 当期结余 (own result) = income subtotal − expenditure subtotal, the result the responsibility rule "
            "uses; closing = brought forward + income total − expenditure total. One statement per fund, no total "
            "across funds.",
        )
    )

st.subheader(pick("年度基金决算与责任分担", "Annual settlement of responsibility"))
annual = data.frame("marts.rpt_fund_annual_settlement", "fund_type = ?", (fund,), order="year, admdvs")
rule = annual["rule"].iloc[0] if not annual.empty else "own_then_local"
st.markdown(
    pick(
        "本市规则：**累计结余补足，不足由当地政府承担**（本市市级统筹实施方案，政策 000）；市级不兜底。"
        if rule == "own_then_local"
        else "本市规则：**完成收入计划的由市级统筹基金调剂弥补，自身原因形成的缺口由当地政府补足**（001 号）。",
        "This city's rule: **own balance first, then the local government** (policy 000); no city cover."
        if rule == "own_then_local"
        else "This city's rule: **a unit that met its plan is covered by the city; a shortfall of its own making by "
        "its government** (policy 001).",
    )
)
annual[pick("核算单位", "Unit")] = annual["admdvs"].map(name)
annual["responsible_party"] = annual["responsible_party"].map(
    {
        "none": pick("无赤字", "no deficit"),
        "own_balance": pick("本级累计结余", "own balance"),
        "city": pick("市级统筹基金", "city pooled balance"),
        "local_government": pick("当地政府", "local government"),
        "local_government_and_city": pick("当地政府与市级统筹基金", "local government and city"),
    }
)
annual["status"] = annual["status"].map(
    {
        "provisional": pick("已决算（未关账）", "provisional"),
        "closed": pick("已关账", "closed"),
        "year_open": pick("年度未结束", "year not over"),
        "year_partial": pick("数据未覆盖全年", "year not covered whole"),
        "plan_missing": pick("缺少年度计划", "plan missing"),
    }
)
columns = {
    pick("核算单位", "Unit"): pick("核算单位", "Unit"),
    "year": pick("年度", "Year"),
    "status": pick("决算状态", "Status"),
    "income": pick("本年收入小计", "Own income"),
    "expenditure": pick("本年支出小计", "Own expenditure"),
    "current_result": pick("当期结余", "Result"),
    "balance_at_start": pick("年初累计结余", "Balance at start"),
    "covered_by_own_balance": pick("累计结余补足", "Own balance"),
    "covered_by_county_government": pick("当地政府承担", "Local government"),
    "covered_by_city": pick("市级调剂弥补", "City"),
    "subsidy_arrears_county": pick("县级补助欠缴", "County subsidy arrears"),
    "subsidy_arrears_city": pick("市级补助欠缴", "City subsidy arrears"),
    "subsidy_arrears_provincial": pick("省级补助欠缴", "Provincial arrears"),
    "subsidy_arrears_central": pick("中央补助欠缴", "Central arrears"),
    "owed_by_local_government": pick("当地政府应承担", "Owed by local government"),
    "paid_by_local_government": pick("已补亏", "Paid (top-ups)"),
    "outstanding_local_government": pick("尚欠", "Outstanding"),
    "owed_by_city": pick("市级应调剂", "Owed by city"),
    "paid_by_city": pick("市级已调入", "Paid by city"),
    "taken_while_in_deficit": pick("赤字时被调出", "Taken out in deficit"),
    "restatement_difference": pick("关账后重述差额", "Restated by"),
    "revenue_plan_completion": pick("收入计划完成率", "Revenue plan"),
    "responsible_party": pick("责任主体", "Who covers"),
}
view = annual[list(columns)].rename(columns=columns)
st.dataframe(
    view,
    hide_index=True,
    width="stretch",
    column_config={pick("收入计划完成率", "Revenue plan"): st.column_config.NumberColumn(format="percent")},
)
restated = annual[annual["restated"].astype(bool)]
if not restated.empty:
    st.error(
        pick(
            "已关账年度被后来的数据改变（重述）："
            + "、".join(
                f"{name(a)} {y} 年 当期结余变动 {yuan(d)}（截至 {r}）"
                for a, y, d, r in zip(
                    restated["admdvs"], restated["year"], restated["restatement_difference"], restated["restated_as_of"]
                )
            ),
            "Closed years changed by later data (restated): "
            + ", ".join(
                f"{name(a)} {y}: result changed by {yuan(d, 'en')} (as of {r})"
                for a, y, d, r in zip(
                    restated["admdvs"], restated["year"], restated["restatement_difference"], restated["restated_as_of"]
                )
            ),
        )
    )
flagged = annual[annual["taken_while_in_deficit"].astype(float) > 0]
if not flagged.empty:
    st.warning(
        pick(
            "赤字年度被市级调剂调出资金的单位："
            + "、".join(
                f"{name(a)} {y} 年 {yuan(v)}"
                for a, y, v in zip(flagged["admdvs"], flagged["year"], flagged["taken_while_in_deficit"])
                if a != f.city
            ),
            "Units that a city adjustment took money from in a deficit year: "
            + ", ".join(
                f"{name(a)} {y} {yuan(v, 'en')}"
                for a, y, v in zip(flagged["admdvs"], flagged["year"], flagged["taken_while_in_deficit"])
                if a != f.city
            ),
        )
    )
st.caption(
    pick(
        "年度结束且数据覆盖全年才决算，关账日（默认次年 3 月 31 日）前为“已决算（未关账）”。当地政府应承担 = "
        "本级财政补助欠缴（无论有无赤字均须补齐）与其应弥补赤字两者中的较大者；其他层级的欠缴单列，不向县级追缴。"
        "已补亏为次年入账的政府补亏；尚欠为负表示拨付多于应承担。",
        "A year is settled once over and covered whole, and provisional until the closing date (default 31 March "
        "of the next year). Owed by the local government = the larger of its own level's unpaid subsidy (owed in "
        "full, deficit or not) and its part of the deficit; other levels' arrears are shown on their own, never "
        "billed to the county. Paid = top-ups booked in the next year; a negative outstanding means more was paid "
        "than owed.",
    )
)

settled = annual[annual["revenue_plan_completion"].notna()]
latest = settled[settled["year"] == settled["year"].max()]
plan = px.bar(
    latest[latest["admdvs"] != f.city],
    x=pick("核算单位", "Unit"),
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
        f"{name(unit)} 最新期末结余 {yuan(area_rows['closing_balance'].iloc[-1]) if not area_rows.empty else '—'}",
        f"{name(unit)} latest balance {yuan(area_rows['closing_balance'].iloc[-1], 'en') if not area_rows.empty else '—'}",
    )
)
footnote()
