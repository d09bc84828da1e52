-- Warehouse identity (error): the ledger holds exactly the money of the facts it is booked from.
-- Settlement expenditure equals the mapped fund payments of valid settlements; contribution income equals
-- the pooled parts and account credits of the contribution lines.
{{ config(severity='error', tags=['warehouse_identity']) }}

with ledger as (
    select
        sum(case when entry_type = 'settlement_expenditure' then -amount else 0 end) as settlement_expenditure,
        sum(case when entry_type = 'contribution_pooled' then amount else 0 end) as contribution_pooled,
        sum(case when entry_type = 'contribution_account' then amount else 0 end) as contribution_account
    from {{ ref('fct_fund_ledger') }}
),

settlements as (
    select sum(
        case when pooled_fund_type is not null then hifp_pay else 0 end
        + hifob_pay + cvlserv_pay + hifmi_pay + maf_pay + acct_pay
    ) as paid
    from {{ ref('fct_settlement') }}
    where is_valid
),

contributions as (
    select
        sum(case when pooled_fund_type is not null then pooled_amt else 0 end) as pooled,
        sum(acct_crdt_amt) as account
    from {{ ref('fct_contribution') }}
)

select ledger.*, settlements.paid, contributions.pooled, contributions.account
from ledger
cross join settlements
cross join contributions
where abs(ledger.settlement_expenditure - coalesce(settlements.paid, 0)) > 0.005
   or abs(ledger.contribution_pooled - coalesce(contributions.pooled, 0)) > 0.005
   or abs(ledger.contribution_account - coalesce(contributions.account, 0)) > 0.005
