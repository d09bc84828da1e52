-- grain: one contribution line (clct_id), in its latest version; reversals are their own rows with negated amounts
-- money is booked in the month of arvl_date, cash basis (DESIGN §4 booking rules)
{{ config(**yibao.incremental_config('clct_id')) }}

-- depends_on: {{ source('raw', 'clct') }}
with contributions as (
    {% if is_incremental() %}
    -- the lines a version of which was loaded since the last run, and the stored lines of person records loaded since
    -- (they can change their person_id): read straight from raw.clct, ranked as stg_clct ranks them
    -- (macros/latest_version.sql), but for these keys only; stg_clct is a view that ranks every key
    {{ yibao.latest_of_keys(source('raw', 'clct'), ['clct_id'], yibao.latest_first(),
        yibao.touched_keys(source('raw', 'clct'), ['clct_id']) ~ "
        union
        select stored.clct_id from " ~ this ~ " as stored
        where stored.psn_no in (
            select info.psn_no from " ~ ref('stg_psn_info') ~ " as info
            where info._loaded_at > (select max(stored._loaded_at) from " ~ this ~ " as stored)
        )") }}
    {% else %}
    select * from {{ ref('stg_clct') }}
    {% endif %}
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
