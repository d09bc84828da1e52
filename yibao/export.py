"""`yibao export --period 2025-06 | 2025Q2 | 2025 [--city CODE]`: each delivered city's report files for the province.

Four forms per city, for the city and each of its counties or accounting units, read from the published marts:
- 参保情况 coverage: insured persons by scheme and person class at the period end, additions and
  leavers over the period, coverage rate, key-group coverage;
- 基金收支 fund: the national fund statement (基金收支表) of the period, line by line, per accounting unit and
  the city, one statement per fund and no total across funds;
- 基金运行指标 fund indicators: each pooled fund's balance, months of payment and warning level at the period
  end, and the year's settlement status and revenue-plan completion;
- 待遇享受 benefits: settlements, persons, costs, payments by fund, ratios and average cost, by
  scheme x medical-type group x hospital tier.
Written to $YIBAO_DATA/exports/<period>/<city>/ as <city>_<period>_<form>.csv (UTF-8 with BOM), one xlsx
with a cover sheet and a sheet per form, and manifest.json; one folder for every city the warehouse holds
(its pooling areas, named by seeds/region.csv), or only the city --city names. The same data gives
byte-identical CSVs.

A period whose last month is not complete on the as-of date (DESIGN §4 Periods) is never published as a
whole one: its files are named <city>_<period>_partial_<form>, the manifest says is_complete false and up
to which day the data runs, and the cover sheet says so. Without --period, the latest complete month.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .errors import UserError
from .files import file_sha256
from .metrics import ratios
from .publish import current
from .regions import cities, counties, regions
from .warehouse import connect

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def parse_period(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of 2025-06, 2025Q2 or 2025. Only ASCII digits: \\d would also accept full-width
    or Arabic-Indic digits, and the period names the output folder."""
    hint = "use a month 2025-06, a quarter 2025Q2 or a year 2025, in ASCII digits"
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{2})", period, re.ASCII):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise UserError(f"period '{period}': there is no month {mo:02d}", hint)
        first_month, last_month = mo, mo
    elif m := re.fullmatch(r"([0-9]{4})Q([1-4])", period, re.ASCII):
        y, q = int(m[1]), int(m[2])
        first_month, last_month = 3 * q - 2, 3 * q
    elif m := re.fullmatch(r"([0-9]{4})", period, re.ASCII):
        y, first_month, last_month = int(m[1]), 1, 12
    else:
        raise UserError(f"period '{period}' is not understood", hint)
    if not 1900 <= y <= 2999:
        raise UserError(f"period '{period}': the year {y} is not a reporting year", hint)
    return dt.date(y, first_month, 1), dt.date(y, last_month, calendar.monthrange(y, last_month)[1])


