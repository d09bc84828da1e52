{#- The latest delivered version of each key (staging's dedupe): every column of `relation`, plus version_rank = 1,
    keeping the row that sorts first by `order_by` within each key.
    since_last_run (in an incremental staging model): only the keys that rows loaded since the model's own last run
    touch (max(_loaded_at) of the stored table), every version of those keys, so the latest still wins - for a
    delete+insert on the key. -#}
{% macro latest_version(relation, key_columns, order_by, since_last_run=false) -%}
{%- set condition = none -%}
{%- if since_last_run and is_incremental() -%}
    {%- set condition = 'versioned.' ~ key_columns[0] ~ ' in (select touched.' ~ key_columns[0] ~ ' from ' ~ relation
        ~ ' as touched where touched._loaded_at > (select max(staged._loaded_at) from ' ~ this ~ ' as staged))' -%}
{%- endif -%}
{{ return(adapter.dispatch('ranked_latest', 'yibao')(relation, key_columns, order_by, condition)) }}
{%- endmacro %}


{#- The order that makes a delivered version the latest: the source system's update time, then the later delivery, then
    the later row of the file. -#}
{% macro latest_first() -%}
updt_time desc, _delivery_date desc, _row_number desc
{%- endmacro %}


{#- Every version of `relation` (where `condition` holds) with its version_rank, selecting `selected` beside it. -#}
{% macro ranked_versions(relation, key_columns, order_by, condition, selected) -%}
select
    {{ selected }},
    row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_by }}) as version_rank
from {{ relation }} as versioned
{%- if condition %}
where {{ condition }}
{%- endif %}
{%- endmacro %}

{% macro default__ranked_latest(relation, key_columns, order_by, condition) -%}
select *
from (
    {{ yibao.ranked_versions(relation, key_columns, order_by, condition, 'versioned.*') }}
) as ranked
where version_rank = 1
{%- endmacro %}


{#- On DuckDB the versions are ranked on their key and order columns alone, and only the winners are read whole, by
    rowid: a window over the whole rows carries every column through its sort (the full dedupe of 11.5 M settlements
    of 40 columns took 14.4 s that way against 9.3 s this way, docs/PERFORMANCE.md). `relation` must be a raw extract,
    which only ingest appends to, before dbt runs: a table rewritten during the run lost rows read by rowid. -#}
{% macro duckdb__ranked_latest(relation, key_columns, order_by, condition) -%}
select
    winners.*,
    cast(1 as bigint) as version_rank
from {{ relation }} as winners
where winners.rowid in (
    select ranked.row_id
    from (
        {{ yibao.ranked_versions(relation, key_columns, order_by, condition, 'versioned.rowid as row_id') }}
    ) as ranked
    where ranked.version_rank = 1
)
{%- endmacro %}
