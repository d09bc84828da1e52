"""参保 Coverage: coverage by county and over time, employee / resident split, key groups and the 漏保 list."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from common import date_axis, footnote, page_setup
from i18n import lang, pick, t
from labels import pct, persons, region_name, target

user, data, f = page_setup("coverage")
name = lambda a: region_name(a, lang())  # noqa: E731

cov = data.frame("marts.rpt_coverage_monthly", "month_end <= ?", (f.month_end,), order="month_end, admdvs")
cov["area"] = cov["admdvs"].map(name)
counties = cov[(cov["admdvs"] != f.city) & (cov["month_end"].astype(str).str[:7] == f.month)]
counties = counties.sort_values("coverage_rate_hsreg")
BASES = {"coverage_rate_hsreg": t("coverage_rate_hsreg"), "coverage_rate_resident": t("coverage_rate_resident")}
goal = target("coverage_rate_hsreg")

left, right = st.columns(2)
with left:
    rates = counties.melt(id_vars=["area"], value_vars=list(BASES), var_name="base", value_name="rate")
    rates["base"] = rates["base"].map(BASES)
    bar = px.bar(
        rates,
        x="rate",
        y="area",
        color="base",
        barmode="group",
        orientation="h",
        text=rates["rate"].map(pct),
        labels={"rate": pick("参保率", "Coverage"), "area": "", "base": ""},
        title=pick(
            f"{f.month} 各区县参保率（户籍 / 常住）", f"Coverage by county, registered / resident base, {f.month}"
        ),
    )
    bar.add_vline(
        x=goal,
        line_dash="dash",
        line_color="#d62728",
        annotation_text=pick(f"户籍参保率目标 {goal:.0%}", f"registered-base target {goal:.0%}"),
    )
    bar.update_xaxes(tickformat=".0%", range=[0.85, 1.08])
    st.plotly_chart(bar, width="stretch")
with right:
    split = counties.melt(
        id_vars=["area"],
        value_vars=["insured_employee", "insured_resident", "enrolled_unpaid"],
        var_name="scheme",
        value_name="persons",
    )
    split["scheme"] = split["scheme"].map(
        {
            "insured_employee": t("employee"),
            "insured_resident": t("resident"),
            "enrolled_unpaid": t("enrolled_unpaid"),
        }
    )
    stacked = px.bar(
        split,
        x="persons",
        y="area",
        color="scheme",
        orientation="h",
        labels={"persons": pick("人数", "Persons"), "area": "", "scheme": ""},
        title=pick(
            "职工医保 / 居民医保参保人数，参保未缴费", "Insured persons, employee / resident, and enrolled unpaid"
        ),
    )
    st.plotly_chart(stacked, width="stretch")
st.caption(
    pick(
        "户籍参保率：户籍在本区县、在本统筹区任一地参保的人数 ÷ 户籍人口；常住参保率：在本区县参保的人数 ÷ 常住人口。"
        "两种口径不混用：外出求学、参军、务工人员在户籍口径的分母中，吸纳外来人口的区常住参保率可超过 100%。"
        "参保人数只计在世、期末有效参保的人；居民须已缴纳当年保费，已登记未缴费的单列为参保未缴费。",
        "Registered base: persons whose 户籍 is in the county and who are insured anywhere in the pool ÷ registered "
        "population. Resident base: persons insured in the county ÷ resident population. The bases are never mixed: "
        "persons away for study, the army or work stay in the registered denominator, and a district drawing "
        "in-migrants can pass 100 % on the resident base. Only living persons enrolled on the month end count, and a "
        "resident only once the year's premium is paid; those enrolled but unpaid are shown on their own.",
    )
)

area = f.area if f.area in set(cov["admdvs"]) else f.city
shown = cov[cov["admdvs"] == area]
trend_rates = shown.melt(id_vars=["month_end"], value_vars=list(BASES), var_name="base", value_name="rate")
trend_rates["base"] = trend_rates["base"].map(BASES)
line = px.line(
    trend_rates,
    x="month_end",
    y="rate",
    color="base",
    labels={"month_end": pick("月份", "Month"), "rate": pick("参保率", "Coverage"), "base": ""},
    title=pick(f"{name(area)} 参保率走势", f"Coverage over time, {name(area)}"),
)
line.add_hline(y=goal, line_dash="dot", line_color="#d62728")
date_axis(line).update_yaxes(tickformat=".1%")
st.plotly_chart(line, width="stretch")

st.subheader(pick("重点人群参保", "Key-group coverage"))
kpop = data.frame("marts.rpt_kpop_coverage", "strftime(month_end, '%Y-%m') = ?", (f.month,), order="admdvs")
kpop[pick("区县", "Area")] = kpop["admdvs"].map(name)
st.dataframe(
    kpop[
        [pick("区县", "Area"), "roster_persons", "enrolled_persons", "not_enrolled_persons", "kpop_coverage_rate"]
    ].rename(
        columns={
            "roster_persons": pick("名册人数", "On roster"),
            "enrolled_persons": pick("已参保", "Enrolled"),
            "not_enrolled_persons": pick("未参保（漏保）", "Not enrolled"),
            "kpop_coverage_rate": pick("重点人群参保率", "Key-group coverage"),
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={pick("重点人群参保率", "Key-group coverage"): st.column_config.NumberColumn(format="percent")},
)

st.subheader(pick("漏保名单（截至最新数据日）", "Key-group persons not enrolled (as of the latest delivery)"))
missed = data.frame(
    "marts.rpt_kpop_uninsured", "admdvs = ? or ? = ?", (f.area, f.area, f.city), order="admdvs, roster_id"
)
missed = missed.rename(
    columns={
        "roster_id": pick("名册编号", "Roster line"),
        "certno_masked": pick("证件号码（脱敏）", "ID (masked)"),
        "psn_idet_type_name_zh": pick("人员类别", "Key group"),
        "admdvs": pick("区县", "County"),
        "src_dept": pick("来源部门", "From"),
        "begndate": pick("名册开始日期", "On roster since"),
        "as_of_date": pick("判定日期", "Judged on"),
    }
).drop(columns=["psn_idet_type"])
st.write(pick(f"共 {len(missed):,} 人", f"{len(missed):,} persons"))
st.dataframe(missed, hide_index=True, width="stretch")
st.download_button(
    pick("下载漏保名单（CSV）", "Download the list (CSV)"),
    missed.to_csv(index=False).encode("utf-8-sig"),
    file_name=f"kpop_uninsured_{f.area}.csv",
    mime="text/csv",
)
st.caption(
    pick(
        f"当前 {name(area)} 参保人数 {persons(shown['insured_persons'].iloc[-1] if not shown.empty else None)}",
        f"{name(area)} insured persons: {persons(shown['insured_persons'].iloc[-1] if not shown.empty else None, 'en')}",
    )
)
footnote()