# (form, Chinese title, columns as (name, Chinese header, kind)); kind: text | int | money | ratio | months
FORMS = {
    "coverage": (
        "参保情况",
        [
            ("admdvs", "区划代码", "text"),
            ("area", "区域", "text"),
            ("insured_persons", "期末参保人数", "int"),
            ("insured_employee", "职工医保", "int"),
            ("insured_resident", "居民医保", "int"),
            ("insured_employee_in_service", "在职职工", "int"),
            ("insured_employee_retired", "退休职工", "int"),
            ("insured_resident_minor", "学生儿童", "int"),
            ("insured_resident_adult", "成年居民", "int"),
            ("insured_resident_elderly", "老年居民", "int"),
            ("insured_added", "本期新增", "int"),
            ("insured_left", "本期减少", "int"),
            ("enrolled_unpaid", "参保未缴费人数", "int"),
            ("hsreg_insured", "户籍人口中参保人数", "int"),
            ("hsreg_population", "户籍人口", "int"),
            ("coverage_rate_hsreg", "户籍参保率", "ratio"),
            ("resident_population", "常住人口", "int"),
            ("coverage_rate_resident", "常住参保率", "ratio"),
            ("roster_persons", "重点人群名册人数", "int"),
            ("enrolled_persons", "重点人群已参保", "int"),
            ("kpop_coverage_rate", "重点人群参保率", "ratio"),
        ],
    ),
    "fund": (
        "基金收支",
        [
            ("admdvs", "区划代码", "text"),
            ("area", "核算单位", "text"),
            ("fund_type", "基金", "text"),
            ("line_no", "行次", "int"),
            ("line_name", "项目", "text"),
            ("amount", "金额", "money"),
        ],
    ),
    "fund_indicators": (
        "基金运行指标",
        [
            ("admdvs", "区划代码", "text"),
            ("area", "核算单位", "text"),
            ("fund_type", "统筹基金", "text"),
            ("closing_balance", "期末累计结余", "money"),
            ("months_payable", "可支付月数", "months"),
            ("warning_level", "预警等级", "text"),
            ("annual_status", "年度决算状态", "text"),
            ("revenue_plan_completion", "收入计划完成率（已决算年度）", "ratio"),
        ],
    ),
    "benefits": (
        "待遇享受",
        [
            ("admdvs", "区划代码", "text"),
            ("area", "区域", "text"),
            ("insutype", "险种", "text"),
            ("med_group", "医疗类别", "text"),
            ("hosp_tier", "医院级别", "text"),
            ("care_area", "就医地（本地/省内异地/跨省异地）", "text"),
            ("settlements", "结算人次", "int"),
            ("persons", "就医人次（按月人数合计）", "int"),
            ("medfee_sumamt", "医疗费总额", "money"),
            ("inscp_scp_amt", "政策范围内费用", "money"),
            ("hifp_pay", "统筹基金支付", "money"),
            ("hifob_pay", "大额补助支付", "money"),
            ("hifmi_pay", "大病保险支付", "money"),
            ("cvlserv_pay", "公务员补助支付", "money"),
            ("maf_pay", "医疗救助支付", "money"),
            ("acct_pay", "个人账户支付", "money"),
            ("insurance_fund_pay", "医保基金支付", "money"),
            ("policy_scope_ratio", "政策范围内支付比例", "ratio"),
            ("actual_ratio", "实际支付比例", "ratio"),
            ("three_tier_ratio", "三重保障比例", "ratio"),
            ("avg_cost_per_settlement", "次均费用", "money"),
        ],
    ),
}

QUERIES = {
    "coverage": """
        select c.* exclude (insured_added, insured_left), k.roster_persons, k.enrolled_persons, k.kpop_coverage_rate, a.insured_added, a.insured_left
        from marts.rpt_coverage_monthly c
        join marts.rpt_kpop_coverage k on k.admdvs = c.admdvs and k.month_end = c.month_end
        join (select admdvs, sum(insured_added) as insured_added, sum(insured_left) as insured_left
              from marts.rpt_coverage_monthly where month_end between $first and $last group by admdvs) a
          on a.admdvs = c.admdvs
        where c.month_end = (select max(month_end) from marts.rpt_coverage_monthly where month_end <= $last)
          and c.admdvs in (select unnest($areas))
        order by c.admdvs = $city, c.admdvs""",
    "fund": """
        select admdvs, fund_type, line_no, line_name_zh as line_name, amount
        from marts.rpt_fund_statement
        where period = $period_kind and period_end = $last and admdvs in (select unnest($areas))
        order by fund_type, admdvs = $city, admdvs, line_no""",
    "fund_indicators": """
        select f.admdvs, f.fund_type, f.closing_balance, f.months_payable, f.warning_level,
               a.status as annual_status, a.revenue_plan_completion
        from marts.rpt_fund_balance_monthly f
        left join marts.rpt_fund_annual_settlement a
          on a.admdvs = f.admdvs and a.fund_type = f.fund_type and a.year = extract(year from f.month_end)
        where f.month_end = (select max(month_end) from marts.rpt_fund_balance_monthly where month_end <= $last)
          and f.admdvs in (select unnest($areas))
          and f.fund_type in (select fund_type from marts.rpt_fund_annual_settlement)
        order by f.fund_type, f.admdvs = $city, f.admdvs""",
    "benefits": """
        select admdvs, insutype, med_group, hosp_tier, care_area, sum(settlements) as settlements,
               sum(persons) as persons,
               sum(medfee_sumamt) as medfee_sumamt, sum(inscp_scp_amt) as inscp_scp_amt, sum(hifp_pay) as hifp_pay,
               sum(hifob_pay) as hifob_pay, sum(hifmi_pay) as hifmi_pay, sum(cvlserv_pay) as cvlserv_pay,
               sum(maf_pay) as maf_pay, sum(acct_pay) as acct_pay, sum(insurance_fund_pay) as insurance_fund_pay
        from marts.rpt_reimbursement_monthly
        where month_end between $first and $last and admdvs in (select unnest($areas))
        group by admdvs, insutype, med_group, hosp_tier, care_area
        order by insutype, med_group, hosp_tier, care_area, admdvs = $city, admdvs""",
}


