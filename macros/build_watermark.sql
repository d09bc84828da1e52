{#- The one clock of the incremental models (docs/INCREMENTAL.md). ops.build_watermark holds one row: the latest raw
    load (ops.loaded_files.loaded_at) that a complete run has judged, the as-of date it judged on, and its start (the
    _written_at of the rows it wrote, which its tests checked). The scope models (int_scope__*) take what was
    loaded after it. dbt writes it: created at on-run-start, and set at on-run-end from int_scope__run, only when
    the run built every incremental model of the project without an error, so a model that failed or was left out
    catches up on the next run, which judges those loads again. -#}

{% macro build_watermark_table() -%}
    {{ return(api.Relation.create(database=target.database, schema='ops', identifier='build_watermark')) }}
{%- endmacro %}


{% macro create_build_watermark() -%}
    {{ return(adapter.dispatch('create_build_watermark', 'yibao')()) }}
{%- endmacro %}

{#- On Spark every model is a table rebuilt whole: there is no watermark to keep. -#}
{% macro default__create_build_watermark() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_build_watermark() -%}
    create schema if not exists {{ build_watermark_table().include(identifier=false) }};
    create table if not exists {{ build_watermark_table() }} (
        loaded_through {{ dbt.type_timestamp() }},
        as_of_date date,
        written_through {{ dbt.type_timestamp() }},
        recorded_at {{ dbt.type_timestamp() }} not null
    )
{%- endmacro %}


{% macro record_build_watermark(results) -%}
    {{ return(adapter.dispatch('record_build_watermark', 'yibao')(results)) }}
{%- endmacro %}

{% macro default__record_build_watermark(results) -%}
    select 1
{%- endmacro %}

{% macro duckdb__record_build_watermark(results) -%}
    {%- if not execute %}{{ return('select 1') }}{% endif -%}
    {%- set built = [] -%}
    {%- set failed = [] -%}
    {%- for result in results -%}
        {%- if result.status in ('error', 'fail', 'skipped', 'runtime error') -%}{%- do failed.append(result.node.unique_id) -%}{%- endif -%}
        {%- if result.status == 'success' -%}{%- do built.append(result.node.unique_id) -%}{%- endif -%}
    {%- endfor -%}
    {%- set incremental = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
        {%- do incremental.append(node.unique_id) -%}
    {%- endfor -%}
    {%- set missing = incremental | reject('in', built) | list -%}
    {%- if not failed and not missing and 'model.yibao.int_scope__run' in built -%}
    delete from {{ build_watermark_table() }};
    insert into {{ build_watermark_table() }} (loaded_through, as_of_date, written_through, recorded_at)
    select loaded_through, as_of_date, {{ yibao.written_at() }}, {{ dbt.current_timestamp() }}
    from {{ api.Relation.create(database=target.database, schema='core', identifier='int_scope__run') }}
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
