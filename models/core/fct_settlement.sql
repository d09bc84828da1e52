-- grain: one valid-or-void settlement row (setl_id): originals and reversals are separate rows
-- money is booked in the month of each row's own setl_time, so summing money nets a reversal in its own month;
-- counts use is_counted, which excludes both a reversed original and its reversal (DESIGN §4)
-- med_group rolls the raw med_type up by its first two digits, so 26 or a local 2101 is inpatient (DESIGN §2)
-- care_area (DESIGN §4 out-of-area care): where care took place (care_admdvs: the back-end's FIX_BLNG_ADMDVS, else the
-- area of the institution on the pool's list, else the settlement's own mdtrtarea_admvs for an institution the pool
-- does not list) against the insured's area: local when both are in one pooling area (the first four digits, so the
-- city level xx99 is local), in_province by the first two digits, else out_of_province. Booked like any settlement.
-- Incremental (delete+insert on setl_id): a run takes again the settlements of int_scope__settlements.
{{ config(**yibao.incremental_config('setl_id')) }}
-- depends_on: {{ ref('int_scope__settlements') }} (the scope, read by an incremental run only)

with settlements as (
    select * from {{ ref('stg_setl') }}
    {%- if is_incremental() %}
    where setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
),

-- originals reversed by a valid reversal (in an incremental run, of the originals judged again)
reversed as (
    select distinct init_setl_id as setl_id
    from {{ ref('stg_setl') }}
    where refd_setl_flag = '1' and vali_flag = '1' and init_setl_id is not null
    {%- if is_incremental() %}
        and init_setl_id in (select setl_id from {{ ref('int_scope__settlements') }})
    {%- endif %}
),

persons as (
    select
        psn_no,
        person_id,
        _loaded_at
    from {{ ref('stg_psn_info') }}
),

insutypes as (
    select
        insutype,
        pooled_fund_type
    from {{ ref('dim_insutype') }}
),

med_types as (
    select
        med_type,
        med_group
    from {{ ref('med_type') }}
),

levels as (
    select
        hosp_lv,
        hosp_tier
    from {{ ref('hosp_lv') }}
),

institutions as (
    select
        fixmedins_code,
        admdvs
    from {{ ref('dim_medins') }}
),

located as (
    select
        settlements.*,
        coalesce(settlements.fix_blng_admdvs, institutions.admdvs, settlements.mdtrtarea_admvs) as care_admdvs
    from settlements
    left join institutions
        on settlements.fixmedins_code = institutions.fixmedins_code
)

select
    settlements.setl_id,
    settlements.mdtrt_id,
    persons.person_id,
    settlements.psn_no,
    settlements.insutype,
    settlements.psn_type,
    settlements.med_type,
    coalesce(med_types.med_group, 'other') as med_group,
    settlements.setl_time,
    cast(settlements.setl_time as date) as setl_date,
    cast({{ dbt.last_day('cast(settlements.setl_time as date)', 'month') }} as date) as month_end,
    settlements.fixmedins_code,
    settlements.hosp_lv,
    coalesce(levels.hosp_tier, 'none') as hosp_tier,
    settlements.insu_admdvs,
    settlements.mdtrtarea_admvs,
    settlements.care_admdvs,
    cast(case
        when settlements.care_admdvs is null or substr(settlements.care_admdvs, 1, 4) = substr(settlements.insu_admdvs, 1, 4)
            then 'local'
        when substr(settlements.care_admdvs, 1, 2) = substr(settlements.insu_admdvs, 1, 2) then 'in_province'
        else 'out_of_province'
    end as {{ dbt.type_string() }}) as care_area,
    settlements.dise_codg,
    settlements.medfee_sumamt,
    settlements.fulamt_ownpay_amt,
    settlements.overlmt_selfpay,
    settlements.preselfpay_amt,
    settlements.inscp_scp_amt,
    settlements.act_pay_dedc,
    settlements.hifp_pay,
    settlements.pool_prop_selfpay,
    settlements.cvlserv_pay,
    settlements.hifes_pay,
    settlements.hifmi_pay,
    settlements.hifob_pay,
    settlements.maf_pay,
    settlements.oth_pay,
    settlements.fund_pay_sumamt,
    settlements.psn_part_amt,
    settlements.acct_pay,
    settlements.psn_cash_pay,
    settlements.hosp_part_amt,
    insutypes.pooled_fund_type,
    settlements.refd_setl_flag = '1' as is_reversal,
    settlements.init_setl_id,
    reversed.setl_id is not null as is_reversed,
    settlements.vali_flag = '1' as is_valid,
    settlements.vali_flag = '1' and settlements.refd_setl_flag <> '1' and reversed.setl_id is null as is_counted,
    greatest(settlements._loaded_at, persons._loaded_at) as _loaded_at,  -- greatest skips a null person load
    {{ yibao.written_at() }} as _written_at
from located as settlements
left join reversed
    on settlements.setl_id = reversed.setl_id
left join persons
    on settlements.psn_no = persons.psn_no
left join insutypes
    on settlements.insutype = insutypes.insutype
left join med_types
    on settlements.med_type = med_types.med_type
left join levels
    on settlements.hosp_lv = levels.hosp_lv