def area_name(admdvs: str, city: str) -> str:
    """A row's area as the forms print it: the city row is marked 全市."""
    name = regions()[admdvs].name_zh if admdvs in regions() else admdvs
    return f"{name}（全市）" if admdvs == city else name


def _rows(con, form: str, first: dt.date, last: dt.date, city: str) -> list[dict]:
    params = {"first": first, "last": last, "city": city, "areas": [city, *counties(city)]}
    if form == "fund":
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        params["period_kind"] = {1: "month", 3: "quarter", 12: "year"}[months]
    cur = con.execute(QUERIES[form], {k: v for k, v in params.items() if f"${k}" in QUERIES[form]})
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        r["area"] = area_name(r["admdvs"], city)
        if form == "benefits":
            r.update(
                ratios(r["insurance_fund_pay"], r["maf_pay"], r["inscp_scp_amt"], r["medfee_sumamt"], r["settlements"])
            )
    return rows


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind in ("ratio",):
        return f"{Decimal(value):.4f}"
    if kind == "months":
        return f"{float(value):.1f}"
    if kind == "int":
        return str(int(value))
    return str(value)


def latest_complete_month(db: Path) -> str:
    """The latest month complete on the as-of date, as YYYY-MM: what `yibao export` writes by default."""
    source = current(db) or db
    if not source.exists():
        raise UserError(f"no warehouse at {db}", "run `yibao ingest` and `yibao build` first")
    con = connect(source, read_only=True)
    try:
        month = con.execute("select max(month_end) from marts.rpt_coverage_monthly where is_complete").fetchone()[0]
    finally:
        con.close()
    if month is None:
        raise UserError(
            "no month is complete yet",
            "wait for a delivery dated on or after a month's last day, "
            "or pass --period to export a partial period, marked as such",
        )
    return f"{month:%Y-%m}"


def delivered_cities(con) -> list[str]:
    """The cities the published marts hold: each delivered pooling area of seeds/region.csv."""
    held = {r[0] for r in con.execute("select distinct admdvs from marts.rpt_coverage_monthly").fetchall()}
    return [c for c in cities() if c in held]


def export_period(db: Path, exports: Path, period: str, city: str | None = None) -> list[Path]:
    """Write the report files of every delivered city, or of `city` alone; returns the paths written."""
    first, last = parse_period(period)
    source = current(db) or db
    if not source.exists():
        raise UserError(f"no warehouse at {db}", "run `yibao ingest` and `yibao build` first")
    con = connect(source, read_only=True)
    try:
        months = con.execute("select min(month_end), max(month_end) from marts.rpt_coverage_monthly").fetchone()
        if months[0] is None or last < months[0] or first > months[1]:
            raise UserError(
                f"period {period} is outside the data ({months[0]} to {months[1]})",
                "choose a period the warehouse covers",
            )
        held = delivered_cities(con)
        if city is not None and city not in held:
            raise UserError(
                f"city {city} is not in the warehouse",
                f"choose one of the delivered cities: {', '.join(held) or 'none'} (seeds/region.csv)",
            )
        as_of = con.execute("select max(period_end) from marts.rpt_coverage_monthly").fetchone()[0]
        complete = con.execute(
            "select bool_and(is_complete) from marts.rpt_coverage_monthly where month_end between ? and ?",
            [first, last],
        ).fetchone()[0]
        complete = bool(complete) and last <= months[1]
        data = {c: {form: _rows(con, form, first, last, c) for form in FORMS} for c in ([city] if city else held)}
    finally:
        con.close()
    generated = dt.datetime.now().replace(microsecond=0)
    written = []
    for c, forms in data.items():
        written += _write_city(exports / period / c, c, period, first, last, as_of, complete, generated, forms)
    return written


