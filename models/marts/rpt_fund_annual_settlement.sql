-- Annual settlement of responsibility (年度基金决算与责任分担) per accounting unit, pooled fund and year, plus city rows
-- summed from the units (DESIGN §4). The facts come from int_fund__unit_years; the rule is the city's own
-- (seeds/city_setting.csv responsibility_rule):
-- 1. current_result = the year's own income - own expenditure (当期结余); deficit = its shortfall, else 0.
-- 2. Both rules: the deficit is covered first by the unit's accumulated balance at the start of the year, as far as
--    it is positive (covered_by_own_balance); the remainder is what is left.
-- 3. own_then_local (policy 000, Jiamusi): 「累计结余不足支付的，由当地政府承担」: the unit's government bears the
--    whole remainder. There is no city cover.
--    plan_then_city (policy 001): the unit government bears the part of the remainder its own shortfall explains
--    (its own level's unpaid subsidy plus premiums below plan); the city's pooled balance covers the rest, and
--    city_balance_shortfall says how much of that the units' positive year-end balances cannot cover.
-- 4. Either rule: the unit government owes its own level's unpaid subsidy in full, deficit or not (「凡属财政欠缴或
--    补助不到位的，按规定补齐」): owed_by_local_government = max(own arrears, its part of the deficit). Other levels'
--    arrears are reported per level, never billed to the unit.
-- 5. Paid: government top-ups booked in the following year; the city's adjustments in of the year. Outstanding =
--    owed - paid (negative: paid more than owed). An adjustment out of a unit in deficit is flagged.
-- 6. Status: year_open, year_partial (the data does not cover the year from its January), plan_missing (nothing
--    settled; a unit that received, spent and held nothing has a zero plan), provisional until the city's closing
--    date (决算, default 31 March of the next year), then closed. This mart reports; it posts nothing.
-- 7. A closed year whose result differs from the one recorded when it closed (int_fund__closed_years) is restated:
--    restatement_difference = today's result - the closed one, seen as of the current as-of date.
with facts as (
    select * from {{ ref('int_fund__unit_years') }}
),

plans as (
    select * from {{ ref('fct_fund_plan') }}
),

closed as (
    select
        admdvs,
        fund_type,
        year,
        current_result as closed_result,
        closed_on
    from {{ ref('int_fund__closed_years') }}
),

judged as (
    select
        facts.*,
        facts.subsidy_central + facts.subsidy_provincial + facts.subsidy_city + facts.subsidy_county as subsidy_income,
        facts.income - facts.expenditure as current_result,
        case when facts.expenditure > facts.income then facts.expenditure - facts.income else 0 end as deficit,
        -- a unit that received, spent and held nothing (230899 where nothing is booked) planned nothing
        plans.admdvs is null and facts.income = 0 and facts.expenditure = 0 and facts.balance_at_start = 0 as is_idle,
        plans.admdvs is not null as has_plan,
        coalesce(plans.planned_contribution_income, 0) as planned_contribution_income,
        coalesce(plans.planned_subsidy_income, 0) as planned_subsidy_income,
        coalesce(plans.planned_income, 0) as planned_income,
        {% for level in ['central', 'provincial', 'city', 'county'] %}
        case when plans.planned_subsidy_{{ level }} > facts.subsidy_{{ level }}
                then plans.planned_subsidy_{{ level }} - facts.subsidy_{{ level }}
            when plans.planned_subsidy_{{ level }} is not null then 0
        end as subsidy_arrears_{{ level }},
        {% endfor %}
        case
            when not facts.is_over then 'year_open'
            when not facts.is_covered then 'year_partial'
            when plans.admdvs is null
                and not (facts.income = 0 and facts.expenditure = 0 and facts.balance_at_start = 0) then 'plan_missing'
            when facts.as_of_date >= facts.closing_date then 'closed'
            else 'provisional'
        end as status
    from facts
    left join plans
        on facts.admdvs = plans.admdvs
            and facts.fund_type = plans.fund_type
            and facts.year = plans.year
),

with_closed as (
    select
        judged.*,
        closed.closed_on,
        case when judged.status = 'closed' then judged.current_result - closed.closed_result end
            as restatement_difference
    from judged
    left join closed
        on judged.admdvs = closed.admdvs
            and judged.fund_type = closed.fund_type
            and judged.year = closed.year
),

