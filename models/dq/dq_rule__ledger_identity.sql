-- Sub-accounts whose balance identity fails (an error: it must never happen). For each county, fund and month:
-- closing = opening + income - expenditure; closing = next month's opening; closing = every ledger amount so far.
with balances as (
    select * from {{ ref('rpt_fund_balance_monthly') }}
    where admdvs in (select admdvs from {{ ref('dim_region') }} where region_level = 'county')
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
        coalesce(balances.closing_balance - lead(balances.opening_balance) over (
            partition by balances.admdvs, balances.fund_type order by balances.month_end), 0) as carry_gap
    from balances
    inner join ledger_totals
        on ledger_totals.admdvs = balances.admdvs
       and ledger_totals.fund_type = balances.fund_type
       and ledger_totals.month_end = balances.month_end
)

select
    'ledger_identity' as rule_id,
    admdvs,
    {{ dbt.concat(["admdvs", "'|'", "fund_type", "'|'",
                   "cast(extract(year from month_end) as " ~ dbt.type_string() ~ ")", "'-'",
                   "lpad(cast(extract(month from month_end) as " ~ dbt.type_string() ~ "), 2, '0')"]) }} as entity_key,
    {{ dbt.concat(["'差额：收支恒等 '", "cast(identity_gap as " ~ dbt.type_string() ~ ")",
                   "'，台账 '", "cast(ledger_gap as " ~ dbt.type_string() ~ ")",
                   "'，结转 '", "cast(carry_gap as " ~ dbt.type_string() ~ ")"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from checked
where abs(identity_gap) > 0.005 or abs(ledger_gap) > 0.005 or abs(carry_gap) > 0.005
