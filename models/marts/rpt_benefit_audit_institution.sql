-- Benefit audit by institution (待遇核查机构明细) per county sub-account, designated institution and month: the
-- mismatched settlements each institution sent and the yuan they overpaid or underpaid. Only institutions with a
-- mismatch appear; a county's rows are the settlements booked to its sub-account.
with mismatches as (
    select * from {{ ref('fct_benefit_audit') }}
    where is_mismatch
),

institutions as (
    select
        fixmedins_code,
        fixmedins_name,
        hosp_tier
    from {{ ref('dim_medins') }}
)

select
    cast(mismatches.insu_admdvs as {{ dbt.type_string() }}) as admdvs,
    cast(mismatches.fixmedins_code as {{ dbt.type_string() }}) as fixmedins_code,
    cast(max(institutions.fixmedins_name) as {{ dbt.type_string() }}) as fixmedins_name,
    cast(max(mismatches.hosp_tier) as {{ dbt.type_string() }}) as hosp_tier,
    mismatches.month_end,
    cast(count(*) as bigint) as settlements_mismatched,
    cast(
        sum(case when mismatches.hifp_pay_difference > 0 then mismatches.hifp_pay_difference else 0 end)
        as decimal(18, 2)
    ) as overpaid_amt,
    cast(
        sum(case when mismatches.hifp_pay_difference < 0 then -mismatches.hifp_pay_difference else 0 end)
        as decimal(18, 2)
    ) as underpaid_amt
from mismatches
left join institutions
    on mismatches.fixmedins_code = institutions.fixmedins_code
inner join {{ ref('dim_region') }} as regions
    on mismatches.insu_admdvs = regions.admdvs and regions.region_level = 'county'
group by mismatches.insu_admdvs, mismatches.fixmedins_code, mismatches.month_end
