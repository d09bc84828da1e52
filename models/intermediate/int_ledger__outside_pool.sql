-- One row per contribution line, valid settlement or fund transaction whose money is booked to an admdvs that is not
-- a county of a delivered pooling area (DESIGN §4 Pooling area): the city's own code, another city's county, a typo.
-- Their money stays in fct_fund_ledger under that code; here each source row is named, for the data-quality rule
-- ledger_outside_pool and for the reconciliation of the marts' city totals with the ledger.
with counties as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'county'
),

booked as (
    select
        'clct' as source,
        clct_id as entity_key,
        psn_no,
        insu_admdvs as booked_admdvs,
        month_end
    from {{ ref('fct_contribution') }}
    union all
    select
        'setl',
        setl_id,
        psn_no,
        insu_admdvs,
        month_end
    from {{ ref('fct_settlement') }}
    where is_valid
    union all
    select
        'fund_txn',
        txn_id,
        cast(null as {{ dbt.type_string() }}),
        insu_admdvs,
        cast({{ dbt.last_day('txn_date', 'month') }} as date)
    from {{ ref('stg_fund_txn') }}
)

select
    booked.source,
    booked.entity_key,
    booked.psn_no,
    booked.booked_admdvs,
    booked.month_end
from booked
left join counties
    on booked.booked_admdvs = counties.admdvs
where counties.admdvs is null
