-- One row per reporting month, from the first month with booked money to the as-of month.
-- period_end is the day stock figures are taken on: the month end, or the as-of date
-- (the latest delivery of any extract) for the unfinished current month.
-- is_complete: the as-of date is on or after the month's last day (DESIGN §4 Periods). A month that is not
-- complete has only part of its data, and no figure that needs the whole month is computed for it.
-- The as-of date is the latest delivery of which ingest loaded rows (ops.loaded_files); the first month is that of the
-- earliest settlement or contribution delivered in any version (the versions views read no more than those columns).
with deliveries as (
    select max(delivery_date) as delivery_date from {{ ref('stg_loaded_files') }}
    where status = 'loaded' and rows_loaded > 0
),

-- Never after today: ingest holds a delivery dated in the future, and this keeps the calendar honest even so.
as_of as (
    select least(max(delivery_date), cast({{ dbt.current_timestamp() }} as date)) as as_of_date
    from deliveries
),

activity as (
    select min(cast(setl_time as date)) as first_day from {{ ref('stg_setl__versions') }}
    union all
    select min(arvl_date) from {{ ref('stg_clct__versions') }}
    union all
    select min(txn_date) from {{ ref('stg_fund_txn') }}
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(activity.first_day)') }} as date) as first_month,
        max(as_of.as_of_date) as as_of_date
    from activity
    cross join as_of
),

months as (
    select distinct month_end from {{ ref('dim_date') }}
)

select
    months.month_end,
    case when months.month_end > bounds.as_of_date then bounds.as_of_date else months.month_end end as period_end,
    cast({{ dbt.date_trunc('month', 'months.month_end') }} as date) as month_start,
    bounds.as_of_date,
    months.month_end <= bounds.as_of_date as is_complete,
    bounds.first_month
from months
cross join bounds
where months.month_end >= bounds.first_month
    and cast({{ dbt.date_trunc('month', 'months.month_end') }} as date) <= bounds.as_of_date
