-- Key-group coverage (重点人群参保率) per county and month, plus the city row summed from the counties:
-- roster persons valid on the period end, and how many of them had an active 310 or 390 enrollment.
with months as (
    select
        month_end,
        period_end
    from {{ ref('int_calendar__months') }}
),

counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
),

roster_on_day as (
    select distinct
        months.month_end,
        roster.admdvs,
        roster.person_id
    from months
    inner join {{ ref('int_kpop__roster_lines') }} as roster
        on months.period_end >= roster.begndate
            and (roster.enddate is null or months.period_end <= roster.enddate)
),

status as (
    select
        roster_on_day.month_end,
        roster_on_day.admdvs,
        count(*) as roster_persons,
        sum(case when person_month.person_id is not null then 1 else 0 end) as enrolled_persons
    from roster_on_day
    left join {{ ref('fct_person_month') }} as person_month
        on roster_on_day.person_id = person_month.person_id
            and roster_on_day.month_end = person_month.month_end
    group by roster_on_day.month_end, roster_on_day.admdvs
),

county_rows as (
    select
        counties.admdvs,
        months.month_end,
        coalesce(status.roster_persons, 0) as roster_persons,
        coalesce(status.enrolled_persons, 0) as enrolled_persons
    from months
    cross join counties
    left join status
        on counties.admdvs = status.admdvs and months.month_end = status.month_end
),

all_rows as (
    select * from county_rows
    union all
    select
        regions.parent_admdvs,
        month_end,
        sum(roster_persons),
        sum(enrolled_persons)
    from county_rows
    inner join {{ ref('dim_region') }} as regions
        on county_rows.admdvs = regions.admdvs
    group by regions.parent_admdvs, month_end
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    month_end,
    cast(roster_persons as bigint) as roster_persons,
    cast(enrolled_persons as bigint) as enrolled_persons,
    cast(roster_persons - enrolled_persons as bigint) as not_enrolled_persons,
    cast(enrolled_persons as double) / nullif(roster_persons, 0) as kpop_coverage_rate,
    calendar.is_complete
from all_rows
inner join (
    select
        month_end as calendar_month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
) as calendar
    on all_rows.month_end = calendar.calendar_month_end
