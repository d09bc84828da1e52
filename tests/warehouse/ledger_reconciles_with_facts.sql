-- Warehouse identity (error): per accounting unit (or any booked code), fund and month, the ledger's settlement
-- expenditure and contribution income equal what the settlement and contribution facts hold, with DESIGN §4's fund
-- mapping and booking months written out here, not taken from the ledger's model or the facts' derived columns:
--   hifp_pay -> the pooled fund of the settlement's insutype (310100, 390100, 510100); hifob_pay -> 330100;
--   cvlserv_pay -> 320100; hifmi_pay -> 390200; maf_pay -> 610100; acct_pay -> 310200 (hifes_pay, oth_pay: none);
--   contributions: clct_amt - acct_crdt_amt -> the insutype's pooled fund, acct_crdt_amt -> 310200; a premium paid
--   by medical aid (clct_type 40) is also an outflow of 610100;
--   a code books to its accounting unit (seeds/region.csv), and 510100 to 310100 where the city merged maternity.
-- Settlements are booked by the month of setl_time, contributions by the month of arvl_date; void rows count nowhere.
-- That the facts hold every delivered settlement and contribution line is holds_every_delivered_key's check (on each
-- fact); this test read staging before stg_setl and stg_clct became views, whose full ranking cost about 5 s of a
-- nightly at 2 M.
{{ config(severity='error', tags=['warehouse_identity']) }}

-- Each side is summed per county, scheme and month before the fund mapping (sums are linear, so this is exact): six
-- selects over every settlement made DuckDB keep a copy of staging, 4.3 s of a nightly at 2 M.
with settlements as (
    select
        insu_admdvs as admdvs,
        insutype,
        cast({{ dbt.last_day('cast(setl_time as date)', 'month') }} as date) as month_end,
        sum(hifp_pay) as hifp_pay,
        sum(hifob_pay) as hifob_pay,
        sum(cvlserv_pay) as cvlserv_pay,
        sum(hifmi_pay) as hifmi_pay,
        sum(maf_pay) as maf_pay,
        sum(acct_pay) as acct_pay
    from {{ ref('fct_settlement') }}
    where is_valid
    group by insu_admdvs, insutype, cast({{ dbt.last_day('cast(setl_time as date)', 'month') }} as date)
),

settlement_money as (
    select
        admdvs,
        case insutype when '310' then '310100' when '390' then '390100' when '510' then '510100' end
            as fund_type,
        month_end,
        hifp_pay as paid
    from settlements
    where insutype in ('310', '390', '510')
    union all
    select
        admdvs,
        '330100',
        month_end,
        hifob_pay
    from settlements
    union all
    select
        admdvs,
        '320100',
        month_end,
        cvlserv_pay
    from settlements
    union all
    select
        admdvs,
        '390200',
        month_end,
        hifmi_pay
    from settlements
    union all
    select
        admdvs,
        '610100',
        month_end,
        maf_pay
    from settlements
    union all
    select
        admdvs,
        '310200',
        month_end,
        acct_pay
    from settlements
),

contributions as (
    select
        insu_admdvs as admdvs,
        insutype,
        sum(clct_amt) as clct_amt,
        sum(acct_crdt_amt) as acct_crdt_amt,
        cast({{ dbt.last_day('arvl_date', 'month') }} as date) as month_end
    from {{ ref('fct_contribution') }}
    group by insu_admdvs, insutype, cast({{ dbt.last_day('arvl_date', 'month') }} as date)
),

contribution_money as (
    select
        admdvs,
        case insutype when '310' then '310100' when '390' then '390100' when '510' then '510100' end
            as fund_type,
        month_end,
        clct_amt - acct_crdt_amt as received
    from contributions
    where insutype in ('310', '390', '510')
    union all
    select
        admdvs,
        '310200',
        month_end,
        acct_crdt_amt
    from contributions
),

aid_premiums as (
    select
        insu_admdvs as admdvs,
        '610100' as fund_type,
        cast({{ dbt.last_day('arvl_date', 'month') }} as date) as month_end,
        sum(clct_amt) as paid
    from {{ ref('fct_contribution') }}
    where clct_type = '40'
    group by insu_admdvs, cast({{ dbt.last_day('arvl_date', 'month') }} as date)
),

delivered as (
    select
        admdvs,
        fund_type,
        month_end,
        sum(paid) as expenditure,
        0 as income
    from settlement_money
    group by admdvs, fund_type, month_end
    union all
    select
        admdvs,
        fund_type,
        month_end,
        paid,
        0
    from aid_premiums
    union all
    select
        admdvs,
        fund_type,
        month_end,
        0,
        sum(received)
    from contribution_money
    group by admdvs, fund_type, month_end
),

delivered_totals as (
    select
        coalesce(regions.accounting_unit, delivered.admdvs) as admdvs,
        case when delivered.fund_type = '510100' and settings.maternity_merged then '310100' else delivered.fund_type
        end as fund_type,
        delivered.month_end,
        sum(delivered.expenditure) as expenditure,
        sum(delivered.income) as income
    from delivered
    left join {{ ref('region') }} as regions
        on delivered.admdvs = regions.admdvs and regions.region_level = 'county'
            and regions.parent_admdvs in (select admdvs from {{ ref('dim_region') }})
    left join {{ ref('city_setting') }} as settings
        on regions.parent_admdvs = settings.admdvs
    group by
        coalesce(regions.accounting_unit, delivered.admdvs),
        case when delivered.fund_type = '510100' and settings.maternity_merged then '310100' else delivered.fund_type
        end,
        delivered.month_end
),

ledger_totals as (
    select
        admdvs,
        fund_type,
        month_end,
        -sum(case when entry_type like 'settlement_%' or entry_type = 'aid_premium' then amount else 0 end)
            as expenditure,
        sum(case when entry_type like 'contribution_%' then amount else 0 end) as income
    from {{ ref('fct_fund_ledger') }}
    group by admdvs, fund_type, month_end
)

select
    coalesce(ledger_totals.admdvs, delivered_totals.admdvs) as admdvs,
    coalesce(ledger_totals.fund_type, delivered_totals.fund_type) as fund_type,
    coalesce(ledger_totals.month_end, delivered_totals.month_end) as month_end,
    coalesce(ledger_totals.expenditure, 0) - coalesce(delivered_totals.expenditure, 0) as expenditure_gap,
    coalesce(ledger_totals.income, 0) - coalesce(delivered_totals.income, 0) as income_gap
from ledger_totals
full outer join delivered_totals
    on ledger_totals.admdvs = delivered_totals.admdvs
        and ledger_totals.fund_type = delivered_totals.fund_type
        and ledger_totals.month_end = delivered_totals.month_end
where abs(coalesce(ledger_totals.expenditure, 0) - coalesce(delivered_totals.expenditure, 0)) > 0.005
    or abs(coalesce(ledger_totals.income, 0) - coalesce(delivered_totals.income, 0)) > 0.005
