"""What every page starts with: the signed-in user, scoped data, the shared filters."""

from __future__ import annotations

import streamlit as st

from yibao import metrics

from data import Scoped, published
from filters import Filters, month_picker, sidebar
from i18n import init_lang, pick, t

# The parts of rpt_reimbursement_monthly that ratios() needs, summed over the rows a page groups together.
SUMS = (
    "sum(settlements) as settlements, sum(persons) as persons, sum(medfee_sumamt) as medfee, "
    "sum(inscp_scp_amt) as inscp, sum(insurance_fund_pay) as fund, sum(maf_pay) as aid"
)


def ratios(frame):
    """The ratios of summed rows (SUMS), by the one definition in yibao/metrics.py (as the report files use)."""
    frame = frame.copy()
    computed = [metrics.ratios(r.fund, r.aid, r.inscp, r.medfee, r.settlements) for r in frame.itertuples()]
    for column in ("policy_scope_ratio", "actual_ratio", "three_tier_ratio"):
        frame[column] = [float("nan") if c[column] is None else float(c[column]) for c in computed]
    frame["avg_cost"] = [
        float("nan") if c["avg_cost_per_settlement"] is None else float(c["avg_cost_per_settlement"]) for c in computed
    ]
    for col in ("medfee", "inscp", "fund", "aid"):
        frame[col] = frame[col].astype(float)
    return frame


def date_axis(fig, days: bool = False):
    """A chart's time axis in the page's language, in ticks and hover: 2024年3月 or 2024-03 (2024年3月5日 or
    2024-03-05 for days), never plotly's English "Mar 2024"."""
    fmt = pick("%Y年%-m月%-d日", "%Y-%m-%d") if days else pick("%Y年%-m月", "%Y-%m")
    return fig.update_xaxes(tickformat=fmt, hoverformat=fmt)


def _signed_in_user():
    init_lang()
    user = st.session_state.get("user")
    if user is None:  # only app.py runs pages, after its sign-in gate; never render a page without a user
        st.stop()
    return user


def _incomplete_warning(data: Scoped, month: str) -> None:
    as_of = data.frame(
        "marts.rpt_coverage_monthly", "strftime(month_end, '%Y-%m') = ?", (month,), columns="max(period_end) as d"
    )["d"]
    st.warning(
        t("incomplete_month").format(month=month, as_of=str(as_of.iloc[0])[:10] if len(as_of) else "—"), icon="⚠️"
    )


def _start(title_key: str) -> tuple[object, Scoped]:
    """Every page: the signed-in user, their scoped data and the page title; a note and a stop before any data."""
    user = _signed_in_user()
    data = Scoped(user.scope)
    st.title(t(title_key))
    if published() is None:
        st.info(t("no_data"))
        st.stop()
    return user, data


def page_setup(title_key: str) -> tuple[object, Scoped, Filters]:
    """A city or county user's page: their scoped data and the shared month / area / scheme filters."""
    user, data = _start(title_key)
    calendar = data.frame(
        "marts.rpt_coverage_monthly",
        columns="strftime(month_end, '%Y-%m') as m, bool_and(is_complete) as complete",
        group="m",
        order="m",
    )
    months = calendar["m"].tolist()
    complete = set(calendar.loc[calendar["complete"], "m"])
    f = sidebar(user, months, complete)
    if f.month and f.month not in complete:
        _incomplete_warning(data, f.month)
    return user, data, f


def province_setup(title_key: str) -> tuple[object, Scoped, list[str], str]:
    """A province user's page: every delivered city, and the month to compare them on (the latest complete one
    by default, kept in the URL). Returns the user, the data, the delivered cities and the month (YYYY-MM)."""
    from yibao import regions

    user, data = _start(title_key)
    cities = regions.cities()
    calendar = data.frame(
        "marts.rpt_coverage_monthly",
        f"admdvs in ({', '.join('?' for _ in cities)})",
        tuple(cities),
        columns="admdvs, strftime(month_end, '%Y-%m') as m, is_complete as complete",
        order="m",
    )
    delivered = sorted(set(calendar["admdvs"]))
    if not delivered:
        st.info(t("no_data"))
        st.stop()
    by_month = calendar.groupby("m")["complete"].all()
    months, complete = list(by_month.index), set(by_month[by_month].index)
    month = month_picker(months, complete)
    st.query_params.update({"month": month, "lang": st.session_state["lang"]})
    if month not in complete:
        _incomplete_warning(data, month)
    st.caption(pick(f"已报送的统筹区：{len(delivered)} 个市", f"Delivered pooling areas: {len(delivered)} cities"))
    return user, data, delivered, month


def footnote() -> None:
    st.caption(t("source_note"))
