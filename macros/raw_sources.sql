{#- The sources (raw.<extract> and dq.quarantine_rows) as the engine sees them. On DuckDB `yibao ingest`
    loads them into the warehouse file, so there is nothing to do. On Spark they arrive as Parquet that
    `yibao build --target spark` writes under $YIBAO_LAKE/<schema>/<table>/ (yibao/lake.py); this
    on-run-start hook declares each one as an external table over that folder, replacing the previous
    declaration. -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'yibao')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
    {%- set lake = env_var('YIBAO_LAKE', env_var('YIBAO_DATA', 'data') ~ '/lake') -%}
    {#- of the ops tables the models read two (yibao/lake.py); the others are sources only for the exposures -#}
    {%- for source in graph.sources.values() if source.source_name != 'ops' or source.name in ('loaded_files', 'build_watermark') -%}
        {%- set table = source.schema ~ '.' ~ source.name -%}
        {%- do run_query('create database if not exists ' ~ source.schema) -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query("create table " ~ table ~ " using parquet location '" ~ lake ~ "/" ~ source.schema ~ "/" ~ source.name ~ "'") -%}
    {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
