-- Fund balance per county sub-account, fund and month (基金收支月报), plus city rows summed from the counties.
-- closing_balance is every ledger amount up to the month; opening_balance is the previous month's closing
-- (DESIGN §4). Months of payment divide by every outflow of the fund except city adjustments out, averaged
-- over the trailing 12 complete months, and are null for an incomplete month (DESIGN §4 Periods, §5).
with months as (
    select
        month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
),

counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
),

funds as (
    select fund_type from {{ ref('fund_type') }}
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
        sum(case when entry_type = 'opening_transfer' then amount else 0 end) as income_opening_transfer,
        sum(case when entry_type in ('contribution_pooled', 'contribution_account') then amount else 0 end)
            as income_contribution,
        sum(case when entry_type like 'subsidy_%' then amount else 0 end) as income_fiscal_subsidy,
        sum(case when entry_type = 'interest' then amount else 0 end) as income_interest,
        sum(case when entry_type = 'adjustment_in' then amount else 0 end) as income_adjustment,
        sum(case when entry_type = 'government_topup' then amount else 0 end) as income_government_topup,
        sum(case when entry_type = 'other_income' then amount else 0 end) as income_other,
        -sum(case when entry_type = 'settlement_expenditure' then amount else 0 end) as expenditure_settlement,
        -sum(case when entry_type = 'adjustment_out' then amount else 0 end) as expenditure_adjustment,
        -sum(case when entry_type = 'other_expenditure' then amount else 0 end) as expenditure_other
    from ledger
    group by admdvs, fund_type, month_end
),

county_grid as (
    select
        counties.admdvs,
        funds.fund_type,
        months.month_end,
        {% for col in ['income', 'expenditure', 'income_opening_transfer', 'income_contribution',
                       'income_fiscal_subsidy', 'income_interest', 'income_adjustment', 'income_government_topup',
                       'income_other', 'expenditure_settlement', 'expenditure_adjustment', 'expenditure_other'] %}
        coalesce(entries.{{ col }}, 0) as {{ col }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from months
    cross join counties
    cross join funds
    left join entries
        on counties.admdvs = entries.admdvs
            and funds.fund_type = entries.fund_type
            and months.month_end = entries.month_end
),

city_grid as (
    select
        regions.parent_admdvs as admdvs,
        fund_type,
        month_end,
        {% for col in ['income', 'expenditure', 'income_opening_transfer', 'income_contribution',
                       'income_fiscal_subsidy', 'income_interest', 'income_adjustment', 'income_government_topup',
                       'income_other', 'expenditure_settlement', 'expenditure_adjustment', 'expenditure_other'] %}
        sum({{ col }}) as {{ col }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from county_grid
    inner join {{ ref('dim_region') }} as regions
        on county_grid.admdvs = regions.admdvs
    group by regions.parent_admdvs, fund_type, month_end
),

grid as (
    select * from county_grid
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
        -- the premium transfer to 大病保险, maternity allowance and other expenditure are outflows too;
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
        case when balances.is_complete then balances.avg_outflow_12m end as avg_monthly_expenditure_12m,
        case when balances.is_complete and balances.avg_outflow_12m > 0
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
