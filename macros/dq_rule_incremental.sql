{#- A DQ rule kept incrementally (issue 14): a nightly run judges again only the entities its deliveries touched, and
    keeps the exceptions of all others. The rule's table is kept by replace_scope on entity_key
    (macros/replace_scope.sql), and records in ops.model_watermarks the latest load of the models `refs` and the raw
    extracts `raw_sources` it reads (macros/loaded_through.sql). In an incremental run the rule defines a CTE
    `scope` (entity_key: every entity judged again, with or without an exception now) and ends with
    dq_rule_scope_rows(). On Spark the rule is a table, rebuilt each run.

      {{ config(**yibao.dq_rule_incremental_config(['fct_settlement'])) }}
      ...
      {{ yibao.dq_rule_scope_rows() }}
-#}
{% macro dq_rule_incremental_config(refs, raw_sources=[]) -%}
    {{ return(yibao.incremental_config(['rule_id', 'entity_key'], scope_columns=['entity_key'], row_column='rule_id',
                                       watermark_refs=refs, watermark_sources=raw_sources)) }}
{%- endmacro %}


{#- In an incremental run, the scope rows after the rule's exceptions: `union all` and one row per entity of `scope`. -#}
{% macro dq_rule_scope_rows() -%}
    {%- if is_incremental() %}
union all
{{ yibao.replace_scope_rows(['rule_id', 'admdvs', 'entity_key', 'detail', 'certno_masked'], 'entity_key', 'scope') }}
    {%- endif %}
{%- endmacro %}


{#- The psn_no whose enrollment records or person record were loaded since the rule's watermark: a select of psn_no.
    An enrollment record that moved to another psn_no touches both: the earlier versions in raw.psn_insu give the old
    one. A rule that uses it lists 'stg_psn_info' in refs and 'psn_insu' in raw_sources. -#}
{% macro dq_touched_persons() -%}
    select enrollment_versions.psn_no
    from {{ source('raw', 'psn_insu') }} as enrollment_versions
    where enrollment_versions.psn_insu_rlts_id in (
        select loaded.psn_insu_rlts_id from {{ source('raw', 'psn_insu') }} as loaded
        where loaded._loaded_at > {{ yibao.loaded_through() }}
    )
    union
    select persons.psn_no from {{ ref('stg_psn_info') }} as persons
    where persons._loaded_at > {{ yibao.loaded_through() }}
{%- endmacro %}


{#- In an incremental run of a person-level rule, two CTEs: touched_numbers, the psn_no of dq_touched_persons() (and of
    `more_numbers`, a select of psn_no), and touched, the persons they are under now or were under before
    (macros/persons_of_numbers.sql). Each ends with a comma; the rule's own CTEs follow. -#}
{% macro dq_touched_person_ctes(more_numbers=none) -%}
touched_numbers as {{ yibao.materialized() }} (
    {{ yibao.dq_touched_persons() }}
    {%- if more_numbers %}
    union
    {{ more_numbers }}
    {%- endif %}
),

touched as {{ yibao.materialized() }} (
    {{ yibao.persons_of_numbers('touched_numbers') }}
),
{%- endmacro %}


{#- The duplicate-enrollment rules' last CTEs, after their own `spans` (with psn_no): persons, each person's entity key
    (first_psn_no) and masked ID number, from int_person__numbers; in an incremental run only the touched persons',
    and then scope: every number of the judged persons, of their spans, and the touched numbers, so each entity key
    they had or have is judged again. Ends without a comma: the rule's select follows. -#}
{% macro dq_person_entity_ctes() -%}
numbers as {{ yibao.materialized() if is_incremental() }} (
    select
        psn_no,
        person_id,
        first_psn_no,
        certno_masked
    from {{ ref('int_person__numbers') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from touched)
    {%- endif %}
),

persons as (
    select
        person_id,
        min(first_psn_no) as first_psn_no,
        min(certno_masked) as certno_masked
    from numbers
    group by person_id
)
{%- if is_incremental() %},

scope as (
    select psn_no as entity_key from numbers
    union
    select psn_no from spans
    union
    select psn_no from touched_numbers
)
{%- endif %}
{%- endmacro %}
