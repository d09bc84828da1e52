"""Every dashboard page runs for a city user and a county user: no exception, KPI figures equal the
marts, and a county user's pages show nothing of another county."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from conftest import duck

DASHBOARDS = Path(__file__).parents[2] / "dashboards"
sys.path.insert(0, str(DASHBOARDS))

from yibao.regions import regions  # noqa: E402

from auth import User, authenticate, verify_password  # noqa: E402

PAGES = ("overview", "coverage", "fund", "reimbursement", "audit", "quality", "pipeline")
CITY_USER = User("leader", "市医保局领导", "city:230800")
COUNTY_USER = User("huanan", "桦南县医保局", "county:230822")


def run_page(page: str, user: User) -> AppTest:
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120)
    at.session_state["user"] = user
    at.switch_page(f"views/{page}.py")
    return at.run()


def page_text(at: AppTest) -> str:
    """Everything a page shows: text, metrics, tables and the data inside its charts."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart")]
    parts += [str(opt) for box in at.selectbox for opt in box.options]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("user", [CITY_USER, COUNTY_USER], ids=["city", "county"])
def test_every_page_renders(in_env, page, user):
    at = run_page(page, user)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and not at.error


@pytest.mark.parametrize("page", PAGES[:6])  # the pipeline page shows county users nothing
def test_county_user_sees_only_their_county(in_env, page):
    text = page_text(run_page(page, COUNTY_USER))
    assert "桦南县" in text or "230822" in text or page == "quality"
    others = [(code, r.name_zh) for code, r in regions().items() if code != "230822"]
    leaks = [zh for code, zh in others if zh in text] + [code for code, _ in others if code in text]
    assert not leaks, f"{page} shows other areas: {leaks}"


def test_overview_kpis_equal_the_marts(in_env):
    at = run_page("overview", CITY_USER)
    metrics = {m.label: m.value for m in at.metric}
    con = duck(in_env)
    try:
        # DESIGN §4 Periods: the overview opens on the latest complete month, not on the month still running
        month = con.execute("select max(month_end) from marts.rpt_coverage_monthly where is_complete").fetchone()[0]
        assert month < con.execute("select max(month_end) from marts.rpt_coverage_monthly").fetchone()[0]
        rate, insured = con.execute(
            "select coverage_rate_hsreg, insured_persons from marts.rpt_coverage_monthly "
            "where admdvs = '230800' and month_end = ?",
            [month],
        ).fetchone()
        ratios = dict(
            con.execute(
                """
            select insutype, sum(insurance_fund_pay) / sum(inscp_scp_amt) from marts.rpt_reimbursement_monthly
            where admdvs = '230800' and med_group = 'inpatient' and insutype in ('310', '390') and month_end = ?
            group by insutype""",
                [month],
            ).fetchall()
        )
        months = dict(
            con.execute(
                """
            select fund_type, months_payable from marts.rpt_fund_balance_monthly
            where admdvs = '230800' and fund_type in ('310100', '390100') and month_end = ?""",
                [month],
            ).fetchall()
        )
        exceptions = con.execute("select count(*) from dq.dq_exceptions").fetchone()[0]
    finally:
        con.close()
    assert at.subheader[0].value.endswith(f"{month:%Y-%m}")
    assert not at.warning  # a complete month carries no incomplete-month mark
    assert metrics["户籍参保率"] == f"{rate * 100:.1f}%"
    assert metrics["参保人数"] == (f"{insured / 10000:.2f} 万人" if insured >= 10000 else f"{insured:,} 人")
    shown = lambda r: "—" if r is None or r != r else f"{float(r) * 100:.1f}%"  # noqa: E731  (NaN: no admissions)
    assert metrics["职工住院政策范围内支付比例"] == shown(ratios.get("310"))
    assert metrics["居民住院政策范围内支付比例"] == shown(ratios.get("390"))
    assert metrics["职工统筹基金可支付月数"] == f"{months['310100']:.1f}"
    assert metrics["居民基金可支付月数"] == f"{months['390100']:.1f}"
    assert metrics["待整改数据问题"] == f"{exceptions:,}"


