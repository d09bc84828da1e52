-- The national fund statement (社会保险基金收支表, DESIGN §4 The fund statement) per accounting unit and city, fund and
-- period (month, quarter, year), one row per line of seeds/fund_statement_line.csv, every line present.
-- Lines are summed from fct_fund_ledger by each entry type's statement line (seeds/fund_entry_type.csv); expenditure
-- is shown positive. 本年收入小计 / 本年支出小计 hold the period's own money; 合计 adds the money between the city and its
-- units (上划结余, 调剂) and government top-ups. 当期结余 = 收入小计 - 支出小计 is the period's own result;
-- 本年收支结余 = 收入合计 - 支出合计. 上年结余 is the ledger's balance before the period, 年末滚存结余 at its end, each
-- from a running balance over the months, so 年末滚存结余 = 上年结余 + 本年收支结余 is a check, not a definition
-- (tests/warehouse/fund_statement_identities.sql). There is no total across funds. City rows sum the city's units.
with sub_accounts as (
    select * from {{ ref('int_fund__sub_accounts') }}
),

-- each area's units: a unit is its own area, a city the area of all its units
area_units as (
    select
        admdvs as area,
        admdvs as unit,
        fund_type
    from sub_accounts
    union all
    select
        city_admdvs,
        admdvs,
        fund_type
    from sub_accounts
),

months as (
    select
        month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
),

lines as (
    select * from {{ ref('fund_statement_line') }}
),

