-- 结算信息: the latest version of each setl_id, as delivered.
-- A view: the latest version of every key, ranked afresh from raw on each read. A table here was a second copy
-- of the city's widest extract, written in full by every full build (fct_settlement is the copy the warehouse
-- reads); a nightly's fact reads only the keys its delivery touched, through the same ranking
-- (macros/latest_version.sql, latest_of_keys). docs/PERFORMANCE.md, issue 14, eleventh part.
{{ config(materialized='view') }}

with latest as (
    {{ latest_version(source('raw', 'setl'), ['setl_id'], yibao.latest_first()) }}
)

select
    setl_id,
    mdtrt_id,
    psn_no,
    insutype,
    psn_type,
    med_type,
    setl_time,
    fixmedins_code,
    hosp_lv,
    insu_admdvs,
    mdtrtarea_admvs,
    dise_codg,
    medfee_sumamt,
    fulamt_ownpay_amt,
    overlmt_selfpay,
    preselfpay_amt,
    inscp_scp_amt,
    act_pay_dedc,
    hifp_pay,
    pool_prop_selfpay,
    cvlserv_pay,
    hifes_pay,
    hifmi_pay,
    hifob_pay,
    maf_pay,
    oth_pay,
    fund_pay_sumamt,
    psn_part_amt,
    acct_pay,
    psn_cash_pay,
    hosp_part_amt,
    refd_setl_flag,
    init_setl_id,
    clr_type,
    vali_flag,
    updt_time,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at
from latest
