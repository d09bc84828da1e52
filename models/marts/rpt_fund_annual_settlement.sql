-- Annual settlement of responsibility (年度基金决算与责任分担) per county, pooled fund and year, plus city rows.
-- DESIGN §4, for each county, pooled fund (310100, 390100) and complete year:
-- 1. current_result = income - expenditure. Income is contributions, fiscal subsidies, interest and other income;
--    it leaves out the opening transfer, city adjustments and government top-ups (how deficits get covered).
--    Expenditure leaves out city adjustments out.
-- 2. A deficit is covered first by the sub-account's balance at the start of the year, as far as it is positive.
-- 3. The county government owes the part of the remainder its income shortfall explains:
--    min(remainder, planned income - actual income), both counting contributions plus fiscal subsidies (policy 001).
-- 4. The city's pooled balance covers the rest. Where the counties' positive year-end balances cannot,
--    city_balance_shortfall says how much falls to the local government (policy 000), shared pro rata.
-- 5. No plan: status plan_missing, no responsibility. An open year (status year_open) or a year the data does not
--    cover from its January (status year_partial) is not settled either. This mart reports; it posts nothing.
with months as (
    select
        month_end,
        is_complete,
        first_month
    from {{ ref('int_calendar__months') }}
),

years as (
    select
        extract(year from month_end) as year,
        count(*) as months_reported,
        -- the year's December is in the calendar and complete
        max(case when extract(month from month_end) = 12 and is_complete then 1 else 0 end) = 1 as is_over,
        -- the data covers the year from its January: the first booked month is not later than it
        min(case when extract(month from first_month) = 1 or extract(year from first_month) < extract(year from month_end)
                then 1
            else 0
        end) = 1 as is_covered
    from months
    group by extract(year from month_end)
),

counties as (
    select
        admdvs,
        parent_admdvs
    from {{ ref('dim_region') }}
    where region_level = 'county'
),

pooled_funds as (
    select fund_type from {{ ref('fund_type') }}
    where is_pooled
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
    select
        counties.admdvs,
        counties.parent_admdvs,
        pooled_funds.fund_type,
        years.year,
        years.months_reported,
        years.is_over,
        years.is_covered
    from years
    cross join counties
    cross join pooled_funds
),

per_year as (
    select
        grid.admdvs,
        grid.parent_admdvs,
        grid.fund_type,
        grid.year,
        grid.months_reported,
        grid.is_over,
        grid.is_covered,
        coalesce(sum(case when ledger.year = grid.year and ledger.direction = 'in'
                and ledger.entry_type not in ('opening_transfer', 'adjustment_in', 'government_topup')
                then ledger.amount
        end), 0) as income,
        coalesce(-sum(case when ledger.year = grid.year and ledger.direction = 'out'
                and ledger.entry_type <> 'adjustment_out'
                then ledger.amount
        end), 0) as expenditure,
        coalesce(sum(case when ledger.year = grid.year and ledger.entry_type = 'contribution_pooled'
                then ledger.amount
        end), 0) as contribution_income,
        coalesce(sum(case when ledger.year = grid.year and ledger.entry_type like 'subsidy_%'
                then ledger.amount
        end), 0) as subsidy_income,
        coalesce(sum(case when ledger.year < grid.year
                or (ledger.year = grid.year and ledger.entry_type = 'opening_transfer')
                then ledger.amount
        end), 0) as balance_at_start
    from grid
    left join ledger
        on grid.admdvs = ledger.admdvs
            and grid.fund_type = ledger.fund_type
            and grid.year >= ledger.year
    group by
        grid.admdvs, grid.parent_admdvs, grid.fund_type, grid.year, grid.months_reported, grid.is_over,
        grid.is_covered
),

