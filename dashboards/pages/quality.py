"""数据质量 Data quality: exceptions by rule and county and their trend, a drill-down to masked rows,
the county correction list to download, and the Great Expectations Data Docs."""
from __future__ import annotations

import io

import plotly.express as px
import streamlit as st

from common import footnote, page_setup
from i18n import lang, pick
from labels import CITY, region_name
from yibao.paths import data_dir
from yibao.validate import data_docs_index

user, data, f = page_setup("quality")
name = lambda a: region_name(a, lang())  # noqa: E731
rule_col = "rule_name_en" if lang() == "en" else "rule_name_zh"

exceptions = data.frame("dq.dq_exceptions", "admdvs = ? or ? = '230800'", (f.area, f.area), order="rule_id, entity_key")
st.metric(pick("待整改问题", "Open exceptions"), f"{len(exceptions):,}", border=True)
if exceptions.empty:
    st.success(pick("当前没有数据质量问题。", "No open data-quality exceptions."))
else:
    exceptions["area"] = exceptions["admdvs"].map(name)
    counts = exceptions.groupby([rule_col, "area"]).size().reset_index(name="n")
    heat = px.bar(counts, x="n", y=rule_col, color="area", orientation="h",
                  labels={"n": pick("问题数", "Exceptions"), rule_col: "", "area": ""},
                  title=pick("按规则和区县", "By rule and county"))
    st.plotly_chart(heat, width="stretch")

summary = data.frame("dq.dq_summary", "admdvs = ? or ? = '230800'", (f.area, f.area),
                     columns="day, rule_id, sum(exceptions) as n", group="day, rule_id", order="day")
if len(summary["day"].unique()) > 0:
    trend = px.line(summary, x="day", y="n", color="rule_id", markers=True,
                    labels={"day": pick("数据日期", "Data date"), "n": pick("问题数", "Exceptions"), "rule_id": ""},
                    title=pick("问题数走势", "Exceptions over time"))
    st.plotly_chart(trend, width="stretch")

if not exceptions.empty:
    st.subheader(pick("明细（证件号码已脱敏）", "Details (ID numbers masked)"))
    rules = sorted(exceptions[rule_col].unique())
    chosen = st.selectbox(pick("规则", "Rule"), rules)
    rows = exceptions[exceptions[rule_col] == chosen][["area", "entity_key", "detail", "certno_masked", "first_seen"]]
    st.dataframe(rows.rename(columns={"area": pick("区县", "County"), "entity_key": pick("问题对象", "Entity"),
                                      "detail": pick("问题说明", "Detail"), "certno_masked": pick("证件号码（脱敏）", "ID (masked)"),
                                      "first_seen": pick("首次发现", "First seen")}),
                 hide_index=True, width="stretch")

if f.area != CITY:
    import datetime as dt

    from yibao.export_dq import EXCEPTION_COLUMNS, RULE_COLUMNS, county_workbook

    rules = data.unscoped(f"select {RULE_COLUMNS} from dq.dq_rules order by rule_id")
    mine = data.frame("dq.dq_exceptions", "admdvs = ?", (f.area,), columns=EXCEPTION_COLUMNS, order="rule_id, entity_key")
    buffer = io.BytesIO()
    county_workbook(f.area, name(f.area), f.month_end, dt.datetime.now().replace(microsecond=0),
                    list(rules.itertuples(index=False)), list(mine.itertuples(index=False))).save(buffer)
    st.download_button(pick("下载本区县整改清单（xlsx）", "Download the county correction list (xlsx)"), buffer.getvalue(),
                       file_name=f"{f.area}_整改清单.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
else:
    st.caption(pick("选择一个区县即可下载其整改清单；`yibao export --dq` 一次生成全部区县。",
                    "Pick a county to download its correction list; `yibao export --dq` writes them all."))

docs = data_docs_index(data_dir())
if user.is_city and docs.exists():
    st.markdown(pick(f"Great Expectations 数据文档：[{docs}](file://{docs})",
                     f"Great Expectations Data Docs: [{docs}](file://{docs})"))
footnote()
