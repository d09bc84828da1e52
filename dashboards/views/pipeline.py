"""运行 Pipeline: the recent runs with status, duration, rows loaded and quarantined, and test results."""

from __future__ import annotations

import json

import plotly.express as px
import streamlit as st

from common import footnote, page_setup
from i18n import pick

user, data, f = page_setup("pipeline")
if not user.is_city:
    st.info(pick("运行记录仅向市级用户开放。", "Run history is shown to city users only."))
    st.stop()

runs = data.unscoped("select * from ops.pipeline_runs order by started_at desc limit 60")
if runs.empty:
    st.info(pick("还没有运行记录。", "No runs recorded yet."))
else:
    last = runs.iloc[0]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(pick("最近一次运行", "Last run"), str(last["status"]), border=True)
    c2.metric(pick("耗时（秒）", "Seconds"), f"{last['seconds'] or 0:.0f}", border=True)
    c3.metric(
        pick("测试 通过/警告/失败", "Tests pass/warn/fail"),
        f"{last['tests_passed']}/{last['tests_warned']}/{last['tests_failed']}",
        border=True,
    )
    c4.metric(
        pick("入库 / 隔离行数", "Rows loaded / quarantined"),
        f"{int(last['rows_loaded'] or 0):,} / {int(last['rows_quarantined'] or 0):,}",
        border=True,
    )
    durations = px.bar(
        runs.iloc[::-1],
        x="started_at",
        y="seconds",
        color="status",
        color_discrete_map={"success": "#2ca02c", "warning": "#ff9f1c", "failed": "#d62728"},
        labels={"started_at": pick("开始时间", "Started"), "seconds": pick("耗时（秒）", "Seconds"), "status": ""},
        title=pick("运行耗时", "Run durations"),
    )
    # run times in digits, the same in both languages (plotly's default reads "Dec 7, 2026")
    durations.update_xaxes(tickformat="%m-%d %H:%M", hoverformat="%Y-%m-%d %H:%M:%S")
    st.plotly_chart(durations, width="stretch")
    view = runs[
        [
            "started_at",
            "kind",
            "status",
            "seconds",
            "files_loaded",
            "rows_loaded",
            "rows_quarantined",
            "files_rejected",
            "tests_passed",
            "tests_warned",
            "tests_failed",
            "message",
        ]
    ]
    st.dataframe(view, hide_index=True, width="stretch")
    steps = json.loads(last["steps"] or "{}")
    if steps:
        st.write(pick("最近一次各步骤耗时（秒）", "Steps of the last run (seconds)"), steps)

files = data.unscoped(
    "select delivery_date, file, status, manifest_rows, rows_loaded, rows_quarantined, reason "
    "from ops.loaded_files order by loaded_at desc, file limit 200"
)
st.subheader(pick("最近装载的文件", "Recently loaded files"))
st.dataframe(files, hide_index=True, width="stretch")

import datetime as dt  # noqa: E402

import signin  # noqa: E402

failures = signin.recent_failures(50)
st.subheader(pick("最近失败或被拒绝的登录", "Recent failed or refused sign-ins"))
if failures:
    st.dataframe(
        [
            {
                pick("时间", "At"): dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S"),
                pick("用户名", "User name"): name,
                pick("客户端", "Client"): client,
                pick("结果", "Outcome"): {
                    "failed": pick("密码错误", "wrong password"),
                    "refused": pick("已限制/锁定", "throttled or locked"),
                }.get(outcome, outcome),
            }
            for at, name, client, outcome in failures
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption(pick("没有失败的登录。", "No failed sign-ins."))
footnote()