-- a unit with no money in the year (the city-level code 230899 where nothing is booked to it) has planned nothing:
-- its missing plan is a zero plan, not plan_missing
with_plan as (
    select
        per_year.*,
        case when plans.admdvs is null and idle.is_idle then 0 else plans.planned_contribution_income end
            as planned_contribution_income,
        case when plans.admdvs is null and idle.is_idle then 0 else plans.planned_subsidy_income end
            as planned_subsidy_income,
        case when plans.admdvs is null and idle.is_idle then 0 else plans.planned_income end as planned_income,
        case
            when not per_year.is_over then 'year_open'
            when not per_year.is_covered then 'year_partial'
            when plans.admdvs is null and not idle.is_idle then 'plan_missing'
            else 'settled'
        end as status
    from per_year
    inner join (
        select
            unit_year.admdvs,
            unit_year.fund_type,
            unit_year.year,
            unit_year.income = 0 and unit_year.expenditure = 0 and unit_year.balance_at_start = 0 as is_idle
        from per_year as unit_year
    ) as idle
        on per_year.admdvs = idle.admdvs
            and per_year.fund_type = idle.fund_type
            and per_year.year = idle.year
    left join {{ ref('fct_fund_plan') }} as plans
        on per_year.admdvs = plans.admdvs
            and per_year.fund_type = plans.fund_type
            and per_year.year = plans.year
),

county_steps as (
    select
        with_plan.*,
        with_plan.income - with_plan.expenditure as current_result,
        greatest(with_plan.expenditure - with_plan.income, 0) as deficit,
        -- what the counties hold at year end from their own business, before adjustments and top-ups
        greatest(with_plan.balance_at_start + with_plan.income - with_plan.expenditure, 0) as balance_available,
        -- null without a plan; such a row is not settled
        greatest(with_plan.planned_income - (with_plan.contribution_income + with_plan.subsidy_income), 0) as income_shortfall
    from with_plan
),

county_own as (
    select
        county_steps.*,
        least(county_steps.deficit, greatest(county_steps.balance_at_start, 0)) as own_cover
    from county_steps
),

county_shares as (
    select
        county_own.*,
        county_own.deficit - county_own.own_cover as remainder,
        least(county_own.deficit - county_own.own_cover, county_own.income_shortfall) as county_government_cover
    from county_own
),

county_city as (
    select
        county_shares.*,
        county_shares.remainder - county_shares.county_government_cover as city_cover,
        -- step 4: the city covers from the counties' positive year-end balances; what they cannot is the shortfall
        sum(case when county_shares.status = 'settled' then county_shares.remainder - county_shares.county_government_cover else 0 end)
            over (partition by county_shares.parent_admdvs, county_shares.fund_type, county_shares.year) as city_cover_total,
        sum(case when county_shares.status = 'settled' then county_shares.balance_available else 0 end)
            over (partition by county_shares.parent_admdvs, county_shares.fund_type, county_shares.year) as city_balance_available
    from county_shares
),

county_final as (
    select
        admdvs,
        parent_admdvs,
        fund_type,
        year,
        status,
        months_reported,
        income,
        expenditure,
        current_result,
        balance_at_start,
        deficit,
        case when status = 'settled' then own_cover end as covered_by_own_balance,
        case when status = 'settled' then city_cover end as covered_by_city,
        case when status = 'settled' then county_government_cover end as covered_by_county_government,
        case when status = 'settled' then
                case when city_cover_total > city_balance_available and city_cover_total > 0
                        then round((city_cover_total - city_balance_available) * city_cover / city_cover_total, 2)
                    else 0
                end
        end as city_balance_shortfall,
        contribution_income,
        subsidy_income,
        planned_contribution_income,
        planned_subsidy_income,
        planned_income
    from county_city
),

city_status as (
    select
        parent_admdvs,
        fund_type,
        year,
        case
            when max(case when status = 'year_open' then 1 else 0 end) = 1 then 'year_open'
            when max(case when status = 'year_partial' then 1 else 0 end) = 1 then 'year_partial'
            when max(case when status = 'plan_missing' then 1 else 0 end) = 1 then 'plan_missing'
            else 'settled'
        end as status
    from county_final
    group by parent_admdvs, fund_type, year
),

