-- grain: one county sub-account entry total (分账核算): admdvs x fund_type x month_end x entry_type
-- amount is signed by its effect on the balance: income positive, expenditure negative.
-- Only money booked from the extracts is ledgered; nothing the warehouse computes is posted here (DESIGN §4).
with contributions as (
    select
        insu_admdvs as admdvs,
        pooled_fund_type as fund_type,
        month_end,
        'contribution_pooled' as entry_type,
        pooled_amt as amount
    from {{ ref('fct_contribution') }}
    where pooled_fund_type is not null
    union all
    select
        insu_admdvs,
        '310200',
        month_end,
        'contribution_account',
        acct_crdt_amt
    from {{ ref('fct_contribution') }}
    where acct_crdt_amt <> 0
),

transactions as (
    select
        txn.insu_admdvs as admdvs,
        txn.fund_type,
        cast({{ dbt.last_day('txn.txn_date', 'month') }} as date) as month_end,
        types.entry_type,
        txn.amount
    from {{ ref('stg_fund_txn') }} as txn
    inner join {{ ref('txn_type') }} as types
        on txn.txn_type = types.txn_type
),

-- valid settlements summed per county, scheme fund and month first: one pass over the fact, where six selects
-- from it made DuckDB keep a copy of the whole fact
settlements as (
    select
        insu_admdvs,
        pooled_fund_type,
        month_end,
        sum(hifp_pay) as hifp_pay,
        sum(hifob_pay) as hifob_pay,
        sum(cvlserv_pay) as cvlserv_pay,
        sum(hifmi_pay) as hifmi_pay,
        sum(maf_pay) as maf_pay,
        sum(acct_pay) as acct_pay
    from {{ ref('fct_settlement') }}
    where is_valid
    group by insu_admdvs, pooled_fund_type, month_end
),

-- DESIGN §4 fund mapping; hifes_pay and oth_pay are outside the public funds and not ledgered
settlement_payments as (
    select
        insu_admdvs as admdvs,
        pooled_fund_type as fund_type,
        month_end,
        hifp_pay as paid
    from settlements
    where pooled_fund_type is not null
    union all
    select
        insu_admdvs,
        '330100',
        month_end,
        hifob_pay
    from settlements
    union all
    select
        insu_admdvs,
        '320100',
        month_end,
        cvlserv_pay
    from settlements
    union all
    select
        insu_admdvs,
        '390200',
        month_end,
        hifmi_pay
    from settlements
    union all
    select
        insu_admdvs,
        '610100',
        month_end,
        maf_pay
    from settlements
    union all
    select
        insu_admdvs,
        '310200',
        month_end,
        acct_pay
    from settlements
),

entries as (
    select
        admdvs,
        fund_type,
        month_end,
        entry_type,
        amount
    from contributions
    union all
    select
        admdvs,
        fund_type,
        month_end,
        entry_type,
        amount
    from transactions
    union all
    select
        admdvs,
        fund_type,
        month_end,
        'settlement_expenditure',
        -paid
    from settlement_payments
),

entry_directions as (
    select distinct
        entry_type,
        direction
    from {{ ref('txn_type') }}
    union all
    select
        'contribution_pooled',
        'in'
    union all
    select
        'contribution_account',
        'in'
    union all
    select
        'settlement_expenditure',
        'out'
)

select
    entries.admdvs,
    entries.fund_type,
    entries.month_end,
    entries.entry_type,
    entry_directions.direction,
    cast(sum(entries.amount) as decimal(18, 2)) as amount
from entries
inner join entry_directions
    on entries.entry_type = entry_directions.entry_type
group by entries.admdvs, entries.fund_type, entries.month_end, entries.entry_type, entry_directions.direction
