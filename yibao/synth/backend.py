"""`yibao generate --layout backend`: the same city as the back-end tables a city's statisticians extract
(DESIGN §2 "The platform's back-end tables", ../shared/platform-tables.md).

Each delivery's setl.csv, psn_insu.csv and clct.csv, written in the message layout, are rewritten in the real
shapes, and the manifest with them; the other extracts have no back-end form here and stay as they are:
- setl_d.csv: back-end names in upper case (INSCP_AMT, PSN_PAY, CASH_PAYAMT, OWNPAY_HOSP_PART, FIX_BLNG_ADMDVS,
  DISE_NO), oth_pay as HIFDM_PAY + OTHFUND_PAY, reversals with PSN_PAY and OWNPAY_HOSP_PART null, admission and
  discharge dates and CAL_IPT_CNT on inpatient rows, and local codes from the province's code map (med_type and
  clr_type 9902 重大疾病住院 for some inpatient rows, insutype 39901 for some resident rows);
- psn_insu_d.csv: CRT_INSU_DATE is the spell's start, PSN_INSU_DATE the person's first enrollment;
- staf_psn_clct_detl_d.csv and rsdt_psn_clct_detl_d.csv: one row per collection with the employer and personal
  parts side by side (a line's clct_id is the row's RID and its kind), a resident's year as the range
  ACCRYM_BEGN-ACCRYM_END, REVS_FLAG Z for a normal row, and a few rows whose money has not arrived (CLCT_FLAG 0),
  which are loaded and never booked.
Every change maps back to the same contract rows, so both layouts of one seed give the same marts and exceptions
(tests/python/test_layouts.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..files import file_sha256
from .deliveries import write_manifest

READ = "read_csv('{path}', header = true, all_varchar = true, auto_detect = false, columns = {columns})"

# hash(key) % 100 below this: the row carries a local code (a deterministic few per cent)
LOCAL_CODE_SHARE = 8

SETL_D = """
select setl_id as SETL_ID, mdtrt_id as MDTRT_ID, psn_no as PSN_NO,
       case when insutype = '390' and hash(setl_id) % 100 < {share} then '39901' else insutype end as INSUTYPE,
       psn_type as PSN_TYPE,
       case when inpatient_21 and hash(setl_id) % 100 < {share} then '9902' else med_type end as MED_TYPE,
       setl_time as SETL_TIME, fixmedins_code as FIXMEDINS_CODE, hosp_lv as HOSP_LV, insu_admdvs as INSU_ADMDVS,
       substr(insu_admdvs, 1, 4) || '00' as POOLAREA_NO, mdtrtarea_admvs as FIX_BLNG_ADMDVS,
       case when substr(mdtrtarea_admvs, 1, 4) = substr(insu_admdvs, 1, 4) then '0' else '1' end as OUT_FLAG,
       dise_codg as DISE_NO,
       medfee_sumamt as MEDFEE_SUMAMT, fulamt_ownpay_amt as FULAMT_OWNPAY_AMT, overlmt_selfpay as OVERLMT_SELFPAY,
       preselfpay_amt as PRESELFPAY_AMT, inscp_scp_amt as INSCP_AMT, act_pay_dedc as ACT_PAY_DEDC,
       hifp_pay as HIFP_PAY, pool_prop_selfpay as POOL_PROP_SELFPAY, cvlserv_pay as CVLSERV_PAY,
       hifes_pay as HIFES_PAY, hifmi_pay as HIFMI_PAY, hifob_pay as HIFOB_PAY, maf_pay as MAF_PAY,
       case when oth_pay is null then null else '0.00' end as HIFDM_PAY, oth_pay as OTHFUND_PAY,
       fund_pay_sumamt as FUND_PAY_SUMAMT,
       case when derivable then null else psn_part_amt end as PSN_PAY,
       acct_pay as ACCT_PAY, psn_cash_pay as CASH_PAYAMT,
       case when derivable then null else hosp_part_amt end as OWNPAY_HOSP_PART,
       refd_setl_flag as REFD_SETL_FLAG, init_setl_id as INIT_SETL_ID,
       case when inpatient_21 and hash(setl_id) % 100 < {share} then '9902' else clr_type end as CLR_TYPE,
       vali_flag as VALI_FLAG,
       case when inpatient then strftime(cast(setl_time as date) - cast(1 + hash(setl_id) % 12 as integer), '%Y-%m-%d')
       end as BEGNDATE,
       case when inpatient then strftime(cast(setl_time as date), '%Y-%m-%d') end as ENDDATE,
       case when inpatient and refd_setl_flag = '0' then '1' else '0' end as CAL_IPT_CNT,
       substr(setl_time, 1, 4) as YEAR, '1' as SETL_TYPE, updt_time as UPDT_TIME
