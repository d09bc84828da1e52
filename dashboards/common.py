"""What every page starts with: the signed-in user, scoped data, the shared filters."""

from __future__ import annotations

import streamlit as st

from data import Scoped, published
from filters import Filters, sidebar
from i18n import init_lang, t


def page_setup(title_key: str) -> tuple[object, Scoped, Filters]:
    init_lang()
    user = st.session_state.get("user")
    if user is None:  # only app.py runs pages, after its sign-in gate; never render a page without a user
        st.stop()
    data = Scoped(user.scope)
    st.title(t(title_key))
    if published() is None:
        st.info(t("no_data"))
        st.stop()
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
        as_of = data.frame(
            "marts.rpt_coverage_monthly", "strftime(month_end, '%Y-%m') = ?", (f.month,), columns="max(period_end) as d"
        )["d"]
        st.warning(
            t("incomplete_month").format(month=f.month, as_of=str(as_of.iloc[0])[:10] if len(as_of) else "—"), icon="⚠️"
        )
    return user, data, f


def footnote() -> None:
    st.caption(t("source_note"))