def test_an_incomplete_month_is_shown_only_with_its_mark(in_env):
    """The month still running can be chosen, but the page says it is incomplete, and months of payment are not
    computed for it."""
    con = duck(in_env)
    try:
        running = con.execute("select max(month_end) from marts.rpt_coverage_monthly where not is_complete").fetchone()[
            0
        ]
    finally:
        con.close()
    assert running is not None
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120)
    at.session_state["user"] = CITY_USER
    at.query_params.update({"month": f"{running:%Y-%m}"})
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert at.warning and "尚未结束" in at.warning[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["职工统筹基金可支付月数"] == "—"
    month_box = at.sidebar.selectbox[0]
    assert f"{running:%Y-%m}（未完结）" in month_box.options
    assert sum(option.endswith("（未完结）") for option in month_box.options) == 1


def test_filters_live_in_the_url_and_english_works(in_env):
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120)
    at.session_state["user"] = CITY_USER
    at.query_params.update({"area": "230882", "lang": "en"})
    at.switch_page("views/coverage.py").run()
    assert not at.exception
    assert at.query_params["area"] == ["230882"] or at.query_params["area"] == "230882"
    assert at.title[0].value == "Coverage"


DEMO_USERS = str(DASHBOARDS / "demo_users.toml")


def test_login_with_the_demo_users(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_USERS", DEMO_USERS)
    monkeypatch.setenv("YIBAO_DATA", str(tmp_path))
    assert authenticate("leader", "leader2025").role == "city:230800"
    assert authenticate("huanan", "huanan2025").scope == ("230822",)
    assert authenticate("huanan", "wrong") is None
    assert authenticate("nobody", "x") is None
    assert not verify_password("x", "plain-text")
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=60).run()
    at.text_input[0].input("leader")
    at.text_input[1].input("leader2025")
    at.button[0].click().run()
    assert "user" in at.session_state and at.session_state["user"].role == "city:230800"


def test_the_app_signs_in_and_opens_the_overview(in_env, monkeypatch):
    monkeypatch.setenv("YIBAO_USERS", DEMO_USERS)
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120).run()
    at.text_input[0].input("huanan")
    at.text_input[1].input("huanan2025")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "总览" and len(at.metric) >= 6


def test_pages_keep_serving_while_a_build_holds_the_warehouse(in_env):
    """A build or nightly run holds the warehouse file for writing; the dashboard reads the published copy."""
    import subprocess
    import time

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "  # read-write: holds the file lock
                "print('locked', flush=True); time.sleep(60)"
            ),
            str(in_env / "warehouse" / "yibao.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        import duckdb

        with pytest.raises(duckdb.IOException):  # the warehouse itself is locked by the writer
            duckdb.connect(str(in_env / "warehouse" / "yibao.duckdb"), read_only=True)
        start = time.perf_counter()
        for page in ("overview", "fund", "quality"):
            at = run_page(page, CITY_USER)
            assert not at.exception and not at.error, page
            assert at.metric or at.get("plotly_chart"), page
        assert time.perf_counter() - start < 60
    finally:
        holder.kill()
        holder.wait()


def test_overview_shows_a_dash_not_nan_for_a_month_without_employee_inpatient_settlements(in_env):
    """Issue 15, item 10: the caption read 目标 80%，差 +nan 个百分点 for a county with no such settlements."""
    con = duck(in_env)
    try:
        area, month = con.execute("""
            with months as (select distinct month_end from marts.rpt_coverage_monthly where is_complete),
            counties as (select distinct admdvs from marts.rpt_coverage_monthly where admdvs <> '230800')
            select c.admdvs, m.month_end
            from months m cross join counties c
            left join marts.rpt_reimbursement_monthly r on r.admdvs = c.admdvs and r.month_end = m.month_end
                and r.med_group = 'inpatient' and r.insutype = '310'
            group by all having coalesce(sum(r.inscp_scp_amt), 0) = 0
            order by m.month_end desc, c.admdvs limit 1""").fetchone()
    finally:
        con.close()
    at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120)
    at.session_state["user"] = CITY_USER
    at.query_params.update({"area": area, "month": f"{month:%Y-%m}"})
    at.switch_page("views/overview.py").run()
    assert not at.exception
    text = page_text(at)
    assert "nan" not in text.lower()
    assert "目标 80%，差 — 个百分点" in text
    assert {m.label: m.value for m in at.metric}["职工住院政策范围内支付比例"] == "—"


