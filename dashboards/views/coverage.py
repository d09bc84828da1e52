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
counties = counties.sort_values("coverage_rate")

left, right = st.columns(2)
with left:
    bar = px.bar(
        counties,
        x="coverage_rate",
        y="area",
        orientation="h",
        text=counties["coverage_rate"].map(pct),
        labels={"coverage_rate": t("coverage_rate"), "area": ""},
        title=pick(f"{f.month} 各区县参保率", f"Coverage by county, {f.month}"),
    )
    goal = target("coverage_rate")
    bar.add_vline(
        x=goal, line_dash="dash", line_color="#d62728", annotation_text=pick(f"目标 {goal:.0%}", f"target {goal:.0%}")
    )
    bar.update_xaxes(tickformat=".0%", range=[0.85, 1.0])
    st.plotly_chart(bar, width="stretch")
with right:
    split = counties.melt(
        id_vars=["area"], value_vars=["insured_employee", "insured_resident"], var_name="scheme", value_name="persons"
    )
    split["scheme"] = split["scheme"].map({"insured_employee": t("employee"), "insured_resident": t("resident")})
    stacked = px.bar(
        split,
        x="persons",
        y="area",
        color="scheme",
        orientation="h",
        labels={"persons": t("insured_persons"), "area": "", "scheme": ""},
        title=pick("职工医保 / 居民医保参保人数", "Insured persons, employee / resident"),
    )
    st.plotly_chart(stacked, width="stretch")

shown = cov if f.area == f.city else cov[cov["admdvs"] == f.area]
line = px.line(
    shown,
    x="month_end",
    y="coverage_rate",
    color="area",
    labels={"month_end": pick("月份", "Month"), "coverage_rate": t("coverage_rate"), "area": ""},
    title=pick("参保率走势", "Coverage over time"),
)
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
        f"当前 {name(f.area)} 参保人数 {persons(shown['insured_persons'].iloc[-1] if not shown.empty else None)}",
        f"{name(f.area)} insured persons: {persons(shown['insured_persons'].iloc[-1] if not shown.empty else None, 'en')}",
    )
)
footnote()
