"""待遇 Reimbursement: policy-scope, actual and three-tier ratios by scheme, county, hospital tier and month,
and the average cost per admission."""

from __future__ import annotations

import datetime as dt

import plotly.express as px
import streamlit as st

from common import SUMS, date_axis, footnote, page_setup, ratios
from i18n import lang, pick, t
from labels import pct, region_name, target

user, data, f = page_setup("reimbursement")
name = lambda a: region_name(a, lang())  # noqa: E731
group = st.radio(
    pick("医疗类别", "Care"),
    ["inpatient", "outpatient", "pharmacy", "maternity"],
    horizontal=True,
    format_func=lambda g: {
        "inpatient": pick("住院", "Inpatient"),
        "outpatient": pick("门诊", "Outpatient"),
        "pharmacy": pick("药店", "Pharmacy"),
        "maternity": pick("生育", "Maternity"),
    }[g],
)
schemes = ("310", "390", "510") if f.scheme == "all" else (f.scheme,)
marks = ", ".join("?" for _ in schemes)
scheme_name = {"310": t("employee"), "390": t("resident"), "510": t("maternity")}
monthly = ratios(
    data.frame(
        "marts.rpt_reimbursement_monthly",
        f"admdvs = ? and med_group = ? and insutype in ({marks}) and month_end <= ?",
        (f.area, group, *schemes, f.month_end),
        columns=f"insutype, month_end, {SUMS}",
        group="insutype, month_end",
        order="month_end",
    )
)
monthly["scheme"] = monthly["insutype"].map(scheme_name)
long = monthly.melt(
    id_vars=["month_end", "scheme"],
    value_vars=["policy_scope_ratio", "actual_ratio", "three_tier_ratio"],
    var_name="ratio",
    value_name="value",
)
RATIO_NAMES = {
    "policy_scope_ratio": pick("政策范围内", "Policy scope"),
    "actual_ratio": pick("实际", "Actual"),
    "three_tier_ratio": pick("三重保障", "Three-tier"),
}
long["ratio"] = long["ratio"].map(RATIO_NAMES)
long = long.dropna(subset=["value"])  # a scheme with no money in the group draws no line and takes no legend entry
# one colour per scheme, the same in the lines and their targets; one dash per ratio, and the targets' own (dot)
SCHEME_COLOURS = {t("employee"): "#1f77b4", t("resident"): "#ff7f0e", t("maternity"): "#2ca02c"}
fig = px.line(
    long,
    x="month_end",
    y="value",
    color="scheme",
    line_dash="ratio",
    color_discrete_map=SCHEME_COLOURS,
    line_dash_map=dict(zip(RATIO_NAMES.values(), ("solid", "dash", "dashdot"))),
    # distinct labels: plotly names a trace by label, and two empty ones collapse into one (the scheme was lost)
    labels={
        "month_end": pick("月份", "Month"),
        "value": pick("支付比例", "Ratio"),
        "scheme": pick("险种", "Scheme"),
        "ratio": pick("比例", "Ratio"),
    },
    title=pick(f"{name(f.area)} 基金支付比例走势", f"{name(f.area)}: fund payment ratios"),
)
date_axis(fig).update_yaxes(tickformat=".0%")
if group == "inpatient" and len(long):
    for scheme, zh, en in (("310", "职工", "employee"), ("390", "居民", "resident")):
        goal = target(f"inpatient_policy_ratio_{scheme}")
        label = pick(f"{zh}目标", f"{en} target")
        # a legend entry of its own (the line), drawn dotted in the scheme's colour across the chart
        fig.add_scatter(
            x=[long["month_end"].min(), long["month_end"].max()],
            y=[goal, goal],
            mode="lines",
            line={"dash": "dot", "color": SCHEME_COLOURS[scheme_name[scheme]], "width": 1},
            name=f"{label} {goal:.0%}",
        )
st.plotly_chart(fig, width="stretch")

left, right = st.columns(2)
period = "strftime(month_end, '%Y-%m') = ?"
with left:
    tiers = ratios(
        data.frame(
            "marts.rpt_reimbursement_monthly",
            f"admdvs = ? and med_group = ? and insutype in ({marks}) and {period}",
            (f.area, group, *schemes, f.month),
            columns=f"insutype, hosp_tier, {SUMS}",
            group="insutype, hosp_tier",
            order="hosp_tier",
        )
    )
    tiers["scheme"] = tiers["insutype"].map(scheme_name)
    by_tier = px.bar(
        tiers.dropna(subset=["policy_scope_ratio"]),  # a scheme with no bars takes no legend entry
        x="hosp_tier",
        y="policy_scope_ratio",
        color="scheme",
        barmode="group",
        color_discrete_map=SCHEME_COLOURS,
        labels={
            "hosp_tier": pick("医院级别", "Hospital tier"),
            "policy_scope_ratio": pick("政策范围内支付比例", "Policy-scope ratio"),
            "scheme": "",
        },
        title=pick(f"{f.month} 分医院级别", f"By hospital tier, {f.month}"),
    )
    by_tier.update_yaxes(tickformat=".0%")
    st.plotly_chart(by_tier, width="stretch")
