{#- Key test for a view over a raw extract, every delivered version (stg_<extract>__versions): no two rows come from
    the same line of the same file (_file, _row_number), except the rows one line is meant to give, told apart by
    `key`: a back-end contribution detail row gives one clct line per part (typed_load.DETAIL_LINES). It checks the
    deliveries of the rows loaded since the last complete run, each against every row of those deliveries: a line can
    only collide with its own delivery, and grouping every version of the city's biggest extracts would cost seconds a
    night. -#}
{% test unique_lineage_since_last_run(model, key=none) %}
-- depends_on: {{ ref('int_scope__run') }} (the clock)
select
    _file,
    _row_number,
    count(*) as n_rows
from {{ model }}
where _delivery_date in (
    select loaded._delivery_date from {{ model }} as loaded
    where loaded._loaded_at > (select loaded_since from {{ ref('int_scope__run') }})
)
group by _file, _row_number{% if key %}, {{ key }}{% endif %}
having count(*) > 1
{% endtest %}
