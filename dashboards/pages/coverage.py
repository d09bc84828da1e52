"""参保 Coverage: coverage rate per county and over time, from marts.rpt_coverage_monthly."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from data import query, warehouse_ready
from labels import CITY, pct, persons, region_name

st.title("参保情况 · Coverage")

if not warehouse_ready():
    st.error("还没有数据仓库。请先运行 `yibao ingest` 和 `yibao build`。")
    st.stop()

cov = query("select * from marts.rpt_coverage_monthly order by month_end, admdvs")
if cov.empty:
    st.warning("参保月报为空：请检查是否已导入数据并完成构建。")
    st.stop()
cov["区县"] = cov["admdvs"].map(region_name)
months = sorted(cov["month_end"].unique())
month = st.select_slider("统计月份", options=months, value=months[-1],
                         format_func=lambda d: f"{d:%Y年%m月}")

now = cov[cov["month_end"] == month]
city = now[now["admdvs"] == CITY].iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric("全市参保率", pct(city["coverage_rate"]))
c2.metric("参保人数", persons(city["insured_persons"]))
c3.metric("职工医保", persons(city["insured_employee"]))
c4.metric("居民医保", persons(city["insured_resident"]))

counties = now[now["admdvs"] != CITY].sort_values("coverage_rate")
bar = px.bar(counties, x="coverage_rate", y="区县", orientation="h",
             labels={"coverage_rate": "参保率", "区县": ""}, text=counties["coverage_rate"].map(pct),
             title=f"{month:%Y年%m月} 各区县参保率")
bar.add_vline(x=0.95, line_dash="dash", line_color="#d62728", annotation_text="目标 95%")
bar.update_xaxes(tickformat=".0%", range=[0.85, 1.0])
st.plotly_chart(bar, use_container_width=True)

line = px.line(cov, x="month_end", y="coverage_rate", color="区县",
               labels={"month_end": "月份", "coverage_rate": "参保率", "区县": "区县"},
               title="参保率走势")
line.update_yaxes(tickformat=".1%")
st.plotly_chart(line, use_container_width=True)

table = now[["区县", "insured_persons", "insured_employee", "insured_resident", "registered_population",
             "coverage_rate"]].rename(columns={
    "insured_persons": "参保人数", "insured_employee": "职工医保", "insured_resident": "居民医保",
    "registered_population": "户籍人口", "coverage_rate": "参保率"})
st.dataframe(table, hide_index=True, use_container_width=True,
             column_config={"参保率": st.column_config.NumberColumn(format="percent")})
st.caption("数据来源：marts.rpt_coverage_monthly。人员、金额均为合成数据，仅供演示。")
