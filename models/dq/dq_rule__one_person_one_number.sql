-- 一人一号: one ID number (person_id, the pseudonym of certno) with more than one psn_no. Every psn_no is listed.
-- Incremental: a run judges again every number of the persons of int_scope__persons (touched since the last complete
-- run, now or before a corrected ID number moved one of their numbers): int_scope__person_numbers. The others'
-- exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config("select psn_no from {{ ref('int_scope__person_numbers') }}")) }}
-- depends_on: {{ ref('int_scope__persons') }}, {{ ref('int_scope__person_numbers') }} (the scope, read by an incremental run only)

with persons as (
    select
        psn_no,
        person_id,
        certno_masked
    from {{ ref('stg_psn_info') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from {{ ref('int_scope__persons') }})
    {%- endif %}
),

shared as (
    select
        person_id,
        count(*) as numbers
    from persons
    group by person_id
    having count(*) > 1
)

select
    'one_person_one_number' as rule_id,
    home.admdvs,
    persons.psn_no as entity_key,
    {{ dbt.concat(["'同一身份证号对应 '", "cast(shared.numbers as " ~ dbt.type_string() ~ ")", "' 个人员编号'"]) }} as detail,
    persons.certno_masked
from persons
inner join shared
    on persons.person_id = shared.person_id
left join {{ ref('int_person__home_county') }} as home
    on persons.psn_no = home.psn_no