def _write_city(folder, city, period, first, last, as_of, complete, generated, data) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{city}_{period}" if complete else f"{city}_{period}_partial"
    written, manifest = (
        [],
        {
            "city": city,
            "period": period,
            "period_start": str(first),
            "period_end": str(last),
            "data_as_of": str(as_of),
            "is_complete": complete,
            "files": [],
        },
    )
    if not complete:
        manifest["note"] = (
            f"partial period: the data runs to {as_of}, before the period ends on {last}; not a whole period's figures"
        )
    digest = hashlib.sha256()
    for form, (_title, columns) in FORMS.items():
        path = folder / f"{stem}_{form}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([f"{zh}({name})" for name, zh, _ in columns])
        for row in data[form]:
            writer.writerow([_text(row.get(name), kind) for name, _, kind in columns])
        payload = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        path.write_bytes(payload)
        digest.update(payload)
        written.append(path)
    xlsx = folder / f"{stem}_report.xlsx"
    _workbook(city, period, first, last, as_of, generated, digest.hexdigest(), data, complete).save(xlsx)
    written.append(xlsx)
    for path in written:
        form = next((f for f in FORMS if path.name.endswith(f"_{f}.csv")), "all forms")
        rows = len(data[form]) if form in data else sum(len(v) for v in data.values())
        manifest["files"].append({"file": path.name, "form": form, "rows": rows, "sha256": file_sha256(path)})
    manifest["generated_at"] = generated.isoformat()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*written, folder / "manifest.json"]


def _workbook(city, period, first, last, as_of, generated, checksum, data, complete: bool = True) -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    city_name = regions()[city].name_zh
    cover.append([f"{city_name}（{city}）基本医疗保险统计报表"])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in (
        ("统筹区", f"{city_name} {city}"),
        ("报告期", f"{period}（{first} 至 {last}）"),
        ("数据截止日期", str(as_of)),
        (
            "期间状态",
            "完整期间"
            if complete
            else f"未完结的部分期间：数据只到 {as_of}，报告期到 {last} 才结束，不能作为完整期间使用",
        ),
        ("生成时间", generated.isoformat(sep=" ")),
        ("校验值（CSV sha256）", checksum),
        ("说明", "人员与金额为合成演示数据；证件号码不出现在任何报表中。"),
    ):
        cover.append([label, value])
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 70
    formats = {"int": "#,##0", "money": "#,##0.00", "ratio": "0.0%", "months": "0.0"}
    for form, (title, columns) in FORMS.items():
        sheet = wb.create_sheet(title)
        sheet.append([zh for _, zh, _ in columns])
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
        for row in data[form]:
            sheet.append(
                [
                    None if row.get(n) is None else float(row[n]) if k in ("money", "ratio", "months") else row[n]
                    for n, _, k in columns
                ]
            )
        if form == "benefits":  # money adds up across schemes and groups; never across funds (DESIGN §4)
            city_rows = [r for r in data[form] if r["admdvs"] == city]
            total = ["合计（全市）" if i == 1 else None for i in range(len(columns))]
            for i, (name, _, kind) in enumerate(columns):
                if kind in ("int", "money") and name != "avg_cost_per_settlement":
                    total[i] = float(sum(Decimal(r[name] or 0) for r in city_rows))
            sheet.append(total)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for i, (_, zh, kind) in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=i).column_letter
            sheet.column_dimensions[letter].width = max(10, min(24, len(zh) * 2 + 2))
            if kind in formats:
                for cell in sheet[letter][1:]:
                    cell.number_format = formats[kind]
        sheet.freeze_panes = "A2"
    return wb
