-- grain: one booked contribution line (clct_id) x each month of the range it pays for (费款所属期, accrual_ym to
-- accrual_ym_end), with its share of the money. A back-end detail row pays for a range (a resident's year, a back
-- payment); a message-layout line for one month. The shares are the amount divided by the months, rounded to the fen,
-- and the last month takes the rest, so a line's shares add up to it exactly.
-- A line whose period is not months YYYYMM, or ends before it starts (fct_contribution.period_is_months false), has
-- no months here; its money is still booked by arrival in fct_contribution, and a contract test lists it.
-- Incremental: a run takes again the lines of int_scope__contributions; their stored months are replaced, so a line
-- whose new version pays for fewer months loses the others.
{{ config(**yibao.incremental_config(
    ['clct_id', 'month_end'],
    replace_where="clct_id in (select clct_id from {{ ref('int_scope__contributions') }})"
)) }}
-- depends_on: {{ ref('int_scope__contributions') }} (the scope, read by an incremental run only)

with lines as (
    select
        *,
        cast(substr(accrual_ym, 1, 4) as integer) * 12
        + cast(substr(accrual_ym, 5, 2) as integer) as first_month_no,
        cast(substr(accrual_ym_end, 1, 4) as integer) * 12
        + cast(substr(accrual_ym_end, 5, 2) as integer) as last_month_no
    from {{ ref('fct_contribution') }}
    where period_is_months
    {%- if is_incremental() %}
        and clct_id in (select clct_id from {{ ref('int_scope__contributions') }})
    {%- endif %}
),

ranges as (
    select
        *,
        last_month_no - first_month_no + 1 as months_in_range,
        cast(
            {{ dbt.concat(["substr(accrual_ym, 1, 4)", "'-'", "substr(accrual_ym, 5, 2)", "'-01'"]) }} as date
        ) as first_month_start
    from lines
),

-- at most 50 years of months in one line
month_offsets as (
    {{ dbt.generate_series(600) }}
),

-- a line of one month (every message-layout line) is its own month; only a range is spread over its months (joining
-- every line with the month numbers took 9.6 s against 6.0 s at 2 M persons, docs/PERFORMANCE.md)
months as (
    select
        ranges.*,
        1 as month_in_range,
        ranges.first_month_start as month_start,
        true as is_last_month
    from ranges
    where ranges.months_in_range = 1
    union all
    select
        ranges.*,
        month_offsets.generated_number as month_in_range,
        cast(
            {{ dbt.dateadd('month', 'month_offsets.generated_number - 1', 'ranges.first_month_start') }} as date
        ) as month_start,
        -- every month but the last takes the amount over the months, rounded to the fen
        month_offsets.generated_number = ranges.months_in_range as is_last_month
    from ranges
    inner join month_offsets
        on ranges.months_in_range >= month_offsets.generated_number
    where ranges.months_in_range > 1
)

select
    clct_id,
    person_id,
    psn_no,
    insutype,
    insu_admdvs,
    pooled_fund_type,
    clct_type,
    is_reversal,
    arvl_date,
    months_in_range,
    month_in_range,
    month_start,
    cast({{ dbt.last_day('month_start', 'month') }} as date) as month_end,
    cast(case
        when is_last_month then clct_amt - round(clct_amt / months_in_range, 2) * (months_in_range - 1)
        else round(clct_amt / months_in_range, 2)
    end as decimal(18, 2)) as clct_amt,
    cast(case
        when is_last_month then pooled_amt - round(pooled_amt / months_in_range, 2) * (months_in_range - 1)
        else round(pooled_amt / months_in_range, 2)
    end as decimal(18, 2)) as pooled_amt,
    cast(case
        when is_last_month then acct_crdt_amt - round(acct_crdt_amt / months_in_range, 2) * (months_in_range - 1)
        else round(acct_crdt_amt / months_in_range, 2)
    end as decimal(18, 2)) as acct_crdt_amt,
    _loaded_at,
    {{ yibao.written_at() }} as _written_at
from months
