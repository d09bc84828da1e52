-- grain: one sub-account entry total (分账核算): accounting unit (admdvs) x fund_type x month_end x entry_type
-- amount is signed by its effect on the balance: income positive, expenditure negative.
-- Every code of the pool books to its accounting unit (seeds/region.csv accounting_unit: the districts and xx99 to
-- the city unit, each county to itself); money booked to a code of no unit keeps that code and is a
-- ledger_outside_pool exception. Where the city merged maternity into the employee scheme (seeds/city_setting.csv),
-- 510100 money is booked to 310100 on its own lines. Entry types, directions and statement lines are
-- seeds/fund_entry_type.csv. Only money booked from the extracts is ledgered; nothing the warehouse computes is
-- posted here (DESIGN §4).
with units as (
    select
        regions.admdvs,
        regions.accounting_unit,
        coalesce(settings.maternity_merged, false) as maternity_merged
    from {{ ref('dim_region') }} as regions
    left join {{ ref('city_setting') }} as settings
        on regions.parent_admdvs = settings.admdvs
    where regions.accounting_unit is not null
),

contributions as (
    select
        insu_admdvs as admdvs,
        pooled_fund_type as fund_type,
        month_end,
        case
            when clct_type = '40' then 'contribution_aid'
            when pooled_fund_type = '510100' then 'contribution_maternity'
            else 'contribution_pooled'
        end as entry_type,
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
    -- a premium paid by medical aid (医疗救助资助参保) leaves the medical-aid fund
    union all
    select
        insu_admdvs,
        '610100',
        month_end,
        'aid_premium',
        -clct_amt
    from {{ ref('fct_contribution') }}
    where clct_type = '40'
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

-- valid settlements summed per area, scheme fund, group and month first: one pass over the fact, where six selects
-- from it made DuckDB keep a copy of the whole fact
settlements as (
    select
        insu_admdvs,
        pooled_fund_type,
        month_end,
        case when med_group = 'other' then 'settlement_other' else {{ dbt.concat(["'settlement_'", 'med_group']) }}
        end as entry_type,
        sum(hifp_pay) as hifp_pay,
        sum(hifob_pay) as hifob_pay,
        sum(cvlserv_pay) as cvlserv_pay,
        sum(hifmi_pay) as hifmi_pay,
        sum(maf_pay) as maf_pay,
        sum(acct_pay) as acct_pay
    from {{ ref('fct_settlement') }}
    where is_valid
    group by insu_admdvs, pooled_fund_type, month_end, med_group
),

-- DESIGN §4 fund mapping; hifes_pay and oth_pay are outside the public funds and not ledgered
settlement_payments as (
    {% for column, fund in [('hifp_pay', 'pooled_fund_type'), ('hifob_pay', "'330100'"),
                            ('cvlserv_pay', "'320100'"), ('hifmi_pay', "'390200'"), ('maf_pay', "'610100'"),
                            ('acct_pay', "'310200'")] %}
    select
        insu_admdvs as admdvs,
        {{ fund }} as fund_type,
        month_end,
        entry_type,
        -{{ column }} as amount
    from settlements
    {%- if column == 'hifp_pay' %}
    where pooled_fund_type is not null
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

entries as (
    select * from contributions
    union all
    select * from transactions
    union all
    select * from settlement_payments
),

booked as (
    select
        coalesce(units.accounting_unit, entries.admdvs) as admdvs,
        case
            when entries.fund_type = '510100' and units.maternity_merged then '310100'
            else entries.fund_type
        end as fund_type,
        entries.month_end,
        entries.entry_type,
        entries.amount
    from entries
    left join units
        on entries.admdvs = units.admdvs
)

select
    booked.admdvs,
    booked.fund_type,
    booked.month_end,
    booked.entry_type,
    entry_types.direction,
    entry_types.statement_line,
    cast(sum(booked.amount) as decimal(18, 2)) as amount
from booked
inner join {{ ref('fund_entry_type') }} as entry_types
    on booked.entry_type = entry_types.entry_type
group by
    booked.admdvs, booked.fund_type, booked.month_end, booked.entry_type, entry_types.direction,
    entry_types.statement_line
