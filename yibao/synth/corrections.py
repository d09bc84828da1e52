"""A correction delivery: the late changes a platform sends about records it delivered days or months before.

`write_corrections(landing)` reads the latest delivered version of every enrollment and person record and writes one
more daily delivery, the day after the last one, with a later updt_time on each changed record:

- late_enrollment: an enrollment re-sent with its start three months earlier (a late registration or back-payment,
  补登/补缴), so past months gain coverage;
- annulled: an open enrollment re-sent as 无效参保 (status 3), so it never covered a day and every month it gave
  coverage loses it;
- backdated_stop: an open enrollment re-sent as 终止参保 (status 4) ending on the first of the month two months back,
  so the last months lose it;
- scheduled_stop: an open enrollment re-sent as 终止参保 ending the day after the delivery (a stop registered ahead,
  e.g. an employee leaving at the end of the week): it still covers the delivery's day, and no longer the next;
- scheduled_start: an open enrollment re-sent with its start corrected to the day after the delivery: it covers no
  day before that, and the next day it does. In these two cases the next delivery need not touch the record again:
  the judging day of the current month moves past the date, and a nightly that judges the month again only for the
  records it loaded keeps the month as it was;
- certno_fixed: a person whose ID number broke GB 11643 (a certno_invalid defect) re-sent with a valid one. The
  defect is fixed, and the person's pseudonym, and so person_id, changes in every fact;
- number_split: of a person with two psn_no (a one_person_one_number defect, some with a duplicate enrollment or
  card under the second number), the second number re-sent with an ID number of its own. Both numbers leave the
  one-number list, and the first one only through the person it was shared with: a nightly that judges only the
  persons the re-sent record is under now keeps its exception.

`write_settlement_corrections(landing)` writes a delivery of its own, of settlements only:
- redated: valid settlements re-sent with their settlement time corrected into the month before, so one month loses
  them and another gains them. A model that recounts only the months of the latest versions misses the first; alone
  in its delivery, no other change recounts that month;
- reassigned: inpatient settlements of a person who has a later inpatient settlement in the same scheme and year,
  re-sent under another insured's number (booked to the wrong person, 错误记账, and corrected). The first person's
  later settlement gets back the share of the annual cap the moved one had used. A model that judges only the persons
  the latest versions are under keeps the moved row under the first person as well.

These are the cases an incremental nightly gets wrong if it only looks at new keys, so the equality test
(tests/python/test_incremental.py) delivers one. The fixed defects are taken out of landing/_truth/defects.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import duckdb

from .. import certno
from ..contract import EXTRACTS
from .deliveries import write_manifest, written_columns

CASES = (
    "late_enrollment",
    "annulled",
    "backdated_stop",
    "scheduled_stop",
    "scheduled_start",
    "certno_fixed",
    "number_split",
)


def _latest(con: duckdb.DuckDBPyConnection, landing: Path, extract: str, key: str) -> None:
    """A view of the latest delivered version of each key of one extract, every column as text."""
    con.execute(f"""
        create or replace temp view {extract} as
        select * exclude (filename, version_rank) from (
            select *, row_number() over (partition by {key} order by updt_time desc, filename desc) as version_rank
            from read_csv('{landing}/[0-9]*/{extract}.csv', all_varchar = true, header = true, filename = true)
        ) where version_rank = 1""")


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _pick(con, sql: str, count: int) -> list[dict]:
    """The first `count` rows of a query in a fixed pseudo-random order (by the md5 of their key)."""
    return _rows(con, f"{sql} order by md5(key) limit {count}")


def _month_start(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _valid_certno(row: dict, taken: set[str]) -> str:
    """A GB 11643 ID number for the person's address, birth date and gender that nobody else holds."""
    birth = row["brdy"].replace("-", "")
    for seq in range(990, 1000):
        if (seq % 2 == 1) != (row["gend"] == "1"):
            continue
        first17 = f"{row['hsreg_admdvs']}{birth}{seq:03d}"
        candidate = first17 + certno.check_char(first17)
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise ValueError(f"no free ID number for psn_no {row['psn_no']}")