city_final as (
    select
        county_final.parent_admdvs as admdvs,
        county_final.parent_admdvs,
        county_final.fund_type,
        county_final.year,
        city_status.status,
        max(county_final.months_reported) as months_reported,
        sum(county_final.income) as income,
        sum(county_final.expenditure) as expenditure,
        sum(county_final.current_result) as current_result,
        sum(county_final.balance_at_start) as balance_at_start,
        sum(county_final.deficit) as deficit,
        case when city_status.status = 'settled' then sum(county_final.covered_by_own_balance) end
            as covered_by_own_balance,
        case when city_status.status = 'settled' then sum(county_final.covered_by_city) end as covered_by_city,
        case when city_status.status = 'settled' then sum(county_final.covered_by_county_government) end
            as covered_by_county_government,
        case when city_status.status = 'settled' then sum(county_final.city_balance_shortfall) end
            as city_balance_shortfall,
        sum(county_final.contribution_income) as contribution_income,
        sum(county_final.subsidy_income) as subsidy_income,
        case when city_status.status = 'settled' then sum(county_final.planned_contribution_income) end
            as planned_contribution_income,
        case when city_status.status = 'settled' then sum(county_final.planned_subsidy_income) end
            as planned_subsidy_income,
        case when city_status.status = 'settled' then sum(county_final.planned_income) end as planned_income
    from county_final
    inner join city_status
        on county_final.parent_admdvs = city_status.parent_admdvs
            and county_final.fund_type = city_status.fund_type
            and county_final.year = city_status.year
    group by county_final.parent_admdvs, county_final.fund_type, county_final.year, city_status.status
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
    cast(status as {{ dbt.type_string() }}) as status,
    cast(months_reported as integer) as months_reported,
    cast(income as decimal(18, 2)) as income,
    cast(expenditure as decimal(18, 2)) as expenditure,
    cast(current_result as decimal(18, 2)) as current_result,
    cast(balance_at_start as decimal(18, 2)) as balance_at_start,
    cast(deficit as decimal(18, 2)) as deficit,
    cast(covered_by_own_balance as decimal(18, 2)) as covered_by_own_balance,
    cast(covered_by_city as decimal(18, 2)) as covered_by_city,
    cast(covered_by_county_government as decimal(18, 2)) as covered_by_county_government,
    cast(city_balance_shortfall as decimal(18, 2)) as city_balance_shortfall,
    cast(contribution_income as decimal(18, 2)) as contribution_income,
    cast(subsidy_income as decimal(18, 2)) as subsidy_income,
    cast(case when status = 'settled' then planned_contribution_income end as decimal(18, 2))
        as planned_contribution_income,
    cast(case when status = 'settled' then planned_subsidy_income end as decimal(18, 2)) as planned_subsidy_income,
    cast(case when status = 'settled' then planned_income end as decimal(18, 2)) as planned_income,
    case when status = 'settled' then
            cast(contribution_income + subsidy_income as double) / nullif(cast(planned_income as double), 0)
    end as revenue_plan_completion,
    case when status = 'settled' then
            cast(contribution_income as double) / nullif(cast(planned_contribution_income as double), 0)
    end as contribution_plan_completion,
    case when status = 'settled' then
            cast(subsidy_income as double) / nullif(cast(planned_subsidy_income as double), 0)
    end as subsidy_plan_completion,
    cast(case
        when status <> 'settled' then null
        when deficit = 0 then 'none'
        when covered_by_county_government > 0 and covered_by_city > 0 then 'county_government_and_city'
        when covered_by_county_government > 0 then 'county_government'
        when covered_by_city > 0 then 'city'
        else 'own_balance'
    end as {{ dbt.type_string() }}) as responsible_party
from all_rows
