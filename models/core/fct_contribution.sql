-- grain: one contribution line (clct_id), in its latest version; reversals are their own rows with negated amounts
-- money is booked in the month of arvl_date, cash basis (DESIGN §4 booking rules)
-- only money that arrived is booked: a back-end row with clct_flag 0 (not yet 到账) is loaded and left out (DESIGN §2)
-- Incremental: a run takes again the lines of int_scope__contributions; their stored rows are replaced, so a line whose
-- new version has not arrived leaves the table.
{{ config(**yibao.incremental_config(
    'clct_id',
    replace_where="clct_id in (select clct_id from {{ ref('int_scope__contributions') }})"
)) }}
-- depends_on: {{ ref('int_scope__contributions') }} (the scope, read by an incremental run only)

with contributions as (
    select
        *,
        -- a message-layout line pays for one month: its period ends where it starts
        coalesce(accrual_ym_end, accrual_ym) as accrual_ym_last
    from {{ ref('stg_clct') }}
    where coalesce(clct_flag, '1') = '1'
    {%- if is_incremental() %}
        and clct_id in (select clct_id from {{ ref('int_scope__contributions') }})
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
)

select
    contributions.clct_id,
    persons.person_id,
    contributions.psn_no,
    contributions.emp_no,
    contributions.insutype,
    contributions.insu_admdvs,
    contributions.accrual_ym,
    contributions.accrual_ym_last as accrual_ym_end,
    -- the period is months YYYYMM that do not end before they start: the line has months (int_contribution__months)
    coalesce(
        {{ yibao.is_year_month('contributions.accrual_ym') }}
        and {{ yibao.is_year_month('contributions.accrual_ym_last') }}
        and contributions.accrual_ym_last >= contributions.accrual_ym,
        false
    ) as period_is_months,
    contributions.clct_type,
    contributions.clct_base,
    contributions.clct_rate,
    contributions.clct_amt,
    contributions.acct_crdt_amt,
    cast(contributions.clct_amt - contributions.acct_crdt_amt as decimal(18, 2)) as pooled_amt,
    insutypes.pooled_fund_type,
    contributions.arvl_date,
    cast({{ dbt.last_day('contributions.arvl_date', 'month') }} as date) as month_end,
    contributions.revs_flag = '1' as is_reversal,
    -- the later of the line's and its person record's load, so a person record is taken in once
    greatest(contributions._loaded_at, persons._loaded_at) as _loaded_at,  -- greatest skips a null person load
    {{ yibao.written_at() }} as _written_at
from contributions
left join persons
    on contributions.psn_no = persons.psn_no
left join insutypes
    on contributions.insutype = insutypes.insutype
