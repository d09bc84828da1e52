"""What every page starts with: the signed-in user, scoped data, the shared filters."""
from __future__ import annotations

import streamlit as st

from data import Scoped, published
from filters import Filters, sidebar
from i18n import init_lang, t


def page_setup(title_key: str) -> tuple[object, Scoped, Filters]:
    init_lang()
    user = st.session_state["user"]
    data = Scoped(user.scope)
    st.title(t(title_key))
    if published() is None:
        st.info(t("no_data"))
        st.stop()
    months = data.frame("marts.rpt_coverage_monthly", columns="distinct strftime(month_end, '%Y-%m') as m",
                        order="m")["m"].tolist()
    return user, data, sidebar(user, months)


def footnote() -> None:
    st.caption(t("source_note"))
