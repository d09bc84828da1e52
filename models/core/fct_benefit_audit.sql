-- grain: one original, valid inpatient settlement (setl_id) of scheme 310 or 390, with what the unified policy says
-- the pooled fund should have paid (待遇核查, DESIGN §5) beside what it paid.
-- expected_hifp_pay = min(ratio x max(0, inscp_scp_amt - deductible), what is left of the annual cap), with the
-- deductible, ratio, retiree uplift and cap of the benefit seed for the settlement's year, scheme and band.
-- The band is the institution's (dim_medins) when it is valid on the day, else the settlement's own hosp_lv and
-- treatment area (an unknown or closed institution is a setl_unknown_medins exception of its own). Out-of-area care
-- (fct_settlement.care_area not local) takes the band out_of_area. Where the seed has no row for the band (a pool
-- with no out-of-area band, a year not seeded), the settlement is kept with audit_status not_audited_no_band and no
-- expected payment: it is listed, not judged, and never a mismatch.
-- The cap room is the annual cap less the pooled fund already paid to the person (certno) in the scheme and year
-- before this settlement, in setl_time order, net of reversals: a reversal frees the share it cancels, in its
-- original's year (a January reversal of a December settlement frees nothing in the new year). Every payment of a
-- medical type that counts toward the cap (seeds/med_type.csv: inpatient and 门诊慢特病) uses the cap up; only the
-- inpatient ones are judged.
-- The 大病 second tier (hifmi_pay) is recomputed too (seeds/critical_illness_policy.csv, policy 004's 分段计算): the
-- in-scope self-pay the basic insurance left (inscp_scp_amt - hifp_pay - hifob_pay) is paid segment by segment at each
-- segment's ratio, up to what is left of the person-year's 大病 cap (hifmi_pay paid before, net of reversals). A
-- difference of more than 1 yuan is a mismatch of part critical_illness. Where no segment is seeded (employees, whose
-- large-expense fund is hifob), expected_hifmi_pay is null and nothing is judged.
-- Incremental: each settlement needs only its person's earlier rows, so a run judges again every settlement of the
-- persons of int_scope__settlement_persons: those any version of a settlement of int_scope__settlements is or was
-- under (loaded or re-resolved since the last complete run, or at an institution whose record was delivered since).
-- Rows without a person (a number with no person record) share one cap, so each run judges all of them again.
{{ config(**yibao.incremental_config(
    'setl_id',
    replace_where="person_id in (select person_id from {{ ref('int_scope__settlement_persons') }}) or person_id is null"
)) }}
-- depends_on: {{ ref('int_scope__settlement_persons') }} (the scope, read by an incremental run only)

with capped_rows as (
    select
        setl_id,
        person_id,
        insutype,
        psn_type,
        med_group,
        init_setl_id,
        setl_time,
        setl_date,
        month_end,
        extract(year from setl_time) as setl_year,
        fixmedins_code,
        hosp_tier,
        mdtrtarea_admvs,
        care_area,
        insu_admdvs,
        inscp_scp_amt,
        act_pay_dedc,
        hifp_pay,
        hifob_pay,
        hifmi_pay,
        pool_prop_selfpay,
        is_reversal
    from {{ ref('fct_settlement') }}
    where is_valid
        and insutype in ('310', '390')
        and med_type in (
            select med_type from {{ ref('med_type') }}
            where counts_toward_cap
        )
    {%- if is_incremental() %}
        and (person_id in (select person_id from {{ ref('int_scope__settlement_persons') }}) or person_id is null)
    {%- endif %}
),

-- the year whose cap a row uses: its own, or for a reversal its original's (the same person's rows)
cap_years as (
    select
        capped_rows.*,
        coalesce(extract(year from reversed.setl_time), capped_rows.setl_year) as cap_year
    from capped_rows
    left join capped_rows as reversed
        on capped_rows.is_reversal
            and capped_rows.init_setl_id = reversed.setl_id
),

cap_used as (
    select
        cap_years.*,
        coalesce(sum(cap_years.hifp_pay) over (
            partition by cap_years.person_id, cap_years.insutype, cap_years.cap_year
            order by cap_years.setl_time, cap_years.setl_id
            rows between unbounded preceding and 1 preceding
        ), 0) as cap_used_before,
        coalesce(sum(cap_years.hifmi_pay) over (
            partition by cap_years.person_id, cap_years.insutype, cap_years.cap_year
            order by cap_years.setl_time, cap_years.setl_id
            rows between unbounded preceding and 1 preceding
        ), 0) as critical_used_before
    from cap_years
),

originals as (
    select * from cap_used
    where not is_reversal
        and med_group = 'inpatient'
),

banded as (
    select
        originals.*,
        case
            when originals.care_area <> 'local' then 'out_of_area'
            when medins.is_valid and medins.begndate <= originals.setl_date
                and (medins.enddate is null or originals.setl_date <= medins.enddate)
                then medins.benefit_band
            else {{ benefit_band('originals.hosp_tier', 'regions.county_kind') }}
        end as benefit_band,
        -- the pooling area whose policy applies: the city of the insured's county (a city code is its own)
        case
            when insured_regions.region_level = 'city' then insured_regions.admdvs
            else insured_regions.parent_admdvs
        end as pool_admdvs,
        -- what the basic insurance left of the in-scope cost: the 大病 tier's base
        originals.inscp_scp_amt - originals.hifp_pay - originals.hifob_pay as basic_selfpay
    from originals
    left join {{ ref('dim_medins') }} as medins
        on originals.fixmedins_code = medins.fixmedins_code
    left join {{ ref('region') }} as regions
        on originals.mdtrtarea_admvs = regions.admdvs
    left join {{ ref('region') }} as insured_regions
        on originals.insu_admdvs = insured_regions.admdvs
),

