-- Warehouse identity (error): on the key-group coverage and annual settlement marts, each city row's additive
-- columns equal the sum of its county rows.
{{ config(severity='error', tags=['warehouse_identity']) }}

{#- The coverage, reimbursement and fund-balance city rows are checked against their facts and the ledger
    (city_rows_reconcile_with_facts, city_totals_reconcile_with_ledger, dq_rule__ledger_identity). These two keep
    DESIGN §7's rule that a city row's additive columns are its counties' sum: they have no cheaper second path. -#}
{% set checks = [
    ('rpt_kpop_coverage', ['month_end'], ['roster_persons', 'enrolled_persons']),
    ('rpt_fund_annual_settlement', ['fund_type', 'year'], ['income', 'expenditure', 'deficit', 'covered_by_own_balance', 'covered_by_city', 'covered_by_county_government']),
] %}

{% for model, grain, measures in checks %}
select
    '{{ model }}' as mart,{{ measure }}
    '{{ measure }}' as measure_name,
    0 as gap
from (select 1 as one) as never
where 1 = 0
{% for measure in measures %}
union all
select
    '{{ model }}',
    '{{ measure }}',
    abs(city.{{ measure }} - counties.total)
from (
    select mart.admdvs, {% for g in grain %}mart.{{ g }}, {% endfor %}mart.{{ measure }}
    from {{ ref(model) }} as mart
    inner join {{ ref('dim_region') }} as regions on mart.admdvs = regions.admdvs and regions.region_level = 'city'
) as city
inner join (
    select regions.parent_admdvs as admdvs, {% for g in grain %}mart.{{ g }}, {% endfor %}sum(mart.{{ measure }}) as total
    from {{ ref(model) }} as mart
    inner join {{ ref('dim_region') }} as regions on mart.admdvs = regions.admdvs and regions.region_level = 'county'
    group by regions.parent_admdvs{% for g in grain %}, mart.{{ g }}{% endfor %}
) as counties
    on city.admdvs = counties.admdvs{% for g in grain %} and city.{{ g }} = counties.{{ g }}{% endfor %}
where abs(city.{{ measure }} - counties.total) > 0.005
{% endfor %}
{% if not loop.last %}union all{% endif %}
{% endfor %}
