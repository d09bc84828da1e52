-- One row per reporting month, from the first month with booked money to the as-of month.
-- period_end is the day stock figures are taken on: the month end, or the as-of date
-- (the latest delivery of any extract) for the unfinished current month.
-- is_complete: the as-of date is on or after the month's last day (DESIGN §4 Periods). A month that is not
-- complete has only part of its data, and no figure that needs the whole month is computed for it.
-- The delivery dates and the first activity are read from the raw extracts: the latest delivery loaded, and the
-- earliest settlement or contribution delivered in any version. stg_setl and stg_clct are views that rank every
-- version of the city's biggest extracts; a min or max through them cost about 2 s each a night at 2 M persons.
with deliveries as (
    {% for extract in ['psn_info', 'psn_card', 'psn_insu', 'clct', 'setl', 'medins', 'kpop_roster', 'fund_txn',
                       'pop_stat', 'fund_plan'] %}
    select max(_delivery_date) as delivery_date from {{ source('raw', extract) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- Never after today: ingest holds a delivery dated in the future, and this keeps the calendar honest even so.
as_of as (
    select least(max(delivery_date), cast({{ dbt.current_timestamp() }} as date)) as as_of_date
    from deliveries
),

activity as (
    select min(cast(setl_time as date)) as first_day from {{ source('raw', 'setl') }}
    union all
    select min(arvl_date) from {{ source('raw', 'clct') }}
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