from (
    select *,
           substr(med_type, 1, 1) = '2' as inpatient,
           med_type = '21' as inpatient_21,
           -- a reversal's parts are null in real rows; only where deriving gives them back exactly
           refd_setl_flag = '1' and cast(hosp_part_amt as decimal(18,2)) = 0
               and cast(psn_part_amt as decimal(18,2))
                   = cast(acct_pay as decimal(18,2)) + cast(psn_cash_pay as decimal(18,2)) as derivable
    from {source}
)
"""

PSN_INSU_D = """
select psn_insu_rlts_id as PSN_INSU_RLTS_ID, emp_no as EMP_NO, psn_no as PSN_NO, insutype as INSUTYPE,
       psn_insu_date as CRT_INSU_DATE, paus_insu_date as PAUS_INSU_DATE, psn_insu_stas as PSN_INSU_STAS,
       case when substr(psn_type, 1, 2) in ('12', '13') then '1' else '0' end as INSUTYPE_RETR_FLAG,
       psn_type as PSN_TYPE, replace(substr(first_date, 1, 7), '-', '') as FST_INSU_YM,
       first_date as PSN_INSU_DATE, insu_admdvs as INSU_ADMDVS, poolarea_no as POOLAREA_NO,
       updt_time as UPDT_TIME, 'R' || psn_insu_rlts_id as RID
from (select *, min(psn_insu_date) over (partition by psn_no) as first_date from {source})
"""

CLCT_DETAIL = """
with lines as (
    select *, substr(clct_id, 1, length(clct_id) - 2) as rid, right(clct_id, 2) as kind from {source}
),
rows as (
    select rid,
           any_value(psn_no) as psn_no, any_value(emp_no) as emp_no, any_value(insutype) as insutype,
           any_value(insu_admdvs) as insu_admdvs, any_value(accrual_ym) as accrual_ym,
           any_value(arvl_date) as arvl_date, any_value(revs_flag) as revs_flag, max(updt_time) as updt_time,
           max(case when kind in ('10', '40') then clct_base end) as emp_base,
           max(case when kind = '20' then clct_base end) as psn_base,
           max(case when kind in ('10', '40') then clct_amt end) as emp_amt,
           max(case when kind = '20' then clct_amt end) as psn_amt,
           max(case when kind in ('10', '40') then acct_crdt_amt end) as emp_acct
    from lines
    group by rid
),
arrived as (
    select *, '1' as clct_flag from rows
    union all  -- a few collections announced and not yet arrived: loaded, never booked
    select 'NA' || rid, psn_no, emp_no, insutype, insu_admdvs, accrual_ym, arvl_date, revs_flag, updt_time,
           emp_base, psn_base, emp_amt, psn_amt, emp_acct, '0'
    from rows
    where hash(rid) % 200 = 0
)
select rid as RID, psn_no as PSN_NO, emp_no as EMP_NO, insutype as INSUTYPE, insu_admdvs as INSU_ADMDVS,
       substr(insu_admdvs, 1, 4) || '00' as POOLAREA_NO, accrual_ym as ACCRYM_BEGN,
       case when insutype like '39%' then substr(accrual_ym, 1, 4) || '12' else accrual_ym end as ACCRYM_END,
       arvl_date || ' 10:00:00' as CLCT_TIME, clct_flag as CLCT_FLAG,
       case when revs_flag = '0' then 'Z' else 'C' end as REVS_FLAG, '10' as CLCT_TYPE,
       emp_base as EMP_CLCTSTD, psn_base as PSN_CLCTSTD, emp_amt as EMP_CLCT_AMT, psn_amt as PSN_CLCT_AMT,
       emp_acct as EMP_CLCT_INTO_ACCT_AMT,
       cast(coalesce(cast(emp_amt as decimal(18,2)), 0) + coalesce(cast(psn_amt as decimal(18,2)), 0) as varchar)
           as CLCT_SUMAMT,
       updt_time as UPDT_TIME
from arrived
where {where}
order by updt_time, rid
"""


def _columns(path: Path) -> str:
    header = path.open(encoding="utf-8").readline().strip().split(",")
    return "{" + ", ".join(f"'{c.strip(chr(34))}': 'VARCHAR'" for c in header) + "}"


def _write(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> None:
    con.execute(f"copy ({sql}) to '{target}' (header, delimiter ',')")


def to_backend(landing: Path) -> None:
    """Rewrite every delivery folder under `landing` in the back-end layout, in place."""
    con = duckdb.connect()
    con.execute("set threads = 1; set preserve_insertion_order = true")  # the same bytes from the same seed
    try:
        for folder in sorted(p for p in landing.iterdir() if p.is_dir() and p.name.isdigit()):
            _convert(con, folder)
    finally:
        con.close()


def _convert(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    def source(name: str) -> str:
        path = folder / f"{name}.csv"
        return READ.format(path=path, columns=_columns(path))

    _write(con, SETL_D.format(source=source("setl"), share=LOCAL_CODE_SHARE), folder / "setl_d.csv")
    _write(con, PSN_INSU_D.format(source=source("psn_insu")), folder / "psn_insu_d.csv")
    employees, residents = "insutype not like '39%'", "insutype like '39%'"
    _write(con, CLCT_DETAIL.format(source=source("clct"), where=employees), folder / "staf_psn_clct_detl_d.csv")
    _write(con, CLCT_DETAIL.format(source=source("clct"), where=residents), folder / "rsdt_psn_clct_detl_d.csv")
    for name in ("setl", "psn_insu", "clct"):
        (folder / f"{name}.csv").unlink()
    files = []
    for path in sorted(folder.glob("*.csv")):
        if path.name == "manifest.csv":
            continue
        with path.open("rb") as f:
            rows = sum(1 for _ in f) - 1
        files.append((path.name, rows, file_sha256(path)))
    write_manifest(folder, files)
