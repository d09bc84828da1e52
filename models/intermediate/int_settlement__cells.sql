-- grain: one county (insu_admdvs) x scheme x medical-type group x hospital tier x month with valid settlements
-- The settlement side of rpt_reimbursement_monthly (待遇享受): counts, distinct persons and money per cell.
-- Its count of distinct persons is the costliest aggregate of the marts (3.7 s over 11.4 M settlements at 2 M persons,
-- docs/PERFORMANCE.md), and a night's delivery touches few months, so the cells are kept incrementally by month
-- (replace_scope on month_end): a nightly run recounts every month that holds a settlement row written into
-- fct_settlement since the cells last counted (its _written_at, recorded as this model's watermark; a run that
-- stopped in between leaves the watermark behind), or held an earlier version of one (a re-sent row can move to
-- another month). Months no row touched keep their cells.
{% set money = ['medfee_sumamt', 'inscp_scp_amt', 'hifp_pay', 'hifob_pay', 'hifmi_pay', 'cvlserv_pay', 'maf_pay',
                'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay'] %}
{%- set cfg = yibao.incremental_config(
    ['admdvs', 'insutype', 'med_group', 'hosp_tier', 'month_end'], scope_columns=['month_end'], row_column='settlements'
) %}
{%- do cfg.update({'post_hook': "{{ yibao.record_loaded_through(['fct_settlement'], column='_written_at') }}"}) %}
{{ config(**cfg) }}
-- depends_on: {{ source('raw', 'setl') }} (earlier versions, read by an incremental run only)

with
{%- if is_incremental() %}
-- the settlements written into fct_settlement since the last count (new, changed, re-personed or reversed)
written as {{ yibao.materialized() }} (
    select
        setl_id,
        month_end
    from {{ ref('fct_settlement') }}
    where _written_at > {{ yibao.loaded_through() }}
),

months_to_count as (
    select month_end from written
    union
    select cast({{ dbt.last_day('cast(versions.setl_time as date)', 'month') }} as date) as month_end
    from {{ source('raw', 'setl') }} as versions
    where versions.setl_id in (select setl_id from written)
),

settlements as (
    select * from {{ ref('fct_settlement') }}
    where is_valid
        and month_end in (select month_end from months_to_count)
),
{%- else %}
settlements as (
    select * from {{ ref('fct_settlement') }}
    where is_valid
),
{%- endif %}

cells as (
    select
        insu_admdvs as admdvs,
        insutype,
        med_group,
        hosp_tier,
        month_end,
        sum(case when is_counted then 1 else 0 end) as settlements,
        count(distinct case when is_counted then person_id end) as persons,
        {%- for m in money %}
        sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from settlements
    group by insu_admdvs, insutype, med_group, hosp_tier, month_end
)

{%- set columns = ['admdvs', 'insutype', 'med_group', 'hosp_tier', 'month_end', 'settlements', 'persons'] + money %}

select
{%- for column in columns %}
    {{ column }}{% if not loop.last %},{% endif %}
{%- endfor %}
from cells
{%- if is_incremental() %}
-- the months this run counts again (macros/replace_scope.sql)
union all
{{ yibao.replace_scope_rows(columns, 'month_end', 'months_to_count') }}
{%- endif %}
