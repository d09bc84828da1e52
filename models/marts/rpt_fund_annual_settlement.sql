-- Annual settlement of responsibility (年度基金决算与责任分担) per county, pooled fund and year, plus city rows.
-- 1. current_result = income - expenditure, where income leaves out the opening transfer, city adjustments
--    and government top-ups, and expenditure leaves out city adjustments (they are how deficits get covered).
-- 2. A deficit is covered first by the sub-account's balance at the start of the year, as far as it is positive.
-- 3. The remainder is covered by the city pooled balance if the county met its revenue plan (>= 100 %),
--    otherwise by the county government. This mart reports; it posts nothing into the ledger.
with years as (
    select extract(year from month_end) as year, count(*) as months_reported
    from {{ ref('int_calendar__months') }}
    group by extract(year from month_end)
),

counties as (
    select admdvs from {{ ref('dim_region') }} where region_level = 'county'
),

pooled_funds as (
    select fund_type from {{ ref('fund_type') }} where is_pooled
),

ledger as (
    select
        admdvs,
        fund_type,
        extract(year from month_end) as year,
        entry_type,
        direction,
        amount
    from {{ ref('fct_fund_ledger') }}
),

grid as (
    select counties.admdvs, pooled_funds.fund_type, years.year, years.months_reported
    from years
    cross join counties
    cross join pooled_funds
),

per_year as (
    select
        grid.admdvs,
        grid.fund_type,
        grid.year,
        grid.months_reported,
        coalesce(sum(case when ledger.year = grid.year and ledger.direction = 'in'
                          and ledger.entry_type not in ('opening_transfer', 'adjustment_in', 'government_topup')
                          then ledger.amount end), 0) as income,
        coalesce(-sum(case when ledger.year = grid.year and ledger.direction = 'out'
                           and ledger.entry_type <> 'adjustment_out'
                           then ledger.amount end), 0) as expenditure,
        coalesce(sum(case when ledger.year = grid.year and ledger.entry_type = 'contribution_pooled'
                          then ledger.amount end), 0) as contribution_income,
        coalesce(sum(case when ledger.year < grid.year
                            or (ledger.year = grid.year and ledger.entry_type = 'opening_transfer')
                          then ledger.amount end), 0) as balance_at_start
    from grid
    left join ledger
        on ledger.admdvs = grid.admdvs
       and ledger.fund_type = grid.fund_type
       and ledger.year <= grid.year
    group by grid.admdvs, grid.fund_type, grid.year, grid.months_reported
),

with_plan as (
    select
        per_year.*,
        plans.planned_income
    from per_year
    left join {{ ref('fct_fund_plan') }} as plans
        on plans.admdvs = per_year.admdvs
       and plans.fund_type = per_year.fund_type
       and plans.year = per_year.year
),

county_rows as (
    select
        with_plan.*,
        income - expenditure as current_result,
        case when income - expenditure < 0 then expenditure - income else 0 end as deficit,
        cast(contribution_income as double) / nullif(cast(planned_income as double), 0) as revenue_plan_completion
    from with_plan
),

county_shares as (
    select
        county_rows.*,
        least(deficit, greatest(balance_at_start, 0)) as covered_by_own_balance,
        deficit - least(deficit, greatest(balance_at_start, 0)) as remainder
    from county_rows
),

county_final as (
    select
        admdvs, fund_type, year, months_reported, income, expenditure, current_result, balance_at_start, deficit,
        covered_by_own_balance,
        case when revenue_plan_completion >= 1 then remainder else 0 end as covered_by_city,
        case when revenue_plan_completion >= 1 then 0 else remainder end as covered_by_county_government,
        contribution_income,
        planned_income
    from county_shares
),

city_final as (
    select
        regions.parent_admdvs as admdvs, fund_type, year, max(months_reported) as months_reported,
        sum(income) as income, sum(expenditure) as expenditure, sum(current_result) as current_result,
        sum(balance_at_start) as balance_at_start, sum(deficit) as deficit,
        sum(covered_by_own_balance) as covered_by_own_balance, sum(covered_by_city) as covered_by_city,
        sum(covered_by_county_government) as covered_by_county_government,
        sum(contribution_income) as contribution_income, sum(planned_income) as planned_income
    from county_final
    inner join {{ ref('dim_region') }} as regions
        on regions.admdvs = county_final.admdvs
    group by regions.parent_admdvs, fund_type, year
),

all_rows as (
    select * from county_final
    union all
    select * from city_final
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(fund_type as {{ dbt.type_string() }}) as fund_type,
    cast(year as integer) as year,
    cast(months_reported as integer) as months_reported,
    cast(income as decimal(18, 2)) as income,
    cast(expenditure as decimal(18, 2)) as expenditure,
    cast(current_result as decimal(18, 2)) as current_result,
    cast(balance_at_start as decimal(18, 2)) as balance_at_start,
    cast(deficit as decimal(18, 2)) as deficit,
    cast(covered_by_own_balance as decimal(18, 2)) as covered_by_own_balance,
    cast(covered_by_city as decimal(18, 2)) as covered_by_city,
    cast(covered_by_county_government as decimal(18, 2)) as covered_by_county_government,
    cast(contribution_income as decimal(18, 2)) as contribution_income,
    cast(planned_income as decimal(18, 2)) as planned_income,
    cast(contribution_income as double) / nullif(cast(planned_income as double), 0) as revenue_plan_completion,
    cast(case
        when deficit = 0 then 'none'
        when covered_by_county_government > 0 then 'county_government'
        when covered_by_city > 0 then 'city'
        else 'own_balance'
    end as {{ dbt.type_string() }}) as responsible_party
from all_rows