def write_corrections(landing: Path, per_case: int = 3) -> tuple[Path, dict[str, list[str]]]:
    """Write the correction delivery into landing/. Returns its folder and, per case, the keys it changed."""
    landing = Path(landing)
    last = _last_delivery(landing)
    day = last + dt.timedelta(days=1)
    updt = f"{day:%Y-%m-%d} 09:00:00"
    con = duckdb.connect()
    try:
        _latest(con, landing, "psn_insu", "psn_insu_rlts_id")
        _latest(con, landing, "psn_info", "psn_no")
        open_rows = (
            "select *, psn_insu_rlts_id as key from psn_insu where insutype in ('310', '390') "
            "and psn_insu_stas = '1' and coalesce(paus_insu_date, '') = ''"
        )
        recent = _pick(
            con,
            f"{open_rows} and cast(psn_insu_date as date) between date '{last}' - interval 120 day "
            f"and date '{last}' - interval 31 day",
            per_case,
        )
        used = [r["psn_insu_rlts_id"] for r in recent] or [""]
        others = _pick(
            con, f"{open_rows} and psn_insu_rlts_id not in ({', '.join(repr(k) for k in used)})", 4 * per_case
        )
        people = _rows(con, "select * from psn_info order by md5(psn_no)")  # the same fixed order as _pick
    finally:
        con.close()

    insu_rows, changed = [], {case: [] for case in CASES}
    for row in recent:
        start = dt.date.fromisoformat(row["psn_insu_date"])
        row["psn_insu_date"] = str(_month_start(start, 3))
        insu_rows.append(row)
        changed["late_enrollment"].append(row["psn_insu_rlts_id"])
    tomorrow = day + dt.timedelta(days=1)
    for i, row in enumerate(others):
        case = ("annulled", "backdated_stop", "scheduled_stop", "scheduled_start")[i % 4]
        if case == "annulled":
            row["psn_insu_stas"] = "3"
        elif case == "backdated_stop":
            stop = max(_month_start(last, 2), dt.date.fromisoformat(row["psn_insu_date"]) + dt.timedelta(days=1))
            row["psn_insu_stas"], row["paus_insu_date"] = "4", str(stop)
        elif case == "scheduled_stop":
            row["psn_insu_stas"], row["paus_insu_date"] = "4", str(tomorrow)
        else:
            row["psn_insu_date"] = str(tomorrow)
        changed[case].append(row["psn_insu_rlts_id"])
        insu_rows.append(row)

    taken = {p["certno"] for p in people}
    info_rows = []
    for row in people:
        if len(info_rows) == per_case:
            break
        if row["certno"] and row["brdy"] and not certno.is_valid(row["certno"], row["brdy"], row["gend"]):
            row["certno"] = _valid_certno(row, taken)
            info_rows.append(row)
            changed["certno_fixed"].append(row["psn_no"])

    shared = _truth_keys(landing / "_truth" / "defects.csv", "one_person_one_number")
    numbers_of: dict[str, list[dict]] = {}
    for row in people:
        if row["psn_no"] in shared and row["certno"]:
            numbers_of.setdefault(row["certno"], []).append(row)
    for pair in numbers_of.values():
        if len(changed["number_split"]) == 2 * per_case:  # two numbers a person
            break
        valid = all(r["brdy"] and certno.is_valid(r["certno"], r["brdy"], r["gend"]) for r in pair)
        if len(pair) == 2 and valid:
            second = max(pair, key=lambda r: r["psn_no"])
            second["certno"] = _valid_certno(second, taken)
            info_rows.append(second)
            changed["number_split"] += sorted(r["psn_no"] for r in pair)

    for row in insu_rows + info_rows:
        row["updt_time"] = updt
    folder = _write_delivery(landing, day, {"psn_insu": insu_rows, "psn_info": info_rows})
    _untruth(landing / "_truth" / "defects.csv", "certno_invalid", set(changed["certno_fixed"]))
    _untruth(landing / "_truth" / "defects.csv", "one_person_one_number", set(changed["number_split"]))
    return folder, changed


