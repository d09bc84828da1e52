-- Warehouse identity (error), DESIGN §4 Pooling area: money booked outside the pooling area is not dropped.
-- 1. For every delivered pooling area, fund and month, the city row's income - expenditure equals the net of every
--    ledger entry booked to that city's counties.
-- 2. The ledger's money booked to any code that is no county of a delivered pooling area is reported: every such
--    code and month has at least one source row named by int_ledger__outside_pool (rule ledger_outside_pool).
-- So the ledger's grand total = the city rows + the reported outside-pool money, with nothing silently lost.
{{ config(severity='error', tags=['warehouse_identity']) }}

with regions as (
    select
        admdvs,
        parent_admdvs,
        region_level
    from {{ ref('dim_region') }}
),

ledger_by_city as (
    select
        regions.parent_admdvs as admdvs,
        ledger.fund_type,
        ledger.month_end,
        sum(ledger.amount) as net
    from {{ ref('fct_fund_ledger') }} as ledger
    inner join regions
        on ledger.admdvs = regions.admdvs and regions.region_level = 'county'
    group by regions.parent_admdvs, ledger.fund_type, ledger.month_end
),

city_rows as (
    select
        mart.admdvs,
        mart.fund_type,
        mart.month_end,
        mart.income - mart.expenditure as net
    from {{ ref('rpt_fund_balance_monthly') }} as mart
    inner join regions
        on mart.admdvs = regions.admdvs and regions.region_level = 'city'
),

city_gaps as (
    select
        coalesce(city_rows.admdvs, ledger_by_city.admdvs) as admdvs,
        coalesce(city_rows.fund_type, ledger_by_city.fund_type) as fund_type,
        coalesce(city_rows.month_end, ledger_by_city.month_end) as month_end,
        'city row differs from its counties'' ledger entries' as problem,
        coalesce(city_rows.net, 0) - coalesce(ledger_by_city.net, 0) as gap
    from city_rows
    full outer join ledger_by_city
        on city_rows.admdvs = ledger_by_city.admdvs
            and city_rows.fund_type = ledger_by_city.fund_type
            and city_rows.month_end = ledger_by_city.month_end
),

outside_entries as (
    select
        ledger.admdvs,
        ledger.fund_type,
        ledger.month_end,
        sum(ledger.amount) as net
    from {{ ref('fct_fund_ledger') }} as ledger
    left join regions
        on ledger.admdvs = regions.admdvs and regions.region_level = 'county'
    where regions.admdvs is null
    group by ledger.admdvs, ledger.fund_type, ledger.month_end
),

unreported as (
    select
        outside_entries.admdvs,
        outside_entries.fund_type,
        outside_entries.month_end,
        'ledger money outside the pooling area with no ledger_outside_pool row' as problem,
        outside_entries.net as gap
    from outside_entries
    left join (
        select distinct
            booked_admdvs,
            month_end
        from {{ ref('int_ledger__outside_pool') }}
    ) as reported
        on outside_entries.admdvs = reported.booked_admdvs
            and outside_entries.month_end = reported.month_end
    where reported.booked_admdvs is null
        and outside_entries.net <> 0
)

select
    admdvs,
    fund_type,
    month_end,
    problem,
    gap
from city_gaps
where abs(gap) > 0.005
union all
select
    admdvs,
    fund_type,
    month_end,
    problem,
    gap
from unreported