with_policy as (
    select
        banded.*,
        policy.benefit_band is not null as has_band,
        policy.annual_cap,
        -- no band, nothing expected (least and greatest skip nulls, so each is guarded)
        case when policy.benefit_band is not null then least(policy.deductible, banded.inscp_scp_amt) end
            as expected_deductible,
        case when substr(banded.psn_type, 1, 2) in ('12', '13')
                then least(policy.fund_ratio + policy.retiree_ratio_uplift, policy.max_fund_ratio)
            else policy.fund_ratio
        end as expected_ratio
    from banded
    left join {{ ref('benefit_policy') }} as policy
        on banded.pool_admdvs = policy.pool_admdvs
            and banded.setl_year = policy.year
            and banded.insutype = policy.insutype
            and banded.benefit_band = policy.benefit_band
),

-- each 大病 segment runs from its lower bound to the next segment's
critical_segments as (
    select
        pool_admdvs,
        year,
        insutype,
        lower_bound,
        lead(lower_bound) over (partition by pool_admdvs, year, insutype order by tier) as upper_bound,
        ratio,
        annual_cap
    from {{ ref('critical_illness_policy') }}
),

critical_portions as (
    select
        banded.setl_id,
        segments.annual_cap,
        case
            when banded.basic_selfpay > segments.lower_bound
                then segments.ratio * (
                        least(banded.basic_selfpay, coalesce(segments.upper_bound, banded.basic_selfpay))
                        - segments.lower_bound
                    )
            else 0
        end as portion
    from banded
    inner join critical_segments as segments
        on banded.pool_admdvs = segments.pool_admdvs
            and banded.setl_year = segments.year
            and banded.insutype = segments.insutype
),

critical as (
    select
        setl_id,
        max(annual_cap) as critical_cap,
        round(sum(portion), 2) as uncapped_hifmi_pay
    from critical_portions
    group by setl_id
),

expected as (
    select
        with_policy.*,
        cast(round((with_policy.inscp_scp_amt - with_policy.expected_deductible) * with_policy.expected_ratio, 2) as decimal(18, 2)) as uncapped_hifp_pay,
        case when with_policy.has_band then greatest(with_policy.annual_cap - with_policy.cap_used_before, 0) end
            as cap_room,
        -- no segment seeded: nothing expected (least and greatest would skip the nulls and give 0)
        case when critical.setl_id is not null then least(
                    critical.uncapped_hifmi_pay, greatest(critical.critical_cap - with_policy.critical_used_before, 0)
                )
        end as expected_hifmi_pay
    from with_policy
    left join critical
        on with_policy.setl_id = critical.setl_id
),

judged as (
    select
        expected.*,
        case when expected.has_band then least(expected.uncapped_hifp_pay, expected.cap_room) end as expected_hifp_pay,
        coalesce(abs(expected.hifmi_pay - expected.expected_hifmi_pay) > 1, false) as is_critical_mismatch
    from expected
)

select
    setl_id,
    person_id,
    insutype,
    insu_admdvs,
    hosp_tier,
    care_area,
    benefit_band,
    cast(case when has_band then 'audited' else 'not_audited_no_band' end as {{ dbt.type_string() }}) as audit_status,
    fixmedins_code,
    setl_time,
    month_end,
    inscp_scp_amt,
    cast(expected_deductible as decimal(18, 2)) as expected_deductible,
    act_pay_dedc,
    cast(expected_ratio as decimal(9, 4)) as expected_ratio,
    pool_prop_selfpay,
    cast(annual_cap as decimal(18, 2)) as annual_cap,
    cast(cap_used_before as decimal(18, 2)) as cap_used_before,
    cast(cap_room as decimal(18, 2)) as cap_room,
    cast(expected_hifp_pay as decimal(18, 2)) as expected_hifp_pay,
    hifp_pay,
    cast(hifp_pay - expected_hifp_pay as decimal(18, 2)) as hifp_pay_difference,
    cast(expected_hifmi_pay as decimal(18, 2)) as expected_hifmi_pay,
    hifmi_pay,
    cast(hifmi_pay - expected_hifmi_pay as decimal(18, 2)) as hifmi_pay_difference,
    coalesce(abs(hifp_pay - expected_hifp_pay) > 1, false) or is_critical_mismatch as is_mismatch,
    cast(case
        when coalesce(abs(hifp_pay - expected_hifp_pay) <= 1, true) and is_critical_mismatch then 'critical_illness'
        when coalesce(abs(hifp_pay - expected_hifp_pay) <= 1, true) then null
        when abs(act_pay_dedc - expected_deductible) > 0.005 then 'deductible'
        when abs(pool_prop_selfpay - (1 - expected_ratio)) > 0.00005 then 'ratio'
        when hifp_pay > cap_room + 1 or uncapped_hifp_pay > cap_room then 'cap'
        else 'amount'
    end as {{ dbt.type_string() }}) as mismatch_part
from judged
