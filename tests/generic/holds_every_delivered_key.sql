{#- Completeness test for the two big facts: every key that a delivered row of `delivered` (a raw extract) names is in
    the model. One row per missing key.
    After it has passed once, it checks only the keys of raw rows loaded since that pass (their _loaded_at against the
    pass's run start; ingest loads before dbt runs, under the nightly's lock). Why that misses nothing: the facts are
    incremental by delete+insert on the key, and such a run deletes only keys that its new rows carry again, so a key
    that was in the model at the last pass stays; a key can be lost only by a run that leaves out a key delivered
    since, which this test sees. When the run wrote a quarter of the model or more (a --full-refresh), every key is
    checked. With nothing recorded (a new warehouse, another engine), every key is checked.
    It reads raw, not the staging views (stg_setl, stg_clct), whose full ranking would cost seconds a night. -#}
{#- Every key (no pass recorded, or a --full-refresh): one anti join of the delivered rows on the model's keys, about
    1 s for 11 M settlements. Since a pass: the few keys delivered since come first, and the model is read only for them
    (0.17 s at 2 M persons, where the anti join hashed every key of the model each night). -#}
{% test holds_every_delivered_key(model, column, delivered) %}
{%- set since = yibao.checked_through_unless_most_written(
    model, yibao.checked_columns('holds_every_delivered_key', {'column': column})) %}
{%- if since is none %}
select distinct
    rows_delivered.{{ column }} as missing_key
from {{ delivered }} as rows_delivered
where not exists (
    select 1 from {{ model }} as stored
    where stored.{{ column }} = rows_delivered.{{ column }}
)
{%- else %}
-- the keys of the rows loaded since the last pass, at {{ since }}
with delivered_keys as (
    select distinct rows_delivered.{{ column }}
    from {{ delivered }} as rows_delivered
    where rows_delivered._loaded_at > {{ yibao.timestamp_literal(since) }}
),

stored as (
    select {{ column }} from {{ model }}
    where {{ column }} in (select {{ column }} from delivered_keys)
)

select delivered_keys.{{ column }} as missing_key
from delivered_keys
left join stored
    on delivered_keys.{{ column }} = stored.{{ column }}
where stored.{{ column }} is null
{%- endif %}
{% endtest %}
