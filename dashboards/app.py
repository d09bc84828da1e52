"""yibao dashboards (医保市级统筹数据看板), served by `yibao dashboard`.

Sign-in first; then seven pages sharing the month / area / scheme filters of the sidebar.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from auth import User, authenticate  # noqa: E402
from i18n import init_lang, t  # noqa: E402

st.set_page_config(page_title="佳木斯市医保市级统筹看板", page_icon=":material/local_hospital:", layout="wide")

init_lang()


def login() -> None:
    st.title(t("app_title"))
    with st.form("login"):
        username = st.text_input(t("username"))
        password = st.text_input(t("password"), type="password")
        if st.form_submit_button(t("login")):
            user = authenticate(username.strip(), password)
            if user is None:
                st.error(t("login_failed"))
            else:
                st.session_state["user"] = user
                st.rerun()


user: User | None = st.session_state.get("user")
if user is None:
    login()
    st.stop()

with st.sidebar:
    st.markdown(f"**{user.name}** · `{user.role}`")
    choice = st.radio(t("language"), ["中文", "English"], index=1 if st.session_state["lang"] == "en" else 0,
                      horizontal=True, key="lang_choice")
    if (choice == "English") != (st.session_state["lang"] == "en"):
        st.session_state["lang"] = "en" if choice == "English" else "zh"
        st.rerun()
    if st.button(t("logout")):
        del st.session_state["user"]
        st.rerun()

pages = [
    st.Page("pages/overview.py", title=t("overview"), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/coverage.py", title=t("coverage"), icon=":material/groups:", url_path="coverage"),
    st.Page("pages/fund.py", title=t("fund"), icon=":material/savings:", url_path="fund"),
    st.Page("pages/reimbursement.py", title=t("reimbursement"), icon=":material/local_hospital:", url_path="reimbursement"),
    st.Page("pages/audit.py", title=t("audit"), icon=":material/rule:", url_path="audit"),
    st.Page("pages/quality.py", title=t("quality"), icon=":material/fact_check:", url_path="quality"),
    st.Page("pages/pipeline.py", title=t("pipeline"), icon=":material/settings:", url_path="pipeline"),
]
st.navigation(pages).run()
