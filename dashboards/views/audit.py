"""待遇核查 Benefit audit: per county, the share of inpatient settlements paid off the unified policy and the yuan
overpaid, its trend, and the institutions with the largest overpayment (DESIGN §5, rpt_benefit_audit_*)."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from common import date_axis, footnote, page_setup
from i18n import lang, pick
from labels import pct, region_name, yuan

user, data, f = page_setup("audit")
name = lambda a: region_name(a, lang())  # noqa: E731
schemes = ("310", "390") if f.scheme == "all" else (f.scheme,)
marks = ", ".join("?" for _ in schemes)
SUMS = (
    "sum(settlements_audited) as audited, sum(settlements_not_audited) as not_audited, "
    "sum(settlements_mismatched) as mismatched, "
    "sum(mismatched_deductible) as deductible, sum(mismatched_ratio) as ratio, sum(mismatched_cap) as cap, "
    "sum(mismatched_critical_illness) as critical, "
    "sum(overpaid_amt) as overpaid, sum(underpaid_amt) as underpaid"
)

month = data.frame(
    "marts.rpt_benefit_audit_monthly",
    f"strftime(month_end, '%Y-%m') = ? and insutype in ({marks})",
    (f.month, *schemes),
    columns=f"admdvs, {SUMS}",
    group="admdvs",
    order="admdvs",
)
area = month[month["admdvs"] == f.area]
c1, c2, c3, c4 = st.columns(4)
if not area.empty:
    row = area.iloc[0]
    rate = row["mismatched"] / row["audited"] if row["audited"] else None
    c1.metric(pick("核查住院结算", "Inpatient settlements audited"), f"{int(row['audited']):,}", border=True)
    c2.metric(
        pick("不符合统一政策", "Paid off the policy"),
        f"{int(row['mismatched']):,}",
        border=True,
        help=pick(
            "统筹基金或大病保险支付与按统一政策重算相差超过1元",
            "pooled-fund or 大病 payment more than 1 yuan from the recomputation",
        ),
    )
    c3.metric(pick("不符率", "Mismatch rate"), pct(rate), border=True)
    c4.metric(
        pick("多付金额", "Overpaid"),
        yuan(row["overpaid"], lang()),
        border=True,
        help=pick(f"少付 {yuan(row['underpaid'])}", f"underpaid {yuan(row['underpaid'], 'en')}"),
    )
    st.caption(
        pick(
            f"不符环节：起付线 {int(row['deductible'])} 笔，支付比例 {int(row['ratio'])} 笔，封顶线 {int(row['cap'])} 笔，"
            f"大病保险 {int(row['critical'])} 笔",
            f"Parts that differ: deductible {int(row['deductible'])}, ratio {int(row['ratio'])}, cap {int(row['cap'])}, "
            f"critical illness {int(row['critical'])}",
        )
    )
    if row["not_audited"]:
        st.warning(
            pick(
                f"未核查 {int(row['not_audited']):,} 笔：待遇政策种子表没有对应的待遇档次（如本统筹区未设异地就医档次），"
                "这些结算只列出、不判断。",
                f"{int(row['not_audited']):,} settlements not audited: the benefit seed has no band for them (e.g. "
                "out-of-area care where the pool has no out-of-area band); they are listed, not judged.",
            )
        )

counties = month[month["admdvs"] != f.city].copy()
if not counties.empty:
    counties["area"] = counties["admdvs"].map(name)
    counties["mismatch_rate"] = counties["mismatched"] / counties["audited"].where(counties["audited"] != 0)
    counties["overpaid"] = counties["overpaid"].astype(float)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            px.bar(
                counties,
                x="area",
                y="mismatch_rate",
                labels={"area": "", "mismatch_rate": pick("不符率", "Mismatch rate")},
                title=pick(f"{f.month} 各区县待遇不符率", f"Mismatch rate by county, {f.month}"),
            ).update_yaxes(tickformat=".1%"),
            width="stretch",
        )
    with right:
        st.plotly_chart(
            px.bar(
                counties,
                x="area",
                y="overpaid",
                labels={"area": "", "overpaid": pick("多付金额（元）", "Overpaid (yuan)")},
                title=pick(f"{f.month} 各区县多付金额", f"Overpaid by county, {f.month}"),
            ),
            width="stretch",
        )

trend = data.frame(
    "marts.rpt_benefit_audit_monthly",
    f"admdvs = ? and insutype in ({marks}) and month_end <= ?",
    (f.area, *schemes, f.month_end),
    columns=f"month_end, {SUMS}",
    group="month_end",
    order="month_end",
)
if not trend.empty:
    trend["overpaid"] = trend["overpaid"].astype(float)
    trend["underpaid"] = trend["underpaid"].astype(float)
    long = trend.melt(id_vars=["month_end"], value_vars=["overpaid", "underpaid"], var_name="kind", value_name="yuan")
    long["kind"] = long["kind"].map({"overpaid": pick("多付", "Overpaid"), "underpaid": pick("少付", "Underpaid")})
    st.plotly_chart(
        date_axis(
            px.line(
                long,
                x="month_end",
                y="yuan",
                color="kind",
                markers=True,
                labels={"month_end": pick("月份", "Month"), "yuan": pick("金额（元）", "Yuan"), "kind": ""},
                title=pick(f"{name(f.area)} 多付与少付趋势", f"{name(f.area)}: overpaid and underpaid by month"),
            )
        ),
        width="stretch",
    )

where = "strftime(month_end, '%Y') = ?" + ("" if f.area == f.city else " and admdvs = ?")
params = (f.month[:4],) if f.area == f.city else (f.month[:4], f.area)
top = data.frame(
    "marts.rpt_benefit_audit_institution",
    where,
    params,
    columns="admdvs, fixmedins_code, max(fixmedins_name) as fixmedins_name, sum(settlements_mismatched) as n, "
    "sum(overpaid_amt) as overpaid, sum(underpaid_amt) as underpaid",
    group="admdvs, fixmedins_code",
    order="overpaid desc, fixmedins_code",
)
st.subheader(
    pick(f"{f.month[:4]} 年多付金额最多的定点医疗机构", f"Institutions with the largest overpayment, {f.month[:4]}")
)
if top.empty:
    st.info(pick("本年度没有发现待遇不符的结算。", "No settlement paid off the policy this year."))
else:
    top["admdvs"] = top["admdvs"].map(name)
    st.dataframe(
        top.head(15).rename(
            columns={
                "admdvs": pick("参保区县", "County"),
                "fixmedins_code": pick("机构编号", "Code"),
                "fixmedins_name": pick("机构名称", "Institution"),
                "n": pick("不符笔数", "Mismatches"),
                "overpaid": pick("多付金额（元）", "Overpaid (yuan)"),
                "underpaid": pick("少付金额（元）", "Underpaid (yuan)"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
st.caption(
    pick(
        "按全市统一政策（起付线、支付比例、退休人员提高比例、年度最高支付限额）重算每笔原始住院结算的统筹基金支付；"
        "年度限额按同一人同一险种当年已支付金额累计，退费释放相应额度。整改清单列出每笔不符结算。",
        "Every original inpatient settlement's pooled-fund payment is recomputed under the city's one policy "
        "(deductible, ratio, retiree uplift, annual cap); the cap accumulates over the person's year in the scheme, "
        "and a reversal frees its share. The county correction lists name each settlement that differs.",
    )
)
footnote()