def test_the_quality_page_offers_data_docs_a_browser_can_open(in_env):
    at = run_page("quality", CITY_USER)
    assert not at.exception
    assert "file://" not in page_text(at)
    buttons = [b.label for b in at.get("download_button")]
    assert any("Great Expectations" in label for label in buttons), buttons
    assert any(len(df.value) for df in at.dataframe)  # the landing validation results


def test_a_target_changed_in_the_seed_shows_on_the_pages(in_env, tmp_path, monkeypatch):
    """Targets live in seeds/indicator_target.csv only (issue 16): change one there and the pages follow."""
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(DASHBOARDS.parent / "seeds", seeds)
    text = (seeds / "indicator_target.csv").read_text(encoding="utf-8")
    assert "inpatient_policy_ratio_310,0.80," in text and "coverage_rate_hsreg,0.95," in text
    changed = text.replace("inpatient_policy_ratio_310,0.80,", "inpatient_policy_ratio_310,0.83,")
    (seeds / "indicator_target.csv").write_text(
        changed.replace("coverage_rate_hsreg,0.95,", "coverage_rate_hsreg,0.97,"), encoding="utf-8"
    )
    monkeypatch.setenv("YIBAO_SEEDS", str(seeds))
    overview = page_text(run_page("overview", CITY_USER))
    assert "目标 83%" in overview and "目标 80%" not in overview
    assert "职工目标 83%" in page_text(run_page("reimbursement", CITY_USER))
    assert "目标 97%" in page_text(run_page("coverage", CITY_USER))


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(values) -> list[float]:
    """A trace's numbers: plotly 6 sends numeric arrays base64-encoded ({"dtype": "f8", "bdata": ...})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return [float("nan") if v is None else float(v) for v in values]


@pytest.mark.parametrize("lang,month_format", [("zh", "%Y年%-m月"), ("en", "%Y-%m")])
def test_time_axes_read_in_the_page_language(in_env, lang, month_format):
    # plotly's own date ticks read "Mar 2024", in English, on the Chinese pages
    dated = 0
    for page in ("coverage", "fund", "reimbursement", "audit"):
        at = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=120)
        at.session_state["user"] = CITY_USER
        at.session_state["lang"] = lang
        at.switch_page(f"views/{page}.py")
        at.run()
        for spec in charts(at):
            xs = [x for trace in spec["data"] for x in (trace.get("x") or [])]
            if xs and all(isinstance(x, str) and x[:4].isdigit() and x[4:5] == "-" for x in xs):
                dated += 1
                assert spec["layout"]["xaxis"]["tickformat"] == month_format, (page, spec["layout"].get("title"))
                assert spec["layout"]["xaxis"]["hoverformat"] == month_format, page
    assert dated >= 5  # the coverage, balance, income, months-of-payment, ratio and audit trends


def test_ratio_targets_are_their_own_line_in_their_scheme_colour(in_env):
    at = run_page("reimbursement", CITY_USER)
    trend, by_tier = charts(at)[:2]
    lines = [tr for tr in trend["data"] if "目标" not in tr["name"]]
    targets = [tr for tr in trend["data"] if "目标" in tr["name"]]
    # every line is named by its scheme and its ratio ("职工医保, 实际"), so the legend says which colour is which
    assert {tr["name"].split(", ")[0] for tr in lines} == {"职工医保", "居民医保"}, [tr["name"] for tr in lines]
    colour = {tr["name"][:2]: tr["line"]["color"] for tr in lines}
    # a dotted target per scheme, named in the legend, in the colour of that scheme's lines; no ratio is dotted
    assert sorted(tr["name"][:2] for tr in targets) == ["居民", "职工"]
    for tr in targets:
        assert tr["line"]["dash"] == "dot" and tr.get("showlegend", True) is not False
        assert tr["line"]["color"] == colour[tr["name"][:2]]
    assert all(tr["line"]["dash"] != "dot" for tr in lines)
    # the hospital-tier chart lists only schemes that have bars (no 生育保险 without inpatient money)
    assert all(not np.isnan(numbers(tr["y"])).all() for tr in by_tier["data"])
    assert "生育保险" not in {tr["name"] for tr in by_tier["data"]}
