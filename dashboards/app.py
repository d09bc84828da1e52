"""yibao dashboards (医保市级统筹数据看板), served by `yibao dashboard`.

Every request enters here: the pages live in views/, not pages/, so Streamlit registers no page that
could be opened without this file. A visitor who is not signed in sees only the sign-in form, whatever
page the link named; after sign-in that page opens with the filters of its link. A sign-in survives a
reload through a signed, expiring session cookie (auth.py), and signing out ends the session.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from auth import COOKIE, User, end_token, load_users, session_token, sign_in, token_user, users_file  # noqa: E402
from i18n import init_lang, lang, t  # noqa: E402
from labels import region_name  # noqa: E402
from signin import SESSION_SECONDS  # noqa: E402


def favicon():
    """A white cross on blue, drawn here: a :material: or emoji icon would be fetched from a CDN by the browser."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGB", (32, 32), "#1f77b4")
    ImageDraw.Draw(icon).polygon(
        [
            (12, 4),
            (20, 4),
            (20, 12),
            (28, 12),
            (28, 20),
            (20, 20),
            (20, 28),
            (12, 28),
            (12, 20),
            (4, 20),
            (4, 12),
            (12, 12),
        ],
        fill="white",
    )
    return icon


st.set_page_config(page_title="医保市级统筹看板", page_icon=favicon(), layout="wide")

init_lang()


def cookie(value: str, max_age: int) -> None:
    """Set (or, with max_age 0, clear) the session cookie in the browser."""
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


def login() -> None:
    """The sign-in form. A good sign-in reruns the script, now signed in, on the page and filters of the URL."""
    if st.session_state.pop("clear_cookie", False):
        cookie("", 0)
    box = st.empty()
    with box.container():
        st.title(t("app_title"))
        if not load_users():
            st.error(t("no_users").format(path=users_file()))
            st.stop()
        with st.form("login"):
            username = st.text_input(t("username"))
            password = st.text_input(t("password"), type="password")
            submitted = st.form_submit_button(t("login"))
        if submitted:
            address = st.context.ip_address
            result = sign_in(username.strip(), password, address if isinstance(address, str) and address else "unknown")
            if result.user is not None:
                box.empty()
                st.session_state["user"] = result.user
                st.session_state["token"] = st.session_state["set_cookie"] = session_token(result.user)
                st.rerun()
            if result.refusal == "locked":
                st.error(t("login_locked").format(minutes=math.ceil(result.wait_seconds / 60)))
            elif result.refusal == "throttled":
                st.warning(t("login_throttled").format(seconds=result.wait_seconds))
            else:
                st.error(t("login_failed"))
    st.stop()


CITY_PAGES = [
    st.Page("views/overview.py", title=t("overview"), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("views/coverage.py", title=t("coverage"), icon=":material/groups:", url_path="coverage"),
    st.Page("views/fund.py", title=t("fund"), icon=":material/savings:", url_path="fund"),
    st.Page(
        "views/reimbursement.py", title=t("reimbursement"), icon=":material/local_hospital:", url_path="reimbursement"
    ),
    st.Page("views/audit.py", title=t("audit"), icon=":material/rule:", url_path="audit"),
    st.Page("views/quality.py", title=t("quality"), icon=":material/fact_check:", url_path="quality"),
    st.Page("views/pipeline.py", title=t("pipeline"), icon=":material/settings:", url_path="pipeline"),
]
PROVINCE_PAGES = [
    st.Page("views/cities.py", title=t("cities"), icon=":material/compare:", url_path="cities", default=True),
    st.Page("views/adjustment.py", title=t("adjustment"), icon=":material/account_balance:", url_path="adjustment"),
]

user: User | None = st.session_state.get("user")
if user is None:  # a reload or a new tab: the session cookie, if it still holds
    token = st.context.cookies.get(COOKIE)
    user = token_user(token)
    if user is not None:
        st.session_state["user"], st.session_state["token"] = user, token
# The page the URL names is chosen before sign-in, so a deep link opens that page once signed in.
# A province user (省医保局) compares the delivered cities; city and county users see their own city's pages.
pages = PROVINCE_PAGES if user is not None and user.is_province else CITY_PAGES
page = st.navigation(pages, position="sidebar" if user else "hidden")
if user is None:
    login()
    st.stop()

with st.sidebar:
    if "set_cookie" in st.session_state:
        cookie(st.session_state.pop("set_cookie"), SESSION_SECONDS)
    st.markdown(f"**{user.name}** · `{user.role}`")
    st.caption(t("province_scope") if user.is_province else region_name(user.scope[0], lang()))  # city or county
    choice = st.radio(
        t("language"),
        ["中文", "English"],
        index=1 if st.session_state["lang"] == "en" else 0,
        horizontal=True,
        key="lang_choice",
    )
    if (choice == "English") != (st.session_state["lang"] == "en"):
        st.session_state["lang"] = "en" if choice == "English" else "zh"
        st.rerun()
    if st.button(t("logout")):
        end_token(st.session_state.pop("token", None))
        del st.session_state["user"]
        st.session_state["clear_cookie"] = True
        st.rerun()

page.run()
