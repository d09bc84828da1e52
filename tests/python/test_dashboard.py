"""The coverage page renders from the marts, with no exception, and shows the mart's figures."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from conftest import duck

APP = str(Path(__file__).parents[2] / "dashboards" / "app.py")


def test_coverage_page_shows_the_mart(in_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    con = duck(in_env)
    try:
        rate, persons = con.execute("""
            select coverage_rate, insured_persons from marts.rpt_coverage_monthly
            where admdvs = '230800' order by month_end desc limit 1""").fetchone()
    finally:
        con.close()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["全市参保率"] == f"{rate * 100:.1f}%"
    assert metrics["参保人数"] == f"{persons:,} 人"
    assert len(at.get("plotly_chart")) == 2
