-- Fund balance per sub-account (accounting unit x fund) and month (基金收支月报), plus city rows summed from the
-- units. closing_balance is every ledger amount up to the month; opening_balance is the previous month's closing
-- (DESIGN §4). Months of payment, for pooled funds only, divide by the fund's own expenditure (the statement's
-- 本年支出小计: benefits, the 大病 premium transfer, maternity allowance, other expenditure; not city adjustments out),
-- averaged over the trailing 12 complete months, and are null for an incomplete month (DESIGN §4 Periods, §5).
with months as (
    select
        month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
),

sub_accounts as (
    select * from {{ ref('int_fund__sub_accounts') }}
),

ledger as (
    select * from {{ ref('fct_fund_ledger') }}
),

entries as (
    select
        admdvs,
        fund_type,
        month_end,
        sum(case when direction = 'in' then amount else 0 end) as income,
        -sum(case when direction = 'out' then amount else 0 end) as expenditure,
        sum(case when statement_line = 'opening_transfer' then amount else 0 end) as income_opening_transfer,
        sum(case when statement_line = 'premium_income' then amount else 0 end) as income_contribution,
        sum(case when statement_line = 'fiscal_subsidy_income' then amount else 0 end) as income_fiscal_subsidy,
        sum(case when statement_line = 'interest_income' then amount else 0 end) as income_interest,
        sum(case when statement_line = 'adjustment_in' then amount else 0 end) as income_adjustment,
        sum(case when statement_line = 'government_topup' then amount else 0 end) as income_government_topup,
        sum(case when statement_line in ('other_income', 'account_credit_income') then amount else 0 end)
            as income_other,
        -sum(case when statement_line = 'benefit_expenditure' then amount else 0 end) as expenditure_settlement,
        -sum(case when statement_line = 'adjustment_out' then amount else 0 end) as expenditure_adjustment,
        -sum(case when statement_line in ('aid_premium_expenditure', 'critical_illness_premium', 'other_expenditure')
                then amount
            else 0
        end) as expenditure_other
    from ledger
    group by admdvs, fund_type, month_end
),

unit_grid as (
    select
        sub_accounts.admdvs,
        sub_accounts.fund_type,
        sub_accounts.is_pooled,
        months.month_end,
        {% for col in ['income', 'expenditure', 'income_opening_transfer', 'income_contribution',
                       'income_fiscal_subsidy', 'income_interest', 'income_adjustment', 'income_government_topup',
                       'income_other', 'expenditure_settlement', 'expenditure_adjustment', 'expenditure_other'] %}
        coalesce(entries.{{ col }}, 0) as {{ col }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from months
    cross join sub_accounts
    left join entries
        on sub_accounts.admdvs = entries.admdvs
            and sub_accounts.fund_type = entries.fund_type
            and months.month_end = entries.month_end
),

city_grid as (
    select
        sub_accounts.city_admdvs as admdvs,
        unit_grid.fund_type,
        unit_grid.is_pooled,
        unit_grid.month_end,
        {% for col in ['income', 'expenditure', 'income_opening_transfer', 'income_contribution',
                       'income_fiscal_subsidy', 'income_interest', 'income_adjustment', 'income_government_topup',
                       'income_other', 'expenditure_settlement', 'expenditure_adjustment', 'expenditure_other'] %}
        sum(unit_grid.{{ col }}) as {{ col }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from unit_grid
    inner join sub_accounts
        on unit_grid.admdvs = sub_accounts.admdvs
            and unit_grid.fund_type = sub_accounts.fund_type
    group by sub_accounts.city_admdvs, unit_grid.fund_type, unit_grid.is_pooled, unit_grid.month_end
),

grid as (
    select * from unit_grid
    union all
    select * from city_grid
),

balances as (
    select
        grid.*,
        months.is_complete,
        sum(income - expenditure) over (
            partition by admdvs, fund_type order by grid.month_end rows between unbounded preceding and current row
        ) as closing_balance,
        -- a city adjustment out is the pooling itself, not the fund's spending
        avg(cast(expenditure_settlement + expenditure_other as double)) over (
            partition by admdvs, fund_type order by grid.month_end rows between 11 preceding and current row
        ) as avg_outflow_12m
    from grid
    inner join months
        on grid.month_end = months.month_end
),

payable as (
    select
        balances.*,
        coalesce(lag(balances.closing_balance) over (partition by balances.admdvs, balances.fund_type order by balances.month_end), 0) as opening_balance,
        -- only the last reporting month can be incomplete, so a complete month's window holds complete months only
        case when balances.is_complete and balances.is_pooled then balances.avg_outflow_12m end
            as avg_monthly_expenditure_12m,
        case when balances.is_complete and balances.is_pooled and balances.avg_outflow_12m > 0
                then cast(balances.closing_balance as double) / cast(balances.avg_outflow_12m as double)
        end as months_payable
    from balances
),

thresholds as (
    select
        warning_level,
        lower_months,
        upper_months
    from {{ ref('warning_threshold') }}
)

select
    cast(payable.admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(payable.fund_type as {{ dbt.type_string() }}) as fund_type,
    payable.month_end,
    cast(payable.opening_balance as decimal(18, 2)) as opening_balance,
    cast(payable.income as decimal(18, 2)) as income,
    cast(payable.expenditure as decimal(18, 2)) as expenditure,
    cast(payable.closing_balance as decimal(18, 2)) as closing_balance,
    cast(payable.income_opening_transfer as decimal(18, 2)) as income_opening_transfer,
    cast(payable.income_contribution as decimal(18, 2)) as income_contribution,
    cast(payable.income_fiscal_subsidy as decimal(18, 2)) as income_fiscal_subsidy,
    cast(payable.income_interest as decimal(18, 2)) as income_interest,
    cast(payable.income_adjustment as decimal(18, 2)) as income_adjustment,
    cast(payable.income_government_topup as decimal(18, 2)) as income_government_topup,
    cast(payable.income_other as decimal(18, 2)) as income_other,
    cast(payable.expenditure_settlement as decimal(18, 2)) as expenditure_settlement,
    cast(payable.expenditure_adjustment as decimal(18, 2)) as expenditure_adjustment,
    cast(payable.expenditure_other as decimal(18, 2)) as expenditure_other,
    cast(payable.avg_monthly_expenditure_12m as decimal(18, 2)) as avg_monthly_expenditure_12m,
    payable.months_payable,
    cast(thresholds.warning_level as {{ dbt.type_string() }}) as warning_level,
    payable.is_complete
from payable
left join thresholds
    on payable.months_payable is not null
        and (thresholds.lower_months is null or payable.months_payable >= thresholds.lower_months)
        and (thresholds.upper_months is null or payable.months_payable < thresholds.upper_months)
