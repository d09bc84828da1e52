-- Warehouse identity (error), DESIGN §4 The fund statement, on every row of rpt_fund_statement:
-- 1. 本年收入合计 and 本年支出合计 are the sums of their lines (not the 其中 lines), 小计 of the own lines;
-- 2. 本年收支结余 = 本年收入合计 - 本年支出合计, and 当期结余 = 本年收入小计 - 本年支出小计;
-- 3. 年末滚存结余 = 上年结余 + 本年收支结余;
-- 4. 年末滚存结余 = every ledger amount of the area's units up to the period end, read from fct_fund_ledger here.
{{ config(severity='error', tags=['warehouse_identity']) }}

with statement as (
    select
        statement.admdvs,
        statement.fund_type,
        statement.period,
        statement.period_end,
        sum(case when statement.line = 'balance_brought_forward' then statement.amount end) as brought_forward,
        sum(case when statement.line = 'income_subtotal' then statement.amount end) as income_subtotal,
        sum(case when statement.line = 'income_total' then statement.amount end) as income_total,
        sum(case when statement.line = 'expenditure_subtotal' then statement.amount end) as expenditure_subtotal,
        sum(case when statement.line = 'expenditure_total' then statement.amount end) as expenditure_total,
        sum(case when statement.line = 'current_result' then statement.amount end) as current_result,
        sum(case when statement.line = 'period_result' then statement.amount end) as period_result,
        sum(case when statement.line = 'balance_carried_forward' then statement.amount end) as carried_forward,
        sum(case when lines.kind = 'line' and lines.section = 'own_income' then statement.amount end) as own_income,
        sum(case when lines.kind = 'line' and lines.section like '%income' then statement.amount end) as all_income,
        sum(case when lines.kind = 'line' and lines.section = 'own_expenditure' then statement.amount end)
            as own_expenditure,
        sum(case when lines.kind = 'line' and lines.section like '%expenditure' then statement.amount end)
            as all_expenditure
    from {{ ref('rpt_fund_statement') }} as statement
    inner join {{ ref('fund_statement_line') }} as lines
        on statement.line = lines.line
    group by statement.admdvs, statement.fund_type, statement.period, statement.period_end
),

units as (
    select distinct
        accounting_unit as unit,
        parent_admdvs as city
    from {{ ref('dim_region') }}
    where accounting_unit is not null
),

ledger_closing as (
    select
        statement.admdvs,
        statement.fund_type,
        statement.period,
        statement.period_end,
        coalesce(sum(ledger.amount), 0) as closing
    from statement
    inner join units
        on statement.admdvs in (units.unit, units.city)
    left join {{ ref('fct_fund_ledger') }} as ledger
        on units.unit = ledger.admdvs
            and statement.fund_type = ledger.fund_type
            and statement.period_end >= ledger.month_end
    group by statement.admdvs, statement.fund_type, statement.period, statement.period_end
),

gaps as (
    select
        statement.admdvs,
        statement.fund_type,
        statement.period,
        statement.period_end,
        statement.income_subtotal - statement.own_income as income_subtotal_gap,
        statement.income_total - statement.all_income as income_total_gap,
        statement.expenditure_subtotal - statement.own_expenditure as expenditure_subtotal_gap,
        statement.expenditure_total - statement.all_expenditure as expenditure_total_gap,
        statement.period_result - (statement.income_total - statement.expenditure_total) as period_result_gap,
        statement.current_result - (statement.income_subtotal - statement.expenditure_subtotal) as current_result_gap,
        statement.carried_forward - (statement.brought_forward + statement.period_result) as carry_gap,
        statement.carried_forward - ledger_closing.closing as ledger_gap
    from statement
    inner join ledger_closing
        on statement.admdvs = ledger_closing.admdvs
            and statement.fund_type = ledger_closing.fund_type
            and statement.period = ledger_closing.period
            and statement.period_end = ledger_closing.period_end
)

select * from gaps
where abs(income_subtotal_gap) > 0.005
    or abs(income_total_gap) > 0.005
    or abs(expenditure_subtotal_gap) > 0.005
    or abs(expenditure_total_gap) > 0.005
    or abs(period_result_gap) > 0.005
    or abs(current_result_gap) > 0.005
    or abs(carry_gap) > 0.005
    or abs(ledger_gap) > 0.005
