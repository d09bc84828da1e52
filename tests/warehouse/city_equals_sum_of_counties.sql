-- Warehouse identity (error): on every mart, the city row's additive columns equal the sum of its county rows.
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
from (select {{ grain | join(', ') }}, {{ measure }} from {{ ref(model) }} where admdvs = '230800') as city
inner join (
    select {{ grain | join(', ') }}, sum({{ measure }}) as total
    from {{ ref(model) }} where admdvs <> '230800'
    group by {{ grain | join(', ') }}
) as counties
    on {% for g in grain %}city.{{ g }} = counties.{{ g }}{% if not loop.last %} and {% endif %}{% endfor %}
where abs(city.{{ measure }} - counties.total) > 0.005
{% endfor %}
{% if not loop.last %}union all{% endif %}
{% endfor %}
