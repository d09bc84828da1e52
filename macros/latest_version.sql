{#- The latest delivered version of each key (staging's dedupe): every column of `relation`, plus
    version_rank = 1, keeping the row that sorts first by `order_by` within each key.
    since_last_run (in an incremental model): only the keys that rows loaded since the model's last run touch -
    every version of those keys, so the latest still wins - for a delete+insert on the key. -#}
{% macro latest_version(relation, key_columns, order_by, since_last_run=false) -%}
{%- if since_last_run and is_incremental() -%}
{{ adapter.dispatch('latest_touched_version', 'yibao')(relation, key_columns, order_by) }}
{%- else -%}
{{ yibao.ranked_latest(relation, key_columns, order_by) }}
{%- endif %}
{%- endmacro %}


{#- The latest version of each key among the rows of `relation` where `condition` holds (all rows without one). -#}
{% macro ranked_latest(relation, key_columns, order_by, condition=none) -%}
select *
from (
    select
        versioned.*,
        row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_by }}) as version_rank
    from {{ relation }} as versioned
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
) as ranked
where version_rank = 1
{%- endmacro %}


{#- The keys loaded since the model's last run: a select of key_columns[0]. -#}
{% macro touched_keys(relation, key_columns) -%}
select touched.{{ key_columns[0] }} from {{ relation }} as touched
where touched._loaded_at > (select max(staged._loaded_at) from {{ this }} as staged)
{%- endmacro %}


{% macro default__latest_touched_version(relation, key_columns, order_by) -%}
{{ yibao.ranked_latest(relation, key_columns, order_by,
    'versioned.' ~ key_columns[0] ~ ' in (' ~ yibao.touched_keys(relation, key_columns) ~ ')') }}
{%- endmacro %}


{#- On DuckDB the touched keys' versions are ranked on their key and order columns alone, and only the winners are
    read whole, by rowid: DuckDB reads every column of every row before a semi-join (macros/rows_where.sql). -#}
{% macro duckdb__latest_touched_version(relation, key_columns, order_by) -%}
select
    winners.*,
    cast(1 as bigint) as version_rank
from {{ relation }} as winners
where winners.rowid in (
    select ranked.row_id
    from (
        select
            versioned.rowid as row_id,
            row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_by }}) as version_rank
        from {{ relation }} as versioned
        where versioned.{{ key_columns[0] }} in ({{ yibao.touched_keys(relation, key_columns) }})
    ) as ranked
    where ranked.version_rank = 1
)
{%- endmacro %}
