{#- The latest delivered version of each key (staging's dedupe): every column of `relation`, plus
    version_rank = 1, keeping the row that sorts first by `order_by` within each key.
    since_last_run (in an incremental model): only the keys that rows loaded since the model's last run touch -
    every version of those keys, so the latest still wins - for a delete+insert on the key. -#}
{% macro latest_version(relation, key_columns, order_by, since_last_run=false) -%}
select *
from (
    select
        versioned.*,
        row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_by }}) as version_rank
    from {{ relation }} as versioned
    {%- if since_last_run and is_incremental() %}
    where versioned.{{ key_columns[0] }} in (
        select touched.{{ key_columns[0] }} from {{ relation }} as touched
        where touched._loaded_at > (select max(staged._loaded_at) from {{ this }} as staged)
    )
    {%- endif %}
) as ranked
where version_rank = 1
{%- endmacro %}