with right:
    cost = px.bar(
        tiers.dropna(subset=["avg_cost"]),
        x="hosp_tier",
        y="avg_cost",
        color="scheme",
        barmode="group",
        color_discrete_map=SCHEME_COLOURS,
        labels={
            "hosp_tier": pick("医院级别", "Hospital tier"),
            "avg_cost": pick("次均费用（元）", "Average cost (yuan)"),
            "scheme": "",
        },
        title=pick("次均费用", "Average cost per settlement"),
    )
    st.plotly_chart(cost, width="stretch")

st.subheader(pick("异地就医", "Out-of-area care"))
AREA_NAMES = {
    "local": pick("本统筹区", "In the pool"),
    "in_province": pick("省内异地", "Elsewhere in the province"),
    "out_of_province": pick("跨省异地", "Another province"),
}
year_to_date = "month_end between ? and ?"
areas = ratios(
    data.frame(
        "marts.rpt_reimbursement_monthly",
        f"admdvs = ? and med_group = ? and insutype in ({marks}) and {year_to_date}",
        (f.area, group, *schemes, dt.date(int(f.month[:4]), 1, 1), f.month_end),
        columns=f"care_area, insutype, {SUMS}",
        group="care_area, insutype",
        order="insutype, care_area",
    )
)
areas = areas[areas["settlements"] > 0]
if areas.empty:
    st.info(pick(f"{f.month[:4]} 年尚无此类结算。", f"No such settlements in {f.month[:4]} yet."))
else:
    total = areas.groupby("insutype")["medfee"].transform("sum")
    areas["share"] = areas["medfee"] / total.where(total != 0)
    areas[pick("就医地", "Where")] = areas["care_area"].map(AREA_NAMES)
    areas[pick("险种", "Scheme")] = areas["insutype"].map(scheme_name)
    shown = areas[
        [pick("险种", "Scheme"), pick("就医地", "Where"), "settlements", "medfee", "share", "policy_scope_ratio"]
    ].rename(
        columns={
            "settlements": pick("结算人次", "Settlements"),
            "medfee": pick("医疗费总额", "Total cost"),
            "share": pick("费用占比", "Share of cost"),
            "policy_scope_ratio": pick("政策范围内支付比例", "Policy scope"),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(format="percent")
            for c in (pick("费用占比", "Share of cost"), pick("政策范围内支付比例", "Policy scope"))
        },
    )
    st.caption(
        pick(
            f"{f.month[:4]} 年 1 月至 {f.month} 累计。异地就医记在参保人所在区县，按异地就医待遇档次核查，支付比例低于本地。",
            f"January to {f.month}. Out-of-area care is booked to the insured person's county and audited by the "
            "out-of-area band; its ratios are lower than local care's.",
        )
    )

if f.area == f.city:
    counties = ratios(
        data.frame(
            "marts.rpt_reimbursement_monthly",
            f"admdvs <> ? and med_group = ? and insutype in ({marks}) and {period}",
            (f.city, group, *schemes, f.month),
            columns=f"admdvs, insutype, {SUMS}",
            group="admdvs, insutype",
            order="admdvs",
        )
    )
else:
    counties = ratios(
        data.frame(
            "marts.rpt_reimbursement_monthly",
            f"admdvs = ? and med_group = ? and insutype in ({marks}) and {period}",
            (f.area, group, *schemes, f.month),
            columns=f"admdvs, insutype, {SUMS}",
            group="admdvs, insutype",
            order="admdvs",
        )
    )
counties[pick("区县", "County")] = counties["admdvs"].map(name)
counties[pick("险种", "Scheme")] = counties["insutype"].map(scheme_name)
table = counties[
    [
        pick("区县", "County"),
        pick("险种", "Scheme"),
        "settlements",
        "persons",
        "medfee",
        "policy_scope_ratio",
        "actual_ratio",
        "three_tier_ratio",
        "avg_cost",
    ]
].rename(
    columns={
        "settlements": pick("结算人次", "Settlements"),
        "persons": pick("就医人数", "Persons"),
        "medfee": pick("医疗费总额", "Total cost"),
        "policy_scope_ratio": pick("政策范围内支付比例", "Policy scope"),
        "actual_ratio": pick("实际支付比例", "Actual"),
        "three_tier_ratio": pick("三重保障比例", "Three-tier"),
        "avg_cost": pick("次均费用", "Average cost"),
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        c: st.column_config.NumberColumn(format="percent")
        for c in (
            pick("政策范围内支付比例", "Policy scope"),
            pick("实际支付比例", "Actual"),
            pick("三重保障比例", "Three-tier"),
        )
    },
)
if not monthly.empty:
    last = monthly[monthly["month_end"].astype(str).str[:7] == f.month]
    st.caption(" · ".join(f"{r.scheme}: {pct(r.policy_scope_ratio)}" for r in last.itertuples()))
footnote()
