"""One file into raw.<extract>, in SQL: parse, type, decide which rows are quarantined, insert.

A row is quarantined, not loaded, when it cannot be loaded as typed data (DESIGN §2, issue 4):
a wrong field count or broken quoting, bytes that do not decode, a value that fails its type,
a required value missing, or a code outside its code set. Everything else loads, including
rows that break a DESIGN §6 rule: dbt reports those.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pandas as pd

from .contract import DATE, EXTRACTS, LINEAGE, TEXT, TS
from .landing_files import Decoded, original_lines
from .layouts import Layout, extra_columns, projection, quote
from .regions import regions
from .rules import CERTNO_COLUMNS, CERTNO_PATTERN, DELIVERY_TOLERANCE_DAYS, RULES, code_set_sql
from .validate import PII, TYPE_ERRORS, WELL_FORMED

TEMP_TABLES = ("_bad", "_undecodable", "_parsed")
TEMP_VIEWS = ("_checked", "_rows")


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


@dataclass
class Staged:
    """A file parsed into the temporary table _parsed, not yet inserted. The view _rows reads it with each file
    row's number; the view _checked gives the contract's rows (the same rows, or the clct lines of a back-end
    contribution detail row)."""

    extract: str
    rows: int
    quarantined: int
    derived: int = 0  # rows with a value the layout derived (a sum of columns)
    extra_columns: tuple[str, ...] = ()


def stage(con: duckdb.DuckDBPyConnection, layout: Layout, decoded: Decoded, delivery_date: dt.date) -> Staged:
    """Parse the file into _parsed, read through the view _rows: the layout's typed columns, _row_number, _reason
    ('' when the row loads) and _extra (the columns the contract does not use, as JSON).

    One pass over the file types every column and judges every row. Data-row numbers come from
    the file order; only when a line is malformed (and so missing from the scan) are the numbers
    after it shifted, and only then are undecodable lines matched by number afterwards.
    """
    spec = layout.shape
    rej = f"rej_{uuid.uuid4().hex[:8]}"
    columns = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in decoded.header) + "}"
    rules = RULES[spec.name]
    mapped, derived_columns = projection(layout, decoded.header)
    extras = extra_columns(layout, decoded.header)
    kept = [c for c in extras if c not in PII]  # a back-end row's certno and name are psn_info's to hold, not copied
    extra_json = (
        "json_object(" + ", ".join(f"{sql_str(c)}, nullif(trim({quote(c)}), '')" for c in kept) + ")::varchar"
        if kept
        else "cast(null as varchar)"
    )
    typed, problems = [], []
    for col, typ in spec.columns:
        val = f"nullif(trim({col}), '')"
        if typ == TEXT:
            typed.append(f"{val} as {col}")
        else:
            typed.append(f"try_cast({val} as {typ}) as {col}")
            problems.append(
                f"case when {val} is not null and try_cast({val} as {typ}) is null "
                f"then '{col}=' || {val} || ' is not a valid {typ}' end"
            )
    type_errors = " + ".join(f"case when {p} is not null then 1 else 0 end" for p in problems) or "0"
    for col in rules.required:
        problems.append(f"case when nullif(trim({col}), '') is null then '{col} is required' end")
    for col, typ in spec.columns:
        if typ == TEXT:  # a NUL byte is no part of any code or name; in a key it would make a different key
            problems.append(f"case when strpos({col}, chr(0)) > 0 then '{col} contains a NUL byte' end")
    latest = delivery_date + dt.timedelta(days=DELIVERY_TOLERANCE_DAYS)
    for col in rules.happened:
        typ = dict(spec.columns)[col]
        problems.append(
            f"case when cast(try_cast(nullif(trim({col}), '') as {typ}) as date) > date '{latest}' "
            f"then '{col} is dated after the delivery date {delivery_date} (by more than "
            f"{DELIVERY_TOLERANCE_DAYS} day)' end"
        )
    problems += code_set_sql(spec.name, lambda col: f"nullif(trim({col}), '')")
    # A row's data-row number is its rowid in _parsed + 1: the file is read by one thread (parallel = false), so
    # rows reach _parsed in file order. DuckDB's parallel reader does not keep that order in the rowids, even
    # with preserve_insertion_order: a 10,000-person city's settlement file came out with 57,146 of its 84,233
    # rows numbered as another (issue 33; tests/python/test_lineage.py). Reading on one thread costs about 40 %
    # of this step. Rowids count from 0 only in a committed table: inside an open transaction they are
    # transaction-local, so stage() runs outside the load's transaction, and checks.
    con.execute("set preserve_insertion_order = true")
    con.execute(f"""
        create or replace temp table _parsed as
        select {", ".join(typed)},
               concat_ws('; ', {", ".join(problems)}) as _reason,
               {type_errors} as {TYPE_ERRORS},
               _extra
        from (
            select {", ".join(mapped)}, {extra_json} as _extra
            from read_csv({sql_str(str(decoded.source))}, columns = {columns}, header = true, auto_detect = false,
                          delim = ',', quote = '"', escape = '"', store_rejects = true, parallel = false,
                          rejects_table = '{rej}', rejects_scan = '{rej}_scan')
        )
    """)
    # Data-row numbers of malformed lines (wrong field count, broken quoting), with the line itself.
    con.execute(f"""
        create or replace temp table _bad as
        select line - 1 as row_number, 'malformed line: ' || string_agg(distinct error_type, ', ') as reason,
               any_value(csv_line) as original_line
        from {rej} group by line
    """)
    con.execute(f"drop table {rej}; drop table {rej}_scan")
    malformed = con.execute("select count(*) from _bad").fetchone()[0]
    first, last, count = con.execute("select min(rowid), max(rowid), count(*) from _parsed").fetchone()
    if count and (first, last) != (0, count - 1):
        raise RuntimeError(f"rows of _parsed are numbered {first}..{last}, not 0..{count - 1}: is a transaction open?")
    # A row's data-row number is its position; good rows after a malformed line (missing from the scan) move
    # down by the malformed lines before them.
    row_number = "_parsed.rowid + 1"
    if malformed:
        row_number += """ + coalesce((
            select count(*) from (
                select row_number - row_number() over (order by row_number) as good_before from _bad) b
            where b.good_before < _parsed.rowid + 1), 0)"""
    con.execute(f"create or replace temp view _rows as select {row_number} as _row_number, * from _parsed")
    con.execute(f"create or replace temp view _checked as {DETAIL_LINES if spec.name == 'clct_detl' else ROWS}")
    if decoded.undecodable:
        con.execute("create or replace temp table _undecodable (row_number bigint)")
        con.executemany("insert into _undecodable values (?)", [(r,) for r in decoded.undecodable])
        con.execute(f"""
            update _parsed set _reason = concat_ws('; ', nullif(_reason, ''), 'undecodable bytes')
            where {row_number} in (select row_number from _undecodable)
        """)
    rows, quarantined, derived = con.execute(
        "select count(*), count(*) filter (where _reason <> ''), "
        + (
            " + ".join(f"count(*) filter (where {c} is not null and _reason = '')" for c in derived_columns)
            if derived_columns
            else "0"
        )
        + " from _rows"
    ).fetchone()
    return Staged(layout.extract, rows + malformed, quarantined + malformed, derived, tuple(extras))


ROWS = "select * from _rows"

# A back-end contribution detail row (DESIGN §2) as the contract's clct lines, each with the row's number and the
# id RID || kind: the
# employer's part (10; for a resident, a part paid on the person's behalf, 40 医疗救助资助参保) with the employer part
# credited to the account, and the personal part (20), credited to the account in full for the employee scheme (310).
# A row makes at least one line, so nothing is lost. Its months stay a range (accrual_ym to accrual_ym_end); money is
# booked by arrival (CLCT_TIME), normal when REVS_FLAG is Z, and only where CLCT_FLAG is 1 (the models' filter).
DETAIL_LINES = """
    with parts as (
        select *, case when insutype like '39%' then '40' else '10' end as emp_kind
        from _rows
    )
    select _row_number, _reason, _type_errors, _extra,
           rid || emp_kind as clct_id, psn_no, emp_no, insutype, insu_admdvs, accrym_begn as accrual_ym,
           emp_kind as clct_type, emp_clctstd as clct_base,
           cast(case when emp_clctstd > 0 then round(emp_clct_amt / emp_clctstd, 6) end as decimal(9,6)) as clct_rate,
           coalesce(emp_clct_amt, 0) as clct_amt, coalesce(emp_clct_into_acct_amt, 0) as acct_crdt_amt,
           cast(clct_time as date) as arvl_date, case when revs_flag = 'Z' then '0' else '1' end as revs_flag,
           updt_time, accrym_end as accrual_ym_end, clct_flag, psn_insu_rlts_id
    from parts
    where coalesce(emp_clct_amt, 0) <> 0 or coalesce(psn_clct_amt, 0) = 0
    union all
    select _row_number, _reason, _type_errors, _extra,
           rid || '20', psn_no, emp_no, insutype, insu_admdvs, accrym_begn,
           '20', psn_clctstd,
           cast(case when psn_clctstd > 0 then round(psn_clct_amt / psn_clctstd, 6) end as decimal(9,6)),
           psn_clct_amt, case when insutype = '310' then psn_clct_amt else 0 end,
           cast(clct_time as date), case when revs_flag = 'Z' then '0' else '1' end,
           updt_time, accrym_end, clct_flag, psn_insu_rlts_id
    from parts
    where coalesce(psn_clct_amt, 0) <> 0