own_balance as (
    select
        with_closed.*,
        case when with_closed.deficit < greatest(with_closed.balance_at_start, 0) then with_closed.deficit
            else greatest(with_closed.balance_at_start, 0)
        end as own_cover,
        coalesce(case
            when with_closed.own_level = 'city' then with_closed.subsidy_arrears_city
            else with_closed.subsidy_arrears_county
        end, 0) as own_arrears,
        greatest(with_closed.planned_contribution_income - with_closed.contribution_income, 0) as contribution_shortfall
    from with_closed
),

government_part as (
    select
        own_balance.*,
        own_balance.deficit - own_balance.own_cover as remainder,
        case
            when own_balance.responsibility_rule = 'own_then_local' then own_balance.deficit - own_balance.own_cover
            else least(
                    own_balance.deficit - own_balance.own_cover,
                    own_balance.own_arrears + own_balance.contribution_shortfall
                )
        end as government_cover
    from own_balance
),

unit_rows as (
    select
        government_part.*,
        government_part.remainder - government_part.government_cover as city_cover,
        -- plan_then_city: the units' positive year-end balances are the city's pooled balance
        sum(case when government_part.status in ('provisional', 'closed')
                then government_part.remainder - government_part.government_cover
            else 0
        end)
            over (partition by government_part.city_admdvs, government_part.fund_type, government_part.year)
            as city_cover_total,
        sum(case when government_part.status in ('provisional', 'closed')
                then greatest(government_part.balance_at_start + government_part.current_result, 0)
            else 0
        end)
            over (partition by government_part.city_admdvs, government_part.fund_type, government_part.year)
            as city_balance_available
    from government_part
),

unit_final as (
    select
        admdvs,
        city_admdvs,
        fund_type,
        year,
        responsibility_rule,
        status,
        closing_date,
        months_reported,
        income,
        expenditure,
        current_result,
        balance_at_start,
        deficit,
        own_cover,
        government_cover,
        city_cover,
        case when city_cover_total > city_balance_available and city_cover_total > 0
                then round((city_cover_total - city_balance_available) * city_cover / city_cover_total, 2)
            else 0
        end as city_balance_shortfall,
        contribution_income,
        subsidy_income,
        planned_contribution_income,
        planned_subsidy_income,
        planned_income,
        subsidy_arrears_central,
        subsidy_arrears_provincial,
        subsidy_arrears_city,
        subsidy_arrears_county,
        own_arrears,
        greatest(own_arrears, government_cover) as owed_by_local_government,
        topup_next_year as paid_by_local_government,
        city_cover as owed_by_city,
        adjustment_in as paid_by_city,
        case when current_result < 0 then adjustment_out else 0 end as taken_while_in_deficit,
        closed_on,
        as_of_date,
        restatement_difference
    from unit_rows
),

city_status as (
    select
        city_admdvs,
        fund_type,
        year,
        case
            when max(case when status = 'year_open' then 1 else 0 end) = 1 then 'year_open'
            when max(case when status = 'year_partial' then 1 else 0 end) = 1 then 'year_partial'
            when max(case when status = 'plan_missing' then 1 else 0 end) = 1 then 'plan_missing'
            when max(case when status = 'provisional' then 1 else 0 end) = 1 then 'provisional'
            else 'closed'
        end as status
    from unit_final
    group by city_admdvs, fund_type, year
),

{%- set summed = ['income', 'expenditure', 'current_result', 'balance_at_start', 'deficit', 'own_cover',
                  'government_cover', 'city_cover', 'city_balance_shortfall', 'contribution_income', 'subsidy_income',
                  'planned_contribution_income', 'planned_subsidy_income', 'planned_income',
                  'subsidy_arrears_central', 'subsidy_arrears_provincial', 'subsidy_arrears_city',
                  'subsidy_arrears_county', 'own_arrears', 'owed_by_local_government', 'paid_by_local_government',
                  'owed_by_city', 'paid_by_city', 'taken_while_in_deficit', 'restatement_difference'] %}

