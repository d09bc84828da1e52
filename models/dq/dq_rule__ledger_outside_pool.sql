-- Money booked outside the pooling area (资金记入统筹区外区划): a contribution, settlement or fund transaction whose
-- admdvs is not a county of a delivered pooling area. The exception goes to the person's home county where one is
-- known, else to the delivered city whose code the money was booked to, else to the home city.
with outside as (
    select * from {{ ref('int_ledger__outside_pool') }}
),

cities as (
    select admdvs from {{ ref('dim_region') }}
    where region_level = 'city'
)

select
    'ledger_outside_pool' as rule_id,
    coalesce(home.admdvs, cities.admdvs) as admdvs,
    outside.entity_key,
    {{ dbt.concat(["case outside.source when 'clct' then '缴费' when 'setl' then '结算' else '财政专户收支' end",
                   "'记入区划 '", "outside.booked_admdvs", "'，不属于任何已报送统筹区的区县（'",
                   "cast(outside.month_end as " ~ dbt.type_string() ~ ")", "'）'"]) }} as detail,
    persons.certno_masked
from outside
left join {{ ref('int_person__home_county') }} as home
    on outside.psn_no = home.psn_no
left join cities
    on outside.booked_admdvs = cities.admdvs
left join {{ ref('stg_psn_info') }} as persons
    on outside.psn_no = persons.psn_no