"""


@contextmanager
def staged(
    con: duckdb.DuckDBPyConnection, layout: Layout, decoded: Decoded, delivery_date: dt.date
) -> Iterator[Staged]:
    """stage() the file for the block, and drop its temporary tables when the block ends, however it ends."""
    try:
        yield stage(con, layout, decoded, delivery_date)
    finally:
        drop_temp(con)


# Great Expectations on pandas validates ~50k rows a second. Files larger than this (a full load) are
# validated on a repeatable sample; daily deltas stay fully validated. Quarantine does not depend on
# it: the SQL above judges every row.
GX_SAMPLE_ROWS = 100_000


def validation_frame(con: duckdb.DuckDBPyConnection, extract: str, sample_rows: int = GX_SAMPLE_ROWS) -> pd.DataFrame:
    """What Great Expectations sees: the typed rows without PII, dates as timestamps, and helper columns;
    a repeatable sample of `sample_rows` rows when the file is larger. Dates are nanosecond timestamps where they
    fit (1677-2262): GX's between-check compares a datetime64[ns] column in one vectorised step, any other value by
    value in Python (0.3 s of a 55,000-row settlement file's 1.6 s). A column with a date outside that range (year
    9999, say) stays in microseconds, and GX judges it the slow way."""
    rules = RULES[extract]
    cols = []
    for col, typ in EXTRACTS[extract].columns:
        if col in PII:
            continue
        cols.append(
            f"cast({col} as timestamp) as {col}"
            if typ in (DATE, TS)
            else f"cast({col} as double) as {col}"
            if typ.startswith("DECIMAL")
            else col
        )
    cols += [f"cast({expr} as double) as {name}" for name, expr in rules.identities.items()]
    if extract in CERTNO_COLUMNS:
        cols.append(
            f"regexp_full_match(coalesce({CERTNO_COLUMNS[extract]}, ''), '{CERTNO_PATTERN[1:-1]}') as {WELL_FORMED}"
        )
    cols.append(TYPE_ERRORS)
    rows = con.execute("select count(*) from _checked").fetchone()[0]
    sample = f" using sample reservoir({sample_rows} rows) repeatable (11)" if rows > sample_rows else ""
    frame = con.execute(f"select {', '.join(cols)} from _checked{sample}").df()
    for col, typ in EXTRACTS[extract].columns:
        if typ in (DATE, TS) and col not in PII:
            try:
                frame[col] = frame[col].astype("datetime64[ns]")
            except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
                pass
    return frame


def insert(
    con: duckdb.DuckDBPyConnection,
    extract: str,
    decoded: Decoded,
    file_label: str,
    delivery_date: dt.date,
    now: dt.datetime,
) -> tuple[int, int]:
    """Insert the loadable rows into raw and the rest into dq.quarantine_rows. Returns (loaded, quarantined)."""
    names = ", ".join(c for c, _ in EXTRACTS[extract].columns + LINEAGE)
    values = ", ".join(c for c, _ in EXTRACTS[extract].columns)
    con.execute(
        f"insert into raw.{extract} ({names}) select {values}, {sql_str(file_label)}, "
        f"date '{delivery_date}', _row_number, timestamp '{now}' from _checked where _reason = ''"
    )
    con.execute(
        f"insert into raw.extra_values select {sql_str(file_label)}, _row_number, _extra from _rows "
        "where _reason = '' and _extra is not null"
    )
    loaded = con.execute("select count(*) from _rows where _reason = ''").fetchone()[0]

    region = next((c for c in REGION_COLUMNS if c in dict(EXTRACTS[extract].columns)), None)
    failed = con.execute(
        f"select _row_number, _reason, {region or 'null'} from _rows where _reason <> '' order by 1"
    ).fetchall()
    lines = original_lines(decoded.source, {r for r, _, _ in failed})
    lines.update(decoded.undecodable)
    known = regions()
    rows = [(r, reason, lines.get(r), code if code in known else None) for r, reason, code in failed]
    rows += con.execute("select row_number, reason, original_line, null from _bad").fetchall()
    if rows:
        con.executemany(
            "insert into dq.quarantine_rows (file, delivery_date, row_number, reason, original_line, quarantined_at,"
            " admdvs) values (?, ?, ?, ?, ?, ?, ?)",
            [
                (file_label, delivery_date, r, mask_text(reason), mask_line(extract, line, decoded.header), now, code)
                for r, reason, line, code in rows
            ],
        )
    return loaded, len(rows)


# The column that names a row's region, first found wins: the sub-account money is booked to, an institution's
# or a roster line's county, a person's household registration.
REGION_COLUMNS = ("insu_admdvs", "admdvs", "hsreg_admdvs")


ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{5,8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def _mask_ids(text: str) -> str:
    """ID-number-like runs keep their first 6 and last 4 characters."""
    return ID_LIKE.sub(lambda m: m.group(1) + "********" + m.group(2), text)


def mask_text(text: str | None) -> str | None:
    """A quarantine reason without PII: a rejected value is quoted in it (begndate=<value> is not a valid DATE),
    and the value may be an ID number or a name in the wrong column. ID-number-like runs keep their first 6 and
    last 4 characters; Chinese text is starred."""
    if text is None:
        return None
    return CJK_RUN.sub("***", _mask_ids(text))


def mask_line(extract: str, line: str | None, header: list[str] | None = None) -> str | None:
    """A quarantined line without PII: ID-number-like runs keep their first 6 and last 4 characters,
    and in extracts that carry names the name field - found by the file's own header, whatever its
    column order - is starred (or, if the line cannot be split, any Chinese text). The unmasked line
    stays in the landing file at that row."""
    if line is None:
        return None
    masked = _mask_ids(line)
    names = [c.strip().lower() for c in header] if header else [c for c, _ in EXTRACTS[extract].columns]
    if "psn_name" not in [c for c, _ in EXTRACTS[extract].columns]:
        return masked
    fields = next(csv.reader([masked]), [])
    if len(fields) == len(names) and "psn_name" in names:
        fields[names.index("psn_name")] = "***"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        return out.getvalue()
    return CJK_RUN.sub("***", masked)


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for v in TEMP_VIEWS:
        con.execute(f"drop view if exists {v}")
    for t in TEMP_TABLES:
        con.execute(f"drop table if exists {t}")
