"""Interface text in Chinese (default) and English."""

from __future__ import annotations

import streamlit as st

TEXT = {
    "app_title": ("医保市级统筹看板", "Medical-insurance pooling dashboard"),
    "cities": ("各市对比", "Cities side by side"),
    "province_scope": ("全省各统筹区", "Every pooling area of the province"),
    "adjustment": ("省级调剂金", "Provincial adjustment fund"),
    "overview": ("总览", "Overview"),
    "coverage": ("参保", "Coverage"),
    "fund": ("基金", "Fund sub-accounts"),
    "reimbursement": ("待遇", "Reimbursement"),
    "audit": ("待遇核查", "Benefit audit"),
    "quality": ("数据质量", "Data quality"),
    "pipeline": ("运行", "Pipeline"),
    "login": ("登录", "Sign in"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "logout": ("退出登录", "Sign out"),
    "login_locked": (
        "登录失败次数过多，已暂时锁定。请在 {minutes} 分钟后再试，或联系管理员。",
        "Too many failed sign-ins: locked for now. Try again in {minutes} min, or ask the administrator.",
    ),
    "login_throttled": (
        "登录失败次数较多。请等待 {seconds} 秒后再试。",
        "Several failed sign-ins. Wait {seconds} s before trying again.",
    ),
    "no_users": (
        "尚未配置看板用户：请创建 {path}（见 README「看板用户」）。演示环境由 `yibao demo` 创建。",
        'No dashboard users are configured: create {path} (README, "Dashboard users"). '
        "`yibao demo` writes the demo users.",
    ),
    "period": ("统计月份", "Month"),
    "county": ("区域", "Area"),
    "scheme": ("险种", "Scheme"),
    "all_schemes": ("全部险种", "All schemes"),
    "employee": ("职工医保", "Employee insurance"),
    "resident": ("居民医保", "Resident insurance"),
    "maternity": ("生育保险", "Maternity insurance"),
    "language": ("语言 / Language", "语言 / Language"),
    "no_data": (
        "还没有发布的数据。请先运行 `yibao ingest` 和 `yibao build`。",
        "No data has been published yet. Run `yibao ingest` and `yibao build` first.",
    ),
    "coverage_rate_hsreg": ("户籍参保率", "Coverage, registered base"),
    "coverage_rate_resident": ("常住参保率", "Coverage, resident base"),
    "enrolled_unpaid": ("参保未缴费人数", "Enrolled, premium unpaid"),
    "insured_persons": ("参保人数", "Insured persons"),
    "pooled_balance": ("统筹基金累计结余", "Pooled-fund balance"),
    "months_payable": ("可支付月数", "Months of payment"),
    "employee_months": ("职工统筹基金可支付月数", "Employee pooled fund, months of payment"),
    "resident_months": ("居民基金可支付月数", "Resident fund, months of payment"),
    "ratio_employee": ("职工住院政策范围内支付比例", "Employee inpatient policy-scope ratio"),
    "ratio_resident": ("居民住院政策范围内支付比例", "Resident inpatient policy-scope ratio"),
    "open_exceptions": ("待整改数据问题", "Open data-quality exceptions"),
    "overpaid_month": ("本月多付统筹基金", "Pooled fund overpaid this month"),
    "target": ("目标", "target"),
    "vs_previous": ("较上月", "vs previous month"),
    "incomplete_mark": ("（未完结）", " (incomplete)"),
    "incomplete_month": (
        "{month} 月份尚未结束：数据截至 {as_of}，只含部分数据，不能作为完整月份使用；可支付月数与预警等级不计算。",
        "{month} is not over: the data runs to {as_of} and holds only part of the month, so it is not a "
        "whole month's figure; months of payment and the warning level are not computed.",
    ),
    "source_note": (
        "数据来源：已发布的数据仓库（marts、dq、ops）。人员与金额均为合成数据，仅供演示。",
        "Source: the published warehouse (marts, dq, ops). People and money are synthetic, for demonstration.",
    ),
}
WARNING_LABELS = {
    "red": ("不足", "insufficient"),
    "amber": ("偏低", "low"),
    "green": ("正常", "normal"),
    "blue": ("过多", "excessive"),
}
WARNING_COLOURS = {"red": "#d62728", "amber": "#ff9f1c", "green": "#2ca02c", "blue": "#1f77b4"}


def init_lang() -> None:
    """Chinese unless the URL asks for English (?lang=en); kept for the session once chosen."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "zh"


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str) -> str:
    zh, en = TEXT[key]
    return en if lang() == "en" else zh


def pick(zh: str, en: str) -> str:
    return en if lang() == "en" else zh
