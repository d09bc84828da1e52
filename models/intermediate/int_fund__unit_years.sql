-- The facts the annual settlement of responsibility judges (DESIGN §4), one row per accounting unit x pooled fund x
-- calendar year of the data, read from fct_fund_ledger by each entry type's statement section
-- (seeds/fund_entry_type.csv, seeds/fund_statement_line.csv):
--   income / expenditure: the year's own money (本年收入小计 / 本年支出小计); current_result = income - expenditure
--   (当期结余). Money between the city and its units (上划结余, 调剂) and government top-ups are not in it;
--   balance_at_start: every ledger amount before the year, plus the opening balance transferred up in the year (the
--   unit's accumulated balance, 累计结余, brought into the city's account);
--   subsidy_<level>: fiscal subsidy paid in the year by level; adjustment_in / adjustment_out: city adjustments;
--   topup_next_year: government top-ups booked in the following year (what a government paid for this year).
with sub_accounts as (
    select * from {{ ref('int_fund__sub_accounts') }}
    where is_pooled
),

calendar as (
    select
        month_end,
        is_complete,
        first_month,
        as_of_date
    from {{ ref('int_calendar__months') }}
),

years as (
    select
        extract(year from month_end) as year,
        count(*) as months_reported,
        max(as_of_date) as as_of_date,
        -- the year's December is in the calendar and complete
        max(case when extract(month from month_end) = 12 and is_complete then 1 else 0 end) = 1 as is_over,
        -- the data covers the year from its January
        min(case when extract(month from first_month) = 1 or extract(year from first_month) < extract(year from month_end)
                then 1
            else 0
        end) = 1 as is_covered
    from calendar
    group by extract(year from month_end)
),

ledger as (
    select
        ledger.admdvs,
        ledger.fund_type,
        extract(year from ledger.month_end) as year,
        ledger.entry_type,
        ledger.statement_line,
        lines.section,
        ledger.amount
    from {{ ref('fct_fund_ledger') }} as ledger
    inner join {{ ref('fund_statement_line') }} as lines
        on ledger.statement_line = lines.line
)

select
    sub_accounts.admdvs,
    sub_accounts.city_admdvs,
    sub_accounts.fund_type,
    cast(years.year as integer) as year,
    sub_accounts.responsibility_rule,
    -- the unit government's own level of fiscal subsidy: the city's for the city unit, the county's for a county
    case when regions.county_kind = 'city_level' then 'city' else 'county' end as own_level,
    cast(years.months_reported as integer) as months_reported,
    years.is_over,
    years.is_covered,
    years.as_of_date,
    cast({{ dbt.concat(["cast(years.year + 1 as " ~ dbt.type_string() ~ ")", "'-'",
                        "lpad(cast(sub_accounts.closing_month as " ~ dbt.type_string() ~ "), 2, '0')", "'-'",
                        "lpad(cast(sub_accounts.closing_day as " ~ dbt.type_string() ~ "), 2, '0')"]) }} as date)
        as closing_date,
    cast(
        coalesce(sum(case when ledger.year = years.year and ledger.section = 'own_income' then ledger.amount end), 0)
        as decimal(18, 2)
    ) as income,
    cast(
        coalesce(-sum(case when ledger.year = years.year and ledger.section = 'own_expenditure' then ledger.amount end), 0)
        as decimal(18, 2)
    ) as expenditure,
    cast(coalesce(sum(case when ledger.year < years.year
            or (ledger.year = years.year and ledger.entry_type = 'opening_transfer') then ledger.amount
    end), 0) as decimal(18, 2)) as balance_at_start,
    cast(coalesce(sum(
        case when ledger.year = years.year and ledger.statement_line = 'premium_income' then ledger.amount
        end
    ), 0) as decimal(18, 2)) as contribution_income,
    {% for level in ['central', 'provincial', 'city', 'county'] %}
    cast(coalesce(sum(
        case when ledger.year = years.year and ledger.entry_type = 'subsidy_{{ level }}' then ledger.amount
        end
    ), 0) as decimal(18, 2)) as subsidy_{{ level }},
    {% endfor %}
    cast(coalesce(sum(
        case when ledger.year = years.year and ledger.entry_type = 'adjustment_in' then ledger.amount
        end
    ), 0) as decimal(18, 2)) as adjustment_in,
    cast(coalesce(-sum(
        case when ledger.year = years.year and ledger.entry_type = 'adjustment_out' then ledger.amount
        end
    ), 0) as decimal(18, 2)) as adjustment_out,
    cast(coalesce(sum(
        case when ledger.year = years.year + 1 and ledger.entry_type = 'government_topup' then ledger.amount
        end
    ), 0) as decimal(18, 2)) as topup_next_year
from sub_accounts
cross join years
inner join {{ ref('dim_region') }} as regions
    on sub_accounts.admdvs = regions.admdvs
left join ledger
    on sub_accounts.admdvs = ledger.admdvs
        and sub_accounts.fund_type = ledger.fund_type
        and ledger.year <= years.year + 1
group by
    sub_accounts.admdvs, sub_accounts.city_admdvs, sub_accounts.fund_type, years.year, sub_accounts.responsibility_rule,
    regions.county_kind, years.months_reported, years.is_over, years.is_covered,
    years.as_of_date, sub_accounts.closing_month, sub_accounts.closing_day
