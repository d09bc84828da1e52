-- Coverage (参保率) per county and month, plus the city row (230800) summed from the counties.
{% set class_columns = [('11', 'insured_employee_in_service'), ('12', 'insured_employee_retired'),
                        ('13', 'insured_employee_retired_cadre'), ('14', 'insured_resident_minor'),
                        ('15', 'insured_resident_adult'), ('16', 'insured_resident_elderly')] %}
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
        sum(case when insutype = '390' then 1 else 0 end) as insured_resident,
        {% for cls, name in class_columns %}
        sum(case when psn_class = '{{ cls }}' then 1 else 0 end) as {{ name }}{{ "," if not loop.last }}
        {% endfor %}
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
        {% for cls, name in class_columns %}
        coalesce(insured.{{ name }}, 0) as {{ name }},
        {% endfor %}
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
        {% for cls, name in class_columns %}
        sum({{ name }}) as {{ name }},
        {% endfor %}
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
    {% for cls, name in class_columns %}
    cast({{ name }} as bigint) as {{ name }},
    {% endfor %}
    cast(insured_persons as double) / nullif(registered_population, 0) as coverage_rate
from all_rows
