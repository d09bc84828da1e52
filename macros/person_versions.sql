{#- The person versions dim_person is built from (SCD2). On DuckDB: the snapshot snp_person, which
    closes a version whenever a person's tracked attributes change. dbt snapshots on Spark need a
    table format with MERGE (Delta, Iceberg or Hudi); plain Parquet in a local session has none, so
    there the snapshot is disabled (dbt_project.yml) and each person has one open version, as of
    its latest change. A cluster with Delta can enable the snapshot with file_format: delta. -#}
{% macro person_versions() -%}
    {{ return(adapter.dispatch('person_versions', 'yibao')()) }}
{%- endmacro %}

{% macro default__person_versions() -%}
    select * from {{ ref('snp_person') }}
{%- endmacro %}

{% macro spark__person_versions() -%}
    select
        current_person.*,
        current_person.updated_at as dbt_valid_from,
        cast(null as timestamp) as dbt_valid_to
    from {{ ref('int_person__current') }} as current_person
{%- endmacro %}