ledger_lines as (
    select
        ledger.admdvs,
        ledger.fund_type,
        ledger.month_end,
        ledger.statement_line as line,
        case when ledger.direction = 'in' then ledger.amount else -ledger.amount end as amount
    from {{ ref('fct_fund_ledger') }} as ledger
    union all
    select
        ledger.admdvs,
        ledger.fund_type,
        ledger.month_end,
        entry_types.of_which_line,
        case when ledger.direction = 'in' then ledger.amount else -ledger.amount end
    from {{ ref('fct_fund_ledger') }} as ledger
    inner join {{ ref('fund_entry_type') }} as entry_types
        on ledger.entry_type = entry_types.entry_type
    -- an empty cell is no line (Spark's seed loader reads it as the text 'None')
    where entry_types.of_which_line in (
            select line from lines
            where kind = 'of_which'
        )
),

area_month_lines as (
    select
        area_units.area as admdvs,
        area_units.fund_type,
        ledger_lines.month_end,
        ledger_lines.line,
        sum(ledger_lines.amount) as amount
    from ledger_lines
    inner join area_units
        on ledger_lines.admdvs = area_units.unit
            and ledger_lines.fund_type = area_units.fund_type
    group by area_units.area, area_units.fund_type, ledger_lines.month_end, ledger_lines.line
),

-- the running balance: each month's net of its lines (not the 其中 lines, which repeat them)
monthly_net as (
    select
        areas.admdvs,
        areas.fund_type,
        months.month_end,
        coalesce(sum(case
            when lines.section like '%income' then area_month_lines.amount
            when lines.section like '%expenditure' then -area_month_lines.amount
        end), 0) as net
    from (
        select distinct
            area as admdvs,
            fund_type
        from area_units
    ) as areas
    cross join months
    left join area_month_lines
        on areas.admdvs = area_month_lines.admdvs
            and areas.fund_type = area_month_lines.fund_type
            and months.month_end = area_month_lines.month_end
    left join lines
        on area_month_lines.line = lines.line and lines.kind = 'line'
    group by areas.admdvs, areas.fund_type, months.month_end
),

monthly_balance as (
    select
        admdvs,
        fund_type,
        month_end,
        sum(net) over (
            partition by admdvs, fund_type order by month_end rows between unbounded preceding and current row
        ) - net as balance_before,
        sum(net) over (
            partition by admdvs, fund_type order by month_end rows between unbounded preceding and current row
        ) as balance_after
    from monthly_net
),

period_months as (
    select
        'month' as period,
        month_end as period_end,
        month_end,
        is_complete,
        1 as months_expected
    from months
    union all
    select
        'quarter',
        cast({{ dbt.last_day('month_end', 'quarter') }} as date),
        month_end,
        is_complete,
        3
    from months
    union all
    select
        'year',
        cast({{ dbt.last_day('month_end', 'year') }} as date),
        month_end,
        is_complete,
        12
    from months
),

-- a period is complete when the data holds all its months and the last of them is complete (DESIGN §4 Periods)
periods as (
    select
        period,
        period_end,
        min(month_end) as first_month,
        max(month_end) as last_month,
        count(*) = max(months_expected) and min(case when is_complete then 1 else 0 end) = 1 as is_complete
    from period_months
    group by period, period_end
),

period_lines as (
    select
        area_month_lines.admdvs,
        area_month_lines.fund_type,
        period_months.period,
        period_months.period_end,
        area_month_lines.line,
        sum(area_month_lines.amount) as amount
    from area_month_lines
    inner join period_months
        on area_month_lines.month_end = period_months.month_end
    group by
        area_month_lines.admdvs, area_month_lines.fund_type, period_months.period, period_months.period_end,
        area_month_lines.line
),

grid as (
    select
        areas.admdvs,
        areas.fund_type,
        periods.period,
        periods.period_end,
        periods.first_month,
        periods.last_month,
        periods.is_complete
    from (
        select distinct
            area as admdvs,
            fund_type
        from area_units
    ) as areas
    cross join periods
),

summed_lines as (
    select
        grid.admdvs,
        grid.fund_type,
        grid.period,
        grid.period_end,
        lines.line,
        lines.kind,
        lines.section,
        coalesce(period_lines.amount, 0) as amount
    from grid
    inner join lines
        on lines.kind in ('line', 'of_which')
    left join period_lines
        on grid.admdvs = period_lines.admdvs
            and grid.fund_type = period_lines.fund_type
            and grid.period = period_lines.period
            and grid.period_end = period_lines.period_end
            and lines.line = period_lines.line
),

sections as (
    select
        admdvs,
        fund_type,
        period,
        period_end,
        sum(case when section = 'own_income' then amount else 0 end) as income_subtotal,
        sum(case when section like '%income' then amount else 0 end) as income_total,
        sum(case when section = 'own_expenditure' then amount else 0 end) as expenditure_subtotal,
        sum(case when section like '%expenditure' then amount else 0 end) as expenditure_total
    from summed_lines
    where kind = 'line'
    group by admdvs, fund_type, period, period_end
),

computed_lines as (
    select
        grid.admdvs,
        grid.fund_type,
        grid.period,
        grid.period_end,
        coalesce(opening.balance_before, 0) as balance_brought_forward,
        sections.income_subtotal,
        sections.income_total,
        sections.expenditure_subtotal,
        sections.expenditure_total,
        sections.income_subtotal - sections.expenditure_subtotal as current_result,
        sections.income_total - sections.expenditure_total as period_result,
        coalesce(closing.balance_after, 0) as balance_carried_forward
    from grid
    inner join sections
        on grid.admdvs = sections.admdvs
            and grid.fund_type = sections.fund_type
            and grid.period = sections.period
            and grid.period_end = sections.period_end
    left join monthly_balance as opening
        on grid.admdvs = opening.admdvs
            and grid.fund_type = opening.fund_type
            and grid.first_month = opening.month_end
    left join monthly_balance as closing
        on grid.admdvs = closing.admdvs
            and grid.fund_type = closing.fund_type
            and grid.last_month = closing.month_end
),

all_lines as (
    select
        admdvs,
        fund_type,
        period,
        period_end,
        line,
        amount
    from summed_lines
    {% for line in ['balance_brought_forward', 'income_subtotal', 'income_total', 'expenditure_subtotal',
                    'expenditure_total', 'current_result', 'period_result', 'balance_carried_forward'] %}
    union all
    select
        admdvs,
        fund_type,
        period,
        period_end,
        '{{ line }}',
        {{ line }}
    from computed_lines
    {% endfor %}
)

select
    cast(all_lines.admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(all_lines.fund_type as {{ dbt.type_string() }}) as fund_type,
    cast(all_lines.period as {{ dbt.type_string() }}) as period,
    all_lines.period_end,
    lines.line_no,
    cast(all_lines.line as {{ dbt.type_string() }}) as line,
    cast(lines.line_name_zh as {{ dbt.type_string() }}) as line_name_zh,
    cast(lines.line_name_en as {{ dbt.type_string() }}) as line_name_en,
    cast(all_lines.amount as decimal(18, 2)) as amount,
    grid.is_complete
from all_lines
inner join lines
    on all_lines.line = lines.line
inner join grid
    on all_lines.admdvs = grid.admdvs
        and all_lines.fund_type = grid.fund_type
        and all_lines.period = grid.period
        and all_lines.period_end = grid.period_end