city_final as (
    select
        unit_final.city_admdvs as admdvs,
        unit_final.city_admdvs,
        unit_final.fund_type,
        unit_final.year,
        max(unit_final.responsibility_rule) as responsibility_rule,
        city_status.status,
        max(unit_final.closing_date) as closing_date,
        max(unit_final.closed_on) as closed_on,
        max(unit_final.as_of_date) as as_of_date,
        max(unit_final.months_reported) as months_reported,
        {% for column in summed %}
        sum(unit_final.{{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from unit_final
    inner join city_status
        on unit_final.city_admdvs = city_status.city_admdvs
            and unit_final.fund_type = city_status.fund_type
            and unit_final.year = city_status.year
    group by unit_final.city_admdvs, unit_final.fund_type, unit_final.year, city_status.status
),

all_rows as (
    select
        admdvs,
        fund_type,
        year,
        responsibility_rule,
        status,
        closing_date,
        closed_on,
        as_of_date,
        months_reported,
        {% for column in summed %}{{ column }}{% if not loop.last %},{% endif %}{% endfor %}
    from unit_final
    union all
    select
        admdvs,
        fund_type,
        year,
        responsibility_rule,
        status,
        closing_date,
        closed_on,
        as_of_date,
        months_reported,
        {% for column in summed %}{{ column }}{% if not loop.last %},{% endif %}{% endfor %}
    from city_final
)

{%- set settled = "status in ('provisional', 'closed')" %}

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(fund_type as {{ dbt.type_string() }}) as fund_type,
    cast(year as integer) as year,
    cast(responsibility_rule as {{ dbt.type_string() }}) as rule,
    cast(status as {{ dbt.type_string() }}) as status,
    closing_date,
    cast(months_reported as integer) as months_reported,
    cast(income as decimal(18, 2)) as income,
    cast(expenditure as decimal(18, 2)) as expenditure,
    cast(current_result as decimal(18, 2)) as current_result,
    cast(balance_at_start as decimal(18, 2)) as balance_at_start,
    cast(deficit as decimal(18, 2)) as deficit,
    {% for column, name in [('own_cover', 'covered_by_own_balance'), ('government_cover', 'covered_by_county_government'),
                            ('city_cover', 'covered_by_city'), ('city_balance_shortfall', 'city_balance_shortfall')] %}
    cast(case when {{ settled }} then {{ column }} end as decimal(18, 2)) as {{ name }},
    {% endfor %}
    cast(contribution_income as decimal(18, 2)) as contribution_income,
    cast(subsidy_income as decimal(18, 2)) as subsidy_income,
    {% for column in ['planned_contribution_income', 'planned_subsidy_income', 'planned_income',
                      'subsidy_arrears_central', 'subsidy_arrears_provincial', 'subsidy_arrears_city',
                      'subsidy_arrears_county'] %}
    cast(case when {{ settled }} then {{ column }} end as decimal(18, 2)) as {{ column }},
    {% endfor %}
    case when {{ settled }} then
            cast(contribution_income + subsidy_income as double) / nullif(cast(planned_income as double), 0)
    end as revenue_plan_completion,
    case when {{ settled }} then
            cast(contribution_income as double) / nullif(cast(planned_contribution_income as double), 0)
    end as contribution_plan_completion,
    case when {{ settled }} then
            cast(subsidy_income as double) / nullif(cast(planned_subsidy_income as double), 0)
    end as subsidy_plan_completion,
    cast(case when {{ settled }} then owed_by_local_government end as decimal(18, 2)) as owed_by_local_government,
    cast(paid_by_local_government as decimal(18, 2)) as paid_by_local_government,
    cast(case when {{ settled }} then owed_by_local_government - paid_by_local_government end as decimal(18, 2))
        as outstanding_local_government,
    cast(case when {{ settled }} then owed_by_city end as decimal(18, 2)) as owed_by_city,
    cast(paid_by_city as decimal(18, 2)) as paid_by_city,
    cast(case when {{ settled }} then owed_by_city - paid_by_city end as decimal(18, 2)) as outstanding_city,
    cast(taken_while_in_deficit as decimal(18, 2)) as taken_while_in_deficit,
    closed_on,
    coalesce(status = 'closed' and abs(restatement_difference) >= 0.005, false) as restated,
    cast(
        case when status = 'closed' and abs(restatement_difference) >= 0.005 then restatement_difference end
        as decimal(18, 2)
    ) as restatement_difference,
    case when status = 'closed' and abs(restatement_difference) >= 0.005 then as_of_date end as restated_as_of,
    cast(case
        when not {{ settled }} then null
        when deficit = 0 then 'none'
        when government_cover > 0 and city_cover > 0 then 'local_government_and_city'
        when government_cover > 0 then 'local_government'
        when city_cover > 0 then 'city'
        else 'own_balance'
    end as {{ dbt.type_string() }}) as responsible_party
from all_rows
