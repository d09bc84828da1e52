-- rule ledger_identity (error): every county sub-account balances, month by month (DESIGN §4).
-- Returns one row per sub-account and month that breaks an identity:
--   closing = opening + income - expenditure; closing = next month's opening;
--   closing = every ledger amount up to the month, recomputed here from fct_fund_ledger.
{{ config(severity='error', tags=['warehouse_identity']) }}

with balances as (
    select * from {{ ref('rpt_fund_balance_monthly') }} where admdvs <> '230800'
),

ledger_totals as (
    select balances.admdvs, balances.fund_type, balances.month_end, coalesce(sum(ledger.amount), 0) as ledger_balance
    from balances
    left join {{ ref('fct_fund_ledger') }} as ledger
        on ledger.admdvs = balances.admdvs
       and ledger.fund_type = balances.fund_type
       and ledger.month_end <= balances.month_end
    group by balances.admdvs, balances.fund_type, balances.month_end
),

checked as (
    select
        balances.admdvs,
        balances.fund_type,
        balances.month_end,
        balances.closing_balance - (balances.opening_balance + balances.income - balances.expenditure) as identity_gap,
        balances.closing_balance - ledger_totals.ledger_balance as ledger_gap,
        balances.closing_balance - lead(balances.opening_balance) over (
            partition by balances.admdvs, balances.fund_type order by balances.month_end) as carry_gap
    from balances
    inner join ledger_totals
        on ledger_totals.admdvs = balances.admdvs
       and ledger_totals.fund_type = balances.fund_type
       and ledger_totals.month_end = balances.month_end
)

select
    admdvs,
    fund_type,
    month_end,
    identity_gap,
    ledger_gap,
    carry_gap
from checked
where abs(identity_gap) > 0.005
   or abs(ledger_gap) > 0.005
   or abs(coalesce(carry_gap, 0)) > 0.005
