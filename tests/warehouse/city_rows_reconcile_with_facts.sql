-- Warehouse identity (error): each city row of the coverage and reimbursement marts equals its facts, counted again
-- from fct_person_month and fct_settlement over the city's counties - not re-added from the mart's own county rows.
-- (The fund balance's city rows are checked against the ledger by dq_rule__ledger_identity and
-- city_totals_reconcile_with_ledger.)
{{ config(severity='error', tags=['warehouse_identity']) }}

with counties as (
    select
        admdvs,
        parent_admdvs
    from {{ ref('dim_region') }}
    where region_level = 'county'
),

coverage_facts as (
    select
        counties.parent_admdvs as admdvs,
        person_month.month_end,
        sum(case when person_month.counted then 1 else 0 end) as insured_persons,
        sum(case when person_month.counted and person_month.insutype = '310' then 1 else 0 end) as insured_employee,
        sum(case when person_month.counted and person_month.insutype = '390' then 1 else 0 end) as insured_resident,
        sum(case when not person_month.counted then 1 else 0 end) as enrolled_unpaid
    from {{ ref('fct_person_month') }} as person_month
    inner join counties
        on person_month.insu_admdvs = counties.admdvs
    group by counties.parent_admdvs, person_month.month_end
),

coverage_gaps as (
    select
        'rpt_coverage_monthly' as mart,
        mart.admdvs,
        mart.month_end,
        abs(mart.insured_persons - coalesce(facts.insured_persons, 0))
        + abs(mart.insured_employee - coalesce(facts.insured_employee, 0))
        + abs(mart.insured_resident - coalesce(facts.insured_resident, 0))
        + abs(mart.enrolled_unpaid - coalesce(facts.enrolled_unpaid, 0)) as gap
    from {{ ref('rpt_coverage_monthly') }} as mart
    left join coverage_facts as facts
        on mart.admdvs = facts.admdvs and mart.month_end = facts.month_end
    where mart.admdvs in (select parent_admdvs from counties)
),

reimbursement_facts as (
    select
        counties.parent_admdvs as admdvs,
        settlements.month_end,
        sum(case when settlements.is_counted then 1 else 0 end) as settlements,
        sum(settlements.medfee_sumamt) as medfee_sumamt,
        sum(settlements.inscp_scp_amt) as inscp_scp_amt,
        sum(settlements.hifp_pay + settlements.hifob_pay + settlements.hifmi_pay + settlements.cvlserv_pay)
            as insurance_fund_pay
    from {{ ref('fct_settlement') }} as settlements
    inner join counties
        on settlements.insu_admdvs = counties.admdvs
    where settlements.is_valid and settlements.insutype in ('310', '390', '510')
    group by counties.parent_admdvs, settlements.month_end
),

reimbursement_city as (
    select
        admdvs,
        month_end,
        sum(settlements) as settlements,
        sum(medfee_sumamt) as medfee_sumamt,
        sum(inscp_scp_amt) as inscp_scp_amt,
        sum(insurance_fund_pay) as insurance_fund_pay
    from {{ ref('rpt_reimbursement_monthly') }}
    where admdvs in (select parent_admdvs from counties)
    group by admdvs, month_end
),

reimbursement_gaps as (
    select
        'rpt_reimbursement_monthly' as mart,
        mart.admdvs,
        mart.month_end,
        abs(mart.settlements - coalesce(facts.settlements, 0))
        + abs(mart.medfee_sumamt - coalesce(facts.medfee_sumamt, 0))
        + abs(mart.inscp_scp_amt - coalesce(facts.inscp_scp_amt, 0))
        + abs(mart.insurance_fund_pay - coalesce(facts.insurance_fund_pay, 0)) as gap
    from reimbursement_city as mart
    left join reimbursement_facts as facts
        on mart.admdvs = facts.admdvs and mart.month_end = facts.month_end
)

select
    mart,
    admdvs,
    month_end,
    gap
from coverage_gaps
where gap > 0.005
union all
select
    mart,
    admdvs,
    month_end,
    gap
from reimbursement_gaps
where gap > 0.005
