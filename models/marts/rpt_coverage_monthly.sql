-- Coverage (参保率) per county and month, plus the city row (230800) summed from the counties.
with months as (
    select month_end from {{ ref('int_calendar__months') }}
),

counties as (
    select admdvs from {{ ref('dim_region') }} where region_level = 'county'
),

insured as (
    select
        month_end,
        insu_admdvs as admdvs,
        count(*) as insured_persons,
        sum(case when insutype = '310' then 1 else 0 end) as insured_employee,
        sum(case when insutype = '390' then 1 else 0 end) as insured_resident
    from {{ ref('fct_person_month') }}
    group by month_end, insu_admdvs
),

population as (
    select month_end, admdvs, hsreg_pop from {{ ref('int_population__county_year') }}
),

county_rows as (
    select
        counties.admdvs,
        months.month_end,
        coalesce(insured.insured_persons, 0) as insured_persons,
        coalesce(insured.insured_employee, 0) as insured_employee,
        coalesce(insured.insured_resident, 0) as insured_resident,
        population.hsreg_pop as registered_population
    from months
    cross join counties
    left join insured
        on insured.month_end = months.month_end and insured.admdvs = counties.admdvs
    left join population
        on population.month_end = months.month_end and population.admdvs = counties.admdvs
),

city_rows as (
    select
        '230800' as admdvs,
        month_end,
        sum(insured_persons) as insured_persons,
        sum(insured_employee) as insured_employee,
        sum(insured_resident) as insured_resident,
        sum(registered_population) as registered_population
    from county_rows
    group by month_end
),

all_rows as (
    select * from county_rows
    union all
    select * from city_rows
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    month_end,
    cast(insured_persons as bigint) as insured_persons,
    cast(insured_employee as bigint) as insured_employee,
    cast(insured_resident as bigint) as insured_resident,
    cast(registered_population as bigint) as registered_population,
    cast(insured_persons as double) / nullif(registered_population, 0) as coverage_rate
from all_rows
