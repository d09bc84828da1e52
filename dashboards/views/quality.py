"""数据质量 Data quality: exceptions by rule and county and their trend, a drill-down to masked rows,
the county correction list to download, the landing validation results, and the Great Expectations Data
Docs as a download (a link to a server path would not open in a browser)."""

from __future__ import annotations

import io

import plotly.express as px
import streamlit as st

from yibao.paths import data_dir
from yibao.validate import data_docs_index

from common import date_axis, footnote, page_setup
from i18n import lang, pick
from labels import region_name


def zipped(site) -> bytes:
    """The Data Docs site as a zip, made when the button is pressed."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(site))
    return buffer.getvalue()


user, data, f = page_setup("quality")
name = lambda a: region_name(a, lang())  # noqa: E731
rule_col = "rule_name_en" if lang() == "en" else "rule_name_zh"

exceptions = data.frame(
    "dq.dq_exceptions", "admdvs = ? or ? = ?", (f.area, f.area, f.city), order="rule_id, entity_key"
)
st.metric(pick("待整改问题", "Open exceptions"), f"{len(exceptions):,}", border=True)
if exceptions.empty:
    st.success(pick("当前没有数据质量问题。", "No open data-quality exceptions."))
else:
    exceptions["area"] = exceptions["admdvs"].map(name)
    counts = exceptions.groupby([rule_col, "area"]).size().reset_index(name="n")
    heat = px.bar(
        counts,
        x="n",
        y=rule_col,
        color="area",
        orientation="h",
        labels={"n": pick("问题数", "Exceptions"), rule_col: "", "area": ""},
        title=pick("按规则和区县", "By rule and county"),
    )
    st.plotly_chart(heat, width="stretch")

summary = data.frame(
    "dq.dq_summary",
    "admdvs = ? or ? = ?",
    (f.area, f.area, f.city),
    columns="day, rule_id, sum(exceptions) as n",
    group="day, rule_id",
    order="day",
)
if len(summary["day"].unique()) > 0:
    trend = px.line(
        summary,
        x="day",
        y="n",
        color="rule_id",
        markers=True,
        labels={"day": pick("数据日期", "Data date"), "n": pick("问题数", "Exceptions"), "rule_id": ""},
        title=pick("问题数走势", "Exceptions over time"),
    )
    st.plotly_chart(date_axis(trend, days=True), width="stretch")

if not exceptions.empty:
    st.subheader(pick("明细（证件号码已脱敏）", "Details (ID numbers masked)"))
    rules = sorted(exceptions[rule_col].unique())
    chosen = st.selectbox(pick("规则", "Rule"), rules)
    rows = exceptions[exceptions[rule_col] == chosen][["area", "entity_key", "detail", "certno_masked", "first_seen"]]
    st.dataframe(
        rows.rename(
            columns={
                "area": pick("区县", "County"),
                "entity_key": pick("问题对象", "Entity"),
                "detail": pick("问题说明", "Detail"),
                "certno_masked": pick("证件号码（脱敏）", "ID (masked)"),
                "first_seen": pick("首次发现", "First seen"),
            }
        ),
        hide_index=True,
        width="stretch",
    )

if f.area != f.city:
    import datetime as dt

    from yibao.export_dq import EXCEPTION_COLUMNS, RULE_COLUMNS, county_workbook

    rules = data.unscoped(f"select {RULE_COLUMNS} from dq.dq_rules order by rule_id")
    mine = data.frame(
        "dq.dq_exceptions", "admdvs = ?", (f.area,), columns=EXCEPTION_COLUMNS, order="rule_id, entity_key"
    )
    buffer = io.BytesIO()
    county_workbook(
        f.area,
        name(f.area),
        f.month_end,
        dt.datetime.now().replace(microsecond=0),
        list(rules.itertuples(index=False)),
        list(mine.itertuples(index=False)),
    ).save(buffer)
    st.download_button(
        pick("下载本区县整改清单（xlsx）", "Download the county correction list (xlsx)"),
        buffer.getvalue(),
        file_name=f"{f.area}_整改清单.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
else:
    st.caption(
        pick(
            "选择一个区县即可下载其整改清单；`yibao export --dq` 一次生成全部区县。",
            "Pick a county to download its correction list; `yibao export --dq` writes them all.",
        )
    )

if user.is_city:
    st.subheader(pick("入库校验（Great Expectations）", "Landing validation (Great Expectations)"))
    gx = data.unscoped(
        "select delivery_date, file, success, evaluated_expectations, failed_quarantine, failed_warn, "
        "rows_validated from ops.gx_results order by validated_at desc, file limit 50"
    )
    st.dataframe(
        gx.rename(
            columns={
                "delivery_date": pick("交付日期", "Delivery"),
                "file": pick("文件", "File"),
                "success": pick("全部通过", "All passed"),
                "evaluated_expectations": pick("校验项", "Expectations"),
                "failed_quarantine": pick("未通过（隔离）", "Failed (quarantine)"),
                "failed_warn": pick("未通过（警告）", "Failed (warn)"),
                "rows_validated": pick("校验行数", "Rows validated"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    docs = data_docs_index(data_dir())
    if docs.exists():  # a server path means nothing to a browser: the site itself, as a zip to open anywhere
        st.download_button(
            pick(
                "下载 Great Expectations 数据文档（zip，解压后打开 index.html）",
                "Download the Great Expectations Data Docs (zip; unzip and open index.html)",
            ),
            lambda: zipped(docs.parent),
            file_name="gx_data_docs.zip",
            mime="application/zip",
            on_click="ignore",
        )
footnote()
