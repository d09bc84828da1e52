"""省级调剂金 Provincial adjustment fund, for the province (省医保局), from rpt_province_adjustment: per year and
pooled fund, what each delivered city paid in (上解), its deficit, the part the fund bears (分担) - scaled pro rata
when the year's requests exceed the year's draws - and the share left to the city's own accumulated balance."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from common import footnote, province_setup
from i18n import lang, pick
from labels import FUND_NAMES, pct, region_name, yuan

user, data, cities, month = province_setup("adjustment")
name = lambda a: region_name(a, lang())  # noqa: E731
marks = ", ".join("?" for _ in cities)
rows = data.frame(
    "marts.rpt_province_adjustment", f"admdvs in ({marks})", tuple(cities), order="year, fund_type, admdvs"
)
if rows.empty:
    st.info(
        pick(
            "还没有调剂金数据：需要已报送城市的年度基金决算，以及 seeds/province_adjustment.csv 中该年度的计提与分担比例。",
            "No adjustment-fund rows yet: they need the cities' annual settlement and the year's rates in "
            "seeds/province_adjustment.csv.",
        )
    )
    st.stop()

illustrative = rows.loc[rows["basis"].fillna("").str.startswith("illustrative"), "basis"].unique().tolist()
if illustrative:  # the seed's rates are no province's own: say so before any figure
    st.warning(
        pick(
            "计提与分担比例为示意值，并非本省政策（"
            + "；".join(illustrative)
            + "）。请在 seeds/province_adjustment.csv 中改为本省比例。",
            "The draw and sharing rates are illustrative, not this province's policy ("
            + "; ".join(illustrative)
            + "). "
            "Set the province's own in seeds/province_adjustment.csv.",
        )
    )
years = sorted(rows["year"].unique().tolist())
default_year = int(month[:4]) if int(month[:4]) in years else years[-1]
left, right = st.columns(2)
year = left.selectbox(pick("年度", "Year"), years, index=years.index(default_year), key="adj_year")
funds = sorted(rows.loc[rows["year"] == year, "fund_type"].unique().tolist())
fund = right.radio(pick("基金", "Fund"), funds, horizontal=True, format_func=lambda x: pick(*FUND_NAMES.get(x, (x, x))))
year_rows = rows[(rows["year"] == year) & (rows["fund_type"] == fund)].copy()
status = data.frame(
    "marts.rpt_fund_annual_settlement",
    f"admdvs in ({marks}) and year = ? and fund_type = ?",
    (*cities, year, fund),
    columns="admdvs, status",
)
unsettled = status[~status["status"].isin(["provisional", "closed"])]
if not unsettled.empty:
    which = "、".join(f"{name(a)}（{s}）" for a, s in zip(unsettled["admdvs"], unsettled["status"]))
    st.warning(
        pick(
            f"{year} 年度未决算：{which}。收入与支出不是全年数，以下调剂金数字为测算，不是决算。",
            f"{year} is not settled for {which}: income and expenditure are not the whole year's, so these are "
            "estimates, not the year's settlement.",
        ),
        icon="⚠️",
    )

first = year_rows.iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric(pick("全省计提调剂金", "Drawn from all cities"), yuan(first["province_drawn"], lang()), border=True)
c2.metric(pick("全省分担需求", "Deficit shares requested"), yuan(first["province_requested"], lang()), border=True)
c3.metric(pick("计提比例", "Draw rate"), pct(first["draw_rate"]), border=True)
c4.metric(pick("分担比例", "Share of a deficit borne"), pct(first["deficit_share_rate"]), border=True)
if float(first["province_requested"]) > float(first["province_drawn"]):
    st.info(
        pick(
            "本年度分担需求超过计提总额：各市分担额按比例压缩。",
            "This year's requests exceed what was drawn: every city's share is scaled down pro rata.",
        )
    )

year_rows["city"] = year_rows["admdvs"].map(name)
for column in ("income", "expenditure", "amount_drawn", "deficit", "deficit_shared", "city_remaining_share"):
    year_rows[column] = year_rows[column].astype(float)
parts = year_rows.melt(
    id_vars=["city"], value_vars=["deficit_shared", "city_remaining_share"], var_name="part", value_name="yuan"
)
parts["part"] = parts["part"].map(
    {
        "deficit_shared": pick("调剂金分担", "Borne by the fund"),
        "city_remaining_share": pick("市级承担", "Left to the city"),
    }
)
chart = px.bar(
    parts,
    x="city",
    y="yuan",
    color="part",
    labels={"city": "", "yuan": pick("缺口（元）", "Deficit (yuan)"), "part": ""},
    title=pick(f"{year} 年各市基金缺口的分担", f"Who bears each city's deficit, {year}"),
)
st.plotly_chart(chart, width="stretch")

table = year_rows[
    [
        "city",
        "income",
        "expenditure",
        "amount_drawn",
        "deficit",
        "deficit_shared",
        "city_remaining_share",
        "balance_covers_remaining",
    ]
].copy()
for column in ("income", "expenditure", "amount_drawn", "deficit", "deficit_shared", "city_remaining_share"):
    table[column] = table[column].map(lambda x: yuan(x, lang()))
table["balance_covers_remaining"] = table["balance_covers_remaining"].map(
    lambda ok: pick("是", "yes") if ok else pick("否：需地方政府补足", "no: the local government must make it good")
)
st.dataframe(
    table.rename(
        columns={
            "city": pick("统筹区", "City"),
            "income": pick("当年基金收入", "Income"),
            "expenditure": pick("当年基金支出", "Expenditure"),
            "amount_drawn": pick("上解调剂金", "Paid in"),
            "deficit": pick("基金缺口", "Deficit"),
            "deficit_shared": pick("调剂金分担", "Borne by the fund"),
            "city_remaining_share": pick("市级累计结余承担", "Left to the city's balance"),
            "balance_covers_remaining": pick("累计结余是否足以承担", "Balance covers it"),
        }
    ),
    hide_index=True,
    width="stretch",
)
footnote()
