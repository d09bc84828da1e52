-- Provincial adjustment fund (省级统筹调剂金) per city, pooled fund and year (policy 003, province-wide pooling):
-- 1. amount_drawn = the city's fund income x draw_rate, paid into the provincial fund.
-- 2. deficit = what the year's expenditure exceeds the income the city kept (income - amount_drawn), else 0.
-- 3. The fund bears deficit x deficit_share_rate of each city's deficit, scaled down pro rata in a year when
--    the requests exceed what was drawn from all cities that year; the city's accumulated balance covers the rest.
-- Income and expenditure are the annual settlement's (rpt_fund_annual_settlement), city rows: the county
-- sub-accounts inside each city stay as they are. It reports; nothing is posted into the ledger.
with rules as (
    select
        province_admdvs,
        fund_type,
        year,
        draw_rate,
        deficit_share_rate,
        basis
    from {{ ref('province_adjustment') }}
),

cities as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'city'
),

city_years as (
    select
        annual.admdvs,
        rules.province_admdvs,
        annual.fund_type,
        annual.year,
        annual.income,
        annual.expenditure,
        annual.balance_at_start,
        rules.draw_rate,
        rules.deficit_share_rate,
        rules.basis,
        round(annual.income * rules.draw_rate, 2) as amount_drawn
    from {{ ref('rpt_fund_annual_settlement') }} as annual
    inner join cities
        on annual.admdvs = cities.admdvs
    inner join rules
        on annual.fund_type = rules.fund_type
            and annual.year = rules.year
),

deficits as (
    select
        city_years.*,
        greatest(city_years.expenditure - (city_years.income - city_years.amount_drawn), 0) as deficit
    from city_years
),

requests as (
    select
        deficits.*,
        round(deficits.deficit * deficits.deficit_share_rate, 2) as share_requested
    from deficits
),

province_years as (
    select
        province_admdvs,
        fund_type,
        year,
        sum(amount_drawn) as province_drawn,
        sum(share_requested) as province_requested
    from requests
    group by province_admdvs, fund_type, year
),

shared as (
    select
        requests.*,
        province_years.province_drawn,
        province_years.province_requested,
        case
            when province_years.province_requested <= province_years.province_drawn then requests.share_requested
            else round(
                    requests.share_requested * province_years.province_drawn
                    / province_years.province_requested, 2
                )
        end as deficit_shared
    from requests
    inner join province_years
        on requests.province_admdvs = province_years.province_admdvs
            and requests.fund_type = province_years.fund_type
            and requests.year = province_years.year
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(province_admdvs as {{ dbt.type_string() }}) as province_admdvs,
    cast(fund_type as {{ dbt.type_string() }}) as fund_type,
    cast(year as integer) as year,
    cast(income as decimal(18, 2)) as income,
    cast(expenditure as decimal(18, 2)) as expenditure,
    cast(draw_rate as decimal(9, 4)) as draw_rate,
    cast(amount_drawn as decimal(18, 2)) as amount_drawn,
    cast(deficit as decimal(18, 2)) as deficit,
    cast(deficit_share_rate as decimal(9, 4)) as deficit_share_rate,
    cast(deficit_shared as decimal(18, 2)) as deficit_shared,
    cast(deficit - deficit_shared as decimal(18, 2)) as city_remaining_share,
    cast(balance_at_start as decimal(18, 2)) as balance_at_start,
    balance_at_start >= deficit - deficit_shared as balance_covers_remaining,
    cast(province_drawn as decimal(18, 2)) as province_drawn,
    cast(province_requested as decimal(18, 2)) as province_requested,
    cast(basis as {{ dbt.type_string() }}) as basis
from shared
