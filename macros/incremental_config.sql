{#- The one incremental idiom (docs/INCREMENTAL.md), as a config() dict:

      {{ config(**yibao.incremental_config('setl_id')) }}
      {{ config(**yibao.incremental_config('psn_no',
                replace_where="psn_no in (select psn_no from {{ ref('int_scope__numbers') }})")) }}

    In an incremental run the model selects only what the scope layer (models/intermediate/scope) says this run
    judges again. On DuckDB its stored rows are then replaced:
      - by default, delete+insert on unique_key: right when every key judged again comes back (a fact's keys);
      - with replace_where, a condition on the stored rows (in Jinja, rendered when the model runs): the rows it
        picks are deleted in a pre-hook, in the model's transaction, and the new rows appended. Right when a judged
        key can come back with no row (an exception fixed, a month no longer covered). The model must judge every
        row the condition picks: filter the inputs by the same scope model.
    Spark's plain Parquet tables have no row-level delete, so on_parquet says what the model does there instead:
      'rebuild'           - rebuilt whole each run (a table); right for facts whose old rows can change;
      'append'            - new rows appended; right when the model selects only keys not yet present;
      'insert_overwrite'  - the partitions in the new rows replace the stored ones, partitioned by unique_key.
    With Delta or Iceberg tables on a cluster, 'merge' on unique_key would replace 'rebuild'. -#}
{% macro incremental_config(unique_key, replace_where=none, on_parquet='rebuild') -%}
    {{ return(adapter.dispatch('incremental_config', 'yibao')(unique_key, replace_where, on_parquet)) }}
{%- endmacro %}

{% macro default__incremental_config(unique_key, replace_where, on_parquet) -%}
    {#- a column added to the model reaches an existing table; yibao/refresh.py then rebuilds it in full -#}
    {%- if replace_where is not none -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'append',
                   'on_schema_change': 'append_new_columns',
                   'pre_hook': '{% if is_incremental() %}delete from {{ this }} where ' ~ replace_where ~ '{% endif %}'}) }}
    {%- endif -%}
    {{ return({'materialized': 'incremental', 'unique_key': unique_key, 'incremental_strategy': 'delete+insert',
               'on_schema_change': 'append_new_columns'}) }}
{%- endmacro %}

{% macro spark__incremental_config(unique_key, replace_where, on_parquet) -%}
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
