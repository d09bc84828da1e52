-- Warehouse identity (error): on every mart, each city row's additive columns equal the sum of its county rows.
{{ config(severity='error', tags=['warehouse_identity']) }}

{% set checks = [
    ('rpt_coverage_monthly', ['month_end'], ['insured_persons', 'insured_employee', 'insured_resident', 'registered_population']),
    ('rpt_fund_balance_monthly', ['fund_type', 'month_end'], ['opening_balance', 'income', 'expenditure', 'closing_balance']),
    ('rpt_reimbursement_monthly', ['insutype', 'med_group', 'hosp_tier', 'month_end'], ['settlements', 'persons', 'medfee_sumamt', 'inscp_scp_amt', 'insurance_fund_pay', 'maf_pay']),
    ('rpt_kpop_coverage', ['month_end'], ['roster_persons', 'enrolled_persons']),
    ('rpt_fund_annual_settlement', ['fund_type', 'year'], ['income', 'expenditure', 'deficit', 'covered_by_own_balance', 'covered_by_city', 'covered_by_county_government']),
] %}

{% for model, grain, measures in checks %}
select '{{ model }}' as mart, '{{ measure }}' as measure_name, 0 as gap
from (select 1 as one) as never
where 1 = 0
{% for measure in measures %}
union all
select '{{ model }}', '{{ measure }}', abs(city.{{ measure }} - counties.total)
from (
    select mart.admdvs, {% for g in grain %}mart.{{ g }}, {% endfor %}mart.{{ measure }}
    from {{ ref(model) }} as mart
    inner join {{ ref('dim_region') }} as regions on regions.admdvs = mart.admdvs and regions.region_level = 'city'
) as city
inner join (
    select regions.parent_admdvs as admdvs, {% for g in grain %}mart.{{ g }}, {% endfor %}sum(mart.{{ measure }}) as total
    from {{ ref(model) }} as mart
    inner join {{ ref('dim_region') }} as regions on regions.admdvs = mart.admdvs and regions.region_level = 'county'
    group by regions.parent_admdvs{% for g in grain %}, mart.{{ g }}{% endfor %}
) as counties
    on city.admdvs = counties.admdvs{% for g in grain %} and city.{{ g }} = counties.{{ g }}{% endfor %}
where abs(city.{{ measure }} - counties.total) > 0.005
{% endfor %}
{% if not loop.last %}union all{% endif %}
{% endfor %}
