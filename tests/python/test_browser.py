"""A real browser: Playwright drives the system Chromium through sign-in and every page of the demo city,
fails on any Streamlit error element, saves a screenshot of each page and measures render times.

Set YIBAO_UPDATE_SCREENSHOTS=1 to copy the screenshots into docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import free_port, wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
PAGES = [
    ("overview", "总览"),
    ("coverage", "参保"),
    ("fund", "基金"),
    ("reimbursement", "待遇"),
    ("audit", "待遇核查"),
    ("quality", "数据质量"),
    ("pipeline", "运行"),
]
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="Debian chromium is not installed (.ci/run installs it)"
)


@pytest.fixture
def server(demo_city):
    yield from serve(demo_city)


@pytest.fixture
def defect_server(defect_city):
    yield from serve(defect_city)


def serve(city):
    from yibao.demo import install_demo_users

    install_demo_users(city)
    port = free_port()
    env = dict(os.environ, YIBAO_DATA=str(city), YIBAO_DB=str(city / "warehouse" / "yibao.duckdb"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "yibao.cli", "dashboard", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_rendered(page, heading: str) -> None:
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_load_state("networkidle")


def test_sign_in_and_every_page_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    shots, timings = tmp_path / "screenshots", {}
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(server)
        page.get_by_label("用户名").fill("leader")
        page.get_by_label("密码").fill("leader2025")
        page.get_by_role("button", name="登录").click()
        wait_rendered(page, "总览")
        for visit in ("first", "cached"):
            for slug, title in PAGES:
                start = time.perf_counter()
                page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
                wait_rendered(page, title)
                timings.setdefault(slug, {})[visit] = round(time.perf_counter() - start, 2)
                assert page.locator(ERRORS).count() == 0, f"{slug}: Streamlit shows an error"
                if visit == "first" and slug != "audit":  # the clean demo city has nothing to audit: see below
                    page.wait_for_timeout(800)  # let plotly finish drawing for the screenshot
                    page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
        browser.close()
    assert sorted(p.name for p in shots.iterdir()) == sorted(f"{slug}.png" for slug, _ in PAGES if slug != "audit")
    print("render seconds per page:", json.dumps(timings))
    (tmp_path / "render_times.json").write_text(json.dumps(timings, indent=2))
    if os.environ.get("YIBAO_UPDATE_SCREENSHOTS"):
        target = Path(__file__).parents[2] / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        for shot in shots.iterdir():
            shutil.copy(shot, target / shot.name)
        (target / "render_times.json").write_text(json.dumps(timings, indent=2) + "\n")


def test_benefit_audit_page_for_a_city_and_a_county_user_in_chromium(defect_server, tmp_path):
    """待遇核查 on a city with benefit defects: the city user sees every county, the county user only their own."""
    from playwright.sync_api import sync_playwright

    from yibao.regions import counties, name

    COUNTIES = {code: name(code) for code in counties("230800")}

    shots = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        for user, password, shot in (
            ("leader", "leader2025", "audit.png"),
            ("huanan", "huanan2025", "audit_county.png"),
        ):
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(defect_server)
            page.get_by_label("用户名").fill(user)
            page.get_by_label("密码").fill(password)
            page.get_by_role("button", name="登录").click()
            wait_rendered(page, "总览")
            page.locator('[data-testid="stSidebarNavLink"]', has_text="待遇核查").first.click()
            wait_rendered(page, "待遇核查")
            # plotly draws its charts (and the county names in them) after Streamlit is idle: wait for the names
            page.wait_for_function(
                "names => names.some(n => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(n))",
                arg=list(COUNTIES.values()),
                timeout=60_000,
            )
            page.wait_for_timeout(800)
            assert page.locator(ERRORS).count() == 0, f"{user}: Streamlit shows an error"
            text = page.locator('[data-testid="stMain"]').inner_text()
            assert "核查住院结算" in text and "多付金额" in text
            shots[user] = text
            page.screenshot(path=str(tmp_path / shot), full_page=True)
            page.close()
        browser.close()
    others = [name for code, name in COUNTIES.items() if code != "230822"]
    assert sum(name in shots["leader"] for name in COUNTIES.values()) >= 5, shots["leader"][
        :3000
    ]  # the city user's charts name the counties
    assert not [name for name in others if name in shots["huanan"]], "a county user sees other counties"
    if os.environ.get("YIBAO_UPDATE_SCREENSHOTS"):
        target = Path(__file__).parents[2] / "docs" / "screenshots"
        for shot in ("audit.png", "audit_county.png"):
            shutil.copy(tmp_path / shot, target / shot)


def sign_in_form(page, user: str, password: str) -> None:
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_deep_link_goes_through_sign_in_and_a_sign_in_survives_a_reload(server):
    """Issue 15, items 7 and 8: /fund?area=... first shows the sign-in form and nothing of the page; after sign-in
    the fund page opens on that county; a reload keeps the sign-in (signed cookie); sign-out ends it for good."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        outside = []  # nothing the page loads may come from off this machine
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
        page.goto(f"{server}/fund?area=230882&scheme=390")
        page.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "基金" not in text.replace("看板", "") or "结余" not in text  # no page content before sign-in
        assert page.locator(ERRORS).count() == 0 and "Traceback" not in page.content()
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0

        sign_in_form(page, "leader", "leader2025")
        wait_rendered(page, "基金")
        assert "/fund" in page.url and "area=230882" in page.url and "scheme=390" in page.url
        area = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1)
        assert (
            "富锦市"
            in area.inner_text()
            + (area.locator("input").first.get_attribute("aria-label") or "")
            + page.locator('[data-testid="stMain"]').inner_text()
        )
        assert page.locator(ERRORS).count() == 0

        page.reload()
        wait_rendered(page, "基金")  # still signed in: the session cookie
        assert page.get_by_role("button", name="登录", exact=True).count() == 0
        assert any(c["name"] == "yibao_session" for c in page.context.cookies())

        page.get_by_role("button", name="退出登录").click()
        page.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
        page.reload()
        page.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)  # signed out stays signed out
        page.wait_for_selector(IDLE, timeout=60_000)
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
        browser.close()
    assert not [u for u in outside if not u.startswith(("data:", "blob:"))], outside
