-- Coverage (参保率) per county and month on two bases that are never mixed (DESIGN §5), plus a row per city (its
-- pooling area) summed from its counties: 常住 (persons insured in the county ÷ resident population) and 户籍 (persons
-- whose 户籍 is in the county, insured anywhere in the pool ÷ registered population). Insured means counted in
-- fct_person_month: alive, enrolled and, for a resident, paid up; the enrolled but unpaid are a figure of their own.
{% set class_columns = [('11', 'insured_employee_in_service'), ('12', 'insured_employee_retired'),
                        ('13', 'insured_employee_retired_cadre'), ('14', 'insured_resident_minor'),
                        ('15', 'insured_resident_adult'), ('16', 'insured_resident_elderly')] %}
with months as (
    select month_end from {{ ref('int_calendar__months') }}
),

person_months as (
    select * from {{ ref('fct_person_month') }}
    where counted
),

counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
),

-- one pass over the person-months: the counted persons by scheme and class, and the enrolled but unpaid
insured as (
    select
        month_end,
        insu_admdvs as admdvs,
        sum(case when counted then 1 else 0 end) as insured_persons,
        sum(case when counted and insutype = '310' then 1 else 0 end) as insured_employee,
        sum(case when counted and insutype = '390' then 1 else 0 end) as insured_resident,
        sum(case when counted then 0 else 1 end) as enrolled_unpaid,
        {% for cls, name in class_columns %}
        sum(case when counted and psn_class = '{{ cls }}' then 1 else 0 end) as {{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('fct_person_month') }}
    group by month_end, insu_admdvs
),

-- the same insured persons by their 户籍 county (persons of no county of the pool drop out at the join below)
hsreg_insured as (
    select
        month_end,
        hsreg_admdvs as admdvs,
        count(*) as hsreg_insured
    from person_months
    group by month_end, hsreg_admdvs
),

month_order as (
    select
        month_end,
        row_number() over (order by month_end) as month_number
    from {{ ref('int_calendar__months') }}
),

-- Each person's months in each county. A person whose months in every county are unbroken (most persons: one
-- county, one stretch) joined each county in its first month and left it in the month after its last. Only the
-- persons with a broken stretch (a gap, or a move and a move back) are followed month by month, through a window.
-- An aggregate over the fact is far cheaper than a window over all of it: at 2 M persons 1.5 s against 5.7 s of
-- CPU (docs/PERFORMANCE.md).
county_stretches as (
    select
        person_month.person_id,
        person_month.insu_admdvs,
        min(month_order.month_number) as first_month_number,
        max(month_order.month_number) as last_month_number,
        count(*) as months
    from person_months as person_month
    inner join month_order
        on person_month.month_end = month_order.month_end
    group by person_month.person_id, person_month.insu_admdvs
),

broken_persons as (
    select distinct person_id from county_stretches
    where months <> last_month_number - first_month_number + 1
),

unbroken_stretches as (
    select
        county_stretches.insu_admdvs,
        county_stretches.first_month_number,
        county_stretches.last_month_number
    from county_stretches
    left join broken_persons
        on county_stretches.person_id = broken_persons.person_id
    where broken_persons.person_id is null
),

-- the broken persons' person-months, each with the person's month and county before and after it
assigned as (
    select
        person_month.insu_admdvs,
        month_order.month_number,
        lag(month_order.month_number) over by_person as previous_month_number,
        lag(person_month.insu_admdvs) over by_person as previous_admdvs,
        lead(month_order.month_number) over by_person as next_month_number,
        lead(person_month.insu_admdvs) over by_person as next_admdvs
    from person_months as person_month
    inner join month_order
        on person_month.month_end = month_order.month_end
    inner join broken_persons
        on person_month.person_id = broken_persons.person_id
    window by_person as (partition by person_month.person_id order by month_order.month_number)
),

