-- One row per calendar day from 2000-01-01 for 50 years, with its month and year attributes.
with spine as (
    {{ dbt.generate_series(18263) }}
),

days as (
    select cast({{ dbt.dateadd('day', 'spine.generated_number - 1', "cast('2000-01-01' as date)") }} as date) as date_day
    from spine
)

select
    date_day,
    extract(year from date_day) as year,
    extract(quarter from date_day) as quarter,
    extract(month from date_day) as month,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end,
    extract(year from date_day) * 100 + extract(month from date_day) as year_month
from days
