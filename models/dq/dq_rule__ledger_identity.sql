-- Sub-accounts whose balance identity fails (an error: it must never happen), for every unit and city row of
-- rpt_fund_balance_monthly. Each figure is checked against a second path that does not read the mart's derived
-- columns (DESIGN §4):
-- closing_gap:  the mart's closing balance - the sum of every ledger entry of the area's units up to the month end;
-- opening_gap:  the mart's opening balance - the sum of every ledger entry before the month;
-- flow_gap:     the mart's income and expenditure - the month's ledger entries in and out;
-- carry_gap:    the mart's opening balance - the mart's closing balance of the month before;
-- identity_gap: closing - (opening + income - expenditure), on the mart's own columns.
-- which units' ledger entries make up each area: a unit its own, a city all of its units
with area_units as (
    select distinct
        admdvs as area,
        admdvs as unit
    from {{ ref('int_fund__sub_accounts') }}
    union all
    select distinct
        city_admdvs,
        admdvs
    from {{ ref('int_fund__sub_accounts') }}
),

balances as (
    select * from {{ ref('rpt_fund_balance_monthly') }}
),

ledger_paths as (
    select
        balances.admdvs,
        balances.fund_type,
        balances.month_end,
        coalesce(sum(ledger.amount), 0) as ledger_closing,
        coalesce(sum(case when ledger.month_end < balances.month_end then ledger.amount end), 0) as ledger_opening,
        coalesce(sum(case when ledger.month_end = balances.month_end and ledger.direction = 'in'
                then ledger.amount
        end), 0) as ledger_income,
        coalesce(-sum(case when ledger.month_end = balances.month_end and ledger.direction = 'out'
                then ledger.amount
        end), 0) as ledger_expenditure
    from balances
    inner join area_units
        on balances.admdvs = area_units.area
    left join {{ ref('fct_fund_ledger') }} as ledger
        on area_units.unit = ledger.admdvs
            and balances.fund_type = ledger.fund_type
            and balances.month_end >= ledger.month_end
    group by balances.admdvs, balances.fund_type, balances.month_end
),

previous as (
    select
        admdvs,
        fund_type,
        month_end,
        lag(closing_balance) over (partition by admdvs, fund_type order by month_end) as previous_closing
    from balances
),

checked as (
    select
        balances.admdvs,
        balances.fund_type,
        balances.month_end,
        balances.closing_balance - ledger_paths.ledger_closing as closing_gap,
        balances.opening_balance - ledger_paths.ledger_opening as opening_gap,
        abs(balances.income - ledger_paths.ledger_income)
        + abs(balances.expenditure - ledger_paths.ledger_expenditure) as flow_gap,
        balances.opening_balance - coalesce(previous.previous_closing, 0) as carry_gap,
        balances.closing_balance - (balances.opening_balance + balances.income - balances.expenditure) as identity_gap
    from balances
    inner join ledger_paths
        on balances.admdvs = ledger_paths.admdvs
            and balances.fund_type = ledger_paths.fund_type
            and balances.month_end = ledger_paths.month_end
    inner join previous
        on balances.admdvs = previous.admdvs
            and balances.fund_type = previous.fund_type
            and balances.month_end = previous.month_end
)

select
    'ledger_identity' as rule_id,
    admdvs,
    {{ dbt.concat(["admdvs", "'|'", "fund_type", "'|'",
                   "cast(extract(year from month_end) as " ~ dbt.type_string() ~ ")", "'-'",
                   "lpad(cast(extract(month from month_end) as " ~ dbt.type_string() ~ "), 2, '0')"]) }} as entity_key,
    {{ dbt.concat(["'差额：期末与台账 '", "cast(closing_gap as " ~ dbt.type_string() ~ ")",
                   "'，期初与台账 '", "cast(opening_gap as " ~ dbt.type_string() ~ ")",
                   "'，收支与台账 '", "cast(flow_gap as " ~ dbt.type_string() ~ ")",
                   "'，结转 '", "cast(carry_gap as " ~ dbt.type_string() ~ ")",
                   "'，收支恒等 '", "cast(identity_gap as " ~ dbt.type_string() ~ ")"]) }} as detail,
    cast(null as {{ dbt.type_string() }}) as certno_masked
from checked
where abs(closing_gap) > 0.005
    or abs(opening_gap) > 0.005
    or flow_gap > 0.005
    or abs(carry_gap) > 0.005
    or abs(identity_gap) > 0.005
