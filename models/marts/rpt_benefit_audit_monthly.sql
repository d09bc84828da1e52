-- Benefit audit (待遇核查月报) per county, scheme, hospital tier and month, plus city rows summed from the counties:
-- original inpatient settlements audited against the unified policy, those whose pooled-fund payment differs by more
-- than 1 yuan, the yuan overpaid and underpaid, and the net effect on the county sub-account (DESIGN §5). Settlements
-- the seed has no band for (out-of-area care in a pool with no out-of-area band) are counted as not audited.
with months as (
    select
        month_end,
        is_complete
    from {{ ref('int_calendar__months') }}
),

counties as (
    select
        admdvs,
        parent_admdvs
    from {{ ref('dim_region') }}
    where region_level = 'county'
),

schemes as (
    select insutype from {{ ref('dim_insutype') }}
    where insutype in ('310', '390')
),

tiers as (
    select distinct hosp_tier from {{ ref('hosp_lv') }}
),

cells as (
    select
        insu_admdvs as admdvs,
        insutype,
        hosp_tier,
        month_end,
        sum(case when audit_status = 'audited' then 1 else 0 end) as settlements_audited,
        sum(case when audit_status = 'audited' then 0 else 1 end) as settlements_not_audited,
        sum(case when is_mismatch then 1 else 0 end) as settlements_mismatched,
        sum(case when is_mismatch and mismatch_part = 'deductible' then 1 else 0 end) as mismatched_deductible,
        sum(case when is_mismatch and mismatch_part = 'ratio' then 1 else 0 end) as mismatched_ratio,
        sum(case when is_mismatch and mismatch_part = 'cap' then 1 else 0 end) as mismatched_cap,
        sum(case when is_mismatch and mismatch_part = 'critical_illness' then 1 else 0 end) as mismatched_critical_illness,
        sum(case when is_mismatch and hifp_pay_difference > 0 then hifp_pay_difference else 0 end) as overpaid_amt,
        sum(case when is_mismatch and hifp_pay_difference < 0 then -hifp_pay_difference else 0 end) as underpaid_amt,
        sum(case when audit_status = 'audited' then hifp_pay else 0 end) as hifp_pay,
        sum(expected_hifp_pay) as expected_hifp_pay
    from {{ ref('fct_benefit_audit') }}
    group by insu_admdvs, insutype, hosp_tier, month_end
),

county_rows as (
    select
        counties.admdvs,
        counties.parent_admdvs,
        schemes.insutype,
        tiers.hosp_tier,
        months.month_end,
        months.is_complete,
        coalesce(cells.settlements_audited, 0) as settlements_audited,
        coalesce(cells.settlements_not_audited, 0) as settlements_not_audited,
        coalesce(cells.settlements_mismatched, 0) as settlements_mismatched,
        coalesce(cells.mismatched_deductible, 0) as mismatched_deductible,
        coalesce(cells.mismatched_ratio, 0) as mismatched_ratio,
        coalesce(cells.mismatched_cap, 0) as mismatched_cap,
        coalesce(cells.mismatched_critical_illness, 0) as mismatched_critical_illness,
        coalesce(cells.overpaid_amt, 0) as overpaid_amt,
        coalesce(cells.underpaid_amt, 0) as underpaid_amt,
        coalesce(cells.hifp_pay, 0) as hifp_pay,
        coalesce(cells.expected_hifp_pay, 0) as expected_hifp_pay
    from months
    cross join counties
    cross join schemes
    cross join tiers
    left join cells
        on counties.admdvs = cells.admdvs
            and schemes.insutype = cells.insutype
            and tiers.hosp_tier = cells.hosp_tier
            and months.month_end = cells.month_end
),

city_rows as (
    select
        parent_admdvs as admdvs,
        parent_admdvs,
        insutype,
        hosp_tier,
        month_end,
        is_complete,
        sum(settlements_audited) as settlements_audited,
        sum(settlements_not_audited) as settlements_not_audited,
        sum(settlements_mismatched) as settlements_mismatched,
        sum(mismatched_deductible) as mismatched_deductible,
        sum(mismatched_ratio) as mismatched_ratio,
        sum(mismatched_cap) as mismatched_cap,
        sum(mismatched_critical_illness) as mismatched_critical_illness,
        sum(overpaid_amt) as overpaid_amt,
        sum(underpaid_amt) as underpaid_amt,
        sum(hifp_pay) as hifp_pay,
        sum(expected_hifp_pay) as expected_hifp_pay
    from county_rows
    group by parent_admdvs, insutype, hosp_tier, month_end, is_complete
),

all_rows as (
    select * from county_rows
    union all
    select * from city_rows
)

select
    cast(admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(insutype as {{ dbt.type_string() }}) as insutype,
    cast(hosp_tier as {{ dbt.type_string() }}) as hosp_tier,
    month_end,
    cast(settlements_audited as bigint) as settlements_audited,
    cast(settlements_not_audited as bigint) as settlements_not_audited,
    cast(settlements_mismatched as bigint) as settlements_mismatched,
    cast(mismatched_deductible as bigint) as mismatched_deductible,
    cast(mismatched_ratio as bigint) as mismatched_ratio,
    cast(mismatched_cap as bigint) as mismatched_cap,
    cast(mismatched_critical_illness as bigint) as mismatched_critical_illness,
    cast(overpaid_amt as decimal(18, 2)) as overpaid_amt,
    cast(underpaid_amt as decimal(18, 2)) as underpaid_amt,
    cast(overpaid_amt - underpaid_amt as decimal(18, 2)) as net_effect_amt,
    cast(hifp_pay as decimal(18, 2)) as hifp_pay,
    cast(expected_hifp_pay as decimal(18, 2)) as expected_hifp_pay,
    cast(settlements_mismatched as double) / nullif(settlements_audited, 0) as mismatch_rate,
    is_complete
from all_rows
