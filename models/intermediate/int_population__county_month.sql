-- Registered population per county and reporting month: the month's year, or the latest earlier
-- year delivered (the statistics bureau publishes with a lag).
with months as (
    select month_end from {{ ref('int_calendar__months') }}
),

pop as (
    select
        admdvs,
        year,
        hsreg_pop,
        resident_pop
    from {{ ref('stg_pop_stat') }}
),

candidates as (
    select
        months.month_end,
        pop.admdvs,
        pop.hsreg_pop,
        pop.resident_pop,
        row_number() over (partition by months.month_end, pop.admdvs order by pop.year desc) as year_rank
    from months
    inner join pop
        on pop.year <= extract(year from months.month_end)
)

select
    month_end,
    admdvs,
    hsreg_pop,
    resident_pop
from candidates
where year_rank = 1
