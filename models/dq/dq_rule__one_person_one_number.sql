-- 一人一号: one ID number (person_id, the pseudonym of certno) with more than one psn_no. Every psn_no is listed.
-- Incremental (replace_scope on entity_key = psn_no): a nightly run judges again every number of the persons whose
-- person records or enrollment records (their home county) were loaded since the last run, now or before a
-- corrected ID number moved one of their numbers (macros/persons_of_numbers.sql); the others' exceptions are kept.
{{ config(**yibao.dq_rule_incremental_config(['stg_psn_info'], raw_sources=['psn_insu'])) }}
-- depends_on: {{ ref('stg_psn_info__versions') }} (read by an incremental run only)

with
{%- if is_incremental() %}
{{ yibao.dq_touched_person_ctes() }}

{%- endif %}

persons as {{ yibao.materialized() if is_incremental() }} (
    select
        psn_no,
        person_id,
        certno_masked
    from {{ ref('stg_psn_info') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from touched)
    {%- endif %}
),
{%- if is_incremental() %}

scope as (
    select psn_no as entity_key from persons
    union
    select psn_no from touched_numbers
),
{%- endif %}

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
{{ yibao.dq_rule_scope_rows() }}
