-- 结算信息: the latest version of each setl_id, as delivered.
{{ config(**yibao.incremental_config('setl_id')) }}

with latest as (
    {{ latest_version(source('raw', 'setl'), ['setl_id'], yibao.latest_first(), since_last_run=true) }}
)

select
    setl_id,
    mdtrt_id,
    psn_no,
    {{ yibao.mapped_code('insutype') }} as insutype,
    latest.insutype as insutype_delivered,
    {{ yibao.mapped_code('psn_type') }} as psn_type,
    latest.psn_type as psn_type_delivered,
    {{ yibao.mapped_code('med_type') }} as med_type,
    latest.med_type as med_type_delivered,
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
    -- real reversals carry null parts (DESIGN §2): the person's part is what the account and cash paid, the hospital's
    -- nothing, and _derived says so
    coalesce(psn_part_amt, acct_pay + psn_cash_pay) as psn_part_amt,
    acct_pay,
    psn_cash_pay,
    coalesce(hosp_part_amt, 0) as hosp_part_amt,
    refd_setl_flag,
    init_setl_id,
    {{ yibao.mapped_code('clr_type') }} as clr_type,
    latest.clr_type as clr_type_delivered,
    vali_flag,
    updt_time,
    fix_blng_admdvs,
    out_flag,
    begndate,
    enddate,
    cal_ipt_cnt,
    nullif({{ dbt.concat([
        "case when psn_part_amt is null then 'psn_part_amt=acct_pay+psn_cash_pay ' else '' end",
        "case when hosp_part_amt is null then 'hosp_part_amt=0' else '' end"
    ]) }}, '') as _derived,
    _file,
    _delivery_date,
    _row_number,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from latest
{{ yibao.code_map_joins('insutype', 3) }}
{{ yibao.code_map_joins('psn_type') }}
{{ yibao.code_map_joins('med_type') }}
{{ yibao.code_map_joins('clr_type') }}
