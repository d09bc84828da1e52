-- 结算信息: the latest version of each setl_id, as delivered.
{{ config(**yibao.incremental_config('setl_id')) }}

with latest as (
    {{ latest_version(source('raw', 'setl'), ['setl_id'], yibao.latest_first(), since_last_run=true) }}
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
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest
