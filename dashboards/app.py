"""yibao dashboards (医保市级统筹数据看板): `yibao dashboard` serves this app."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

st.set_page_config(page_title="佳木斯市医保市级统筹看板", page_icon="🏥", layout="wide")

pages = [st.Page("pages/coverage.py", title="参保 Coverage", icon="👥", default=True)]
st.navigation(pages).run()
