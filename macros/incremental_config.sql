{#- How an incremental model is kept up to date on each engine, as a config() dict:
      {{ config(**yibao.incremental_config(unique_key, on_parquet='rebuild')) }}
    DuckDB replaces changed keys in place (delete+insert on unique_key). Spark's plain Parquet tables
    have no row-level delete, so on_parquet says what the model does there instead:
      'rebuild'           - rebuilt whole each run (a table); right for facts whose old rows can change;
      'append'            - new rows appended; right when the model selects only keys not yet present;
      'insert_overwrite'  - the partitions in the new rows replace the stored ones, partitioned by unique_key.
    With Delta or Iceberg tables on a cluster, 'merge' on unique_key would replace 'rebuild'.
    scope (DuckDB): a select of the unique_key values this run judges again, from the scope layer, e.g.
      scope="select setl_id from {{ ref('int_scope__settlements') }}": the stored rows with those values are deleted
      and the model's new rows (which must judge every one of them) appended (docs/INCREMENTAL.md).
    scope_columns and row_column (DuckDB): replace whole scopes instead of keys, for a model whose rows a delivery can
    remove (macros/replace_scope.sql); such a model must be rebuilt with --full-refresh when its columns change.
    watermark_refs and watermark_sources: for a model that reads its inputs from a stored watermark
    ({{ yibao.loaded_through() }}), the models and raw extracts whose latest load a post-hook records after each run
    (macros/loaded_through.sql). -#}
{% macro incremental_config(unique_key, on_parquet='rebuild', scope=none, scope_columns=none, row_column=none,
                            watermark_refs=none, watermark_sources=[]) -%}
    {%- set cfg = adapter.dispatch('incremental_config', 'yibao')(unique_key, on_parquet, scope_columns, row_column) -%}
    {%- if scope is not none and cfg.get('materialized') == 'incremental' -%}
        {#- the scope's stored rows go first, in the model's transaction; the run's rows are then appended -#}
        {%- do cfg.update({
            'incremental_strategy': 'append',
            'pre_hook': '{% if is_incremental() %}delete from {{ this }} where ' ~ unique_key ~ ' in (' ~ scope ~ '){% endif %}'
        }) -%}
    {%- endif -%}
    {%- if watermark_refs is not none -%}
        {%- do cfg.update({
            'post_hook': '{{ yibao.record_loaded_through(' ~ watermark_refs ~ ', ' ~ watermark_sources ~ ') }}'
        }) -%}
    {%- endif -%}
    {{ return(cfg) }}
{%- endmacro %}

{% macro default__incremental_config(unique_key, on_parquet, scope_columns, row_column) -%}
    {%- if scope_columns -%}
        {{ return({'materialized': 'incremental', 'unique_key': unique_key, 'incremental_strategy': 'replace_scope',
                   'scope_columns': scope_columns, 'row_column': row_column, 'on_schema_change': 'fail'}) }}
    {%- endif -%}
    {#- a column added to the model reaches an existing table; its old rows hold null until a --full-refresh -#}
    {{ return({'materialized': 'incremental', 'unique_key': unique_key, 'incremental_strategy': 'delete+insert',
               'on_schema_change': 'append_new_columns'}) }}
{%- endmacro %}

{% macro spark__incremental_config(unique_key, on_parquet, scope_columns, row_column) -%}
    {%- if on_parquet == 'rebuild' -%}
        {{ return({'materialized': 'table'}) }}
    {%- elif on_parquet == 'append' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'append'}) }}
    {%- elif on_parquet == 'insert_overwrite' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                   'partition_by': unique_key}) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("incremental_config: on_parquet must be rebuild, append or insert_overwrite, not " ~ on_parquet) }}
    {%- endif -%}
{%- endmacro %}
