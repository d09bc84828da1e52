"""`yibao export --dq [--city CODE]`: the county correction lists (整改清单), one xlsx per county of every
delivered city (or of the one --city names), one for the city's exceptions no county owns, and - for all of
several cities - one for the province's exceptions no city owns (a quarantined line whose region cannot be read).

Each workbook explains every rule in Chinese and lists the county's open exceptions. It shows
no raw ID number: only the masked one dq.dq_exceptions carries.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import UserError
from .regions import counties, name, province
from .warehouse import connect

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
RULE_COLUMNS = "rule_id, severity, rule_name_zh, explanation_zh, action_zh, entity_key_kind"
EXCEPTION_COLUMNS = "rule_name_zh, severity, entity_key, detail, certno_masked, first_seen, detected_at, rule_id"
LIST_COLUMNS = [
    ("规则", 28),
    ("严重程度", 10),
    ("问题对象", 26),
    ("问题说明", 48),
    ("证件号码（脱敏）", 22),
    ("首次发现", 20),
    ("本次检出", 20),
]


def _as_of(con) -> dt.date:
    row = con.execute("select max(as_of_date) from core.int_calendar__months").fetchone()
    if not row or row[0] is None:
        raise UserError("the warehouse has no data yet", "run `yibao ingest` and `yibao build` first")
    return row[0]


def export_dq(db: Path, exports: Path, city: str | None = None) -> list[Path]:
    if not db.exists():
        raise UserError(f"no warehouse at {db}", "run `yibao ingest` and `yibao build` first")
    con = connect(db, read_only=True)
    try:
        as_of = _as_of(con)
        rules = con.execute(f"select {RULE_COLUMNS} from dq.dq_rules order by rule_id").fetchall()
        held = [
            c
            for (c,) in con.execute(
                "select admdvs from core.dim_region where region_level = 'city' order by 1"
            ).fetchall()
        ]
        exceptions = con.execute(
            f"select admdvs, {EXCEPTION_COLUMNS} from dq.dq_exceptions order by admdvs, rule_id, entity_key"
        ).fetchall()
    finally:
        con.close()
    folder = exports / "dq" / as_of.strftime("%Y%m%d")
    folder.mkdir(parents=True, exist_ok=True)
    generated = dt.datetime.now().replace(microsecond=0)
    written = []
    if city is not None and city not in held:
        raise UserError(
            f"city {city} is not in the warehouse", f"choose one of: {', '.join(held) or 'none'} (seeds/region.csv)"
        )
    lists = []
    for c in [city] if city else held:
        lists += [(county, name(county)) for county in counties(c)] + [(c, f"{name(c)}（未归属区县）")]
    if city is None and len(held) > 1:  # with one city, int_region__unattributed files them under the city
        lists.append((province(), f"{name(province())}（未归属统筹区）"))
    for admdvs, title in lists:
        rows = [r[1:] for r in exceptions if r[0] == admdvs]
        path = folder / f"{admdvs}_{title}_整改清单.xlsx"
        county_workbook(admdvs, title, as_of, generated, rules, rows).save(path)
        written.append(path)
    return written


def county_workbook(admdvs: str, name: str, as_of, generated, rules: list[tuple], rows: list[tuple]) -> Workbook:
    """rules: RULE_COLUMNS tuples; rows: EXCEPTION_COLUMNS tuples of one county."""
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append([f"{name}（{admdvs}）医保数据质量整改清单"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["数据截止日期", as_of.isoformat()])
    cover.append(["生成时间", generated.isoformat(sep=" ")])
    cover.append(["待整改问题数", len(rows)])
    cover.append([])
    cover.append(["规则", "严重程度", "本区县问题数", "规则说明", "整改要求", "问题对象"])
    for cell in cover[6]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    counts = {}
    for r in rows:
        counts[r[-1]] = counts.get(r[-1], 0) + 1
    for rule_id, severity, name_zh, explanation, action, kind in rules:
        cover.append(
            [
                f"{name_zh}（{rule_id}）",
                "错误" if severity == "error" else "警告",
                counts.get(rule_id, 0),
                explanation,
                action,
                kind,
            ]
        )
    for col, width in zip("ABCDEF", (34, 10, 14, 60, 46, 18)):
        cover.column_dimensions[col].width = width
    for row in cover.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    sheet = wb.create_sheet("问题清单")
    sheet.append([c for c, _ in LIST_COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for rule_name, severity, entity, detail, masked, first_seen, detected, _rule in rows:
        sheet.append(
            [rule_name, "错误" if severity == "error" else "警告", entity, detail, masked, first_seen, detected]
        )
    if not rows:
        sheet.append(["无待整改问题"])
    for i, (_, width) in enumerate(LIST_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for col in ("F", "G"):
        for cell in sheet[col][1:]:
            cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return wb
