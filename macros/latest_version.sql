{#- The latest delivered version of each key (staging's dedupe): every column of `relation`, plus
    version_rank = 1, keeping the row that sorts first by `order_by` within each key.
    since_last_run (in an incremental model): only the keys that rows loaded since the model's last run touch -
    every version of those keys, so the latest still wins - for a delete+insert on the key. -#}
{% macro latest_version(relation, key_columns, order_by, since_last_run=false) -%}
{%- if since_last_run and is_incremental() -%}
{{ yibao.latest_of_keys(relation, key_columns, order_by, yibao.touched_keys(relation, key_columns)) }}
{%- else -%}
{{ yibao.ranked_latest(relation, key_columns, order_by) }}
{%- endif %}
{%- endmacro %}


{#- The order that makes a delivered version the latest: the source system's update time, then the later delivery, then
    the later row of the file. Staging's dedupe and the facts' nightly reads rank by it. -#}
{% macro latest_first() -%}
updt_time desc, _delivery_date desc, _row_number desc
{%- endmacro %}


{#- The latest delivered version of each key of `relation` that `keys` (a select of key_columns[0]) names, every column:
    for the few keys a nightly touched. fct_settlement and fct_contribution read their night's rows this way from the
    raw extract; their staging views rank the same way, but over every key. -#}
{% macro latest_of_keys(relation, key_columns, order_by, keys) -%}
{{ yibao.ranked_latest(relation, key_columns, order_by, 'versioned.' ~ key_columns[0] ~ ' in (' ~ keys ~ ')') }}
{%- endmacro %}


{#- The keys loaded since the model's last run (by the _loaded_at it stores): a select of key_columns[0]. -#}
{% macro touched_keys(relation, key_columns) -%}
select touched.{{ key_columns[0] }} from {{ relation }} as touched
where touched._loaded_at > (select max(staged._loaded_at) from {{ this }} as staged)
{%- endmacro %}


{#- The latest version of each key among the rows of `relation` where `condition` holds (all rows without one).
    `condition` names the columns as versioned.<column>. -#}
{% macro ranked_latest(relation, key_columns, order_by, condition=none) -%}
    {{ return(adapter.dispatch('ranked_latest', 'yibao')(relation, key_columns, order_by, condition)) }}
{%- endmacro %}

{#- Every version of `relation` (where `condition` holds) with its version_rank, selecting `selected` beside it:
    the ranking both dispatches of ranked_latest share. -#}
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
    rowid. A window over the whole rows carries every column through its sort: the full dedupe of 11.5 M settlements
    of 40 columns took 14.4 s that way against 9.3 s this way (docs/PERFORMANCE.md). In a nightly it also keeps
    DuckDB from reading every column of every row before the semi-join on the touched keys.
    `relation` must be a table that nothing deletes from while the run reads it: the raw extracts, which only ingest
    appends to, before dbt runs. A table rewritten during the run lost rows read this way (macros/rows_where.sql). -#}
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