def write_settlement_corrections(landing: Path, count: int = 3) -> tuple[Path, dict[str, list[str]]]:
    """Write a delivery, the day after the last one, that moves `count` valid settlements of the last two months into
    the month before theirs, `count` inpatient settlements to another person's number, and `count` settlements of an
    earlier month to the number of a person with a settlement of the same cell (merged). Returns its folder and the
    setl_id of each case."""
    landing = Path(landing)
    last = _last_delivery(landing)
    day = last + dt.timedelta(days=1)
    con = duckdb.connect()
    try:
        _latest(con, landing, "setl", "setl_id")
        redated = _pick(
            con,
            "select *, setl_id as key from setl where vali_flag = '1' and refd_setl_flag <> '1' "
            f"and cast(setl_time as timestamp) between date '{last}' - interval 60 day and date '{last}' - interval 20 day",
            count,
        )
        # (reassigned, below) an inpatient original of a person with a later one in the same scheme and year, none of
        # them reversed; the number it moves to is another insured's, in the same scheme and county, with a settlement
        # of its own
        con.execute("""
            create temp view unreversed as
            select * from setl
            where vali_flag = '1' and refd_setl_flag <> '1' and setl_id not in (
                select init_setl_id from setl where refd_setl_flag = '1' and init_setl_id is not null
            )""")
        taken = ", ".join(f"'{r['setl_id']}'" for r in redated) or "''"
        # a settlement of an earlier month, re-sent under the number of another insured who has a
        # counted settlement of the same cell (county, scheme, medical type, hospital level, month) while the first
        # number has no other: the cell's count of distinct persons falls by one, though its money stays the same.
        # Its month is one no other case touches (the redated ones' months and the months before them, and below the
        # reassigned ones keep out of it), so that nothing but the change of person can rebuild it.
        touched = {dt.datetime.fromisoformat(r["setl_time"]).date().replace(day=1) for r in redated}
        touched |= {_month_start(m, 1) for m in touched}
        untouched = " and ".join(f"moved.month <> date '{m}'" for m in sorted(touched)) or "true"
        merged = _pick(
            con,
            f"""
            with cells as (
                select *, date_trunc('month', cast(setl_time as timestamp)) as month from unreversed
            ),

            candidates as (
            select moved.* exclude (month), moved.setl_id as key, (
                select min(other.psn_no) from cells as other
                where other.insutype = moved.insutype and other.insu_admdvs = moved.insu_admdvs
                    and other.med_type = moved.med_type and other.hosp_lv = moved.hosp_lv
                    and other.mdtrtarea_admvs = moved.mdtrtarea_admvs  -- the same care area
                    and other.month = moved.month and other.psn_no <> moved.psn_no
            ) as other_psn_no
            from cells as moved
            where moved.setl_id not in ({taken})
                and moved.month < date_trunc('month', date '{last}') and {untouched}
                and not exists (
                    select 1 from cells as own
                    where own.psn_no = moved.psn_no and own.setl_id <> moved.setl_id
                        and own.insutype = moved.insutype and own.insu_admdvs = moved.insu_admdvs
                        and own.med_type = moved.med_type and own.hosp_lv = moved.hosp_lv and own.month = moved.month
                )
            )

            select * from candidates where other_psn_no is not null
            """,
            count,
        )
        taken += ", " + (", ".join(f"'{r['setl_id']}'" for r in merged) or "''")
        merged_months = {dt.datetime.fromisoformat(r["setl_time"]).date().replace(day=1) for r in merged}
        apart = (
            " and ".join(
                f"date_trunc('month', cast(earlier.setl_time as timestamp)) <> date '{m}'"
                for m in sorted(merged_months)
            )
            or "true"
        )
        reassigned = _pick(
            con,
            f"""
            select earlier.*, earlier.setl_id as key, (
                select min(other.psn_no) from unreversed as other
                where other.insutype = earlier.insutype and other.insu_admdvs = earlier.insu_admdvs
                    and other.psn_no <> earlier.psn_no
            ) as other_psn_no
            from unreversed as earlier
            where earlier.insutype in ('310', '390') and substr(earlier.med_type, 1, 1) = '2'
                and earlier.setl_id not in ({taken}) and {apart}
                and exists (
                    select 1 from unreversed as later
                    where later.psn_no = earlier.psn_no and later.insutype = earlier.insutype
                        and substr(later.med_type, 1, 1) = '2'
                        and year(cast(later.setl_time as timestamp)) = year(cast(earlier.setl_time as timestamp))
                        and cast(later.setl_time as timestamp) > cast(earlier.setl_time as timestamp)
                )
            """,
            count,
        )
    finally:
        con.close()
    for row in redated:
        when = dt.datetime.fromisoformat(row["setl_time"])
        earlier = _month_start(when.date(), 1) + dt.timedelta(days=min(when.day, 28) - 1)
        row["setl_time"] = f"{earlier:%Y-%m-%d} {when:%H:%M:%S}"
    for row in reassigned + merged:
        row["psn_no"] = row.pop("other_psn_no")
    for row in redated + reassigned + merged:
        row["updt_time"] = f"{day:%Y-%m-%d} 09:00:00"
    folder = _write_delivery(landing, day, {"setl": redated + reassigned + merged})
    return folder, {
        "redated": [r["setl_id"] for r in redated],
        "reassigned": [r["setl_id"] for r in reassigned],
        "merged": [r["setl_id"] for r in merged],
    }


def _last_delivery(landing: Path) -> dt.date:
    folders = sorted(p for p in landing.iterdir() if p.is_dir() and p.name.isdigit())
    return dt.datetime.strptime(folders[-1].name, "%Y%m%d").date()


def _write_delivery(landing: Path, day: dt.date, by_extract: dict[str, list[dict]]) -> Path:
    """One delivery folder: every extract's file (empty but for its header where nothing changed) and a manifest."""
    folder = landing / f"{day:%Y%m%d}"
    folder.mkdir()
    manifest = []
    for extract in EXTRACTS:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        columns = written_columns(extract)  # the message layout: the interface's columns
        writer.writerow(columns)
        for row in by_extract.get(extract, []):
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
        data = text.getvalue().encode("utf-8")
        (folder / f"{extract}.csv").write_bytes(data)
        manifest.append((f"{extract}.csv", len(by_extract.get(extract, [])), hashlib.sha256(data).hexdigest()))
    write_manifest(folder, manifest)
    return folder


def _truth_keys(path: Path, rule: str) -> set[str]:
    """The entity keys the generator's list of true defects holds for one rule."""
    if not path.exists():
        return set()
    with open(path, newline="", encoding="utf-8") as f:
        return {r[1] for r in csv.reader(f) if r and r[0] == rule}


def _untruth(path: Path, rule: str, keys: set[str]) -> None:
    """Take fixed defects out of the generator's list of true defects."""
    if not keys or not path.exists():
        return
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    kept = [rows[0]] + [r for r in rows[1:] if not (r[0] == rule and r[1] in keys)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(kept)
