-- grain: one valid-or-void settlement row (setl_id): originals and reversals are separate rows
-- money is booked in the month of each row's own setl_time, so summing money nets a reversal in its own month;
-- counts use is_counted, which excludes both a reversed original and its reversal (DESIGN §4)
-- med_group rolls the raw med_type up by its first two digits, so 26 or a local 2101 is inpatient (DESIGN §2)
{{ config(**yibao.incremental_config('setl_id')) }}

-- depends_on: {{ source('raw', 'setl') }}
{% if is_incremental() %}
-- A nightly reads its rows straight from raw.setl, ranked as stg_setl ranks them (macros/latest_version.sql), but for
-- the touched keys only: stg_setl is a view that ranks every version of every key.
with loaded as (  -- the keys a version of which was loaded since the last run
    {{ yibao.touched_keys(source('raw', 'setl'), ['setl_id']) }}
),

-- person records loaded since the last run: they can change their settlements' person_id
new_persons as (
    select psn_no from {{ ref('stg_psn_info') }}
    where _loaded_at > (select max(stored._loaded_at) from {{ this }} as stored)
),

-- the keys judged again: those loaded; the originals that any version of a loaded reversal names, now or before (their
-- is_reversed can change either way); the stored rows of re-delivered persons
scope as (
    select setl_id from loaded
    union
    select versions.init_setl_id
    from {{ source('raw', 'setl') }} as versions
    where versions.setl_id in (select setl_id from loaded)
        and versions.refd_setl_flag = '1'
        and versions.init_setl_id is not null
    union
    select stored.setl_id
    from {{ this }} as stored
    where stored.psn_no in (select psn_no from new_persons)
),

settlements as (
    {{ yibao.latest_of_keys(source('raw', 'setl'), ['setl_id'], yibao.latest_first(), 'select setl_id from scope') }}
),

-- originals reversed by a valid reversal: among the keys judged again, as delivered; elsewhere, as stored
reversed as (
    select init_setl_id as setl_id
    from settlements
    where refd_setl_flag = '1' and vali_flag = '1' and init_setl_id is not null
    union
    select stored.init_setl_id
    from {{ this }} as stored
    where stored.is_reversal and stored.is_valid and stored.init_setl_id is not null
        and not exists (select 1 from scope where scope.setl_id = stored.setl_id)
),
{% else %}
with settlements as (
    select * from {{ ref('stg_setl') }}
),

reversed as (
    select distinct init_setl_id as setl_id
    from {{ ref('stg_setl') }}
    where refd_setl_flag = '1' and vali_flag = '1' and init_setl_id is not null
),
{% endif %}

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
from settlements
left join reversed
    on settlements.setl_id = reversed.setl_id
left join persons
    on settlements.psn_no = persons.psn_no
left join insutypes
    on settlements.insutype = insutypes.insutype
left join med_types
    on substr(settlements.med_type, 1, 2) = med_types.med_type
left join levels
    on settlements.hosp_lv = levels.hosp_lv