-- Persons who count in a county this month but did not last month (additions), and the reverse (leavers).
-- The first reporting month has no month before it, so it shows no additions or leavers.
changes as (
    select
        month_order.month_end,
        moves.admdvs,
        sum(moves.added) as insured_added,
        sum(moves.left_county) as insured_left
    from (
        select
            first_month_number as month_number,
            insu_admdvs as admdvs,
            1 as added,
            0 as left_county
        from unbroken_stretches
        where first_month_number > 1
        union all
        select
            last_month_number + 1,
            insu_admdvs,
            0,
            1
        from unbroken_stretches
        where last_month_number < (select max(month_number) from month_order)
        union all
        select
            month_number,
            insu_admdvs,
            1,
            0
        from assigned
        where month_number > 1
            and (
                previous_month_number is null
                or previous_month_number <> month_number - 1
                or previous_admdvs <> insu_admdvs
            )
        union all
        select
            month_number + 1,
            insu_admdvs,
            0,
            1
        from assigned
        where month_number < (select max(month_number) from month_order)
            and (next_month_number is null or next_month_number <> month_number + 1 or next_admdvs <> insu_admdvs)
    ) as moves
    inner join month_order
        on moves.month_number = month_order.month_number
    group by month_order.month_end, moves.admdvs
),

population as (
    select
        month_end,
        admdvs,
        hsreg_pop,
        resident_pop
    from {{ ref('int_population__county_month') }}
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
        coalesce(changes.insured_added, 0) as insured_added,
        coalesce(changes.insured_left, 0) as insured_left,
        coalesce(insured.enrolled_unpaid, 0) as enrolled_unpaid,
        coalesce(hsreg_insured.hsreg_insured, 0) as hsreg_insured,
        population.hsreg_pop as hsreg_population,
        population.resident_pop as resident_population
    from months
    cross join counties
    left join insured
        on months.month_end = insured.month_end and counties.admdvs = insured.admdvs
    left join changes
        on months.month_end = changes.month_end and counties.admdvs = changes.admdvs
    left join hsreg_insured
        on months.month_end = hsreg_insured.month_end and counties.admdvs = hsreg_insured.admdvs
    left join population
        on months.month_end = population.month_end and counties.admdvs = population.admdvs
),

city_rows as (
    select
        regions.parent_admdvs as admdvs,
        month_end,
        sum(insured_persons) as insured_persons,
        sum(insured_employee) as insured_employee,
        sum(insured_resident) as insured_resident,
        {% for cls, name in class_columns %}
        sum({{ name }}) as {{ name }},
        {% endfor %}
        sum(insured_added) as insured_added,
        sum(insured_left) as insured_left,
        sum(enrolled_unpaid) as enrolled_unpaid,
        sum(hsreg_insured) as hsreg_insured,
        sum(hsreg_population) as hsreg_population,
        sum(resident_population) as resident_population
    from county_rows
    inner join {{ ref('dim_region') }} as regions
        on county_rows.admdvs = regions.admdvs
    group by regions.parent_admdvs, month_end
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
    cast(enrolled_unpaid as bigint) as enrolled_unpaid,
    cast(hsreg_insured as bigint) as hsreg_insured,
    cast(hsreg_population as bigint) as hsreg_population,
    cast(resident_population as bigint) as resident_population,
    cast(insured_added as bigint) as insured_added,
    cast(insured_left as bigint) as insured_left,
    {% for cls, name in class_columns %}
    cast({{ name }} as bigint) as {{ name }},
    {% endfor %}
    cast(hsreg_insured as double) / nullif(hsreg_population, 0) as coverage_rate_hsreg,
    cast(insured_persons as double) / nullif(resident_population, 0) as coverage_rate_resident,
    calendar.is_complete,
    calendar.period_end
from all_rows
inner join (
    select
        month_end as calendar_month_end,
        is_complete,
        period_end
    from {{ ref('int_calendar__months') }}
) as calendar
    on all_rows.month_end = calendar.calendar_month_end
