{#- The latest delivered version of each key (staging's dedupe): every column of `relation`, plus
    version_rank = 1, keeping the row that sorts first by `order_by` within each key. -#}
{% macro latest_version(relation, key_columns, order_by) -%}
select *
from (
    select
        versioned.*,
        row_number() over (partition by {{ key_columns | join(', ') }} order by {{ order_by }}) as version_rank
    from {{ relation }} as versioned
) as ranked
where version_rank = 1
{%- endmacro %}
